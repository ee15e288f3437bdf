"""pylock.toml (PEP 751): every `[[packages]]` entry, versionless ones unpinned, scopes from markers."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import pytest

from osswatch.errors import ParseError
from osswatch.inventory.pylock_toml import PylockParser
from osswatch.inventory.reading import ReadLimits, read_document
from osswatch.model import Component, Scope
from tests.conftest import ASSETS, claims, document_of

LOCK = ASSETS / "inventory" / "python" / "pylock" / "pylock.toml"


def _pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _components() -> list[Component]:
    return list(PylockParser().parse(read_document(LOCK, ReadLimits())).components)


def _packages() -> list[dict[str, Any]]:
    packages: list[dict[str, Any]] = tomllib.loads(LOCK.read_text())["packages"]
    return packages


def test_components_are_exactly_the_locked_packages() -> None:
    expected = {(_pep503(p["name"]), p.get("version")) for p in _packages()}
    components = _components()
    assert {(c.name, c.version) for c in components} == expected
    assert len(components) == len(_packages())
    assert all(c.is_direct is None for c in components)


def test_vcs_entry_without_version_is_unpinned() -> None:
    by_name = {c.name: c for c in _components()}
    assert by_name["mousebender"].version is None
    assert by_name["mousebender"].purl == "pkg:pypi/mousebender"


@pytest.mark.parametrize(
    ("name", "scope"),
    [
        ("attrs", Scope.RUNTIME),
        ("pysocks", Scope.OPTIONAL),
        ("pytest", Scope.DEV),
        ("iniconfig", Scope.DEV),
        ("mousebender", Scope.RUNTIME),
    ],
    ids=["no-marker", "extra", "group", "group-too", "platform-or-group"],
)
def test_markers_give_the_scope(name: str, scope: Scope) -> None:
    assert {c.name: c.scope for c in _components()}[name] is scope


def test_hashes_dependencies_and_lines() -> None:
    lines = LOCK.read_text().splitlines()
    for component in _components():
        package = next(p for p in _packages() if _pep503(p["name"]) == component.name)
        files = [*package.get("wheels", []), *([package["sdist"]] if "sdist" in package else [])]
        assert component.hashes == tuple(f"sha256:{file['hashes']['sha256']}" for file in files)
        assert component.location.line is not None
        assert lines[component.location.line - 1] == "[[packages]]"
    by_name = {c.name: c for c in _components()}
    assert by_name["cattrs"].depends_on == ("attrs@25.1.0",)
    assert by_name["pytest"].depends_on == ("iniconfig@2.0.0",)


def test_matches_its_file_names() -> None:
    parser = PylockParser()
    assert parser.kind == "pylock.toml"
    assert claims(parser.kind, "pylock.toml", b"")
    assert claims(parser.kind, "pylock.dev.toml", b"")
    assert not claims(parser.kind, "pylock.json", b"")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("lock-version = '1.0'\n[[packages]]\nname = 'a\nversion = '1'\n", 3, "invalid TOML"),
        ("[[packages]]\nname = 'a'\n", None, "missing 'lock-version'"),
        ("lock-version = '2.0'\n", None, "unsupported lock-version '2.0'"),
        ("lock-version = '1.0'\n[[packages]]\nversion = '1'\n", 2, "missing 'name' in 'packages[0]'"),
        (
            "lock-version = '1.0'\n[[packages]]\nname = 'a'\nwheels = {}\n",
            2,
            "'packages[0].wheels' should be a list",
        ),
        (
            "lock-version = '1.0'\n[[packages]]\nname = 'a'\nmarker = 1\n",
            2,
            "'packages[0].marker' should be a string",
        ),
        ("lock-version = '1.0'\n[[packages]]\nname = 'a'\nsdist = {hashes = 1}\n", 2, "should be a table"),
    ],
    ids=[
        "truncated",
        "no-lock-version",
        "future-lock-version",
        "no-name",
        "wheels-type",
        "marker-type",
        "hashes",
    ],
)
def test_malformed_lock_names_file_and_line(text: str, line: int | None, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        PylockParser().parse(document_of(text, "pylock.toml"))
    assert caught.value.path == "pylock.toml"
    assert caught.value.line == line
    assert message in caught.value.message


def test_lock_without_packages_has_no_components() -> None:
    assert PylockParser().parse(document_of("lock-version = '1.0'\n", "pylock.toml")).components == ()
