"""dbt-spark with a `session` Python submission method: the `spark_session` adapter.

dbt-spark runs SQL models on a local Spark session (its `session` connection method) but submits
Python models only to Databricks clusters. This adapter is dbt-spark with one addition: a Python
model runs in the build's own SparkSession, on the machine running dbt, so `dbt build` on local
Spark builds every model. Everything else — SQL models, macros, materializations — is dbt-spark's
(the plugin depends on it, and dispatch falls back to its `spark__` macros). On Databricks, use
type `spark` or `databricks` and their own submission methods instead (docs/spark.md).

dbt finds the plugin as `dbt.adapters.spark_session` (src/dbt/adapters/spark_session).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any

from dbt.adapters.base import PythonJobHelper
from dbt.adapters.contracts.connection import Connection
from dbt.adapters.spark import SparkAdapter, SparkCredentials
from dbt.adapters.spark.connections import SparkConnectionManager

ADAPTER_TYPE = "spark_session"


@dataclass
class SessionSparkCredentials(SparkCredentials):
    """dbt-spark's credentials (method: session), under this adapter's type."""

    @property
    def type(self) -> str:
        return ADAPTER_TYPE


class SessionSparkConnectionManager(SparkConnectionManager):
    TYPE = ADAPTER_TYPE

    @classmethod
    def open(cls, connection: Connection) -> Connection:
        # Executors run the Python models' grouped functions: with dbt's own interpreter (and
        # so this project's packages), unless the user chose another.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        return super().open(connection)


class SessionPythonJobHelper(PythonJobHelper):
    """Runs a compiled Python model in the SparkSession the build's SQL runs in."""

    def __init__(self, parsed_model: dict, credentials: SessionSparkCredentials) -> None:
        self.model_name = f"{parsed_model['schema']}.{parsed_model['alias']}"
        self.server_side_parameters = credentials.server_side_parameters

    def submit(self, compiled_code: str) -> None:
        from pyspark.sql import SparkSession  # noqa: PLC0415 (pyspark: the spark group only)

        # dbt-spark's session cursor builds the session with these parameters; getOrCreate
        # returns that same session.
        builder = SparkSession.builder.enableHiveSupport()
        for name, value in self.server_side_parameters.items():
            builder = builder.config(name, value)
        spark = builder.getOrCreate()
        code = compile(compiled_code, f"<python model {self.model_name}>", "exec")
        exec(code, {"__name__": f"dbt_python_model_{self.model_name}", "spark": spark})


# dbt finds an adapter's version module by its class name: <name>Adapter, lower-cased.
class Spark_SessionAdapter(SparkAdapter):
    ConnectionManager = SessionSparkConnectionManager

    @property
    def default_python_submission_method(self) -> str:
        return "session"

    @property
    def python_submission_helpers(self) -> dict[str, type[PythonJobHelper]]:
        return {**super().python_submission_helpers, "session": SessionPythonJobHelper}

    def generate_python_submission_response(self, submission_result: Any):
        return self.connections.get_response(None)
