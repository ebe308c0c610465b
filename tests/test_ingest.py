"""The raw-export reader: layouts, formats, and clear errors for bad input."""

from __future__ import annotations

import gzip
import re

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from shopper_spectrum.ingest import RawInputError, detect_layout, read_raw_exports

OR_HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"
OR2_HEADER = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country"


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.name.endswith(".gz"):
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return path


def read_all(raw_path) -> pa.Table:
    return read_raw_exports(str(raw_path))


def test_both_layouts_are_recognised_and_renamed_to_online_retail_names():
    layout, mapping = detect_layout(OR2_HEADER.split(","), "f.csv")
    assert layout.name == "online_retail_ii"
    assert mapping["CustomerID"] == "Customer ID"
    assert mapping["UnitPrice"] == "Price"
    layout, _ = detect_layout(OR_HEADER.lower().split(","), "f.csv")
    assert layout.name == "online_retail"


def test_values_are_read_as_exported_text_with_their_origin(tmp_path):
    path = write(
        tmp_path / "a.csv",
        f'{OR_HEADER}\n536365,85123A,"HEART, WHITE",6,12/1/10 8:26,2.55,17850,United Kingdom\n'
        "536366,22633,HAND WARMER,abc,12/1/10 8:28,1.85,,United Kingdom\n",
    )
    table = read_all(path)
    rows = table.to_pylist()
    assert rows[0]["Description"] == "HEART, WHITE"
    assert rows[1]["Quantity"] == "abc"
    assert rows[1]["CustomerID"] is None
    assert [r["source_row_number"] for r in rows] == [1, 2]
    assert [r["raw_line_id"] for r in rows] == [1, 2]
    assert rows[0]["source_file"] == str(path)
    assert rows[0]["source_layout"] == "online_retail"


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
    rows = read_all(tmp_path / "in" / "*").to_pylist()
    assert [r["raw_line_id"] for r in rows] == [1, 2, 3, 4]
    assert [r["source_row_number"] for r in rows] == [1, 1, 2, 1]
    assert rows[3]["Quantity"] == "3"
    assert rows[3]["InvoiceDate"].startswith("2010-12-02 09:00")
    assert rows[3]["CustomerID"] == "12346.0"
    assert {r["source_layout"] for r in rows} == {"online_retail", "online_retail_ii"}


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
    rows = read_all(path).to_pylist()
    assert [(r["source_sheet"], r["source_row_number"]) for r in rows] == [
        ("Year 2009-2010", 1),
        ("Year 2009-2010", 2),
        ("Year 2010-2011", 1),
    ]
    assert rows[0]["InvoiceDate"].startswith("2010-12-01 08:00")
    assert rows[1]["CustomerID"] is None
    assert rows[0]["source_layout"] == "online_retail_ii"


@pytest.mark.parametrize(
    ("files", "raw_path", "message"),
    [
        ({}, "missing/*.csv", "matches no file"),
        ({"e.csv": ""}, "e.csv", "e.csv: the file is empty"),
        (
            {"h.csv": OR_HEADER + "\n"},
            "h.csv",
            "h.csv: the header is there but the file has no lines",
        ),
        ({"u.csv": "a,b,c\n1,2,3\n"}, "u.csv", "u.csv: unknown layout. Header found: a, b, c"),
        (
            {"m.csv": "InvoiceNo,StockCode,Quantity\n1,2,3\n"},
            "m.csv",
            "needs column(s) Description",
        ),
        ({"t.txt": "x"}, "t.txt", "unsupported file type"),
    ],
)
def test_bad_input_gets_an_error_naming_the_file_and_the_problem(
    tmp_path, files, raw_path, message
):
    for name, text in files.items():
        write(tmp_path / name, text)
    with pytest.raises(RawInputError, match=re.escape(message)):
        read_all(tmp_path / raw_path)


def test_a_bad_file_late_in_a_glob_fails_before_any_line_is_read(tmp_path):
    write(tmp_path / "1.csv", f"{OR_HEADER}\n1,A,x,1,12/1/10 8:26,1,1,UK\n")
    write(tmp_path / "2.csv", "a,b\n1,2\n")
    with pytest.raises(RawInputError, match=r"2\.csv: unknown layout"):
        read_raw_exports(str(tmp_path / "*.csv"))
