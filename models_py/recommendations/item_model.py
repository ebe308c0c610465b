"""The learned item-to-item model: each product's ridge weights on its most co-occurring products,
with the counting unit, K and λ the folds chose."""

from shopper_spectrum.frames import filtered, to_pandas
from shopper_spectrum.recommend import CandidateGrid, item_model_candidate, jobs


def model(dbt, session):
    grid = CandidateGrid.from_config(dbt.config.get("recommender"))
    candidate = item_model_candidate(to_pandas(dbt.ref("recommendation_evaluation")), grid)
    unit = f"fold = 0 and count_unit = '{candidate.count_unit}'"
    gram = filtered(dbt.ref("int_item_neighbourhood_pairs"), unit)
    neighbours = filtered(
        dbt.ref("int_item_neighbours"), f"{unit} and rank <= {candidate.neighbours}"
    )
    codes = to_pandas(dbt.ref("int_product_keys")).set_index("product_key")["product_code"]
    return jobs.item_model(gram, neighbours, candidate.l2_multiple, codes)
