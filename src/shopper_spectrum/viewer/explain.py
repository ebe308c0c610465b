"""The viewer's plain words for what the build's recommendations are made of."""

from __future__ import annotations

PERSONAL = {
    "basket": "products often in the same order as theirs",
    "customer": "products that customers who bought the same things also bought",
}
POPULARITY = {"all_time": "best-sellers", "recent": "current best-sellers"}


def what_the_lists_are(chosen: dict) -> str:
    """One sentence on the chosen recommender (a recommendation_evaluation row)."""
    share = float(chosen["popularity_share"])
    if share >= 1:
        return (
            f"This shop's {POPULARITY[chosen['popularity_window']]} that each customer has not "
            "bought yet."
        )
    personal = PERSONAL[chosen["count_unit"]]
    if share == 0:
        return f"Driven by what each customer bought: {personal}."
    popular = f"this shop's {POPULARITY[chosen['popularity_window']]}"
    if share >= 0.5:
        return (
            f"Mostly {popular} ({share:.0%}), adjusted to each customer: {personal} "
            f"({1 - share:.0%})."
        )
    return (
        f"Driven by what each customer bought: {personal} ({1 - share:.0%}), nudged toward "
        f"{popular} ({share:.0%})."
    )


def not_ahead_warning(chosen: dict, best_popularity: dict) -> str | None:
    """Why the lists are no better than a best-seller chart, when they are not."""
    if chosen["is_ahead_of_popularity"]:
        return None
    return (
        "On the months tested, these lists predicted new purchases no better than the best-seller "
        f"chart ({chosen['precision_at_k']:.1%} of recommendations bought, against "
        f"{best_popularity['precision_at_k']:.1%} for {best_popularity['label']}): read them as "
        "best-sellers, not as personal picks."
    )


BASKET_RULES = {"customer_day": "one day", "customer_hour": "one hour"}


def how_orders_were_counted(orders: dict) -> str | None:
    """A note for the segments when orders were derived, or cannot be told apart (audit_orders)."""
    if orders["orders_look_indistinct"]:
        return (
            f"{orders['several_day_one_order_share']:.0%} of the customers who bought on several "
            "days have a single order: the export's invoice column does not tell orders apart "
            "(is it mapped to the customer?), so the order counts and the segments built on them "
            "mean little. Map raw_columns.invoice to the order or receipt number, or leave it out "
            "so that an order is a customer's day."
        )
    period = BASKET_RULES.get(orders["basket_rule"])
    if period:
        return (
            f"The export has no order numbers: an order here is one customer's purchases in "
            f"{period}, and a return is any line with a negative quantity."
        )
    return None
