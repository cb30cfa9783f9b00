"""Imports go one way: blueprints -> services -> domain; domain imports no framework."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "chapter"
BLUEPRINTS = ("auth", "members", "attendance", "admin", "dashboard")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).glob("*.py"))


@pytest.mark.parametrize("path", modules("domain"), ids=lambda p: p.name)
def test_domain_imports_no_framework_and_no_models(path: Path) -> None:
    forbidden = ("flask", "sqlalchemy", "chapter.models", "chapter.services", "chapter.extensions")
    bad = {name for name in imports_of(path) if name.startswith(forbidden)}
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", modules("services"), ids=lambda p: p.name)
def test_services_never_touch_the_request(path: Path) -> None:
    source = path.read_text()
    tree = ast.parse(source)
    flask_names = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "flask"
        for alias in node.names
    }
    assert not flask_names & {"request", "session", "g"}, path.name
    assert "current_user" not in source, path.name
    bad = {
        name
        for name in imports_of(path)
        if name.startswith(tuple(f"chapter.{b}" for b in BLUEPRINTS))
    }
    assert not bad, f"{path.name} imports blueprints {bad}"


@pytest.mark.parametrize("path", modules("models"), ids=lambda p: p.name)
def test_models_import_no_flask_but_flask_login(path: Path) -> None:
    bad = {
        name
        for name in imports_of(path)
        if name.startswith(("flask", "chapter.services")) and name != "flask_login"
    }
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize(
    "path",
    [p for blueprint in BLUEPRINTS for p in modules(blueprint) if p.name.endswith("routes.py")],
    ids=lambda p: f"{p.parent.name}.{p.stem}",
)
def test_routes_do_not_query_or_import_sqlalchemy(path: Path) -> None:
    source = path.read_text()
    assert "select(" not in source, path
    assert not {name for name in imports_of(path) if name.startswith("sqlalchemy")}, path


@pytest.mark.parametrize(
    "path",
    [p for blueprint in BLUEPRINTS for p in modules(blueprint) if p.name.endswith("routes.py")],
    ids=lambda p: f"{p.parent.name}.{p.stem}",
)
def test_every_route_declares_who_may_use_it(path: Path) -> None:
    tree = ast.parse(path.read_text())
    deciders = {"role_required", "signed_in", "public"}
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        decorators = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
        names = {
            d.attr if isinstance(d, ast.Attribute) else getattr(d, "id", "") for d in decorators
        }
        if "route" in names:
            assert names & deciders, f"{path.parent.name}.{node.name} has no access decorator"
