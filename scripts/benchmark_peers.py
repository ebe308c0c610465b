"""The peers `benchmark_build.py --compare` times, each run in its own process on the same export.

python scripts/benchmark_peers.py seed path/to/export.parquet
python scripts/benchmark_peers.py implicit path/to/export.parquet
"""

from __future__ import annotations

import sys

import duckdb
import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.metrics.pairwise import cosine_similarity
from sklearn.preprocessing import StandardScaler

VALID_LINES = """
    select cast(CustomerID as varchar) as customer_id, upper(StockCode) as product_code,
           InvoiceNo as invoice_id, Quantity as quantity, UnitPrice as unit_price,
           coalesce(try_strptime(InvoiceDate, '%m/%d/%y %H:%M'), try_cast(InvoiceDate as timestamp)) as invoiced_at
    from read_parquet(?)
    where CustomerID is not null and not starts_with(InvoiceNo, 'C') and Quantity > 0 and UnitPrice > 0
"""


def seed_approach(export: str) -> None:
    """The seed notebook's way: dense pivot, cosine_similarity, argsort top-N; StandardScaler + KMeans."""
    lines = duckdb.execute(VALID_LINES, [export]).df()
    matrix = lines.pivot_table(
        index="customer_id", columns="product_code", values="quantity", aggfunc="sum", fill_value=0
    )
    similarity = cosine_similarity(matrix.T)
    np.argsort(-similarity, axis=1)[:, 1:11]
    lines["amount"] = lines["quantity"] * lines["unit_price"]
    rfm = lines.groupby("customer_id").agg(
        recency=("invoiced_at", "max"),
        frequency=("invoice_id", "nunique"),
        monetary=("amount", "sum"),
    )
    rfm["recency"] = (rfm["recency"].max() - rfm["recency"]).dt.days
    KMeans(n_clusters=4, n_init=10, random_state=42).fit(StandardScaler().fit_transform(rfm))


def implicit_cosine(export: str) -> None:
    """implicit's CosineRecommender: fit on the customer x item matrix, similar_items for every item."""
    # implicit is in the optional benchmark dependency group, so it is imported only here.
    from implicit.nearest_neighbours import CosineRecommender  # noqa: PLC0415

    lines = duckdb.execute(
        f"select customer_id, product_code, count(*) as n from ({VALID_LINES}) group by all",
        [export],
    ).df()
    customers, customer_index = np.unique(lines["customer_id"], return_inverse=True)
    products, product_index = np.unique(lines["product_code"], return_inverse=True)
    matrix = sp.csr_matrix(
        (lines["n"].to_numpy(dtype=np.float32), (customer_index, product_index)),
        shape=(len(customers), len(products)),
    )
    model = CosineRecommender(K=11)
    model.fit(matrix, show_progress=False)
    model.similar_items(np.arange(len(products)), N=11)


if __name__ == "__main__":
    kind, export = sys.argv[1], sys.argv[2]
    {"seed": seed_approach, "implicit": implicit_cosine}[kind](export)
