"""dbt runs two Python models at once, each importing the project's code on its own thread. A
thread that enters a package through a submodule holds that submodule's import lock while it
initialises the package; if the package's __init__ imports the same submodule on another thread,
each waits for the other (Python raises _DeadlockError, and the model fails). So a model enters a
package whose __init__ imports its own submodules through the package first."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import PROJECT_ROOT

SOURCE = PROJECT_ROOT / "src"


def imported_modules(path: Path) -> list[str]:
    """The modules a file imports at its top level, in order."""
    modules = []
    for statement in ast.parse(path.read_text()).body:
        if isinstance(statement, ast.ImportFrom) and statement.module:
            modules.append(statement.module)
        elif isinstance(statement, ast.Import):
            modules.extend(alias.name for alias in statement.names)
    return modules


def imports_own_submodules(package: str) -> bool:
    init = SOURCE.joinpath(*package.split("."), "__init__.py")
    return init.exists() and any(
        module.startswith(package + ".") for module in imported_modules(init)
    )


def submodules_entered_before_their_package(model: Path) -> list[str]:
    entered, wrong = set(), []
    for module in imported_modules(model):
        parts = module.split(".")
        for depth in range(2, len(parts)):
            package = ".".join(parts[:depth])
            if package not in entered and imports_own_submodules(package):
                wrong.append(module)
        entered.update(".".join(parts[:depth]) for depth in range(1, len(parts) + 1))
    return wrong


def test_python_models_enter_eagerly_importing_packages_through_the_package():
    models = sorted((PROJECT_ROOT / "models_py").rglob("*.py"))
    assert len(models) > 5
    assert {
        model.name: wrong
        for model in models
        if (wrong := submodules_entered_before_their_package(model))
    } == {}


def test_the_rule_catches_a_submodule_entered_first(tmp_path):
    model = tmp_path / "model.py"
    model.write_text(
        "from shopper_spectrum.recommend.evaluation import stack_folds\n"
        "from shopper_spectrum.recommend import jobs\n"
    )
    assert submodules_entered_before_their_package(model) == [
        "shopper_spectrum.recommend.evaluation"
    ]
    model.write_text(
        "from shopper_spectrum.recommend import jobs\n"
        "from shopper_spectrum.recommend.evaluation import stack_folds\n"
    )
    assert submodules_entered_before_their_package(model) == []
