"""Customer segmentation: log-scaled RFM, KMeans, and segment names derived from the centroids."""

from shopper_spectrum.segmentation.model import SegmentModel, fit_segment_model
from shopper_spectrum.segmentation.naming import (
    HIGH_RISK,
    HIGH_VALUE,
    OCCASIONAL,
    REGULAR,
    SEGMENT_NAMES,
    base_segment_name,
    name_clusters,
)

__all__ = [
    "HIGH_RISK",
    "HIGH_VALUE",
    "OCCASIONAL",
    "REGULAR",
    "SEGMENT_NAMES",
    "SegmentModel",
    "base_segment_name",
    "fit_segment_model",
    "name_clusters",
]
