"""Deterministic generator of Online-Retail-shaped exports with planted ground truth.

Customers belong to planted archetypes (recent frequent big spenders, steady regulars, occasional
buyers, lapsed customers, and two kinds of movers: big spenders who stop buying mid-year and
occasional buyers who grow into big spenders) and products to planted bundles that are bought together, so tests can
check that segmentation and recommendations recover what was planted. The export carries the real
data's quirks: cancellations, guest checkouts, non-product codes, zero prices, exact duplicates,
lower-case stock-code suffixes and description variants.

Everything is vectorised with NumPy and written by DuckDB, so 10M lines take seconds.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from shopper_spectrum import shops

ARCHETYPES = ("high_value", "regular", "occasional", "lapsed", "lapsing", "growing")
# Segment name each planted archetype should be recovered as (movers have none: they change).
EXPECTED_SEGMENT = {
    "high_value": "High Value Customer",
    "regular": "Regular Customer",
    "occasional": "Occasional Shopper",
    "lapsed": "High Risk Customer",
}
# Planted movers, and the move segment_transitions should show for them between six months before
# the end of the export and its end. Lapsing customers buy like high-value ones until four to five
# months before the end, then stop: the classic RFM map moves them from Champions to Can't Lose
# Them (the clusters keep such big spenders High Value for a while). Growing customers bought
# once or twice long ago and buy like high-value ones lately: they become High Value Customers.
MOVER_MONTHS_BACK = (6, 0)
MOVER_TRANSITIONS = {
    "lapsing": ("rfm", {"Champions"}, {"Can't Lose Them", "At Risk"}),
    "growing": (
        "cluster",
        {"Regular Customer", "Occasional Shopper", "High Risk Customer"},
        {"High Value Customer"},
    ),
}
FULLY_CANCELLED = "fully_cancelled"

NON_PRODUCT_CODES = (
    ("POST", "POSTAGE", 18.0),
    ("DOT", "DOTCOM POSTAGE", 11.0),
    ("C2", "CARRIAGE", 50.0),
    ("M", "Manual", 2.5),
    ("BANK CHARGES", "Bank Charges", 15.0),
    ("AMAZONFEE", "AMAZON FEE", 5.0),
    ("gift_0001_20", "Dotcomgiftshop Gift Voucher £20.00", 17.0),
    ("D", "Discount", -5.0),
)

COUNTRIES = ("United Kingdom", "Germany", "France", "EIRE", "Spain", "Netherlands", "Belgium")
COUNTRY_WEIGHTS = (0.86, 0.04, 0.03, 0.03, 0.015, 0.015, 0.01)

_ADJECTIVES = (
    "VINTAGE",
    "SMALL",
    "LARGE",
    "RETRO",
    "SET OF 3",
    "HANGING",
    "PAINTED",
    "GLASS",
    "WOODEN",
    "CERAMIC",
    "FRENCH",
    "ENGLISH",
    "JUMBO",
    "MINI",
    "FELT",
    "LACE",
    "ENAMEL",
    "PAPER",
    "METAL",
    "SPOTTY",
    "STRIPY",
    "FLORAL",
    "REGENCY",
    "SWEETHEART",
    "PARTY",
    "CHRISTMAS",
    "GARDEN",
)
_COLOURS = (
    "RED",
    "PINK",
    "BLUE",
    "WHITE",
    "GREEN",
    "IVORY",
    "BLACK",
    "CREAM",
    "SILVER",
    "GOLD",
    "PURPLE",
    "ORANGE",
    "YELLOW",
    "TURQUOISE",
    "ROSE",
    "HEART",
    "STAR",
    "BIRD",
    "POLKADOT",
)
_NOUNS = (
    "T-LIGHT HOLDER",
    "LANTERN",
    "MUG",
    "CAKESTAND",
    "BUNTING",
    "JAR",
    "LUNCH BAG",
    "DOORMAT",
    "CUSHION COVER",
    "TEA SET",
    "CLOCK",
    "PHOTO FRAME",
    "NAPKINS",
    "CANDLE",
    "BAKING SET",
    "NOTEBOOK",
    "PURSE",
    "WATER BOTTLE",
    "HOT WATER BOTTLE",
    "CHALKBOARD",
    "BOWL",
    "PLATE",
    "TIN",
    "BASKET",
    "DOORSTOP",
    "GARLAND",
    "WRAP",
    "SIGN",
    "BOX",
    "COASTER",
)


@dataclass(frozen=True)
class ArchetypeProfile:
    share: float
    invoices_base: int  # minimum invoices per customer
    invoices_extra: float  # Poisson mean of additional invoices
    last_purchase_days: tuple[int, int]  # days before the end of the period
    history_span_days: int  # how far before the last purchase the first may be
    lines_per_invoice: float
    quantity_multiplier: float
    # Earlier invoices fall at span × u ** concentration before the last (u uniform): above 1,
    # most of them bunch up near the last purchase, a few reach back.
    concentration: float = 1.0


PROFILES: dict[str, ArchetypeProfile] = {
    "high_value": ArchetypeProfile(0.10, 18, 12.0, (0, 12), 360, 20.0, 4.0),
    "regular": ArchetypeProfile(0.30, 6, 3.0, (5, 45), 330, 12.0, 1.0),
    "occasional": ArchetypeProfile(0.35, 1, 0.3, (25, 140), 30, 6.0, 0.6),
    "lapsed": ArchetypeProfile(0.19, 3, 2.0, (210, 330), 60, 10.0, 1.0),
    "lapsing": ArchetypeProfile(0.02, 18, 12.0, (120, 150), 210, 20.0, 4.0),
    "growing": ArchetypeProfile(0.02, 14, 8.0, (0, 10), 240, 20.0, 4.0, concentration=4.0),
}


# Defaults per kind of shop: grocery customers make many trips of large baskets over a wide range;
# a warehouse club's customers come a few times for a few products.
LINES_PER_CUSTOMER = {"wholesale": 100, "grocery": 250, "club": 30}
LINES_PER_PRODUCT = {"wholesale": 30, "grocery": 10, "club": 30}


@dataclass(frozen=True)
class GeneratorConfig:
    lines: int = 60_000
    seed: int = 42
    customers: int | None = None  # default: lines / 100
    products: int | None = None  # default: lines / 30, between 200 and 20,000
    bundle_size: int = 4
    start: str = "2010-12-01"
    days: int = 365
    layout: str = "online_retail"  # or online_retail_ii
    # The kind of shop (shopper_spectrum.shops): how customers choose products.
    shop: str = "wholesale"
    # One part of an export written as several files (part 0 of 1: the whole export). Parts share
    # the catalogue; each has its own customers and invoices, so their lines never collide.
    part: int = 0
    shares: dict[str, float] = field(
        default_factory=lambda: {
            "guest": 0.20,
            "cancellation": 0.02,
            "non_product": 0.008,
            "zero_price": 0.004,
            "duplicate": 0.008,
        }
    )

    @property
    def n_customers(self) -> int:
        return self.customers or max(40, self.lines // LINES_PER_CUSTOMER[self.shop])

    @property
    def n_products(self) -> int:
        return self.products or int(
            min(20_000, max(200, self.lines // LINES_PER_PRODUCT[self.shop]))
        )


@dataclass
class GeneratedData:
    """Typed export columns (one entry per line) plus the planted truth."""

    columns: dict[str, np.ndarray]
    product_codes: np.ndarray
    product_descriptions: np.ndarray
    customers: dict[str, np.ndarray]
    bundles: dict[str, np.ndarray]


def generate(config: GeneratorConfig) -> GeneratedData:
    """All lines of a synthetic export, as arrays; deterministic for a given config."""
    rng = np.random.default_rng(config.seed)
    catalogue = _catalogue(rng, config)
    if config.part:
        rng = np.random.default_rng([config.seed, config.part])
    customers = _customers(rng, config, first_id=12_347 + config.part * config.n_customers)
    shares = config.shares
    quirk_lines = {name: round(config.lines * shares[name]) for name in shares}
    customer_line_budget = config.lines - sum(quirk_lines.values())
    if customer_line_budget < config.n_customers:
        raise ValueError(f"{config.lines} lines are too few for {config.n_customers} customers")

    end = np.datetime64(config.start) + np.timedelta64(config.days, "D")
    customer_invoices = _customer_invoices(rng, config, customers, customer_line_budget, end)
    guest_invoices = _guest_invoices(rng, config, quirk_lines["guest"], end)
    invoices = {
        k: np.concatenate([customer_invoices[k], guest_invoices[k]]) for k in guest_invoices
    }
    lines = _invoice_lines(rng, config, invoices, catalogue, customers)
    lines = _add_quirks(rng, lines, quirk_lines, catalogue, customers)
    if config.part == 0:
        lines = _plant_fully_cancelled_order(lines, customers, catalogue, end)
    lines = _number_invoices(lines, first_invoice=536_365 + config.part * 10_000_000)
    return GeneratedData(
        columns=lines,
        product_codes=catalogue["codes"],
        product_descriptions=catalogue["descriptions"],
        customers=customers,
        bundles=catalogue["bundles"],
    )


def _catalogue(rng: np.random.Generator, config: GeneratorConfig) -> dict:
    n = config.n_products
    numbers = rng.choice(np.arange(10_000, 99_999), size=n, replace=False)
    suffixes = np.where(rng.random(n) < 0.12, rng.choice(list("ABCDEFGHJKLMNPS"), size=n), "")
    codes = np.char.add(numbers.astype(str), suffixes)
    descriptions = np.array(
        [
            f"{a} {c} {w}"
            for a, c, w in zip(
                rng.choice(_ADJECTIVES, n),
                rng.choice(_COLOURS, n),
                rng.choice(_NOUNS, n),
                strict=True,
            )
        ],
        dtype=object,
    )
    prices = np.round(np.exp(rng.normal(np.log(2.5), 0.7, size=n)), 2).clip(0.19, 150)
    # Popularity: a long tail, as in real catalogues.
    popularity = 1.0 / np.power(rng.permutation(n) + 1.0, 0.9)
    n_bundles = max(2, n // (config.bundle_size * 6))
    bundle_members = rng.permutation(n)[: n_bundles * config.bundle_size]
    bundle_members = bundle_members.reshape(n_bundles, config.bundle_size)
    catalogue = {"codes": codes, "descriptions": descriptions, "prices": prices}
    if config.shop == "grocery":
        # Taste groups: the planted structure is who buys them, not in which basket.
        groups = max(2, config.n_customers // shops.GROCERY_CUSTOMERS_PER_TASTE)
        size = min(shops.GROCERY_TASTE_PRODUCTS, n // groups)
        members = rng.permutation(n)[: groups * size].reshape(groups, size)
        catalogue["taste_members"] = members
        planted = {
            "bundle_id": np.repeat(np.arange(1, groups + 1), size),
            "product_code": codes[members.ravel()],
        }
    elif config.shop == "club":
        planted = {"bundle_id": np.array([], dtype=np.int64), "product_code": codes[:0]}
    else:
        # Themes of about 50 products that an order restocks together (from a stream of their
        # own, so that customers and their invoices do not depend on the catalogue's themes).
        catalogue["theme"] = np.random.default_rng([config.seed, n]).integers(0, max(2, n // 50), n)
        # Bundle items are bought as bundles, rarely on their own: their signal is co-occurrence.
        popularity[bundle_members.ravel()] *= 0.15
        planted = {
            "bundle_id": np.repeat(np.arange(1, n_bundles + 1), config.bundle_size),
            "product_code": codes[bundle_members.ravel()],
        }
    popularity /= popularity.sum()
    return {
        **catalogue,
        "popularity": popularity,
        "cumulative_popularity": np.cumsum(popularity),
        "bundle_members": bundle_members,
        # The planted product groups (ground truth): bundles, or a grocery's taste groups.
        "bundles": planted,
    }


def _customers(
    rng: np.random.Generator, config: GeneratorConfig, first_id: int
) -> dict[str, np.ndarray]:
    n = config.n_customers
    # Exact counts per archetype (largest remainders), shuffled: small exports still plant each.
    shares = np.array([PROFILES[a].share for a in ARCHETYPES])
    quotas = shares / shares.sum() * n
    counts = np.floor(quotas).astype(int)
    counts[np.argsort(counts - quotas)[: n - counts.sum()]] += 1
    archetype = rng.permutation(np.repeat(np.arange(len(ARCHETYPES)), counts))
    ids = first_id + rng.permutation(n)
    return {
        "customer_id": ids,
        "archetype_index": archetype,
        "archetype": np.array(ARCHETYPES, dtype=object)[archetype],
        "country": rng.choice(len(COUNTRIES), size=n, p=COUNTRY_WEIGHTS),
    }


def _customer_invoices(
    rng: np.random.Generator,
    config: GeneratorConfig,
    customers: dict[str, np.ndarray],
    line_budget: int,
    end: np.datetime64,
) -> dict[str, np.ndarray]:
    archetype = customers["archetype_index"]
    profiles = [PROFILES[a] for a in ARCHETYPES]
    base = np.array([p.invoices_base for p in profiles])[archetype]
    extra = np.array([p.invoices_extra for p in profiles])[archetype]
    counts = base + rng.poisson(extra)
    customer_of_invoice = np.repeat(np.arange(len(archetype)), counts)
    arch = archetype[customer_of_invoice]
    first_of_customer = np.concatenate([[0], np.cumsum(counts)[:-1]])
    is_last = np.zeros(len(customer_of_invoice), dtype=bool)
    is_last[first_of_customer] = True

    low = np.array([p.last_purchase_days[0] for p in profiles])
    high = np.array([p.last_purchase_days[1] for p in profiles])
    last_days = rng.uniform(low[archetype], high[archetype])
    span = np.array([p.history_span_days for p in profiles])[archetype]
    concentration = np.array([p.concentration for p in profiles])[arch]
    days_before_last = np.where(
        is_last,
        0.0,
        rng.uniform(0, 1, len(arch)) ** concentration * span[customer_of_invoice],
    )
    days_before_end = np.minimum(last_days[customer_of_invoice] + days_before_last, config.days - 1)

    mean_lines = np.array([p.lines_per_invoice for p in profiles])[arch]
    mean_lines *= line_budget / mean_lines.sum()
    n_lines = _exact_total(rng, np.maximum(1, rng.poisson(mean_lines)), line_budget)
    return {
        "customer": customer_of_invoice,
        "at": _timestamps(rng, end, days_before_end),
        "n_lines": n_lines,
        "quantity_multiplier": np.array([p.quantity_multiplier for p in profiles])[arch],
    }


def _guest_invoices(
    rng: np.random.Generator, config: GeneratorConfig, line_budget: int, end: np.datetime64
) -> dict[str, np.ndarray]:
    n_invoices = max(1, line_budget // 8)
    n_lines = _exact_total(rng, np.maximum(1, rng.poisson(8, n_invoices)), line_budget)
    return {
        "customer": np.full(n_invoices, -1),
        "at": _timestamps(rng, end, rng.uniform(0, config.days - 1, n_invoices)),
        "n_lines": n_lines,
        "quantity_multiplier": np.ones(n_invoices),
    }


def _exact_total(rng: np.random.Generator, counts: np.ndarray, total: int) -> np.ndarray:
    """Counts nudged by one at random places until they add up to total (each stays >= 1)."""
    counts = counts.astype(np.int64)
    if total < len(counts):
        raise ValueError("fewer lines than invoices")
    while (gap := total - counts.sum()) != 0:
        picks = rng.integers(0, len(counts), abs(gap))
        np.add.at(counts, picks, np.sign(gap))
        counts = np.maximum(counts, 1)
    return counts


def _timestamps(rng: np.random.Generator, end: np.datetime64, days_before_end) -> np.ndarray:
    day = (end - np.timedelta64(1, "D")) - np.floor(days_before_end).astype("timedelta64[D]")
    minutes = rng.integers(8 * 60, 20 * 60, len(days_before_end)).astype("timedelta64[m]")
    return day.astype("datetime64[m]") + minutes


def _invoice_lines(
    rng: np.random.Generator,
    config: GeneratorConfig,
    invoices: dict,
    catalogue: dict,
    customers: dict,
) -> dict[str, np.ndarray]:
    n_lines = invoices["n_lines"]
    invoice_of_line = np.repeat(np.arange(len(n_lines)), n_lines)
    offsets = np.concatenate([[0], np.cumsum(n_lines)[:-1]])
    position = np.arange(len(invoice_of_line)) - offsets[invoice_of_line]
    customer = invoices["customer"]
    n_customers = len(customers["customer_id"])
    if config.shop == "grocery":
        products = shops.grocery_products(
            rng,
            catalogue,
            n_customers=n_customers,
            customer_of_line=customer[invoice_of_line],
            position=position,
        )
    elif config.shop == "club":
        start = np.datetime64(config.start).astype("datetime64[m]")
        day = (invoices["at"][invoice_of_line] - start) // np.timedelta64(1, "D")
        products = shops.club_products(rng, catalogue, config.days, day.astype(np.int64))
    else:
        products = shops.wholesale_products(
            rng,
            catalogue,
            n_customers=n_customers,
            invoice_customer=customer,
            invoice_of_line=invoice_of_line,
            position=position,
        )

    base_quantity = np.maximum(1, np.round(np.exp(rng.normal(np.log(5), 0.8, len(products)))))
    quantity = np.maximum(
        1, np.round(base_quantity * invoices["quantity_multiplier"][invoice_of_line])
    ).astype(np.int64)
    customer_of_line = customer[invoice_of_line]
    country = np.where(
        customer_of_line >= 0,
        customers["country"][np.maximum(customer_of_line, 0)],
        rng.choice(len(COUNTRIES), size=len(products), p=COUNTRY_WEIGHTS),
    )
    return {
        "invoice": invoice_of_line.astype(np.int64),
        "is_cancellation": np.zeros(len(products), dtype=bool),
        "product": products.astype(np.int64),
        "non_product": np.full(len(products), -1, dtype=np.int64),
        "description_variant": np.zeros(len(products), dtype=np.int8),
        "lowercase_code": np.zeros(len(products), dtype=bool),
        "quantity": quantity,
        "at": invoices["at"][invoice_of_line],
        "unit_price": catalogue["prices"][products],
        "customer": customer_of_line.astype(np.int64),
        "country": country.astype(np.int64),
    }


def _take(lines: dict[str, np.ndarray], rows: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[rows] for k, v in lines.items()}


def _concat(*parts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _add_quirks(
    rng: np.random.Generator, lines: dict, counts: dict[str, int], catalogue: dict, customers: dict
) -> dict[str, np.ndarray]:
    n = len(lines["product"])
    known = np.flatnonzero(lines["customer"] >= 0)

    cancelled = _take(lines, rng.choice(known, counts["cancellation"], replace=False))
    cancelled["is_cancellation"][:] = True
    # Each cancellation and stock adjustment is an invoice of its own.
    next_invoice = int(lines["invoice"].max()) + 1
    cancelled["invoice"] = next_invoice + np.arange(len(cancelled["invoice"]))
    next_invoice += len(cancelled["invoice"])
    partial = rng.random(len(cancelled["quantity"])) < 0.3
    cancelled["quantity"] = -np.where(
        partial, np.maximum(1, cancelled["quantity"] // 2), cancelled["quantity"]
    )
    cancelled["at"] = cancelled["at"] + rng.integers(5, 600, len(cancelled["at"])).astype(
        "timedelta64[m]"
    )

    non_product = _take(lines, rng.choice(n, counts["non_product"], replace=False))
    kind = rng.integers(0, len(NON_PRODUCT_CODES), len(non_product["product"]))
    non_product["non_product"] = kind
    non_product["quantity"] = np.where(kind == len(NON_PRODUCT_CODES) - 1, -1, 1)
    non_product["unit_price"] = np.abs(np.array([c[2] for c in NON_PRODUCT_CODES]))[kind]

    zero_price = _take(lines, rng.choice(n, counts["zero_price"], replace=False))
    zero_price["unit_price"] = np.zeros(len(zero_price["unit_price"]))
    adjustment = rng.random(len(zero_price["quantity"])) < 0.5
    zero_price["quantity"] = np.where(adjustment, -zero_price["quantity"], zero_price["quantity"])
    zero_price["customer"] = np.where(adjustment, -1, zero_price["customer"])
    zero_price["invoice"] = np.where(
        adjustment, next_invoice + np.arange(len(adjustment)), zero_price["invoice"]
    )
    zero_price["description_variant"] = np.where(adjustment, 2, 0).astype(np.int8)

    combined = _concat(lines, cancelled, non_product, zero_price)
    # Lower-case suffix codes and description variants on a few lines of real products.
    m = len(combined["product"])
    has_suffix = np.char.str_len(catalogue["codes"].astype(str)) > 5
    combined["lowercase_code"] = has_suffix[combined["product"]] & (rng.random(m) < 0.05)
    variant = (combined["description_variant"] == 0) & (rng.random(m) < 0.03)
    combined["description_variant"] = np.where(variant, 1, combined["description_variant"]).astype(
        np.int8
    )
    duplicates = _take(combined, rng.choice(m, counts["duplicate"], replace=False))
    return _concat(combined, duplicates)


def _plant_fully_cancelled_order(
    lines: dict, customers: dict, catalogue: dict, end: np.datetime64
) -> dict[str, np.ndarray]:
    """One bulk order cancelled minutes later (as customer 12346 in the real data): net spend 0.

    It replaces two ordinary lines so the line count stays exact.
    """
    customers["customer_id"] = np.append(customers["customer_id"], 12_346)
    customers["archetype"] = np.append(customers["archetype"], FULLY_CANCELLED)
    customers["archetype_index"] = np.append(customers["archetype_index"], -1)
    customers["country"] = np.append(customers["country"], 0)
    customer = len(customers["customer_id"]) - 1
    at = end - np.timedelta64(200, "D") + np.timedelta64(10 * 60, "m")
    rows = _take(lines, np.arange(2))
    rows["product"][:] = int(np.argmax(catalogue["popularity"]))
    rows["non_product"][:] = -1
    rows["customer"][:] = customer
    rows["quantity"] = np.array([74_215, -74_215])
    rows["unit_price"] = np.array([1.04, 1.04])
    rows["is_cancellation"] = np.array([False, True])
    rows["at"] = np.array([at, at + np.timedelta64(16, "m")]).astype(lines["at"].dtype)
    next_invoice = int(lines["invoice"].max()) + 1
    rows["invoice"] = np.array([next_invoice, next_invoice + 1])
    rows["description_variant"][:] = 0
    rows["lowercase_code"][:] = False
    rest = {k: v[2:] for k, v in lines.items()}
    return _concat(rest, rows)


def _number_invoices(lines: dict, first_invoice: int) -> dict[str, np.ndarray]:
    """Invoice numbers rise with time, as in the real exports; each cancellation gets its own."""
    n = len(lines["invoice"])
    keys, inverse = np.unique(lines["invoice"], return_inverse=True)
    first_at = np.full(len(keys), np.iinfo(np.int64).max)
    np.minimum.at(first_at, inverse, lines["at"].astype(np.int64))
    invoice_rank = np.empty(len(keys), dtype=np.int64)
    invoice_rank[np.lexsort((keys, first_at))] = np.arange(len(keys))
    lines["invoice"] = first_invoice + invoice_rank[inverse]
    lines["at"] = first_at[inverse].astype("datetime64[m]")  # one timestamp per invoice
    order = np.lexsort((np.arange(n), lines["invoice"]))
    return _take(lines, order)


def to_arrow(data: GeneratedData) -> pa.Table:
    """The export's typed columns; codes and descriptions as dictionaries, not 10M strings."""
    cols = data.columns
    codes = np.concatenate(
        [
            data.product_codes.astype(object),
            np.char.lower(data.product_codes.astype(str)).astype(object),
            np.array([c[0] for c in NON_PRODUCT_CODES], dtype=object),
        ]
    )
    n_products = len(data.product_codes)
    code_index = np.where(
        cols["non_product"] >= 0,
        2 * n_products + cols["non_product"],
        cols["product"] + n_products * cols["lowercase_code"],
    )
    descriptions = np.concatenate(
        [
            data.product_descriptions,
            # A variant spelling the canonical description must win over.
            np.array([d.title() for d in data.product_descriptions], dtype=object),
            np.array([c[1] for c in NON_PRODUCT_CODES], dtype=object),
            np.array(["damaged"], dtype=object),
        ]
    )
    variant = cols["description_variant"].astype(np.int64)
    description_index = np.where(
        cols["non_product"] >= 0,
        2 * n_products + cols["non_product"],
        np.where(variant == 2, len(descriptions) - 1, cols["product"] + n_products * variant),
    )
    customer_ids = np.where(
        cols["customer"] >= 0, data.customers["customer_id"][np.maximum(cols["customer"], 0)], 0
    )
    return pa.table(
        {
            "invoice_number": pa.array(cols["invoice"]),
            "is_cancellation": pa.array(cols["is_cancellation"]),
            "stock_code": pa.DictionaryArray.from_arrays(
                pa.array(code_index.astype(np.int32)), pa.array(codes, pa.string())
            ),
            "description": pa.DictionaryArray.from_arrays(
                pa.array(description_index.astype(np.int32)), pa.array(descriptions, pa.string())
            ),
            "quantity": pa.array(cols["quantity"]),
            "invoiced_at": pa.array(cols["at"].astype("datetime64[s]")),
            "unit_price": pa.array(np.round(cols["unit_price"], 2)),
            "customer_id": pa.array(customer_ids, mask=cols["customer"] < 0),
            "country": pa.DictionaryArray.from_arrays(
                pa.array(cols["country"].astype(np.int32)), pa.array(COUNTRIES, pa.string())
            ),
        }
    )


