"""Each dbt Python model's model() runs unchanged on PySpark DataFrames, as on Databricks.

dbt-spark runs Python models only on Databricks, so here a stand-in `dbt` object hands each model
PySpark DataFrames from the local Spark build (and, for a Python parent, that model's output as a
Spark DataFrame), with the config dbt gave the model in the DuckDB build. The outputs must equal the
DuckDB build's tables.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from tests.conftest import PROJECT_ROOT
from tests.spark_frames import assert_same_rows

pytestmark = pytest.mark.spark

# In dependency order, with the columns that order each output's rows. viewer_snapshot is left out:
# it publishes DuckDB files for the viewer and is enabled only on DuckDB.
PYTHON_MODELS = {
    "segmentation/segment_model.py": ["cluster_id"],
    "segmentation/segment_profiles.py": ["segment"],
    "segmentation/segment_k_diagnostics.py": ["k"],
    "recommendations/recommendation_evaluation_folds.py": ["candidate", "fold"],
    "recommendations/item_model.py": ["product_key", "neighbour_key"],
    "recommendations/customer_recommendations.py": ["customer_id", "rank"],
}


class SparkDbt:
    """The slice of dbt's Python-model API the models use: ref(), config.get(), on Spark."""

    def __init__(self, spark, config: dict, python_outputs: dict[str, pd.DataFrame]):
        self.spark = spark
        self.config = config
        self.python_outputs = python_outputs

    def ref(self, name: str):
        if name in self.python_outputs:
            # A Python parent: on Databricks, dbt saves its returned frame as a table.
            table = pa.Table.from_pandas(self.python_outputs[name], preserve_index=False)
            return self.spark.createDataFrame(table)
        return self.spark.table(f"shopper_spectrum.{name}")


def load_model(relative_path: str):
    path = PROJECT_ROOT / "models_py" / relative_path
    spec = importlib.util.spec_from_file_location(f"spark_model_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def spark_outputs(spark, sample_build) -> dict[str, pd.DataFrame]:
    # customer_segments and recommendation_evaluation are SQL downstream of Python models, which
    # a local Spark session cannot run: their readers get them as the DuckDB build made them.
    outputs: dict[str, pd.DataFrame] = {
        name: sample_build.frame(f"select * from {name}")
        for name in ("customer_segments", "recommendation_evaluation")
    }
    for relative_path in PYTHON_MODELS:
        name = Path(relative_path).stem
        dbt = SparkDbt(spark, sample_build.manifest_config(name), outputs)
        outputs[name] = load_model(relative_path).model(dbt, spark)
    return outputs


@pytest.mark.parametrize("relative_path", list(PYTHON_MODELS))
def test_python_model_on_spark_dataframes_equals_the_duckdb_build(
    relative_path, spark_outputs, sample_build
):
    name = Path(relative_path).stem
    output = spark_outputs[name]
    assert isinstance(output, pd.DataFrame)
    assert list(output.columns) == [column.lower() for column in output.columns]
    assert len(output) > 0
    duckdb_table = sample_build.frame(f"select * from {name}")
    assert_same_rows(duckdb_table, output, PYTHON_MODELS[relative_path])
