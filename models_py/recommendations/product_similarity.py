"""Each product's top-N most similar products (never itself), with support, confidence and lift."""

from shopper_spectrum.frames import filtered, to_pandas
from shopper_spectrum.recommend import similar_products
from shopper_spectrum.recommend.similarity import pairs_worth_reading


def model(dbt, session):
    measure = str(dbt.config.get("similarity_measure"))
    min_cooccurrence = int(dbt.config.get("min_cooccurrence"))
    pairs = filtered(
        dbt.ref("fct_item_cooccurrence"), pairs_worth_reading(measure, min_cooccurrence)
    )
    return similar_products(
        to_pandas(pairs),
        measure=measure,
        min_cooccurrence=min_cooccurrence,
        top_n=int(dbt.config.get("similar_products_top_n")),
    )
