"""Daily runs: a folder of monthly exports that gains a file. Each incremental build over the same
database is compared, table by table, with a fresh build of the same files into a new one."""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import SAMPLE_EXPORT, DbtBuild, assert_built, run_dbt, scratch_directory

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"


def csv_lines(rows) -> list[str]:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    return text.getvalue().splitlines()


def split_by_month(export: Path, folder: Path) -> list[Path]:
    """The export as one CSV per invoice month, named so that months sort in order."""
    folder.mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute(
            "create table lines as select *, row_number() over () as line"
            f" from read_csv('{export}', all_varchar = true)"
        )
        months = [
            row[0]
            for row in con.execute(
                "select distinct strftime(strptime(InvoiceDate, '%m/%d/%y %H:%M'), '%Y-%m') as m"
                " from lines order by m"
            ).fetchall()
        ]
        for month in months:
            con.execute(
                f"copy (select * exclude (line) from lines"
                f" where strftime(strptime(InvoiceDate, '%m/%d/%y %H:%M'), '%Y-%m') = '{month}'"
                f" order by line) to '{folder / f'orders_{month}.csv'}' (header)"
            )
    return [folder / f"orders_{month}.csv" for month in months]


def differing_tables(built: DbtBuild, fresh: DbtBuild) -> dict[str, tuple[int, int]]:
    """Every table and view the fresh build made (the raw lines included; not the file manifest,
    nor the record of where and when the viewer's snapshot was published, nor when each node was
    built, nor what a model made by changes was made from: files' load times, nor which sets or
    lines a build wrote), with the rows only one side has, where there are any."""
    differences = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{built.database}' as built (read_only)")
        con.execute(f"attach '{fresh.database}' as fresh (read_only)")
        relations = con.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_catalog = 'fresh'"
            " and table_name not like 'raw_export_files%'"
            " and table_name not in ('viewer_snapshot', 'node_inputs')"
            " and not ends_with(table_name, '__made_from')"
            " and not ends_with(table_name, '__sets_written')"
            " and not ends_with(table_name, '__lines_written')"
            " order by all"
        ).fetchall()
        assert len(relations) > 30
        for schema, name in relations:
            one, other = (
                f'select * from {side}."{schema}"."{name}"' for side in ("built", "fresh")
            )
            only_built, only_fresh = (
                con.execute(f"select count(*) from ({a} except all {b})").fetchone()[0]
                for a, b in ((one, other), (other, one))
            )
            if only_built or only_fresh:
                differences[f"{schema}.{name}"] = (only_built, only_fresh)
    return differences


def loaded_in_this_run(build: DbtBuild) -> list[str]:
    return [
        Path(row[0]).name
        for row in build.query(
            "select source_file from raw.raw_export_files where loaded_in_this_run order by 1"
        )
    ]


def kept_folds(build: DbtBuild) -> list[str]:
    """The test windows' ends of the folds whose evaluation the build kept from the last build,
    as its log says."""
    said = re.findall(r"kept from the last build: ([^\n]*?) \(test windows ending", build.output)
    windows = re.findall(r"test windows ending ([0-9, -]*)\)", build.output)
    assert len(said) == len(windows) == 1, build.output[-3000:]
    return sorted(day for day in windows[0].split(", ") if day)


def sets_made(build: DbtBuild, label: str, verb: str, sets_name: str) -> list[str]:
    """The sets of a table held by set digest that the build made (the others it kept), as its
    log says ("<label> kept from the last build for <sets_name> …; <verb> for <sets_name> …")."""
    said = re.findall(
        rf"{label} kept from the last build for {sets_name} [^;]*; {verb} for {sets_name} ([^\n]*)",
        build.output,
    )
    assert len(said) == 1, build.output[-3000:]
    return [] if said[0].strip() == "none" else said[0].split(", ")


def computed_sets(build: DbtBuild, label: str = "Pair counts", verb: str = "counted") -> list[int]:
    """The folds whose pair counts (or neighbours) the build computed."""
    return [int(fold) for fold in sets_made(build, label, verb, "folds")]


