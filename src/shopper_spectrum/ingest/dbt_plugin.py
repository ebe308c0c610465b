"""dbt-duckdb source plugin: `meta: {plugin: raw_exports, raw_path: ...}` loads raw exports."""

from __future__ import annotations

import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from dbt.adapters.duckdb.utils import SourceConfig
from dbt_common.exceptions import DbtRuntimeError

from shopper_spectrum.ingest.errors import RawInputError
from shopper_spectrum.ingest.readers import read_raw_exports


class Plugin(BasePlugin):
    def load(self, source_config: SourceConfig) -> pa.RecordBatchReader:
        raw_path = source_config.get("raw_path")
        if raw_path is None:
            raise DbtRuntimeError(
                f"source {source_config.name}.{source_config.identifier} uses the raw_exports "
                "plugin but sets no meta.raw_path"
            )
        try:
            return read_raw_exports(str(raw_path))
        except RawInputError as error:
            # dbt prints a DbtRuntimeError as one readable line instead of a traceback.
            raise DbtRuntimeError(f"Raw input error: {error}") from None