def _uci_export_sql(columns: dict[str, str], date_format: str, customer_id: str) -> str:
    """The UCI layouts differ only in three column names (invoice, price, customer), the date
    format and how a customer id is written (a float, 12346.0, in Online Retail II)."""
    return f"""
        select
            case when is_cancellation then 'C' else '' end || invoice_number as "{columns["invoice"]}",
            stock_code as "StockCode",
            description as "Description",
            quantity as "Quantity",
            strftime(invoiced_at, '{date_format}') as "InvoiceDate",
            unit_price as "{columns["price"]}",
            {customer_id} as "{columns["customer"]}",
            country as "Country"
        from export_lines
    """


_EXPORT_SQL = {
    "online_retail": _uci_export_sql(
        {"invoice": "InvoiceNo", "price": "UnitPrice", "customer": "CustomerID"},
        date_format="%-m/%-d/%y %-H:%M",
        customer_id="customer_id",
    ),
    "online_retail_ii": _uci_export_sql(
        {"invoice": "Invoice", "price": "Price", "customer": "Customer ID"},
        date_format="%Y-%m-%d %H:%M:%S",
        customer_id="printf('%.1f', cast(customer_id as double))",
    ),
}


# The "own" layout: an export in neither UCI layout — other names, another column order, day-first
# dates and a line amount instead of a unit price. Built with the dbt var raw_columns set to this.
OWN_LAYOUT_COLUMNS = {
    "invoice": "order_ref",
    "product": "sku",
    "description": "item_name",
    "quantity": "units",
    "invoice_time": "ordered_on",
    "line_amount": "line_total",
    "customer": "client_no",
    "country": "market",
}
_EXPORT_SQL["own"] = """
    select
        customer_id as client_no,
        strftime(invoiced_at, '%d/%m/%Y %H:%M') as ordered_on,
        case when is_cancellation then 'C' else '' end || invoice_number as order_ref,
        country as market,
        stock_code as sku,
        description as item_name,
        quantity as units,
        round(quantity * unit_price, 2) as line_total
    from export_lines
"""