def snapshots_made_after(build: DbtBuild, day: str) -> None:
    """The build made the customer snapshots dated after `day` (when its new lines begin) and
    kept the earlier ones."""
    dates = [
        str(date)
        for (date,) in build.query(
            "select strftime(as_of_date, '%Y-%m-%d') from int_snapshot_dates order by 1"
        )
    ]
    made = sets_made(build, "Customer snapshots", "made", "dates")
    assert made == [date for date in dates if date > day]
    assert 0 < len(made) < len(dates)


def folds_from_production(build: DbtBuild) -> list[int]:
    """The folds whose pair counts the build made from the last build's production counts (by
    the units that differ), as its log says."""
    return [
        int(fold)
        for fold in re.findall(
            r"Pair counts of fold (\d+): made from the production counts", build.output
        )
    ]


def production_pairs_counted(build: DbtBuild) -> str:
    """How the build counted the production set's pairs ("in full", or by the units that changed),
    as its log says."""
    said = re.findall(r"Production pair counts: counted ([^\n]*)", build.output)
    assert len(said) == 1, build.output[-3000:]
    return "in full" if said[0].startswith("in full") else "by changes"


def made_how(build: DbtBuild, label: str) -> str:
    """How the build made a model made by changes ("in full (the … changed)", or "by changes"),
    as its log says ("<label>: made …")."""
    said = re.findall(rf"{label}: made ([^\n]*)", build.output)
    assert len(said) == 1, build.output[-3000:]
    return said[0] if said[0].startswith("in full") else "by changes"


def keep_stamp(path: Path, write) -> None:
    """Rewrite a file through `write` and give it back its modified time."""
    status = path.stat()
    write()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))


def invoice_day(line: str) -> str:
    """The day of an export line's invoice, as the export writes it (m/d/yy)."""
    return next(csv.reader([line]))[4].split(" ")[0]


@pytest.fixture(scope="module")
def monthly(tmp_path_factory) -> Iterator[dict]:
    """The committed sample as monthly files, all but the newest built into one database, then
    the newest month's first day added in a file of its own (a day: no fold starts), so that the
    fold the rest of the month starts is cut before purchases the last build made units of."""
    with scratch_directory(tmp_path_factory, "daily") as root:
        months = split_by_month(SAMPLE_EXPORT, root / "exports")
        newest = months[-1]
        held = root / newest.name
        newest.rename(held)
        glob = str(root / "exports" / "*.csv")
        first = assert_built(run_dbt(root / "daily", glob))
        header, *lines = held.read_text().splitlines()
        first_day = min(
            (invoice_day(line) for line in lines),
            key=lambda day: pd.to_datetime(day, format="%m/%d/%y"),
        )
        # named to sort between the month before and the rest of its own month
        day_file = newest.with_name(f"{newest.stem}-01.csv")
        for path, on_first_day in ((held, False), (day_file, True)):
            kept = [line for line in lines if (invoice_day(line) == first_day) == on_first_day]
            path.write_text("\n".join([header, *kept]) + "\n")
        day = assert_built(run_dbt(root / "daily", glob))
        assert loaded_in_this_run(day) == [day_file.name]
        assert "Training set units: made by changes (the baskets and customers of new" in day.output
        # A day writes no fold's counts, so their tests on the sets written read no row.
        assert " where false)" in day.compiled_test(
            "int_training_set_pair_counts", "expression_is_true"
        )
        yield {"root": root, "months": months, "held": held, "glob": glob, "first": first}


