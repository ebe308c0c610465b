"""Where dbt looks for the `spark_session` adapter (profile type: spark_session); the adapter itself
is shopper_spectrum.spark_session."""

from pathlib import Path

from dbt.adapters.base import AdapterPlugin

from shopper_spectrum.spark_session import SessionSparkCredentials, Spark_SessionAdapter

Plugin = AdapterPlugin(
    adapter=Spark_SessionAdapter,
    credentials=SessionSparkCredentials,
    # An empty dbt package: dbt-spark's macros and materializations serve (the dependency).
    include_path=str(Path(__file__).parents[2] / "include" / "spark_session"),
    dependencies=["spark"],
)
