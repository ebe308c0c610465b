"""The README is a front door that tells the truth: short, every link resolving, every command and
query it shows working on the sample build."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from shopper_spectrum.ingest.layouts import CUSTOM_LAYOUT, Layout

from .conftest import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
DOCS = sorted((PROJECT_ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(README.read_text()) if lang == language]


def test_readme_is_a_front_door():
    lines = README.read_text().splitlines()
    assert len(lines) <= 200
    headings = [line for line in lines if line.startswith("## ")]
    for topic in ("Quick start", "Your own data", "Spark"):
        assert any(topic in heading for heading in headings), topic


@pytest.mark.parametrize("document", [README, *DOCS], ids=lambda path: path.name)
def test_every_link_resolves(document: Path):
    targets = [
        target
        for target in LINK.findall(document.read_text())
        if not target.startswith(("http://", "https://", "/"))
    ]
    missing = [t for t in targets if not (document.parent / t.split("#")[0]).exists()]
    assert missing == []


def test_readme_links_every_reference_page():
    linked = {Path(t).name for t in LINK.findall(README.read_text())}
    assert {doc.name for doc in DOCS} - {"build_time.png"} <= linked


def shell_commands() -> list[list[str]]:
    """Each command of the README's bash blocks, continuation lines joined, comments dropped."""
    commands = []
    for body in blocks("bash"):
        for line in body.replace("\\\n", " ").replace("\n  ", " ").split("\n"):
            for part in line.split(" && "):
                if words := shlex.split(part, comments=True):
                    commands.append(words)
    return commands


def test_readme_commands_name_what_exists():
    project_vars = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"]
    commands = shell_commands()
    assert ["uv", "run", "dbt", "build"] in commands
    assert ["uv", "run", "pytest"] in commands
    for words in commands:
        for word in words:
            if word.endswith((".py", ".yml")) or word.startswith(("app/", "scripts/")):
                assert (PROJECT_ROOT / word).exists(), word
        if "--vars" in words:
            variables = yaml.safe_load(words[words.index("--vars") + 1])
            assert set(variables) <= set(project_vars), variables
            if "raw_columns" in variables:  # the loader's own check of a layout
                Layout(CUSTOM_LAYOUT, variables["raw_columns"])


def test_readme_queries_run_on_the_sample_build(sample_build):
    queries = [q.strip() for body in blocks("sql") for q in body.split(";") if q.strip()]
    assert len(queries) >= 5
    for query in queries:
        sample_build.query(query)
    (chosen,) = sample_build.query(
        "select count(*) from recommendation_evaluation where is_chosen"
    )[0]
    assert chosen == 1