def test_a_new_month_reads_only_its_file_and_equals_a_fresh_build(monthly):
    root, months, glob = monthly["root"], monthly["months"], monthly["glob"]
    newest, oldest = months[-1], months[0]
    old_lines = oldest.read_text().splitlines()[1:21]
    # The new month's file also repeats lines of the oldest month, has late lines for the month
    # before it (a new order on its 15th) and brings a product no earlier file has.
    last_month = [
        fields
        for fields in csv.reader(months[-2].read_text().splitlines()[1:])
        if fields[6] and not fields[0].startswith("C") and float(fields[3]) > 0
    ][:5]
    month, _, year = last_month[0][4].split(" ")[0].split("/")
    late = csv_lines(
        ["999001", *fields[1:4], f"{month}/15/{year} 12:00", *fields[5:]] for fields in last_month
    )
    new_code = "999002,NEWCODE1,A product first sold this month,3,12/9/11 10:00,2.5,12791,France"
    newest.write_text(
        monthly["held"].read_text().rstrip("\n")
        + "\n"
        + "\n".join(old_lines + late + [new_code])
        + "\n"
    )
    fresh = assert_built(run_dbt(root / "fresh_added", glob))
    # An old file's bytes replaced, its size and time kept: the next build must not read it.
    original = oldest.read_bytes()
    keep_stamp(oldest, lambda: oldest.write_bytes(b"x" * len(original)))
    try:
        added = assert_built(run_dbt(root / "daily", glob))
    finally:
        keep_stamp(oldest, lambda: oldest.write_bytes(original))
    assert loaded_in_this_run(added) == [newest.name]
    assert "every file is read again" not in added.output
    # Folds whose test window ends by the late lines' day keep their rows; the others are new.
    late_date = pd.Timestamp(f"20{year}-{month}-15").strftime("%Y-%m-%d")
    windows = [
        str(day)
        for (day,) in added.query(
            "select strftime(test_until, '%Y-%m-%d') from int_recommendation_training_sets"
            " where fold > 0 order by 1"
        )
    ]
    kept = kept_folds(added)
    assert kept == [day for day in windows if day <= late_date]
    assert 0 < len(kept) < len(windows)
    # The same folds keep their pair counts and neighbours: only the new ones are computed (and
    # the production set's neighbours).
    new_folds = [
        fold
        for (fold,) in added.query(
            "select fold from int_recommendation_training_sets"
            f" where strftime(test_until, '%Y-%m-%d') > '{late_date}' order by fold"
        )
    ]
    assert computed_sets(added) == new_folds
    # The newest fold, cut at the new month's start, trains on nearly what the last build's
    # production set held: its counts are made from those.
    assert folds_from_production(added) == [1]
    assert computed_sets(added, "Neighbours", "ranked") == [0, *new_folds]
    assert computed_sets(added, "Fold customers", "chosen") == new_folds
    # Their data tests run on the sets this build wrote, which the models recorded.
    for model, folds in (
        ("int_training_set_pair_counts", new_folds),
        ("int_training_set_customers", new_folds),
        ("int_training_set_neighbours", [0, *new_folds]),
    ):
        written = added.query(
            f"select fold from main.{model}__sets_written"
            " inner join int_recommendation_training_sets using (inputs_digest) order by fold"
        )
        assert [fold for (fold,) in written] == folds
    # The written sets' digests are written into those tests as literals.
    neighbour_sets = added.query(
        "select inputs_digest from main.int_training_set_neighbours__sets_written"
    )
    for name_prefix in ("unique_combination", "not_null_columns"):
        sets_test = added.compiled_test("int_training_set_neighbours", name_prefix)
        assert all(f"'{digest}'" in sets_test for (digest,) in neighbour_sets)
    # The dispositions' key and not-null tests run on the lines this build wrote: those after
    # the earlier files' lines, and those the dates may move.
    for name_prefix in ("unique_", "not_null_columns"):
        lines_test = added.compiled_test("int_invoice_lines__dispositioned", name_prefix)
        assert "int_invoice_lines__dispositioned__lines_written" in lines_test
    assert added.scalar(
        "select through_line_id from main.int_invoice_lines__dispositioned__lines_written"
    ) == added.scalar(
        "select max(raw_line_id) from int_invoice_lines__dispositioned"
        f" where source_file not like '%{newest.name}'"
    )
    # Month-ends before the late lines keep their customer snapshots.
    snapshots_made_after(added, late_date)
    # A new fold cutoff moves every unit's sets on a fold: only the baskets and customers with
    # purchases from the cutoff on are made again.
    assert made_how(added, "Training set units") == "by changes"
    assert "Training set units: made by changes (a new fold cutoff" in added.output
    assert made_how(added, "Dispositions") == "by changes"
    assert made_how(added, "Customer product history") == "by changes"
    assert differing_tables(added, fresh) == {}
    assert added.scalar(
        "select count(*) from int_invoice_lines__dispositioned"
        " where disposition = 'overlapping_export_duplicate'"
    ) >= len(old_lines)
    assert added.scalar("select count(*) from dim_products where product_code = 'NEWCODE1'") == 1
    monthly["fresh_added"], monthly["added"] = fresh, added


