"""Pipfile.lock: `default` and `develop` entries, VCS/path ones unpinned, direct ones from Pipfile."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from osswatch.errors import ParseError
from osswatch.inventory.pipfile_lock import PipfileLockParser
from osswatch.inventory.reading import ReadLimits, read_document
from osswatch.model import Component, Scope
from tests.conftest import ASSETS, claims, document_of

# The asset follows the layout pipenv writes (json.dumps with indent=4, sorted keys) and the
# entries documented at https://pipenv.pypa.io/en/latest/pipfile.html; JSON has no comments.
LOCK = ASSETS / "inventory" / "python" / "pipfile" / "Pipfile.lock"
SECTIONS = {"default": Scope.RUNTIME, "develop": Scope.DEV}


def _pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _components() -> list[Component]:
    return list(PipfileLockParser().parse(read_document(LOCK, ReadLimits())).components)


def _lock() -> dict[str, Any]:
    lock: dict[str, Any] = json.loads(LOCK.read_text())
    return lock


def test_components_are_every_entry_of_both_sections() -> None:
    lock = _lock()
    expected = {
        (
            _pep503(name),
            entry["version"].removeprefix("==") if "version" in entry else None,
            SECTIONS[section],
        )
        for section in SECTIONS
        for name, entry in lock[section].items()
    }
    components = _components()
    assert {(c.name, c.version, c.scope) for c in components} == expected
    assert len(components) == sum(len(lock[section]) for section in SECTIONS)


def test_vcs_and_path_entries_are_kept_unpinned() -> None:
    by_name = {c.name: c for c in _components()}
    assert by_name["django-extensions"].version is None
    assert by_name["django-extensions"].purl == "pkg:pypi/django-extensions"
    assert by_name["myproject"].version is None


def test_direct_entries_come_from_the_pipfile() -> None:
    direct = {c.name for c in _components() if c.is_direct}
    assert direct == {"requests", "django-extensions", "myproject", "pytest"}
    assert {c.name for c in _components() if c.is_direct is False} == {"certifi", "pygments"}


def test_without_a_pipfile_direct_is_unknown() -> None:
    components = PipfileLockParser().parse(document_of(LOCK.read_bytes(), "Pipfile.lock")).components
    assert components
    assert all(c.is_direct is None for c in components)


def test_hashes_and_lines() -> None:
    lock = _lock()
    lines = LOCK.read_text().splitlines()
    for component in _components():
        section = "default" if component.scope is Scope.RUNTIME else "develop"
        name = next(n for n in lock[section] if _pep503(n) == component.name)
        assert component.hashes == tuple(lock[section][name].get("hashes", []))
        assert component.location.line is not None
        assert lines[component.location.line - 1] == f'        "{name}": {{'


def test_compact_json_has_no_lines_but_all_entries() -> None:
    compact = json.dumps(_lock())
    components = PipfileLockParser().parse(document_of(compact, "Pipfile.lock")).components
    assert len(components) == len(_components())
    assert all(c.location.line is None for c in components)


def test_matches_its_file_name() -> None:
    assert PipfileLockParser().kind == "Pipfile.lock"
    assert claims(PipfileLockParser().kind, "Pipfile.lock", b"")
    assert not claims(PipfileLockParser().kind, "Pipfile", b"")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('{\n    "default": {\n        "a": {\n', 4, "invalid JSON"),
        ('{"default": []}', None, "'default' should be a table"),
        ('{"default": {"a": "==1"}}', None, "expected a table at 'default.a'"),
        ('{"default": {"a": {"version": 1}}}', None, "'default.a.version' should be a string"),
        ('{"default": {"a": {"hashes": "x"}}}', None, "'default.a.hashes' should be a list"),
        ('{\n    "default": {\n        "../x": {}\n    }\n}', 3, "invalid package name"),
        ("[]", None, "expected a table at ''"),
    ],
    ids=[
        "truncated",
        "section-type",
        "entry-type",
        "version-type",
        "hashes-type",
        "hostile-name",
        "top-list",
    ],
)
def test_malformed_lock_names_file_and_line(text: str, line: int | None, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        PipfileLockParser().parse(document_of(text, "Pipfile.lock"))
    assert caught.value.path == "Pipfile.lock"
    assert caught.value.line == line
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("version", "expected"),
    [("==1.2.3", "1.2.3"), ("===1.0-custom", "1.0-custom"), ("*", None), (">=1", None), ("==1.*", None)],
    ids=["exact", "arbitrary", "any", "range", "wildcard"],
)
def test_only_exact_pins_give_a_version(version: str, expected: str | None) -> None:
    text = json.dumps({"default": {"a": {"version": version}}})
    (component,) = PipfileLockParser().parse(document_of(text, "Pipfile.lock")).components
    assert component.version == expected


def test_malformed_pipfile_is_a_parse_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "Pipfile.lock").write_text('{"default": {"a": {"version": "==1"}}}')
    (tmp_path / "Pipfile").write_text("[packages\n")
    with pytest.raises(ParseError) as caught:
        PipfileLockParser().parse(
            read_document(tmp_path / "Pipfile.lock", ReadLimits(), display="p/Pipfile.lock")
        )
    assert caught.value.path == "p/Pipfile"
