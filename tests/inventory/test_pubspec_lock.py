"""pubspec.lock: hosted and git packages with direct/dev flags; SDK and path packages left out."""

from __future__ import annotations

import contextlib
import json
import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.pubspec_lock import PubspecLockParser
from osswatch.model import Component, Scope
from tests.conftest import ASSETS, document_of

ASSET = ASSETS / "inventory" / "pub" / "pubspec.lock"


def parse(text: str) -> tuple[Component, ...]:
    return PubspecLockParser().parse(document_of(text, "pubspec.lock")).components


def by_ref(components: tuple[Component, ...]) -> dict[str | None, Component]:
    return {component.ref: component for component in components}


def test_asset() -> None:
    found = by_ref(parse(ASSET.read_text()))
    packages = yaml.safe_load(ASSET.read_text())["packages"]
    expected = {name for name, entry in packages.items() if entry["source"] in ("hosted", "git")}
    assert set(found) == expected


@pytest.mark.parametrize(
    ("ref", "version", "is_direct", "scope", "line"),
    [
        ("async", "2.11.0", False, Scope.RUNTIME, 5),
        ("flutter_lints", "3.0.2", True, Scope.DEV, 18),
        ("http", "1.2.1", True, Scope.RUNTIME, 26),
        ("mason", "0.1.0-dev.52", True, Scope.RUNTIME, 34),
    ],
    ids=["transitive", "direct-dev", "direct-main", "git-overridden"],
)
def test_each_package(ref: str, version: str, is_direct: bool, scope: Scope, line: int) -> None:
    component = by_ref(parse(ASSET.read_text()))[ref]
    assert (component.version, component.is_direct, component.scope) == (version, is_direct, scope)
    assert (component.ecosystem, component.purl) == ("Pub", f"pkg:pub/{ref}@{version}")
    assert component.location.line == line
    assert ASSET.read_text().splitlines()[line - 1] == f"  {ref}:"


def test_other_server_is_unidentified() -> None:
    private = by_ref(parse(ASSET.read_text()))["private_kit"]
    assert (private.ecosystem, private.purl, private.version) == (None, None, "2.0.0")


def test_empty_lock_has_no_components() -> None:
    assert parse("") == ()
    assert parse("packages: {}\nsdks:\n  dart: '>=3.0.0 <4.0.0'\n") == ()


A = "packages:\n  a:\n"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        (A + "    dependency: weird\n    source: hosted\n    version: '1'\n", "unknown dependency kind", 2),
        (A + "    dependency: transitive\n    version: '1'\n", "missing 'source' in 'packages.a'", 2),
        (A + "    dependency: transitive\n    source: hosted\n", "missing 'version' in 'packages.a'", 2),
        ("packages:\n  a: 3\n", "expected a table at 'packages.a'", 2),
        ("packages:\n  1:\n    source: hosted\n", "package name 1", None),
        ("packages:\n  '':\n    source: hosted\n", "package name ''", None),
        ("packages: [\n", "invalid YAML", 2),
        ("- a\n", "expected a table", None),
    ],
    ids=[
        "bad-kind",
        "no-source",
        "no-version",
        "entry-type",
        "name-type",
        "empty-name",
        "truncated",
        "top-list",
    ],
)
def test_malformed(text: str, message: str, line: int | None) -> None:
    with pytest.raises(ParseError, match=re.escape(message)) as caught:
        parse(text)
    assert caught.value.line == line


KEYS = st.sampled_from(
    ["packages", "a", "dependency", "transitive", "source", "hosted", "git", "version", "description", "url"]
)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5) | KEYS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300)
@given(st.one_of(st.text(), VALUES.map(json.dumps)))
def test_random_input_raises_only_parse_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse(text)


def test_yaml_aliases_are_refused() -> None:
    text = "packages:\n  a: &x\n    dependency: transitive\n    source: hosted\n    version: '1'\n  b: *x\n"
    with pytest.raises(ParseError, match="aliases are not accepted") as caught:
        parse(text)
    assert caught.value.line == 6
