"""The digest that keys Python models on the code they import (shopper_spectrum.code_digest)."""

from __future__ import annotations

import duckdb

from shopper_spectrum.code_digest import Plugin, digest_of_code, python_models_code_digest


def write(folder, files: dict[str, str]):
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def test_the_digest_changes_with_any_file_and_only_with_python_files(tmp_path):
    files = {"a.py": "x = 1\n", "sub/b.py": "y = 2\n"}
    first = digest_of_code(write(tmp_path / "one", files))
    assert digest_of_code(write(tmp_path / "same", files)) == first
    assert digest_of_code(write(tmp_path / "one", {"notes.txt": "not code"})) == first
    assert digest_of_code(write(tmp_path / "edited", {**files, "sub/b.py": "y = 3\n"})) != first
    renamed = {"a.py": "x = 1\n", "sub/c.py": "y = 2\n"}
    assert digest_of_code(write(tmp_path / "renamed", renamed)) != first
    # The bytes of two files run together the same way, told apart by where one file ends.
    moved = {"a.py": "x = 1\ny = 2\n", "sub/b.py": ""}
    assert digest_of_code(write(tmp_path / "moved", moved)) != first


def test_the_plugin_registers_the_digest_on_the_builds_connection():
    con = duckdb.connect()
    Plugin("code_digest", {}).configure_connection(con)
    cursor = con.cursor()  # dbt-duckdb runs each node on a cursor of that connection
    digest = cursor.execute("select shopper_spectrum_code_digest()").fetchone()[0]
    assert digest == python_models_code_digest() and len(digest) == 64
