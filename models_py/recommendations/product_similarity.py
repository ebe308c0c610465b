"""Each product's top-N most similar products (never itself), with support, confidence and lift."""

from shopper_spectrum.frames import filtered, to_pandas


def model(dbt, session):
    top_n = int(dbt.config.get("similar_products_top_n"))
    # int_item_neighbours ranks every product's neighbours in the database; keep the top N.
    similar = to_pandas(filtered(dbt.ref("int_item_neighbours"), f"rank <= {top_n}"))
    similar["similarity_measure"] = str(dbt.config.get("similarity_measure"))
    return similar.sort_values(["product_code", "rank"], ignore_index=True)
