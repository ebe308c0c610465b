"""The viewer finds the build from settings, as dbt does, never from where the package is."""

from __future__ import annotations

from shopper_spectrum.viewer import default_database_path


def test_the_database_is_read_from_the_folder_the_viewer_runs_in(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SHOPPER_SPECTRUM_DB", raising=False)
    assert default_database_path() == tmp_path / "shopper_spectrum.duckdb"
    monkeypatch.setenv("SHOPPER_SPECTRUM_DB", "builds/shop-2011.duckdb")
    assert default_database_path() == tmp_path / "builds" / "shop-2011.duckdb"
    monkeypatch.setenv("SHOPPER_SPECTRUM_DB", "/data/shop.duckdb")
    assert str(default_database_path()) == "/data/shop.duckdb"
