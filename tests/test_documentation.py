"""Every model and every column it builds is documented in the YAML beside it."""

from __future__ import annotations

from collections import Counter

from .conftest import PROJECT_ROOT


def test_every_built_model_and_column_is_documented(sample_build):
    manifest = sample_build.manifest()
    models = [
        node for node in manifest["nodes"].values() if node["resource_type"] in ("model", "seed")
    ]
    assert len(models) > 15
    undocumented = []
    for node in models:
        if not node["description"].strip():
            undocumented.append(node["name"])
        documented = {
            name.lower()
            for name, column in node["columns"].items()
            if column["description"].strip()
        }
        built = sample_build.query(
            "select column_name from information_schema.columns where table_name = ?",
            [node["alias"]],
        )
        undocumented += [f"{node['name']}.{c}" for (c,) in built if c.lower() not in documented]
    assert undocumented == []


def test_each_yaml_file_is_named_for_its_folder_and_no_two_share_a_name():
    files = [
        path
        for folder in ("dbt_project/models", "dbt_project/seeds", "models_py")
        for path in (PROJECT_ROOT / folder).rglob("*.yml")
    ]
    names = Counter(path.name for path in files)
    assert [name for name, count in names.items() if count > 1] == []
    for path in files:
        assert path.parent.name in path.name, path
