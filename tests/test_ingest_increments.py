"""What a build reads when the folder it read last time gained, lost or changed a file."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from shopper_spectrum.ingest import load_raw_exports
from shopper_spectrum.ingest.increments import LoadPlan, StampedFile, plan_load, settings_text

from .conftest import project_load_settings

SETTINGS = settings_text({"raw_encoding": "utf-8", "raw_date_format": None})
MONDAY = datetime(2011, 1, 3, 8, 0)


def stamped(name: str, size: int = 100, modified: datetime = MONDAY) -> StampedFile:
    return StampedFile(Path("exports") / name, size, modified)


def manifest_row(file: StampedFile, first: int, lines: int, settings: str = SETTINGS) -> dict:
    return {
        "source_file": str(file.path),
        "file_bytes": file.file_bytes,
        "file_modified_at": file.modified_at,
        "first_raw_line_id": first,
        "lines": lines,
        "load_settings": settings,
    }


LOADED = [stamped("2011-01.csv"), stamped("2011-02.csv")]
PREVIOUS = [manifest_row(LOADED[0], 1, 10), manifest_row(LOADED[1], 11, 5)]


def test_a_new_file_after_the_loaded_ones_is_read_alone_numbered_after_them():
    new = stamped("2011-03.csv")
    plan = plan_load([*LOADED, new], PREVIOUS, SETTINGS, lines_table_exists=True)
    assert (plan.to_read, plan.kept, plan.lines_before, plan.reload_reason) == (
        [new],
        PREVIOUS,
        15,
        None,
    )


def test_nothing_new_reads_nothing():
    plan = plan_load(LOADED, PREVIOUS, SETTINGS, lines_table_exists=True)
    assert (plan.to_read, plan.appends, plan.reload_reason) == ([], True, None)


@pytest.mark.parametrize(
    ("files", "settings", "reason"),
    [
        (LOADED[:1], SETTINGS, "exports/2011-02.csv is gone since the last build"),
        (
            [LOADED[0], stamped("2011-02.csv", size=120)],
            SETTINGS,
            "exports/2011-02.csv changed since the last build (100 bytes, now 120)",
        ),
        (
            [LOADED[0], stamped("2011-02.csv", modified=datetime(2011, 3, 1))],
            SETTINGS,
            "exports/2011-02.csv changed since the last build (modified 2011-01-03 08:00:00, "
            "now 2011-03-01 00:00:00)",
        ),
        (
            [stamped("2010-12.csv"), *LOADED],
            SETTINGS,
            "exports/2010-12.csv sorts before exports/2011-02.csv, which is loaded already",
        ),
        (
            LOADED,
            settings_text({"raw_encoding": "latin-1", "raw_date_format": None}),
            "the settings lines are read with changed since the last build (raw_encoding)",
        ),
    ],
)
def test_a_gone_changed_or_earlier_file_or_new_settings_reload_every_file(files, settings, reason):
    plan = plan_load(files, PREVIOUS, settings, lines_table_exists=True)
    assert plan.to_read == files
    assert not plan.appends
    assert reason in plan.reload_reason
    assert plan.reload_reason.endswith("every file is read again.")


def test_a_first_build_or_lost_lines_read_every_file_without_a_word():
    for previous, exists in (([], True), (PREVIOUS, False)):
        plan = plan_load(LOADED, previous, SETTINGS, lines_table_exists=exists)
        assert (plan.to_read, plan.appends, plan.reload_reason) == (LOADED, False, None)


def test_a_stamp_is_the_files_size_and_modified_time(tmp_path):
    path = tmp_path / "2011-01.csv"
    path.write_text("x" * 42)
    os.utime(path, ns=(0, 1_294_041_600_123_456_789))
    assert StampedFile.of(path) == StampedFile(path, 42, datetime(2011, 1, 3, 8, 0, 0, 123456))


def test_a_parquet_file_added_to_a_parquet_export_extends_its_view(tmp_path):
    settings = project_load_settings()
    frame = pd.DataFrame(
        {
            "InvoiceNo": ["1"],
            "StockCode": ["A"],
            "Description": ["x"],
            "Quantity": [1],
            "InvoiceDate": ["01/13/2011 10:00"],
            "UnitPrice": [1.0],
            "CustomerID": [7.0],
            "Country": ["UK"],
        }
    )
    first, second = tmp_path / "1.parquet", tmp_path / "2.parquet"
    frame.to_parquet(first)
    with duckdb.connect() as connection:
        manifest = load_raw_exports(
            connection, LoadPlan([StampedFile.of(first)]), "raw_lines", settings, SETTINGS
        ).to_pylist()
        frame.assign(InvoiceNo=["2"]).to_parquet(second)
        files = [StampedFile.of(first), StampedFile.of(second)]
        plan = plan_load(files, manifest, SETTINGS, lines_table_exists=True)
        appended = load_raw_exports(connection, plan, "raw_lines", settings, SETTINGS).to_pylist()
        lines = connection.execute(
            "select raw_line_id, invoice, source_file from raw_lines order by 1"
        ).fetchall()
    assert [(r["source_file"], r["loaded_in_this_run"]) for r in appended] == [
        (str(first), False),
        (str(second), True),
    ]
    assert lines == [(1, "1", str(first)), (2, "2", str(second))]
