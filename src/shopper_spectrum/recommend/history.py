"""Purchase histories and the holdout's ground truth, from valid purchase lines."""

from __future__ import annotations

import pandas as pd


def holdout_truth(lines: pd.DataFrame) -> pd.DataFrame:
    """Test-period products new to customers who have training history (lines: is_training flag)."""
    training = lines[lines["is_training"]]
    testing = lines[~lines["is_training"]]
    known = testing[testing["customer_id"].isin(set(training["customer_id"]))]
    pairs = known[["customer_id", "product_code"]].drop_duplicates()
    owned = training[["customer_id", "product_code"]].drop_duplicates()
    merged = pairs.merge(owned, how="left", indicator=True)
    return merged.loc[merged["_merge"] == "left_only", ["customer_id", "product_code"]].reset_index(
        drop=True
    )


def purchase_history(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per customer and product with the last purchase time."""
    return (
        lines.groupby(["customer_id", "product_code"], as_index=False)["invoiced_at"]
        .max()
        .rename(columns={"invoiced_at": "last_purchased_at"})
    )
