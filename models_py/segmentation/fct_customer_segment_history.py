"""Every customer's segment at every monthly snapshot, by the current model (see segmentation.history)."""

from shopper_spectrum.frames import to_pandas
from shopper_spectrum.segmentation.history import segment_history
from shopper_spectrum.segmentation.model import model_from_table


def model(dbt, session):
    snapshots = to_pandas(dbt.ref("int_customer_rfm_snapshots"))
    fitted = model_from_table(to_pandas(dbt.ref("segment_model")))
    return segment_history(snapshots, fitted)
