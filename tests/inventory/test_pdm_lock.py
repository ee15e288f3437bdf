"""pdm.lock: every locked package once, groups as scopes, direct ones from pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from osswatch.errors import ParseError
from osswatch.inventory.pdm_lock import PdmLockParser
from osswatch.inventory.reading import ReadLimits, read_document
from osswatch.model import Component, Scope
from tests.conftest import ASSETS, claims, document_of

LOCK = ASSETS / "inventory" / "python" / "pdm" / "pdm.lock"


def _pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _components() -> list[Component]:
    return list(PdmLockParser().parse(read_document(LOCK, ReadLimits())).components)


def _packages() -> list[dict[str, Any]]:
    packages: list[dict[str, Any]] = tomllib.loads(LOCK.read_text())["package"]
    return packages


def test_components_are_the_locked_packages_once_each() -> None:
    expected = {(_pep503(p["name"]), p["version"]) for p in _packages()}
    components = _components()
    assert {(c.name, c.version) for c in components} == expected
    # `requests` is locked twice (plain and with the `socks` extra): one component.
    assert len(components) == len(expected) == len(_packages()) - 1


def test_groups_give_the_scope() -> None:
    by_name = {c.name: c for c in _components()}
    assert by_name["requests"].scope is Scope.RUNTIME
    assert by_name["certifi"].scope is Scope.RUNTIME
    assert by_name["pysocks"].scope is Scope.OPTIONAL  # `socks` is an extra in pyproject.toml
    assert by_name["pytest"].scope is Scope.DEV
    assert by_name["packaging"].scope is Scope.DEV


def test_direct_dependencies_come_from_pyproject() -> None:
    pyproject = tomllib.loads((LOCK.parent / "pyproject.toml").read_text())
    requirements = [*pyproject["project"]["dependencies"]]
    requirements += [r for extra in pyproject["project"]["optional-dependencies"].values() for r in extra]
    requirements += [r for group in pyproject["dependency-groups"].values() for r in group]
    declared = {_pep503(re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0]) for r in requirements}
    assert {c.name for c in _components() if c.is_direct} == declared


def test_dependencies_of_extras_variants_are_merged() -> None:
    by_name = {c.name: c for c in _components()}
    assert by_name["requests"].depends_on == ("certifi@2024.8.30", "idna@3.10", "pysocks@1.7.1")
    # colorama is only for win32 and not locked here: no dangling ref.
    assert by_name["pytest"].depends_on == ("iniconfig@2.0.0", "packaging@24.2")


def test_hashes_and_lines() -> None:
    lines = LOCK.read_text().splitlines()
    for component in _components():
        package = next(p for p in _packages() if _pep503(p["name"]) == component.name)
        assert component.hashes == tuple(file["hash"] for file in package["files"])
        assert component.location.line is not None
        assert lines[component.location.line - 1] == "[[package]]"


def test_without_pyproject_direct_is_unknown() -> None:
    components = PdmLockParser().parse(document_of(LOCK.read_bytes(), "pdm.lock")).components
    assert components
    assert all(c.is_direct is None for c in components)


def test_lock_without_groups_reads_as_runtime() -> None:
    text = '[metadata]\nlock_version = "4.2"\n\n[[package]]\nname = "idna"\nversion = "3.4"\n'
    (component,) = PdmLockParser().parse(document_of(text, "pdm.lock")).components
    assert component.scope is Scope.RUNTIME


def test_matches_its_file_name() -> None:
    assert PdmLockParser().kind == "pdm.lock"
    assert claims(PdmLockParser().kind, "pdm.lock", b"")
    assert not claims(PdmLockParser().kind, "pdm.toml", b"")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[[package]]\nname = "a"\nversion = "1"\nfiles = [\n\n[[package]]\n', 6, "invalid TOML"),
        ('[[package]]\nversion = "1"\n', 1, "missing 'name' in 'package[0]'"),
        ('[[package]]\nname = "a"\ndependencies = "b"\n', 1, "'package[0].dependencies' should be a list"),
        ('[[package]]\nname = "a"\ngroups = "dev"\n', 1, "'package[0].groups' should be a list"),
        ('[[package]]\nname = "-a"\n', 1, "invalid package name"),
    ],
    ids=["truncated", "no-name", "dependencies-type", "groups-type", "hostile-name"],
)
def test_malformed_lock_names_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        PdmLockParser().parse(document_of(text, "pdm.lock"))
    assert caught.value.path == "pdm.lock"
    assert caught.value.line == line
    assert message in caught.value.message


def test_copy_on_disk_reads_the_same(tmp_path: Path) -> None:
    for name in ("pdm.lock", "pyproject.toml"):
        (tmp_path / name).write_bytes((LOCK.parent / name).read_bytes())
    inventory = PdmLockParser().parse(read_document(tmp_path / "pdm.lock", ReadLimits()))
    assert {(c.name, c.is_direct) for c in inventory.components} == {
        (c.name, c.is_direct) for c in _components()
    }