def built_at(build: DbtBuild) -> dict[str, object]:
    """When each model, view and data test was last built (or run and passed)."""
    return dict(build.query("select node_id, built_at from raw.node_inputs"))


def kept_models(build: DbtBuild) -> set[str]:
    return set(re.findall(r"model main\.(\w+) \.*\s*\[\S*KEPT", build.output))


def test_nothing_new_reads_nothing_and_keeps_every_node(monthly):
    before = built_at(monthly["added"])
    again = assert_built(run_dbt(monthly["root"] / "daily", monthly["glob"]))
    assert loaded_in_this_run(again) == []
    after = built_at(again)
    assert after == before
    models = sum(node.startswith("model.") for node in after)
    assert models > 30 and sum(node.startswith("test.") for node in after) > 100
    assert len(kept_models(again)) == again.output.count("KEPT") == models
    assert differing_tables(again, monthly["fresh_added"]) == {}


def test_a_changed_var_rebuilds_the_nodes_it_reaches_and_equals_a_fresh_build(monthly):
    root, glob = monthly["root"], monthly["glob"]
    before = built_at(monthly["added"])
    # A shorter customer history changes most customers' products: the production counts start
    # over rather than take every old pair away.
    pairs = {"min_cooccurrence": 3, "recommendation_customer_history_cap": 5}
    changed = assert_built(run_dbt(root / "daily", glob, extra_vars=pairs))
    assert production_pairs_counted(changed) == "in full"
    rebuilt = {node.split(".")[-1] for node, at in built_at(changed).items() if at != before[node]}
    # Shaped by the var: the pair counts and all below them; not the lines, RFM or segments.
    assert {"int_product_pairs", "item_model", "customer_recommendations"} <= rebuilt
    assert not rebuilt & {
        "int_invoice_lines__duplicates_flagged",
        "fct_customer_rfm",
        "segment_model",
        "customer_segments",
    }
    fresh = assert_built(run_dbt(root / "fresh_pairs", glob, extra_vars=pairs))
    assert differing_tables(changed, fresh) == {}
    # Back to the project's vars: the nodes the var reached are built again.
    monthly["added"] = assert_built(run_dbt(root / "daily", glob))
    assert differing_tables(monthly["added"], monthly["fresh_added"]) == {}


def test_an_earlier_as_of_date_dates_again_only_the_lines_it_moves(monthly):
    root, glob = monthly["root"], monthly["glob"]
    earlier = {"as_of_date": "2011-11-15"}
    moved = assert_built(run_dbt(root / "daily", glob, extra_vars=earlier))
    # Only lines from the earlier date on can change disposition; purchases the units were made
    # from leave the sales lines (and a fold with them), so every unit is made again.
    assert made_how(moved, "Dispositions") == "by changes"
    assert made_how(moved, "Training set units").startswith("in full")
    assert made_how(moved, "Customer product history").startswith("in full")
    after = "select count(*) from int_invoice_lines__dispositioned where disposition = 'after_as_of_date'"
    assert moved.scalar(after) > 0
    fresh = assert_built(run_dbt(root / "fresh_earlier", glob, extra_vars=earlier))
    assert differing_tables(moved, fresh) == {}
    monthly["added"] = assert_built(run_dbt(root / "daily", glob))
    assert made_how(monthly["added"], "Dispositions") == "by changes"
    assert differing_tables(monthly["added"], monthly["fresh_added"]) == {}


