"""How customers choose products in each kind of shop the generator makes.

The kinds differ in where the signal for a customer's next new product lies, so that the build's
choice of recommender (counting unit, blend with popularity) can be shown to follow the data:

- wholesale: each order restocks one of the customer's few themes (Christmas, kitchen,
  garden...), and planted bundles are bought together in one basket. What a basket holds
  predicts what else goes with it; a customer's whole history mixes their themes.
- grocery: repeat purchases of a few staples on frequent trips, plus products of one taste group
  (vegetarian, baby, pets...) bought one per trip. Baskets pair a taste with staples; only a
  customer's whole history shows the taste.
- club: a warehouse club of short-lived products (seasons, promotions): each product sells for a
  few weeks after its launch. What sells now is most of what a customer buys next.

Each function returns the product index of every line (customer_of_line -1: a guest).
"""

from __future__ import annotations

import numpy as np

SHOPS = ("wholesale", "grocery", "club")


def popular_products(rng: np.random.Generator, catalogue: dict, n: int) -> np.ndarray:
    """n products drawn by the catalogue's (static) popularity."""
    cumulative = catalogue["cumulative_popularity"]
    picks = np.searchsorted(cumulative, rng.random(n) * cumulative[-1])
    return np.minimum(picks, len(cumulative) - 1)


# Wholesale: the share of an invoice's other lines drawn from the theme it restocks.
WHOLESALE_THEMED = 0.6
WHOLESALE_THEMES_PER_CUSTOMER = 3


def wholesale_products(
    rng: np.random.Generator,
    catalogue: dict,
    *,
    n_customers: int,
    invoice_customer: np.ndarray,
    invoice_of_line: np.ndarray,
    position: np.ndarray,
) -> np.ndarray:
    """Each invoice restocks one of the customer's themes (most of its lines come from it), and
    on 45 % of invoices holds a bundle (60 % of them the customer's favourite) in the first lines."""
    bundles = catalogue["bundle_members"]
    n_bundles, bundle_size = bundles.shape
    n_invoices = len(invoice_customer)
    themes = rng.integers(
        0, catalogue["theme"].max() + 1, (n_customers, WHOLESALE_THEMES_PER_CUSTOMER)
    )
    invoice_theme = themes[
        np.maximum(invoice_customer, 0), rng.integers(0, WHOLESALE_THEMES_PER_CUSTOMER, n_invoices)
    ]
    themed = (invoice_customer[invoice_of_line] >= 0) & (
        rng.random(len(invoice_of_line)) < WHOLESALE_THEMED
    )
    products = np.where(
        themed,
        popular_in_group(rng, catalogue, "theme", invoice_theme[invoice_of_line]),
        popular_products(rng, catalogue, len(invoice_of_line)),
    )
    favourite = rng.integers(0, n_bundles, n_customers)
    has_bundle = rng.random(n_invoices) < 0.45
    use_favourite = (invoice_customer >= 0) & (rng.random(n_invoices) < 0.6)
    bundle = np.where(
        use_favourite,
        favourite[np.maximum(invoice_customer, 0)],
        rng.integers(0, n_bundles, n_invoices),
    )
    line_bundle = bundle[invoice_of_line]
    in_bundle = has_bundle[invoice_of_line] & (position < bundle_size)
    in_bundle &= rng.random(len(in_bundle)) < 0.9
    return np.where(
        in_bundle, bundles[line_bundle, np.minimum(position, bundle_size - 1)], products
    )


# Grocery: each trip's first line is one product of the customer's taste group; of the other
# lines this share are the customer's staples, the rest anything popular.
GROCERY_STAPLES = 0.85
GROCERY_STAPLES_PER_CUSTOMER = 12
# About 20 customers share a taste group of 40 products.
GROCERY_CUSTOMERS_PER_TASTE, GROCERY_TASTE_PRODUCTS = 20, 40


def grocery_products(
    rng: np.random.Generator,
    catalogue: dict,
    *,
    n_customers: int,
    customer_of_line: np.ndarray,
    position: np.ndarray,
) -> np.ndarray:
    """One taste-group product per trip, staples re-bought trip after trip, and the rest."""
    n_lines = len(customer_of_line)
    members = catalogue["taste_members"]
    staples = popular_products(rng, catalogue, n_customers * GROCERY_STAPLES_PER_CUSTOMER)
    staples = staples.reshape(n_customers, GROCERY_STAPLES_PER_CUSTOMER)
    taste = rng.integers(0, len(members), n_customers)
    customer = np.maximum(customer_of_line, 0)
    staple = staples[customer, rng.integers(0, GROCERY_STAPLES_PER_CUSTOMER, n_lines)]
    # Within a group, a long tail too: the k-th member is bought about 1/k as often.
    weights = np.cumsum(1.0 / np.arange(1, members.shape[1] + 1))
    member = np.searchsorted(weights, rng.random(n_lines) * weights[-1])
    in_taste = members[taste[customer], np.minimum(member, members.shape[1] - 1)]
    anything = popular_products(rng, catalogue, n_lines)
    known = customer_of_line >= 0
    return np.where(
        known & (position == 0),
        in_taste,
        np.where(known & (rng.random(n_lines) < GROCERY_STAPLES), staple, anything),
    )


def popular_in_group(
    rng: np.random.Generator, catalogue: dict, grouping: str, group: np.ndarray
) -> np.ndarray:
    """One product per entry of group, drawn by popularity within that group of the catalogue's
    `grouping` (a group number per product)."""
    groups = catalogue[grouping]
    order = np.argsort(groups, kind="stable")
    sorted_groups = groups[order]
    weights = catalogue["popularity"][order]
    starts = np.searchsorted(sorted_groups, np.arange(groups.max() + 1))
    cumulative = np.cumsum(weights)
    before = np.concatenate([[0.0], cumulative])[starts]
    totals = np.append(before[1:], cumulative[-1]) - before
    wanted = before[group] + rng.random(len(group)) * totals[group]
    picks = np.minimum(np.searchsorted(cumulative, wanted), len(order) - 1)
    return order[picks]


# Club: a product sells from its launch for CLUB_LIFE_DAYS (uniform range), its sales decaying
# with this half-life; the rest of the catalogue sells at CLUB_BACKGROUND of its peak.
CLUB_LIFE_DAYS = (21, 75)
CLUB_HALF_LIFE_DAYS = 14.0
CLUB_BACKGROUND = 0.01


def club_products(
    rng: np.random.Generator, catalogue: dict, days: int, day_of_line: np.ndarray
) -> np.ndarray:
    """Products drawn by what sells on the line's day (day_of_line: 0 .. days - 1)."""
    n = len(catalogue["popularity"])
    launch = rng.uniform(-CLUB_LIFE_DAYS[1], days, n)
    life = rng.uniform(*CLUB_LIFE_DAYS, n)
    products = np.empty(len(day_of_line), dtype=np.int64)
    weeks = day_of_line // 7
    for week in np.unique(weeks):
        lines = np.flatnonzero(weeks == week)
        age = week * 7 + 3.5 - launch
        selling = (age >= 0) & (age < life)
        weight = catalogue["popularity"] * np.where(
            selling, np.power(0.5, np.maximum(age, 0) / CLUB_HALF_LIFE_DAYS), CLUB_BACKGROUND
        )
        cumulative = np.cumsum(weight)
        picks = np.searchsorted(cumulative, rng.random(len(lines)) * cumulative[-1])
        products[lines] = np.minimum(picks, n - 1)
    return products
