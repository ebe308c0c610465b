"""Read-only access to a published build for the Streamlit viewer (no Streamlit imports here)."""

from shopper_spectrum.viewer.data import (
    BuildData,
    MissingBuildError,
    default_database_path,
    latest_snapshot,
    open_latest_build,
)

__all__ = [
    "BuildData",
    "MissingBuildError",
    "default_database_path",
    "latest_snapshot",
    "open_latest_build",
]
