"""The sample-data generator: deterministic, exact in size, and with the planted structure."""

from __future__ import annotations

import csv
import gzip
import json

import numpy as np
import pytest

from shopper_spectrum.generator import (
    ARCHETYPES,
    FULLY_CANCELLED,
    GeneratorConfig,
    generate,
    to_arrow,
    truth_dir,
    write_export,
)

from .conftest import SAMPLE_EXPORT


def test_same_seed_same_data_and_another_seed_other_data():
    first, again = generate(GeneratorConfig(lines=5_000)), generate(GeneratorConfig(lines=5_000))
    other = generate(GeneratorConfig(lines=5_000, seed=7))
    for name, values in first.columns.items():
        np.testing.assert_array_equal(values, again.columns[name])
    assert not np.array_equal(first.columns["product"], other.columns["product"])


@pytest.mark.parametrize("lines", [1_000, 12_345, 100_000])
def test_exact_number_of_lines(lines):
    assert to_arrow(generate(GeneratorConfig(lines=lines))).num_rows == lines


def test_planted_structure_and_quirks_are_present():
    data = generate(GeneratorConfig(lines=50_000))
    table = to_arrow(data).to_pydict()
    assert set(data.customers["archetype"]) == {*ARCHETYPES, FULLY_CANCELLED}
    codes = data.bundles["product_code"]
    assert len(set(codes)) == len(codes), "a product belongs to one bundle at most"
    assert any(table["is_cancellation"])
    assert sum(c is None for c in table["customer_id"]) > 5_000
    assert {"POST", "M", "gift_0001_20"} <= set(table["stock_code"])
    assert any(code[-1].islower() for code in table["stock_code"])
    assert sum(p == 0 for p in table["unit_price"]) > 0


def test_archetypes_differ_in_recency_frequency_and_spend():
    data = generate(GeneratorConfig(lines=60_000))
    cols, archetype = data.columns, data.customers["archetype"]
    known = (cols["customer"] >= 0) & ~cols["is_cancellation"]
    end = cols["at"].max()
    stats = {}
    for name in ARCHETYPES:
        members = np.flatnonzero(archetype == name)
        lines = known & np.isin(cols["customer"], members)
        last = {c: end for c in members}
        for customer, at in zip(cols["customer"][lines], cols["at"][lines], strict=True):
            last[customer] = max(last[customer], at) if last[customer] != end else at
        invoices = len(np.unique(cols["invoice"][lines])) / len(members)
        spend = float((cols["quantity"] * cols["unit_price"])[lines].sum()) / len(members)
        recency = np.median([(end - at) / np.timedelta64(1, "D") for at in last.values()])
        stats[name] = (recency, invoices, spend)
    assert (
        stats["high_value"][0] < stats["regular"][0] < stats["occasional"][0] < stats["lapsed"][0]
    )
    assert (
        stats["high_value"][1] > stats["regular"][1] > stats["lapsed"][1] > stats["occasional"][1]
    )
    assert stats["high_value"][2] > 3 * stats["regular"][2]


def test_committed_sample_is_what_the_generator_makes(tmp_path):
    manifest = json.loads((truth_dir(SAMPLE_EXPORT) / "manifest.json").read_text())
    config = GeneratorConfig(**manifest["config"])
    fresh = write_export(generate(config), tmp_path / SAMPLE_EXPORT.name, layout=config.layout)
    with gzip.open(fresh, "rt") as a, gzip.open(SAMPLE_EXPORT, "rt") as b:
        assert a.read() == b.read()
    for name in ("customers.csv", "bundles.csv"):
        assert (truth_dir(fresh) / name).read_text() == (
            truth_dir(SAMPLE_EXPORT) / name
        ).read_text()


def test_online_retail_ii_layout_writes_float_customer_ids_and_iso_dates(tmp_path):
    path = write_export(
        generate(GeneratorConfig(lines=2_000)), tmp_path / "ii.csv", "online_retail_ii"
    )
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "Invoice",
        "StockCode",
        "Description",
        "Quantity",
        "InvoiceDate",
        "Price",
        "Customer ID",
        "Country",
    ]
    with_customer = next(r for r in rows if r["Customer ID"])
    assert with_customer["Customer ID"].endswith(".0")
    assert with_customer["InvoiceDate"][4] == "-"


def test_parts_share_the_catalogue_but_never_a_customer_or_an_invoice():
    parts = [generate(GeneratorConfig(lines=5_000, part=part)) for part in range(3)]
    for part in parts[1:]:
        np.testing.assert_array_equal(part.product_codes, parts[0].product_codes)
    for name in ("customer_id", "invoice_number"):
        values = [set(to_arrow(part).column(name).drop_null().to_pylist()) for part in parts]
        assert all(values), name
        assert not values[0] & values[1] and not values[1] & values[2], name


def test_planted_movers_change_behaviour_mid_year():
    data = generate(GeneratorConfig(lines=200_000))
    cols, archetype = data.columns, data.customers["archetype"]
    bought = (cols["customer"] >= 0) & ~cols["is_cancellation"]
    days_before_end = (cols["at"].max() - cols["at"]) / np.timedelta64(1, "D")

    def invoice_ages(name: str) -> np.ndarray:
        """Days before the end of the export of each purchase invoice of an archetype."""
        members = np.flatnonzero(archetype == name)
        assert len(members) > 30, name
        lines = bought & np.isin(cols["customer"], members)
        _, first = np.unique(cols["invoice"][lines], return_index=True)
        return days_before_end[lines][first]

    lapsing, growing = invoice_ages("lapsing"), invoice_ages("growing")
    # Lapsing: nothing in the last four months, most of it more than six months before the end.
    assert lapsing.min() >= 119
    assert np.mean(lapsing > 183) > 0.5
    # Growing: most invoices in the last two months, a few more than six months before the end.
    assert np.mean(growing < 60) > 0.6
    assert 0.02 < np.mean(growing > 183) < 0.2
