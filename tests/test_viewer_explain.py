"""The viewer's sentence on what the recommendations are made of, for every kind of choice."""

from __future__ import annotations

from shopper_spectrum.viewer.explain import not_ahead_warning, what_the_lists_are


def chosen(share: float, unit: str | None = "basket", window: str | None = "recent") -> dict:
    return {"popularity_share": share, "count_unit": unit, "popularity_window": window}


def test_each_kind_of_list_is_said_in_one_sentence():
    assert what_the_lists_are(chosen(1.0, None)) == (
        "This shop's current best-sellers that each customer has not bought yet."
    )
    assert what_the_lists_are(chosen(0.0, "customer", None)) == (
        "Driven by what each customer bought: products that customers who bought the same "
        "things also bought."
    )
    assert what_the_lists_are(chosen(0.25)) == (
        "Driven by what each customer bought: products often in the same order as theirs (75%), "
        "nudged toward this shop's current best-sellers (25%)."
    )
    assert what_the_lists_are(chosen(0.75, "basket", "all_time")).startswith(
        "Mostly this shop's best-sellers (75%), adjusted to each customer"
    )


def test_the_warning_names_both_precisions_only_when_not_ahead():
    best_sellers = {"precision_at_k": 0.05, "label": "recent popularity alone"}
    ahead = {"is_ahead_of_popularity": True, "precision_at_k": 0.09}
    assert not_ahead_warning(ahead, best_sellers) is None
    level = {"is_ahead_of_popularity": False, "precision_at_k": 0.051}
    assert "(5.1% of recommendations bought, against 5.0% for recent popularity alone)" in (
        not_ahead_warning(level, best_sellers)
    )
