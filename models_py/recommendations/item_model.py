"""The learned item-to-item model: each product's ridge weights on its most co-occurring products,
with the counting unit, K and λ the folds chose."""

from shopper_spectrum.frames import filtered, to_pandas
from shopper_spectrum.recommend import CandidateGrid, fit_item_model, item_model_candidate


def model(dbt, session):
    grid = CandidateGrid.from_config(dbt.config.get("recommender"))
    candidate = item_model_candidate(to_pandas(dbt.ref("recommendation_evaluation")), grid)
    unit = f"fold = 0 and count_unit = '{candidate.count_unit}'"
    gram = to_pandas(filtered(dbt.ref("int_product_pairs"), unit))
    neighbours = to_pandas(
        filtered(dbt.ref("int_item_neighbours"), f"{unit} and rank <= {candidate.neighbours}")
    )
    codes = to_pandas(dbt.ref("int_product_keys")).set_index("product_key")["product_code"]
    weights = fit_item_model(gram, neighbours, candidate.l2_multiple)
    weights.insert(1, "product_code", codes.reindex(weights["product_key"]).to_numpy())
    weights.insert(3, "neighbour_code", codes.reindex(weights["neighbour_key"]).to_numpy())
    return weights
