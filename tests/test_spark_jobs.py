"""On Spark the recommendation models' heavy work runs on the executors: the pair counts, the
purchase history and the scores never reach the driver, and the results do not depend on how
many buckets the rows are spread over."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from shopper_spectrum.frames import filtered, selected, to_pandas
from shopper_spectrum.recommend import (
    CandidateGrid,
    ScoringSettings,
    chosen_candidate,
    item_model_candidate,
    jobs,
    reuse,
)
from tests.spark_frames import assert_same_rows

pytestmark = pytest.mark.spark

# What the jobs may collect on the driver: each Gram's diagonal (λ's unit) and the folds'
# popularity, both one row per product at most.
SMALL_COLUMN_SETS = [
    {"fold", "count_unit", "co_count"},
    {"fold", "product_key", "customers", "recent_customers"},
]


@pytest.fixture
def collected(monkeypatch, spark) -> list[set[str]]:
    """The columns of every table a Spark job hands to the driver while the test runs."""
    # The class of the session's frames (PySpark 4's classic DataFrame overrides the methods of
    # pyspark.sql.DataFrame, so patching that would see nothing).
    frames = type(spark.range(1))
    seen: list[set[str]] = []
    for method in ("toArrow", "toPandas", "collect"):
        original = getattr(frames, method)

        def recording(self, *args, _original=original, **kwargs):
            seen.append(set(self.columns))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(frames, method, recording)
    return seen


@pytest.fixture
def seven_buckets(spark):
    """Rows spread over 7 buckets (the spark build used 4)."""
    before = spark.conf.get("spark.sql.shuffle.partitions")
    spark.conf.set("spark.sql.shuffle.partitions", "7")
    yield
    spark.conf.set("spark.sql.shuffle.partitions", before)


def table(spark, name: str):
    return spark.table(f"shopper_spectrum.{name}")


def settings_of(sample_build) -> tuple[CandidateGrid, ScoringSettings]:
    config = sample_build.manifest_config("recommendation_evaluation_folds")["recommender"]
    return CandidateGrid.from_config(config), ScoringSettings.from_config(config)


def test_evaluation_folds_collect_only_small_tables(spark, sample_build, seven_buckets, collected):
    grid, settings = settings_of(sample_build)
    training_sets = reuse.fold_keys(
        sample_build.frame("select * from int_recommendation_training_sets where fold > 0"),
        grid,
        settings,
    )
    folds = jobs.evaluation_folds(
        training_sets,
        gram=filtered(table(spark, "int_item_neighbourhood_pairs"), "fold > 0"),
        neighbours=filtered(table(spark, "int_item_neighbours"), "fold > 0"),
        popularity=filtered(table(spark, "int_product_popularity"), "fold > 0"),
        fold_customers=filtered(table(spark, "int_recommendation_fold_customers"), "fold > 0"),
        grid=grid,
        settings=settings,
    )
    driver_side = list(collected)
    assert SMALL_COLUMN_SETS[0] in driver_side  # the recording sees the driver's collects
    assert all(columns in SMALL_COLUMN_SETS for columns in driver_side), driver_side
    assert_same_rows(
        sample_build.frame("select * from recommendation_evaluation_folds"),
        to_pandas(folds),
        ["candidate", "fold"],
    )


def test_item_model_and_recommendations_collect_only_small_tables(
    spark, sample_build, seven_buckets, collected
):
    grid, settings = settings_of(sample_build)
    evaluation = sample_build.frame("select * from recommendation_evaluation")
    codes = sample_build.frame("select * from int_product_keys").set_index("product_key")
    fitted = item_model_candidate(evaluation, grid)
    unit = f"fold = 0 and count_unit = '{fitted.count_unit}'"
    item_model = jobs.item_model(
        filtered(table(spark, "int_item_neighbourhood_pairs"), unit),
        filtered(table(spark, "int_item_neighbours"), f"{unit} and rank <= {fitted.neighbours}"),
        fitted.l2_multiple,
        codes["product_code"],
    )
    candidate = chosen_candidate(evaluation, grid)
    recommendations = jobs.customer_recommendations(
        selected(
            table(spark, "int_customer_product_history"),
            ["customer_id", "product_key", "last_purchased_at"],
        ),
        weights=sample_build.frame(
            "select product_key, neighbour_key, weight from item_model where weight > 0"
        ),
        popularity=sample_build.frame("select * from int_product_popularity where fold = 0"),
        codes=codes["product_code"],
        as_of=pd.Timestamp(sample_build.scalar("select as_of_date from int_as_of_date")),
        candidate=candidate,
        settings=settings,
    )
    driver_side = list(collected)
    assert SMALL_COLUMN_SETS[0] in driver_side  # the recording sees the driver's collects
    assert all(columns in SMALL_COLUMN_SETS for columns in driver_side), driver_side
    assert_same_rows(
        sample_build.frame("select * from item_model"),
        to_pandas(item_model),
        ["product_key", "neighbour_key"],
    )
    assert_same_rows(
        sample_build.frame("select * from customer_recommendations"),
        to_pandas(recommendations),
        ["customer_id", "rank"],
    )


@pytest.mark.parametrize(
    "grid_vars",
    [
        {"count_units": "['customer']", "popularity_shares": "[0, 0.5]"},
        {"count_units": "['basket']", "popularity_shares": "[1]"},
    ],
    ids=["customers-only", "popularity-only"],
)
def test_evaluation_folds_of_other_grids_equal_on_both_engines(spark, sample_build, grid_vars):
    """Grids the build did not run: one whose item models count customers only (baskets are
    still counted, for the fallback), and popularity alone (no item model to fit)."""
    config = sample_build.manifest_config("recommendation_evaluation_folds")["recommender"]
    config = {**config, **grid_vars}
    grid, settings = CandidateGrid.from_config(config), ScoringSettings.from_config(config)
    training_sets = sample_build.frame(
        "select * from int_recommendation_training_sets where fold > 0"
    )
    inputs = {
        "gram": "int_item_neighbourhood_pairs",
        "neighbours": "int_item_neighbours",
        "popularity": "int_product_popularity",
        "fold_customers": "int_recommendation_fold_customers",
    }
    on_spark = jobs.evaluation_folds(
        training_sets,
        **{name: filtered(table(spark, model), "fold > 0") for name, model in inputs.items()},
        grid=grid,
        settings=settings,
    )
    with duckdb.connect(str(sample_build.database), read_only=True) as con:
        on_duckdb = jobs.evaluation_folds(
            training_sets,
            **{
                name: con.sql(f"select * from {model} where fold > 0")
                for name, model in inputs.items()
            },
            grid=grid,
            settings=settings,
        )
    assert len(on_duckdb) > 0
    assert_same_rows(on_duckdb, to_pandas(on_spark), ["candidate", "fold"])
