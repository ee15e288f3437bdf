"""poetry.lock: every locked package, direct ones from pyproject.toml, scopes, lines, bad input."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from osswatch.errors import ParseError
from osswatch.inventory.poetry_lock import PoetryLockParser
from osswatch.inventory.reading import ReadLimits, read_document
from osswatch.model import Component, Scope
from tests.conftest import ASSETS, claims, document_of

PROJECTS = ["itu-p1203", "acapy"]
V1 = ASSETS / "inventory" / "python" / "poetry-v1"


def _pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _parse(path: Path) -> list[Component]:
    return list(PoetryLockParser().parse(read_document(path, ReadLimits())).components)


def _lock(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text())


def _declared(pyproject: dict[str, Any]) -> set[str]:
    poetry = pyproject["tool"]["poetry"]
    tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
    tables += [group["dependencies"] for group in poetry.get("group", {}).values()]
    return {_pep503(name) for table in tables for name in table if name != "python"}


@pytest.mark.parametrize("project", PROJECTS, ids=PROJECTS)
def test_components_are_exactly_the_locked_packages(shared_data: Path, project: str) -> None:
    path = shared_data / "lockfiles" / project / "poetry.lock"
    packages = _lock(path)["package"]
    components = _parse(path)
    assert {(c.name, c.version) for c in components} == {(_pep503(p["name"]), p["version"]) for p in packages}
    assert len(components) == len(packages)
    assert all(c.ecosystem == "PyPI" and c.purl == f"pkg:pypi/{c.name}@{c.version}" for c in components)


@pytest.mark.parametrize("project", PROJECTS, ids=PROJECTS)
def test_direct_dependencies_come_from_pyproject(shared_data: Path, project: str) -> None:
    folder = shared_data / "lockfiles" / project
    declared = _declared(tomllib.loads((folder / "pyproject.toml").read_text()))
    components = _parse(folder / "poetry.lock")
    assert {c.name for c in components if c.is_direct} == declared & {c.name for c in components}
    assert all(c.is_direct is not None for c in components)


@pytest.mark.parametrize("project", PROJECTS, ids=PROJECTS)
def test_lines_point_at_the_package_headers(shared_data: Path, project: str) -> None:
    path = shared_data / "lockfiles" / project / "poetry.lock"
    lines = path.read_text().splitlines()
    for component in _parse(path):
        assert component.location.line is not None
        assert lines[component.location.line - 1] == "[[package]]"
        assert _pep503(lines[component.location.line].split('"')[1]) == component.name


@pytest.mark.parametrize("project", PROJECTS, ids=PROJECTS)
def test_hashes_and_dependency_graph(shared_data: Path, project: str) -> None:
    path = shared_data / "lockfiles" / project / "poetry.lock"
    packages = {(_pep503(p["name"]), p["version"]): p for p in _lock(path)["package"]}
    components = _parse(path)
    refs = {c.ref for c in components}
    for component in components:
        package = packages[(component.name, component.version)]
        assert component.hashes == tuple(file["hash"] for file in package["files"])
        assert set(component.depends_on) <= refs
        assert {ref.partition("@")[0] for ref in component.depends_on} <= {
            _pep503(name) for name in package.get("dependencies", {})
        }


def test_groups_give_the_scope(shared_data: Path) -> None:
    path = shared_data / "lockfiles" / "acapy" / "poetry.lock"
    packages = {(_pep503(p["name"]), p["version"]): p for p in _lock(path)["package"]}
    for component in _parse(path):
        package = packages[(component.name, component.version)]
        if "main" not in package["groups"]:
            assert component.scope is Scope.DEV
        else:
            assert component.scope is (Scope.OPTIONAL if package["optional"] else Scope.RUNTIME)


def test_lock_without_groups_carries_scope_from_pyproject(shared_data: Path) -> None:
    # itu-p1203 is lock-version 2.0 (Poetry 1.8): no category, no groups.
    by_name = {c.name: c for c in _parse(shared_data / "lockfiles" / "itu-p1203" / "poetry.lock")}
    assert by_name["numpy"].scope is Scope.RUNTIME
    for dev_only in ("pytest", "pystache", "gitchangelog", "pluggy", "zipp"):
        assert by_name[dev_only].scope is Scope.DEV, dev_only


def test_without_pyproject_direct_is_unknown(shared_data: Path) -> None:
    data = (shared_data / "lockfiles" / "itu-p1203" / "poetry.lock").read_bytes()
    components = PoetryLockParser().parse(document_of(data, "poetry.lock")).components
    assert components
    assert all(c.is_direct is None and c.scope is Scope.RUNTIME for c in components)


def test_lock_version_1_reads_category_and_metadata_files() -> None:
    by_name = {c.name: c for c in _parse(V1 / "poetry.lock")}
    lock = _lock(V1 / "poetry.lock")
    assert set(by_name) == {_pep503(p["name"]) for p in lock["package"]}
    assert by_name["requests"].is_direct is True
    assert by_name["certifi"].is_direct is False
    assert by_name["pytest-mock"].scope is Scope.DEV
    assert by_name["colorama"].scope is Scope.DEV
    assert by_name["pysocks"].scope is Scope.OPTIONAL
    # [metadata.files] keys the normalized name ("pysocks"), the package its pretty name ("PySocks").
    assert by_name["pysocks"].hashes == (lock["metadata"]["files"]["pysocks"][0]["hash"],)
    assert by_name["requests"].depends_on == (
        "certifi@2022.12.7",
        "charset-normalizer@3.0.1",
        "pysocks@1.7.1",
    )


def test_matches_its_file_name() -> None:
    parser = PoetryLockParser()
    assert parser.kind == "poetry.lock"
    assert claims(parser.kind, "poetry.lock", b"")
    assert not claims(parser.kind, "Poetry.lock.bak", b"")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[[package]]\nname = "a"\nversion = \n', 3, "invalid TOML"),
        ('[[package]]\nname = "a"\n', 1, "missing 'version' in 'package[0]'"),
        ('[[package]]\nname = "a"\nversion = "1"\n\n[[package]]\nversion = "2"\n', 5, "missing 'name'"),
        ('[[package]]\nname = "../../etc"\nversion = "1"\n', 1, "invalid package name"),
        ('[[package]]\nname = "a"\nversion = 1\n', 1, "'package[0].version' should be a string"),
        ('[[package]]\nname = "a"\nversion = "1"\nfiles = "x"\n', 1, "'package[0].files' should be a list"),
        ('package = "oops"\n', None, "'package' should be a list"),
    ],
    ids=["truncated", "no-version", "no-name", "hostile-name", "version-type", "files-type", "package-type"],
)
def test_malformed_lock_names_file_and_line(text: str, line: int | None, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        PoetryLockParser().parse(document_of(text, "poetry.lock"))
    assert caught.value.path == "poetry.lock"
    assert caught.value.line == line
    assert message in caught.value.message


def test_inline_package_array_has_no_lines() -> None:
    text = 'package = [{name = "a", version = "1"}, {name = "b", version = "2"}]\n'
    components = PoetryLockParser().parse(document_of(text, "poetry.lock")).components
    assert [(c.name, c.location.line) for c in components] == [("a", None), ("b", None)]


def test_empty_lock_has_no_components() -> None:
    inventory = PoetryLockParser().parse(document_of("", "poetry.lock"))
    assert inventory.components == ()
    assert inventory.sources[0].component_count == 0


def test_malformed_pyproject_is_a_parse_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "poetry.lock").write_text('[[package]]\nname = "a"\nversion = "1"\n')
    (tmp_path / "pyproject.toml").write_text("[tool.poetry\n")
    with pytest.raises(ParseError) as caught:
        PoetryLockParser().parse(
            read_document(tmp_path / "poetry.lock", ReadLimits(), display="p/poetry.lock")
        )
    assert caught.value.path == "p/pyproject.toml"
    assert caught.value.line == 1