def test_fewer_folds_count_no_pairs_and_more_count_only_the_new_fold(monthly):
    root, glob = monthly["root"], monthly["glob"]
    folds = monthly["added"].scalar("select max(fold) from int_recommendation_training_sets")
    fewer = {"evaluation_folds": folds - 1}
    dropped = assert_built(run_dbt(root / "daily", glob, extra_vars=fewer))
    assert computed_sets(dropped) == []
    fresh = assert_built(run_dbt(root / "fresh_fewer_folds", glob, extra_vars=fewer))
    assert differing_tables(dropped, fresh) == {}
    monthly["added"] = assert_built(run_dbt(root / "daily", glob))
    assert computed_sets(monthly["added"]) == [folds]
    assert differing_tables(monthly["added"], monthly["fresh_added"]) == {}


def test_a_test_that_warned_runs_again_while_what_it_reads_is_kept(monthly):
    root, glob = monthly["root"], monthly["glob"]
    every_order_indistinct = {"orders_indistinct_share": 0}
    warned = assert_built(run_dbt(root / "daily", glob, extra_vars=every_order_indistinct))
    again = assert_built(run_dbt(root / "daily", glob, extra_vars=every_order_indistinct))
    for build in (warned, again):
        assert re.search(r"WARN 1 warn_on_indistinct_orders", build.output), build.output[-3000:]
    assert "audit_orders" in kept_models(again) and "audit_orders" not in kept_models(warned)
    monthly["added"] = assert_built(run_dbt(root / "daily", glob))


def test_a_build_that_stopped_after_loading_is_completed_by_the_next(monthly):
    """A file loaded by a command that built nothing after it (dbt seed, or a build stopped
    after loading): the next build, with nothing new to read, types its lines."""
    root, glob = monthly["root"], monthly["glob"]
    late = root / "exports" / "orders_9999.csv"
    # A line more for a basket the last build counted: another product sold that month.
    purchases = [
        fields
        for fields in csv.reader(monthly["months"][-1].read_text().splitlines()[1:])
        if fields[6] and not fields[0].startswith("C") and float(fields[3]) > 0
    ]
    invoice, _, _, _, invoiced_at, _, customer, country = purchases[0]
    in_basket = {fields[1] for fields in purchases if fields[0] == invoice}
    other_code = next(
        code for _, code, *_ in purchases if code not in in_basket and code[:1].isdigit()
    )
    late.write_text(
        HEADER
        + "\n999200,NEWCODE3,Loaded late,2,12/9/11 11:00,1.5,12791,France"
        + f"\n{invoice},{other_code},Added late,1,{invoiced_at},2.0,{customer},{country}\n"
    )
    seeded = assert_built(run_dbt(root / "daily", glob, command="seed"))
    assert loaded_in_this_run(seeded) == [late.name]
    completed = assert_built(run_dbt(root / "daily", glob))
    assert loaded_in_this_run(completed) == []
    # One new basket and one customer's products changed: their units are made again, and the
    # production pairs follow by changes.
    assert made_how(completed, "Training set units") == "by changes"
    assert made_how(completed, "Customer product history") == "by changes"
    assert production_pairs_counted(completed) == "by changes"
    first_line_day = min(pd.Timestamp(day).strftime("%Y-%m-%d") for day in ("12/9/11", invoiced_at))
    snapshots_made_after(completed, first_line_day)
    assert differing_tables(completed, assert_built(run_dbt(root / "fresh_late", glob))) == {}


