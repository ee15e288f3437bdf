"""uv.lock: every locked package but the project, direct ones and scopes from the project's entry."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from osswatch.errors import ParseError
from osswatch.inventory.reading import ReadLimits, read_document
from osswatch.inventory.uv_lock import UvLockParser
from osswatch.model import Component, Scope
from tests.conftest import ASSETS, claims, document_of

LOCK = ASSETS / "inventory" / "python" / "uv" / "uv.lock"


def _pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _components() -> list[Component]:
    return list(UvLockParser().parse(read_document(LOCK, ReadLimits())).components)


def _packages() -> list[dict[str, Any]]:
    packages: list[dict[str, Any]] = tomllib.loads(LOCK.read_text())["package"]
    return packages


def _is_local_project(package: dict[str, Any]) -> bool:
    return bool({"editable", "virtual"} & set(package.get("source", {})))


def test_components_are_the_locked_packages_less_the_project() -> None:
    expected = {(_pep503(p["name"]), p.get("version")) for p in _packages() if not _is_local_project(p)}
    components = _components()
    assert {(c.name, c.version) for c in components} == expected
    assert len(components) == len(expected)


def test_direct_dependencies_are_those_of_the_project_and_members() -> None:
    projects = [p for p in _packages() if _is_local_project(p)]
    declared = {_pep503(d["name"]) for p in projects for d in p.get("dependencies", [])}
    for key in ("optional-dependencies", "dev-dependencies"):
        declared |= {_pep503(d["name"]) for p in projects for group in p.get(key, {}).values() for d in group}
    declared -= {_pep503(p["name"]) for p in projects}
    assert {c.name for c in _components() if c.is_direct} == declared


def test_scopes_follow_the_graph_from_the_project() -> None:
    by_ref = {c.ref: c for c in _components()}
    assert by_ref["pytest@8.3.3"].scope is Scope.DEV
    assert by_ref["iniconfig@2.0.0"].scope is Scope.DEV
    assert by_ref["pysocks@1.7.1"].scope is Scope.OPTIONAL
    # Reached from pytest (dev) and from anyio (runtime): runtime wins.
    assert by_ref["exceptiongroup@1.2.2"].scope is Scope.RUNTIME
    assert by_ref["tomli-w@1.1.0"].scope is Scope.RUNTIME


def test_two_versions_of_a_package_are_both_kept_and_linked() -> None:
    by_ref = {c.ref: c for c in _components()}
    assert {"numpy@1.26.4", "numpy@2.1.3"} <= set(by_ref)
    assert by_ref["anyio@4.6.2.post1"].depends_on == ("exceptiongroup@1.2.2", "idna@3.10", "sniffio@1.3.1")
    refs = set(by_ref)
    assert all(set(c.depends_on) <= refs for c in by_ref.values())


def test_hashes_and_lines() -> None:
    lines = LOCK.read_text().splitlines()
    packages = {(_pep503(p["name"]), p.get("version")): p for p in _packages()}
    for component in _components():
        package = packages[(component.name, component.version)]
        files = [*package.get("wheels", []), *([package["sdist"]] if "sdist" in package else [])]
        assert component.hashes == tuple(file["hash"] for file in files)
        assert component.location.line is not None
        assert lines[component.location.line - 1] == "[[package]]"
        assert lines[component.location.line] == f'name = "{package["name"]}"'


def test_lock_without_a_project_does_not_say_what_is_direct() -> None:
    text = 'version = 1\n\n[[package]]\nname = "idna"\nversion = "3.10"\nsource = { registry = "x" }\n'
    (component,) = UvLockParser().parse(document_of(text, "uv.lock")).components
    assert component.is_direct is None
    assert component.scope is Scope.RUNTIME


def test_matches_its_file_name() -> None:
    assert UvLockParser().kind == "uv.lock"
    assert claims(UvLockParser().kind, "uv.lock", b"")
    assert not claims(UvLockParser().kind, "poetry.lock", b"")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('version = 1\n[[package]]\nname = "a"\nversion = "1\n', 4, "invalid TOML"),
        ('version = 1\n[[package]]\nversion = "1"\n', 2, "missing 'name' in 'package[0]'"),
        ('[[package]]\nname = "a"\ndependencies = [{ version = "1" }]\n', 1, "missing 'name'"),
        ('[[package]]\nname = "a"\nsource = "."\n', 1, "'package[0].source' should be a table"),
        ('[[package]]\nname = "a b"\n', 1, "invalid package name"),
        ('[[package]]\nname = "a"\nwheels = [1]\n', 1, "expected a table at 'package[0].wheels[0]'"),
    ],
    ids=["truncated", "no-name", "dependency-no-name", "source-type", "hostile-name", "wheel-type"],
)
def test_malformed_lock_names_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        UvLockParser().parse(document_of(text, "uv.lock"))
    assert caught.value.path == "uv.lock"
    assert caught.value.line == line
    assert message in caught.value.message


def test_empty_lock_has_no_components() -> None:
    assert UvLockParser().parse(document_of("version = 1\n", "uv.lock")).components == ()


def test_real_file_read_from_disk_keeps_its_path(tmp_path: Path) -> None:
    copy = tmp_path / "uv.lock"
    copy.write_bytes(LOCK.read_bytes())
    inventory = UvLockParser().parse(read_document(copy, ReadLimits(), display="proj/uv.lock"))
    assert {c.location.path for c in inventory.components} == {"proj/uv.lock"}
    assert inventory.sources[0].component_count == len(inventory.components)
