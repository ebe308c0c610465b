"""Inertia and sampled silhouette for k = 2..8, so the choice of k is visible."""

from shopper_spectrum.frames import to_pandas
from shopper_spectrum.segmentation.diagnostics import k_diagnostics


def model(dbt, session):
    rfm = to_pandas(dbt.ref("fct_customer_rfm"))
    return k_diagnostics(rfm, random_state=int(dbt.config.get("segment_random_state")))
