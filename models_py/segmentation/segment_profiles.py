"""Per-segment size, shares, R/F/M medians and ranges, and a plain-language explanation."""

from shopper_spectrum.frames import to_pandas
from shopper_spectrum.segmentation.profiles import profile_segments


def model(dbt, session):
    return profile_segments(to_pandas(dbt.ref("customer_segments")))