def test_a_purchase_past_the_history_cap_takes_the_oldest_pairs_away_by_changes(monthly):
    """With a history cap of 3, a customer buying a product new to them: it joins their recent
    products and their oldest leaves, and the production counts follow by changes (the new
    product's pairs added, the oldest's taken away)."""
    root, glob = monthly["root"], monthly["glob"]
    cap = {"recommendation_customer_history_cap": 3}
    capped = assert_built(run_dbt(root / "daily", glob, extra_vars=cap))
    customer, product = capped.query(
        "with buyers as (select customer_id from int_customer_product_history"
        "  group by customer_id having count(*) >= 4 order by customer_id limit 1)"
        " select buyers.customer_id, min(products.product_code) from buyers"
        " cross join dim_products as products"
        " where products.product_code not in (select product_code from int_customer_product_history"
        "  as history where history.customer_id = buyers.customer_id)"
        " group by buyers.customer_id"
    )[0]
    (root / "exports" / "orders_99999.csv").write_text(
        HEADER + f"\n999300,{product},Past the cap,1,12/10/11 12:00,3.0,{customer},France\n"
    )
    bought = assert_built(run_dbt(root / "daily", glob, extra_vars=cap))
    assert made_how(bought, "Training set units") == "by changes"
    assert production_pairs_counted(bought) == "by changes"
    fresh = assert_built(run_dbt(root / "fresh_capped", glob, extra_vars=cap))
    assert differing_tables(bought, fresh) == {}


def test_purchases_after_a_build_of_none_are_all_new(tmp_path):
    """A first build of guest lines only makes no unit; the next file's purchases, all in one
    month (so no fold starts and the units are made by changes), make them all."""
    with gzip.open(SAMPLE_EXPORT, "rt", newline="") as sample:
        header, *rows = csv.reader(sample)
    exports = tmp_path / "exports"
    exports.mkdir()
    for name, part in (
        ("a_guests.csv", [row for row in rows if not row[6]]),
        (
            "b_customers.csv",
            [row for row in rows if row[6] and row[4].startswith("12/") and "/10 " in row[4]],
        ),
    ):
        with (exports / name).open("w", newline="") as file:
            csv.writer(file).writerows([header, *part])
        built = assert_built(run_dbt(tmp_path / "daily", str(exports / "*.csv")))
    assert made_how(built, "Training set units") == "by changes"
    assert made_how(built, "Dispositions") == "by changes"
    assert built.scalar("select count(*) from int_training_set_units") > 0
    fresh = assert_built(run_dbt(tmp_path / "fresh", str(exports / "*.csv")))
    assert differing_tables(built, fresh) == {}


def test_a_file_that_sorts_first_reloads_every_file(monthly):
    root, glob = monthly["root"], monthly["glob"]
    first = root / "exports" / "orders_0000.csv"
    first.write_text(HEADER + "\n999100,NEWCODE2,Sorted first,1,12/2/10 9:00,1.0,12791,France\n")
    reloaded = assert_built(run_dbt(root / "daily", glob))
    assert "orders_0000.csv sorts before" in reloaded.output
    assert len(loaded_in_this_run(reloaded)) == len(list((root / "exports").glob("*.csv")))
    assert differing_tables(reloaded, assert_built(run_dbt(root / "fresh_first", glob))) == {}


def test_a_file_changed_in_place_is_reloaded_by_any_command_and_typed_again_by_the_next_build(
    monthly,
):
    """One quantity edited (same size, later time): `dbt seed` reloads every file, and the next
    build, which loads nothing, types the reloaded lines again instead of keeping the old ones."""
    root, glob, oldest = monthly["root"], monthly["glob"], monthly["months"][0]
    header, first, *rest = oldest.read_text().splitlines()
    fields = next(csv.reader([first]))
    fields[3] = fields[3][:-1] + str((int(fields[3][-1]) + 1) % 10)
    oldest.write_text("\n".join([header, *csv_lines([fields]), *rest]) + "\n")
    seeded = assert_built(run_dbt(root / "daily", glob, command="seed"))
    assert f"{oldest.name} changed since the last build (modified" in seeded.output
    modified = assert_built(run_dbt(root / "daily", glob))
    assert loaded_in_this_run(modified) == []
    fresh = assert_built(run_dbt(root / "fresh_modified", glob))
    assert differing_tables(modified, fresh) == {}
    refreshed = assert_built(run_dbt(root / "daily", glob, flags=["--full-refresh"]))
    assert len(loaded_in_this_run(refreshed)) == len(list((root / "exports").glob("*.csv")))
    assert differing_tables(refreshed, fresh) == {}
