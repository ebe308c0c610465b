"""Each product's top-N most similar products (never itself), with support, confidence and lift."""

from shopper_spectrum.frames import to_pandas
from shopper_spectrum.recommend import similar_products


def model(dbt, session):
    pairs = to_pandas(dbt.ref("fct_item_cooccurrence"))
    return similar_products(
        pairs,
        measure=str(dbt.config.get("similarity_measure")),
        min_cooccurrence=int(dbt.config.get("min_cooccurrence")),
        top_n=int(dbt.config.get("similar_products_top_n")),
    )
