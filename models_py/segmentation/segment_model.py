"""Fits log-RFM + StandardScaler + KMeans; one row per cluster with its name, centroid and scaler.

No rows when fewer customers than segments have net spend (the build warns; nobody is segmented).
"""

from shopper_spectrum.frames import to_pandas
from shopper_spectrum.segmentation.model import fit_model_table


def model(dbt, session):
    rfm = to_pandas(dbt.ref("fct_customer_rfm"))
    k = int(dbt.config.get("segment_k"))
    random_state = int(dbt.config.get("segment_random_state"))
    n_init = int(dbt.config.get("segment_n_init"))
    return fit_model_table(rfm, k=k, random_state=random_state, n_init=n_init)