# A loyalty-card or till export with no order id: one line per product bought, a date without a
# time, zero-padded customer ids and line totals. Built with raw_columns = NO_ORDER_ID_COLUMNS,
# which names no invoice column, so a basket is a customer's day (var basket_rule).
NO_ORDER_ID_COLUMNS = {
    "product": "PRODUCT_ID",
    "quantity": "QUANTITY",
    "invoice_time": "TRANSACTION_DT",
    "line_amount": "SALES_PRICE",
    "customer": "CUSTOMER_ID",
}
_EXPORT_SQL["no_order_id"] = """
    select
        strftime(invoiced_at, '%-m/%-d/%Y') as "TRANSACTION_DT",
        lpad(cast(customer_id as varchar), 10, '0') as "CUSTOMER_ID",
        stock_code as "PRODUCT_ID",
        quantity as "QUANTITY",
        round(quantity * unit_price, 2) as "SALES_PRICE"
    from export_lines
"""


def write_export(data: GeneratedData, path: str | Path, layout: str = "online_retail") -> Path:
    """Write the export (.csv, .csv.gz, .parquet or .xlsx) and its ground truth beside it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if layout not in _EXPORT_SQL:
        raise ValueError(f"layout must be one of {', '.join(_EXPORT_SQL)}")
    con = duckdb.connect()
    try:
        con.register("export_lines", to_arrow(data))
        query = _EXPORT_SQL[layout]
        name = path.name.lower()
        if name.endswith(".xlsx"):
            con.sql(query).df().to_excel(path, index=False, sheet_name="Online Retail")
        elif name.endswith(".parquet"):
            con.execute(f"copy ({query}) to '{_sql_path(path)}' (format parquet)")
        elif name.endswith((".csv", ".csv.gz")):
            compression = "gzip" if name.endswith(".gz") else "none"
            con.execute(
                f"copy ({query}) to '{_sql_path(path)}' "
                f"(format csv, header, compression {compression})"
            )
        else:
            raise ValueError(f"{path}: write .csv, .csv.gz, .parquet or .xlsx")
    finally:
        con.close()
    write_ground_truth(data, truth_dir(path))
    return path


def truth_dir(export_path: str | Path) -> Path:
    """Where the ground truth of an export lives: a folder beside it, outside any data glob."""
    export_path = Path(export_path)
    stem = export_path.name.split(".")[0]
    return export_path.parent / f"{stem}_truth"


def write_ground_truth(data: GeneratedData, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.register(
            "customers",
            pa.table(
                {
                    "customer_id": data.customers["customer_id"],
                    "archetype": pa.array(data.customers["archetype"], pa.string()),
                }
            ),
        )
        con.register("bundles", pa.table(data.bundles))
        con.execute(
            f"copy (select * from customers order by customer_id) "
            f"to '{_sql_path(directory / 'customers.csv')}' (format csv, header)"
        )
        con.execute(
            f"copy (select * from bundles order by bundle_id, product_code) "
            f"to '{_sql_path(directory / 'bundles.csv')}' (format csv, header)"
        )
    finally:
        con.close()


def write_manifest(config: GeneratorConfig, path: Path) -> None:
    manifest = {
        "config": asdict(config),
        "expected_segment": EXPECTED_SEGMENT,
    }
    (truth_dir(path) / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
