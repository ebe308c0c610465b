"""The raw-export loader: layouts, formats, and clear errors or audited lines for bad input."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from shopper_spectrum.ingest import (
    RawInputError,
    load_raw_exports,
    load_raw_relation,
    read_raw_exports,
)
from shopper_spectrum.ingest.increments import LoadPlan, StampedFile
from shopper_spectrum.ingest.readers import readers_for

from .conftest import project_load_settings

OR_HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"
OR2_HEADER = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country"
GOOD = "536365,85123A,WHITE HEART,6,12/1/10 8:26,2.55,17850,United Kingdom\n"
SETTINGS = project_load_settings()


def write(path, text: str | bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode() if isinstance(text, str) else text
    if path.name.endswith(".gz"):
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def read_all(raw_path, settings=SETTINGS) -> list[dict]:
    return read_raw_exports(str(raw_path), settings).to_pylist()


def test_both_uci_layouts_are_recognised_and_named_by_field():
    layouts = SETTINGS.layouts
    name, mapping = layouts.match(OR2_HEADER.split(","), "f.csv")
    assert name == "online_retail_ii"
    assert mapping["customer"] == "Customer ID"
    assert mapping["unit_price"] == "Price"
    name, _ = layouts.match(OR_HEADER.lower().split(","), "f.csv")
    assert name == "online_retail"


def test_values_are_read_as_exported_text_with_their_origin(tmp_path):
    path = write(
        tmp_path / "a.csv",
        f'{OR_HEADER}\n536365,85123A,"HEART, WHITE",6,12/1/10 8:26,2.55,17850,United Kingdom\n'
        "536366,22633,HAND WARMER,abc,12/1/10 8:28,1.85,,United Kingdom\n",
    )
    rows = read_all(path)
    assert rows[0]["description"] == "HEART, WHITE"
    assert rows[1]["quantity"] == "abc"
    assert rows[1]["customer"] is None
    assert [r["source_row_number"] for r in rows] == [1, 2]
    assert [r["raw_line_id"] for r in rows] == [1, 2]
    assert rows[0]["source_file"] == str(path)
    assert rows[0]["source_layout"] == "online_retail"
    assert rows[0]["line_amount"] is None


def test_a_glob_reads_every_format_and_numbers_lines_across_files(tmp_path):
    write(tmp_path / "in" / "1.csv", f"{OR_HEADER}\n1,A,x,1,12/1/10 8:26,1,1,UK\n")
    write(
        tmp_path / "in" / "2.csv.gz",
        OR2_HEADER + "\n" + "2,B,y,2,2010-12-01 08:26:00,2,2.0,UK\n" * 2,
    )
    pq.write_table(
        pa.table(
            {
                "Invoice": ["3"],
                "StockCode": ["C"],
                "Description": ["z"],
                "Quantity": [3],
                "InvoiceDate": pd.to_datetime(["2010-12-02 09:00"]),
                "Price": [3.5],
                "Customer ID": [12346.0],
                "Country": ["UK"],
            }
        ),
        tmp_path / "in" / "3.parquet",
    )
    rows = read_all(tmp_path / "in" / "*")
    assert [r["raw_line_id"] for r in rows] == [1, 2, 3, 4]
    assert [r["source_row_number"] for r in rows] == [1, 1, 2, 1]
    assert rows[3]["quantity"] == "3"
    assert rows[3]["invoice_time"].startswith("2010-12-02 09:00")
    assert rows[3]["customer"] == "12346.0"
    assert {r["source_layout"] for r in rows} == {"online_retail", "online_retail_ii"}


def parquet_export(path, invoice_times: list[str]):
    n = len(invoice_times)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        pa.table(
            {
                "InvoiceNo": [str(i) for i in range(n)],
                "StockCode": ["A"] * n,
                "Description": ["x"] * n,
                "Quantity": [1] * n,
                "InvoiceDate": invoice_times,
                "UnitPrice": [1.0] * n,
                "CustomerID": [7.0] * n,
                "Country": ["UK"] * n,
            }
        ),
        path,
    )
    return path


def fresh_plan(raw_path: Path) -> LoadPlan:
    """Every file raw_path names, read as in a first build."""
    return LoadPlan(StampedFile.listed(str(raw_path)))


def test_parquet_only_exports_are_a_view_numbered_across_files_with_their_date_order(tmp_path):
    parquet_export(tmp_path / "p" / "1.parquet", ["13/01/2011 10:00", "01/02/2011 10:00"])
    parquet_export(tmp_path / "p" / "2.parquet", ["01/13/2011 10:00"])
    with duckdb.connect() as connection:
        manifest = load_raw_exports(
            connection, fresh_plan(tmp_path / "p" / "*.parquet"), "raw_lines", SETTINGS
        ).to_pylist()
        kind = connection.execute(
            "select table_type from information_schema.tables where table_name = 'raw_lines'"
        ).fetchone()[0]
        # a second load over the first replaces the view (and a table left by a CSV load)
        load_raw_exports(
            connection, fresh_plan(tmp_path / "p" / "1.parquet"), "raw_lines", SETTINGS
        )
        assert connection.execute("select count(*) from raw_lines").fetchone()[0] == 2
    assert kind == "VIEW"
    assert [(m["first_raw_line_id"], m["lines"], m["date_order"]) for m in manifest] == [
        (1, 2, "day_first"),
        (3, 1, "month_first"),
    ]
    rows = read_all(tmp_path / "p" / "*.parquet")
    assert [(r["raw_line_id"], r["source_row_number"], r["date_order"]) for r in rows] == [
        (1, 1, "day_first"),
        (2, 2, "day_first"),
        (3, 1, "month_first"),
    ]
    parquet_export(tmp_path / "both.parquet", ["13/01/2011 10:00", "01/13/2011 10:00"])
    with pytest.raises(RawInputError, match=r"both\.parquet: dates are day-first on some rows"):
        read_all(tmp_path / "both.parquet")
    damaged = tmp_path / "p" / "2.parquet"
    damaged.write_bytes(damaged.read_bytes()[:-40])
    with pytest.raises(RawInputError, match=r"2\.parquet: cannot be read"):
        read_all(tmp_path / "p" / "*.parquet")
    parquet_export(tmp_path / "empty.parquet", [])
    with pytest.raises(
        RawInputError, match=r"empty\.parquet: the header is there but there are no lines"
    ):
        read_all(tmp_path / "empty.parquet")


def test_excel_reads_every_sheet(tmp_path):
    path = tmp_path / "retail.xlsx"
    frame = pd.DataFrame(
        {
            "Invoice": ["1", "2"],
            "StockCode": ["A", "B"],
            "Description": ["x", "y"],
            "Quantity": [1, 2],
            "InvoiceDate": pd.to_datetime(["2010-12-01 08:00", "2010-12-02 00:00"]),
            "Price": [1.5, 2.0],
            "Customer ID": [12346.0, None],
            "Country": ["UK", "UK"],
        }
    )
    with pd.ExcelWriter(path) as writer:
        frame.to_excel(writer, sheet_name="Year 2009-2010", index=False)
        frame.iloc[1:].to_excel(writer, sheet_name="Year 2010-2011", index=False)
    rows = read_all(path)
    assert [(r["source_sheet"], r["source_row_number"]) for r in rows] == [
        ("Year 2009-2010", 1),
        ("Year 2009-2010", 2),
        ("Year 2010-2011", 1),
    ]
    assert rows[0]["invoice_time"].startswith("2010-12-01 08:00")
    assert rows[1]["customer"] is None
    assert rows[0]["source_layout"] == "online_retail_ii"


def test_own_columns_in_any_order_with_line_amounts_are_read_by_raw_columns(tmp_path):
    path = write(
        tmp_path / "orders.csv",
        "client,ordered_at,sku,order_id,units,total\n7,2011-01-05 10:00:00,A1,9,3,7.50\n",
    )
    settings = project_load_settings(
        raw_columns={
            "invoice": "order_id",
            "product": "sku",
            "quantity": "units",
            "invoice_time": "ordered_at",
            "line_amount": "total",
            "customer": "client",
        }
    )
    (row,) = read_all(path, settings)
    assert (row["invoice"], row["product"], row["quantity"], row["line_amount"]) == (
        "9",
        "A1",
        "3",
        "7.50",
    )
    assert row["unit_price"] is None and row["description"] is None
    assert row["source_layout"] == "raw_columns"


def test_a_warehouse_table_is_loaded_like_a_file(tmp_path):
    with duckdb.connect() as connection:
        connection.execute(
            'create table orders ("Invoice" varchar, "StockCode" varchar, "Description" varchar,'
            ' "Quantity" integer, "InvoiceDate" timestamptz, "Price" double,'
            ' "Customer ID" double, "Country" varchar)'
        )
        connection.execute(
            "insert into orders values ('1', 'A', 'x', 2, '2011-01-05 10:00:00+02', 1.5, 12346, 'UK')"
        )
        manifest = load_raw_relation(connection, "orders", "raw_lines", SETTINGS)
        (row,) = connection.sql("select * from raw_lines").to_arrow_table().to_pylist()
    assert manifest.to_pylist()[0]["source_file"] == "orders"
    assert row["source_layout"] == "online_retail_ii"
    # A time-zone-aware timestamp is written as its UTC time.
    assert row["invoice_time"] == "2011-01-05 08:00:00"


def test_rows_with_too_few_or_too_many_fields_are_kept_as_lines_with_the_reason(tmp_path):
    path = write(
        tmp_path / "a.csv",
        OR_HEADER
        + "\n"
        + GOOD
        + "536366,22633,HAND WARMER,6\n"
        + GOOD
        + "536367,22633,HAND WARMER,6,12/1/10 8:26,2.55,17850,United Kingdom,EXTRA\n"
        + GOOD,
    )
    rows = read_all(path)
    assert [r["source_row_number"] for r in rows] == [1, 2, 3, 4, 5]
    assert [r["raw_line_id"] for r in rows] == [1, 2, 3, 4, 5]
    assert [r["load_error"] for r in rows] == [
        None,
        "the row has 4 fields, the header 8",
        None,
        "the row has 9 fields, the header 8",
        None,
    ]
    assert rows[1]["invoice"] is None and rows[2]["invoice"] == "536365"


def test_a_quoted_newline_is_one_value_and_other_encodings_read_with_raw_encoding(tmp_path):
    quoted = write(
        tmp_path / "q.csv", OR_HEADER + '\n536366,22633,"HAND\nWARMER",6,12/1/10 8:26,1,7,UK\n'
    )
    assert read_all(quoted)[0]["description"] == "HAND\nWARMER"
    latin = write(
        tmp_path / "l.csv",
        (OR_HEADER + "\n" + "536366,22633,CAF\xc9 MUG,6,12/1/10 8:26,2.55,17850,France\n").encode(
            "latin-1"
        ),
    )
    (row,) = read_all(latin)
    assert row["invoice"] is None and "is not utf-8 text" in row["load_error"]
    (row,) = read_all(latin, project_load_settings(encoding="latin-1"))
    assert row["description"] == "CAFÉ MUG"


def test_a_file_with_carriage_returns_alone_reads_like_any_other(tmp_path):
    """Excel for Mac ends lines with a carriage return and no line feed, plain or gzipped."""
    lines = [OR_HEADER, GOOD.strip(), '536366,22633,"HAND\rWARMER",6,12/1/10 8:26,1,7,UK']
    for name in ("mac.csv", "mac.csv.gz"):
        rows = read_all(write(tmp_path / name, "\r".join(lines) + "\r"))
        assert [row["invoice"] for row in rows] == ["536365", "536366"]
        assert rows[1]["description"] == "HAND\rWARMER"
        assert rows[1]["country"] == "UK" and rows[1]["load_error"] is None


def test_day_first_dates_are_settled_per_file_and_a_file_with_both_orders_is_an_error(tmp_path):
    write(
        tmp_path / "d" / "day.csv",
        OR_HEADER + "\n1,A,x,1,13/01/2011 10:00,1,7,UK\n2,A,x,1,01/02/2011 10:00,1,7,UK\n",
    )
    write(tmp_path / "d" / "month.csv", OR_HEADER + "\n3,A,x,1,01/13/2011 10:00,1,7,UK\n")
    rows = read_all(tmp_path / "d" / "*.csv")
    assert [r["date_order"] for r in rows] == ["day_first", "day_first", None]
    both = write(
        tmp_path / "both.csv",
        OR_HEADER + "\n1,A,x,1,13/01/2011 10:00,1,7,UK\n2,A,x,1,01/13/2011 10:00,1,7,UK\n",
    )
    with pytest.raises(
        RawInputError, match=r"both\.csv: dates are day-first on some rows \(row 1: 13/01/2011"
    ):
        read_all(both)
    assert (
        read_all(both, project_load_settings(date_format="%d/%m/%Y %H:%M"))[0]["date_order"] is None
    )


def test_a_file_name_with_glob_characters_is_read_as_that_file(tmp_path):
    path = write(tmp_path / "export[1].csv", OR_HEADER + "\n" + GOOD)
    write(tmp_path / "export1.csv", OR_HEADER + "\n" + GOOD + GOOD)
    rows = read_all(path)
    assert len(rows) == 1 and rows[0]["source_file"] == str(path)


@pytest.mark.parametrize(
    ("files", "raw_path", "message"),
    [
        ({}, "missing/*.csv", "matches no file"),
        ({"e.csv": ""}, "e.csv", "e.csv: the file is empty"),
        ({"h.csv": OR_HEADER + "\n"}, "h.csv", "h.csv: the header is there but there are no lines"),
        ({"u.csv": "a,b,c\n1,2,3\n"}, "u.csv", "u.csv: unknown layout. Header found: a, b, c"),
        (
            {"m.csv": "InvoiceNo,StockCode,Quantity\n1,2,3\n"},
            "m.csv",
            "needs column(s) Description",
        ),
        ({"t.txt": "x"}, "t.txt", "unsupported file type"),
        (
            {"q.csv": OR_HEADER + "\n" + GOOD + '2,A,"never closed,1,12/1/10 8:26,1,7,UK\n' + GOOD},
            "q.csv",
            "q.csv: row 2: a quoted value opened in column Description is never closed",
        ),
        (
            {"c.csv": OR_HEADER.replace("CustomerID", "CustomerID,Customer_ID") + "\n1\n"},
            "c.csv",
            "the columns 'CustomerID' and 'Customer_ID' both read as 'customerid'",
        ),
    ],
)
def test_bad_input_gets_one_line_naming_the_file_and_the_problem(
    tmp_path, files, raw_path, message
):
    for name, text in files.items():
        write(tmp_path / name, text)
    with pytest.raises(RawInputError, match=re.escape(message)):
        read_all(tmp_path / raw_path)


def test_a_truncated_gzip_names_the_file_and_the_cause(tmp_path):
    path = tmp_path / "t.csv.gz"
    data = gzip.compress((OR_HEADER + "\n" + GOOD * 5_000).encode())
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(RawInputError, match=r"t\.csv\.gz: the gzip stream ends too early"):
        read_all(path)


def test_a_bad_file_late_in_a_glob_fails_before_any_line_is_read(tmp_path):
    write(tmp_path / "1.csv", f"{OR_HEADER}\n1,A,x,1,12/1/10 8:26,1,1,UK\n")
    write(tmp_path / "2.csv", "a,b\n1,2\n")
    with pytest.raises(RawInputError, match=r"2\.csv: unknown layout"):
        read_all(tmp_path / "*.csv")


def test_each_format_has_its_reader_and_each_sheet_with_a_header_its_own(tmp_path):
    csv_gz = write(tmp_path / "a.csv.gz", OR_HEADER + "\n" + GOOD)
    frame = pd.read_csv(csv_gz, dtype=str)
    parquet = tmp_path / "b.parquet"
    frame.to_parquet(parquet)
    workbook = tmp_path / "c.xlsx"
    with pd.ExcelWriter(workbook) as writer:
        frame.to_excel(writer, sheet_name="lines", index=False)
        pd.DataFrame().to_excel(writer, sheet_name="blank", index=False)
    chosen = {
        path.name: [(type(reader).__name__, reader.sheet) for reader in readers_for(path, SETTINGS)]
        for path in (csv_gz, parquet, workbook)
    }
    assert chosen == {
        "a.csv.gz": [("CsvReader", None)],
        "b.parquet": [("ParquetReader", None)],
        "c.xlsx": [("ExcelSheetReader", "lines")],
    }
    # one interface: every reader appends the same line the same way
    lines = [read_all(path)[0] for path in (csv_gz, parquet, workbook)]
    assert {(r["invoice"], r["product"], r["quantity"], r["raw_line_id"]) for r in lines} == {
        ("536365", "85123A", "6", 1)
    }


def test_the_loader_plugin_imports_no_model_library_and_the_warmup_plugin_imports_them():
    script = """
import sys, threading
import shopper_spectrum.ingest.dbt_plugin
assert "sklearn" not in sys.modules and "pandas" not in sys.modules, "the loader imported them"
from shopper_spectrum.python_model_warmup import PYTHON_MODEL_LIBRARIES, Plugin
Plugin("python_model_warmup", {}).configure_connection(None)
next(t for t in threading.enumerate() if t.name == "python-model-imports").join()
assert all(name in sys.modules for name in PYTHON_MODEL_LIBRARIES)
"""
    subprocess.run([sys.executable, "-c", script], check=True)
