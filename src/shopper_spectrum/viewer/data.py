"""Queries the viewer runs against the newest published snapshot of a build.

Every value the viewer shows comes from a table the build made; every query is parameterised (no
user text is formatted into SQL); each query uses its own cursor, as DuckDB refuses concurrent
calls on one connection.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from shopper_spectrum.publish import published_snapshots

BUILD_COMMAND = "uv run dbt build"


class MissingBuildError(RuntimeError):
    """No published build, or one without a table the viewer needs: says which command to run."""


def default_database_path() -> Path:
    """The database dbt builds, from the same setting as profiles.yml: SHOPPER_SPECTRUM_DB, a
    relative path read from the folder the viewer runs in, as dbt reads it from where dbt runs."""
    return Path(os.environ.get("SHOPPER_SPECTRUM_DB", "shopper_spectrum.duckdb")).absolute()


def latest_snapshot(database_path: str | Path | None = None) -> Path:
    """The newest published snapshot of the database, or a MissingBuildError saying what to run."""
    database_path = Path(database_path or default_database_path())
    snapshots = published_snapshots(database_path)
    if not snapshots:
        raise MissingBuildError(
            f"No build has been published for {database_path.name} yet. Run `{BUILD_COMMAND}` in the "
            "project folder, then reload this page."
        )
    return snapshots[0]


def open_latest_build(database_path: str | Path | None = None) -> BuildData:
    return BuildData.open(latest_snapshot(database_path))


@dataclass
class BuildData:
    snapshot: Path
    connection: duckdb.DuckDBPyConnection

    @classmethod
    def open(cls, snapshot: Path) -> BuildData:
        """Published snapshots are never written again, so a read-only connection may stay open."""
        return cls(snapshot, duckdb.connect(str(snapshot), read_only=True))

    def query(self, sql: str, params: list | tuple | None = None) -> pd.DataFrame:
        cursor = self.connection.cursor()
        try:
            return cursor.execute(sql, list(params or [])).df()
        except duckdb.CatalogException as error:
            raise MissingBuildError(
                f"The published build lacks something the viewer needs ({str(error).splitlines()[0]}). "
                f"Run `{BUILD_COMMAND}` to rebuild it, then reload this page."
            ) from error
        finally:
            cursor.close()

    # Home ---------------------------------------------------------------------------------
    def kpis(self) -> dict:
        row = self.query(
            """
            select
                (select count(*) from fct_customer_rfm) as customers,
                (select coalesce(sum(frequency), 0) from fct_customer_rfm) as orders,
                (select coalesce(sum(monetary), 0) from fct_customer_rfm) as revenue,
                (select count(*) from dim_products) as products,
                (select as_of_date from dim_snapshot_dates where months_back = 0) as as_of_date,
                (select max(published_at) from build_info) as published_at
            """
        ).iloc[0]
        return row.to_dict()

    def segment_profiles(self) -> pd.DataFrame:
        return self.query(
            "select * exclude (cluster_id) from segment_profiles order by revenue desc"
        )

    def customer_rfm_sample(self, customers: int = 5_000) -> pd.DataFrame:
        """Segmented customers for distribution charts; a deterministic sample on large builds."""
        return self.query(
            """
            select segment, recency_days, frequency, monetary
            from customer_segments
            where segment is not null
            order by hash(customer_id)
            limit ?
            """,
            [customers],
        )

    # Segmentation -----------------------------------------------------------------------------
    def predict_segment(self, recency_days: float, frequency: float, monetary: float) -> str | None:
        result = self.query(
            "select predict_segment(?::double, ?::double, ?::double) as segment",
            [recency_days, frequency, monetary],
        )
        return result["segment"].iloc[0] if pd.notna(result["segment"].iloc[0]) else None

    def segment_profile(self, segment: str) -> dict | None:
        rows = self.query("select * from segment_profiles where segment = ?", [segment])
        return None if rows.empty else rows.iloc[0].to_dict()

    def customer(self, customer_id: str) -> dict | None:
        rows = self.query(
            """
            select
                rfm.customer_id, rfm.recency_days, rfm.frequency, rfm.monetary, rfm.customer_status,
                rfm.r_score, rfm.f_score, rfm.m_score, rfm.rfm_segment, rfm.first_purchase_at,
                rfm.last_purchase_at, rfm.revenue_previous_90_days, segments.segment,
                segments.distance_to_centroid
            from fct_customer_rfm as rfm
            left join customer_segments as segments on rfm.customer_id = segments.customer_id
            where rfm.customer_id = ?
            """,
            [customer_id],
        )
        return None if rows.empty else rows.iloc[0].to_dict()

    def customer_recommendations(self, customer_id: str) -> pd.DataFrame:
        return self.query(
            """
            select
                recs.rank,
                recs.product_code,
                recommended.description,
                recs.score,
                recs.reason,
                recs.because_you_bought,
                case
                    when recs.reason = 'bought_with' then coalesce(bought.description, recs.because_you_bought)
                    else 'Popular now (a best-seller they have not bought)'
                end as because_description
            from customer_recommendations as recs
            left join dim_products as recommended on recs.product_code = recommended.product_code
            left join dim_products as bought on recs.because_you_bought = bought.product_code
            where recs.customer_id = ?
            order by recs.rank
            """,
            [customer_id],
        )

    def segment_members(self, segment: str, recommendations: int = 3) -> pd.DataFrame:
        """A segment's customers, biggest spenders first, with their top recommendations (wide,
        one row per customer, as marketing tools import lists)."""
        recommended = ",\n".join(
            f"max(case when recs.rank = {n} then recs.product_code end) as recommendation_{n}_code, "
            f"max(case when recs.rank = {n} then products.description end) as recommendation_{n}"
            for n in range(1, recommendations + 1)
        )
        return self.query(
            f"""
            with top_recommendations as (
                select
                    recs.customer_id,
                    {recommended}
                from customer_recommendations as recs
                left join dim_products as products on recs.product_code = products.product_code
                where recs.rank <= ?
                group by recs.customer_id
            )
            select
                segments.customer_id, segments.segment, rfm.recency_days, rfm.frequency,
                rfm.monetary, rfm.revenue_previous_90_days, rfm.rfm_segment,
                rfm.last_purchase_at, top_recommendations.* exclude (customer_id)
            from customer_segments as segments
            inner join fct_customer_rfm as rfm on segments.customer_id = rfm.customer_id
            left join top_recommendations on segments.customer_id = top_recommendations.customer_id
            where segments.segment = ?
            order by rfm.monetary desc, segments.customer_id
            """,
            [recommendations, segment],
        )

    def customer_history(self, customer_id: str) -> pd.DataFrame:
        return self.query(
            """
            select as_of_date, segment_label as segment, rfm_segment_label as rfm_segment,
                   recency_days, frequency, monetary, revenue_previous_90_days
            from fct_customer_segment_history
            where customer_id = ?
            order by as_of_date
            """,
            [customer_id],
        )

    # Segment movement -------------------------------------------------------------------------
    def snapshot_dates(self) -> pd.DataFrame:
        return self.query("select * from dim_snapshot_dates order by months_back desc")

    def transitions(
        self, segmentation: str, from_months_back: int, to_months_back: int
    ) -> pd.DataFrame:
        return self.query(
            """
            select from_segment, to_segment, is_move, customers, share_of_from_segment,
                   revenue_90_days_before_from, revenue_90_days_before_to
            from segment_transitions
            where segmentation = ? and from_months_back = ? and to_months_back = ?
            order by revenue_90_days_before_from desc, customers desc, from_segment, to_segment
            """,
            [segmentation, from_months_back, to_months_back],
        )

    def transition_customers(
        self,
        segmentation: str,
        from_months_back: int,
        to_months_back: int,
        from_segment: str,
        to_segment: str,
    ) -> pd.DataFrame:
        """The customers of one transition, most revenue at stake first: RFM then and now."""
        label = _label_column(segmentation)
        return self.query(
            f"""
            select
                earlier.customer_id,
                earlier.{label} as from_segment,
                later.{label} as to_segment,
                earlier.revenue_previous_90_days as revenue_90_days_before_from,
                later.revenue_previous_90_days as revenue_90_days_before_to,
                earlier.recency_days as recency_days_before,
                later.recency_days as recency_days_now,
                earlier.frequency as frequency_before,
                later.frequency as frequency_now,
                earlier.monetary as monetary_before,
                later.monetary as monetary_now
            from fct_customer_segment_history as earlier
            inner join fct_customer_segment_history as later
                on earlier.customer_id = later.customer_id
            where earlier.months_back = ? and later.months_back = ?
                and earlier.{label} = ? and later.{label} = ?
            order by earlier.revenue_previous_90_days desc, earlier.customer_id
            """,
            [from_months_back, to_months_back, from_segment, to_segment],
        )

    def segment_sizes(self, segmentation: str) -> pd.DataFrame:
        """Customers per segment at every snapshot date."""
        label = _label_column(segmentation)
        return self.query(
            f"""
            select as_of_date, {label} as segment, count(*) as customers
            from fct_customer_segment_history
            group by as_of_date, {label}
            order by as_of_date, {label}
            """
        )

    # Recommendation ---------------------------------------------------------------------------
    def products(self) -> pd.DataFrame:
        return self.query(
            "select product_code, description from dim_products order by popularity_rank, product_code"
        )

    def product(self, product_code: str) -> dict | None:
        rows = self.query("select * from dim_products where product_code = ?", [product_code])
        return None if rows.empty else rows.iloc[0].to_dict()

    def similar_products(self, product_code: str, top_n: int = 10) -> pd.DataFrame:
        return self.query(
            """
            select
                neighbours.rank,
                neighbours.similar_product_code as product_code,
                products.description,
                neighbours.confidence,
                neighbours.co_baskets,
                neighbours.support,
                neighbours.lift
            from product_similarity as neighbours
            left join dim_products as products on neighbours.similar_product_code = products.product_code
            where neighbours.product_code = ? and neighbours.rank <= ?
            order by neighbours.rank
            """,
            [product_code, top_n],
        )

    def max_similar_products(self) -> int:
        return int(
            self.query("select coalesce(max(rank), 0) as n from product_similarity")["n"].iloc[0]
        )

    # Data quality -----------------------------------------------------------------------------
    def audit(self) -> pd.DataFrame:
        return self.query(
            "select disposition, disposition_reason, lines, quantity, amount, example_rows "
            "from audit_source_rows order by lines desc"
        )

    def orders(self) -> dict:
        """How orders were told apart, and whether they look like orders (audit_orders)."""
        return self.query("select * from audit_orders").iloc[0].to_dict()

    def evaluation(self) -> pd.DataFrame:
        """Every candidate recommender the build evaluated, the most precise first."""
        return self.query(
            "select * from recommendation_evaluation order by precision_at_k desc, candidate"
        )

    def evaluation_folds(self) -> pd.DataFrame:
        return self.query(
            "select * from recommendation_evaluation_folds order by training_cutoff, candidate"
        )

    def row_counts(self) -> pd.DataFrame:
        return self.query(
            """
            select table_name as "table", estimated_size as "rows"
            from duckdb_tables()
            where database_name = current_database()
            order by table_name
            """
        )

    def k_diagnostics(self) -> pd.DataFrame:
        return self.query("select k, inertia, silhouette from segment_k_diagnostics order by k")


def _label_column(segmentation: str) -> str:
    """fct_customer_segment_history's label column of a segmentation ('cluster' or 'rfm')."""
    return "segment_label" if segmentation == "cluster" else "rfm_segment_label"
