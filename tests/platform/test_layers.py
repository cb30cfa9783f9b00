"""What import-linter cannot see: services, models and rules never read the request.

The module lists come from the import contracts in pyproject.toml (`make lint` runs
lint-imports on them), so a module is judged by the layer it is declared in."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "contracts"
]
BELOW_PAGES = next(c for c in CONTRACTS if c["name"].startswith("Services, models and rules"))[
    "source_modules"
]
REQUEST_STATE = {"request", "session", "g", "current_user"}


def path_of(module: str) -> Path:
    return ROOT / (module.replace(".", "/") + ".py")


def test_every_feature_module_is_in_a_layer() -> None:
    layered = set()
    for contract in CONTRACTS:
        if contract["type"] == "layers":
            [container] = contract["containers"]
            for layer in contract["layers"]:
                layered |= {f"{container}.{name.strip()}" for name in layer.split(":")}
    modules = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in (ROOT / "chapter").glob("*/*.py")
        if path.name != "__init__.py"
    }
    assert modules == layered


@pytest.mark.parametrize("module", BELOW_PAGES)
def test_services_models_and_rules_never_read_the_request(module: str) -> None:
    tree = ast.parse(path_of(module).read_text())
    imported = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in ("flask", "flask_login")
        for alias in node.names
    }
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert not imported & REQUEST_STATE, f"{module} imports {imported & REQUEST_STATE}"
    assert "current_user" not in used, module
