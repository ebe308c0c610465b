"""The learned item-to-item model: each product's ridge weights on its most co-occurring products."""

from shopper_spectrum.frames import filtered, to_pandas
from shopper_spectrum.recommend import RecommenderSettings, fit_item_model


def model(dbt, session):
    settings = RecommenderSettings.from_config(dbt.config.get("recommender"))
    gram = to_pandas(filtered(dbt.ref("int_product_pairs"), "fold = 0"))
    neighbours = to_pandas(
        filtered(dbt.ref("int_item_neighbours"), f"fold = 0 and rank <= {settings.neighbours}")
    )
    codes = to_pandas(dbt.ref("int_product_keys")).set_index("product_key")["product_code"]
    weights = fit_item_model(gram, neighbours, settings.l2_multiple)
    weights.insert(1, "product_code", codes.reindex(weights["product_key"]).to_numpy())
    weights.insert(3, "neighbour_code", codes.reindex(weights["neighbour_key"]).to_numpy())
    return weights
