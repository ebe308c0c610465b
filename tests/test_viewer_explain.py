"""The viewer's sentence on what the recommendations are made of, for every kind of choice."""

from __future__ import annotations

from shopper_spectrum.viewer.explain import (
    how_orders_were_counted,
    not_ahead_warning,
    what_the_lists_are,
)


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


def test_orders_note_names_the_cause_and_the_fix_when_orders_look_indistinct():
    note = how_orders_were_counted(
        {
            "basket_rule": "invoice",
            "orders_look_indistinct": True,
            "several_day_one_order_share": 1.0,
        }
    )
    assert note.startswith("100% of the customers who bought on several days have a single order")
    assert "raw_columns.invoice" in note


def test_orders_note_says_when_an_order_is_a_customers_day():
    orders = {"orders_look_indistinct": False, "several_day_one_order_share": 0.01}
    assert "one customer's purchases in one day" in how_orders_were_counted(
        {**orders, "basket_rule": "customer_day"}
    )
    assert how_orders_were_counted({**orders, "basket_rule": "invoice"}) is None
