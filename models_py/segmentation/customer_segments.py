"""Every customer's segment: the nearest centroid of segment_model (same arithmetic as predict_segment)."""

from shopper_spectrum.frames import to_pandas
from shopper_spectrum.segmentation.model import assign_segments, model_from_table


def model(dbt, session):
    rfm = to_pandas(dbt.ref("fct_customer_rfm"))
    fitted = model_from_table(to_pandas(dbt.ref("segment_model")))
    return assign_segments(rfm, fitted)
