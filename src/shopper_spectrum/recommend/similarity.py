"""Product-to-product similarity from co-occurrence pairs, top-N per product, never the product itself."""

from __future__ import annotations

import numpy as np
import pandas as pd

# measure -> (co-occurrence count it is based on, formula on the pair columns)
MEASURES = {
    "customer_jaccard": "customers",
    "customer_cosine": "customers",
    "basket_cosine": "baskets",
    "basket_jaccard": "baskets",
    "lift": "baskets",
}


def pair_similarity(pairs: pd.DataFrame, measure: str) -> np.ndarray:
    """The chosen measure for each pair row of fct_item_cooccurrence."""
    if measure not in MEASURES:
        raise ValueError(
            f"similarity measure must be one of {', '.join(MEASURES)}, not {measure!r}"
        )
    level = MEASURES[measure]
    both = pairs[level].to_numpy(dtype=float)
    a = pairs[f"product_a_{level}"].to_numpy(dtype=float)
    b = pairs[f"product_b_{level}"].to_numpy(dtype=float)
    if measure.endswith("jaccard"):
        return both / (a + b - both)
    if measure.endswith("cosine"):
        return both / np.sqrt(a * b)
    return both * pairs["total_baskets"].to_numpy(dtype=float) / (a * b)


def similar_products(
    pairs: pd.DataFrame,
    measure: str = "customer_jaccard",
    min_cooccurrence: int = 2,
    top_n: int = 10,
) -> pd.DataFrame:
    """For each product its top_n most similar other products, with the pair's basket statistics.

    `pairs` holds each pair once (product_code_a < product_code_b) as in fct_item_cooccurrence;
    pairs seen fewer than min_cooccurrence times (customers or baskets, as the measure counts) are
    ignored, so one accidental shared basket cannot make two products look identical.
    """
    level = MEASURES.get(measure, "customers")
    kept = pairs[pairs[level] >= min_cooccurrence]
    similarity = pair_similarity(kept, measure)
    kept = kept[similarity > 0]
    similarity = similarity[similarity > 0]
    shared = {
        "similarity": similarity,
        "co_customers": kept["customers"].to_numpy(),
        "co_baskets": kept["baskets"].to_numpy(),
        "support": kept["support"].to_numpy(),
        "lift": kept["lift"].to_numpy(),
    }
    forward = pd.DataFrame(
        {
            "product_code": kept["product_code_a"].to_numpy(),
            "similar_product_code": kept["product_code_b"].to_numpy(),
            **shared,
            "confidence": kept["confidence_a_to_b"].to_numpy(),
        }
    )
    backward = pd.DataFrame(
        {
            "product_code": kept["product_code_b"].to_numpy(),
            "similar_product_code": kept["product_code_a"].to_numpy(),
            **shared,
            "confidence": kept["confidence_b_to_a"].to_numpy(),
        }
    )
    both = pd.concat([forward, backward], ignore_index=True)
    both = both[both["product_code"] != both["similar_product_code"]]
    both = both.sort_values(
        ["product_code", "similarity", "co_customers", "similar_product_code"],
        ascending=[True, False, False, True],
        kind="stable",
    )
    both["rank"] = both.groupby("product_code", sort=False).cumcount() + 1
    top = both[both["rank"] <= top_n].reset_index(drop=True)
    top.insert(2, "rank", top.pop("rank"))
    top["similarity_measure"] = measure
    return top
