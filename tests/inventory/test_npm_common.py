"""The pieces the JavaScript lockfile parsers share: specs, key lines, scopes, the component table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osswatch.inventory.npm_common import (
    ComponentTable,
    KeyLines,
    indented_keys,
    is_git_source,
    json_object_keys,
    propagate_scopes,
    split_spec,
)
from osswatch.inventory.registry import entry_for
from osswatch.model import Scope
from tests.conftest import claims, document_of


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("lodash@4.17.21", ("lodash", "4.17.21")),
        ("@types/node@20.1.0", ("@types/node", "20.1.0")),
        ("@types/node", ("@types/node", "")),
        ("alias@npm:real@^1", ("alias", "npm:real@^1")),
        ("lodash", ("lodash", "")),
    ],
    ids=["plain", "scoped", "scoped-no-version", "alias", "no-version"],
)
def test_split_spec(spec: str, expected: tuple[str, str]) -> None:
    assert split_spec(spec) == expected


@pytest.mark.parametrize(
    ("spec", "is_git"),
    [
        ("git+https://github.com/a/b.git#abc", True),
        ("github:a/b#v1", True),
        ("https://github.com/a/b.git#v1", True),
        ("https://registry.npmjs.org/a/-/a-1.0.0.tgz", False),
        ("1.2.3", False),
    ],
    ids=["git+https", "github-shorthand", "dot-git-url", "registry-tarball", "version"],
)
def test_is_git_source(spec: str, is_git: bool) -> None:
    assert is_git_source(spec) is is_git


def test_table_merges_one_version_at_two_paths() -> None:
    table = ComponentTable(document_of("", "lock"))
    table.add("a", "1.0.0", line=3, scope=Scope.DEV, is_direct=False, depends_on=["b@1"])
    table.add("a", "1.0.0", line=9, scope=Scope.RUNTIME, is_direct=True, depends_on=["c@1"])
    table.add("a", "2.0.0", line=12)
    table.add("b", "1", line=20)
    [first, second, _b] = list(table.components())
    assert (first.version, first.location.line, first.scope, first.is_direct) == (
        "1.0.0",
        3,
        Scope.RUNTIME,
        True,
    )
    assert first.depends_on == ("b@1",)  # `c@1` is not a component of this file
    assert second.version == "2.0.0"
    assert first.purl == "pkg:npm/a@1.0.0"


def test_scoped_purl_encodes_the_at() -> None:
    table = ComponentTable(document_of("", "lock"))
    table.add("@scope/pkg", "1.0.0", line=None)
    assert next(table.components()).purl == "pkg:npm/%40scope/pkg@1.0.0"


def test_propagate_scopes_prefers_runtime_then_optional_then_dev() -> None:
    edges = {"app": ["shared"], "tool": ["shared", "tool-only"], "native": ["native-dep"]}
    optional_edges = {"app": ["native"]}
    roots = [("app", Scope.RUNTIME), ("tool", Scope.DEV), ("opt", Scope.OPTIONAL)]
    scopes = propagate_scopes(roots, edges, optional_edges)
    assert scopes == {
        "app": Scope.RUNTIME,
        "shared": Scope.RUNTIME,
        "native": Scope.OPTIONAL,
        "native-dep": Scope.OPTIONAL,
        "opt": Scope.OPTIONAL,
        "tool": Scope.DEV,
        "tool-only": Scope.DEV,
    }


def test_propagate_scopes_survives_cycles() -> None:
    scopes = propagate_scopes([("a", Scope.DEV)], {"a": ["b"], "b": ["a"]})
    assert scopes == {"a": Scope.DEV, "b": Scope.DEV}


def test_json_object_keys_skips_strings_that_look_like_keys() -> None:
    text = '{\n  "a": {\n    "note": "\\"b\\": {",\n    "c": [1]\n  },\n  "d": "x"\n}'
    lines = json_object_keys(text)
    assert dict(lines.first) == {"a": 2, "c": 4}


def test_json_object_keys_on_one_line() -> None:
    assert dict(json_object_keys('{"a":{"b":{}}}').first) == {"a": 1, "b": 1}


def test_indented_keys_unquotes() -> None:
    text = "packages:\n\n  '/a@1.0.0':\n    x: 1\n  b@2: {}\n    c:\n"
    assert dict(indented_keys(text, 2).first) == {"/a@1.0.0": 3, "b@2": 5}


def test_cursor_finds_repeated_keys_in_order() -> None:
    lines = KeyLines.of([("a", 1), ("b", 2), ("a", 3), ("b", 4)])
    next_line = lines.cursor()
    assert [next_line("a"), next_line("a"), next_line("b"), next_line("a")] == [1, 3, 4, None]
    assert next_line("missing") is None


@given(st.text(max_size=300))
def test_key_scanners_take_any_text(text: str) -> None:
    json_object_keys(text)
    indented_keys(text, 2)


@pytest.mark.parametrize(
    "filename",
    ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock"],
    ids=["npm", "shrinkwrap", "yarn", "pnpm", "bun"],
)
def test_registry_loads_a_parser_of_the_same_kind(filename: str) -> None:
    entry = entry_for(filename, b"")
    assert entry is not None
    parser = entry.load()
    assert parser.kind == entry.kind
    assert claims(parser.kind, filename, b"")
    assert not claims(parser.kind, "package.json", b"")
