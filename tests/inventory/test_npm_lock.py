"""package-lock.json / npm-shrinkwrap.json: versions 1, 2 and 3, workspaces, aliases, bad input."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.base import Document
from osswatch.inventory.npm_lock import NpmLockParser
from osswatch.inventory.reading import ReadLimits, read_document
from osswatch.model import Component, Scope
from tests.conftest import ASSETS, document_of

JS = ASSETS / "inventory" / "js"
R, D, OPT = Scope.RUNTIME, Scope.DEV, Scope.OPTIONAL


def _parse(path: Path) -> tuple[Component, ...]:
    return NpmLockParser().parse(read_document(path, ReadLimits())).components


def _summary(components: tuple[Component, ...]) -> set[tuple[str, str | None, Scope, bool | None]]:
    return {(c.name, c.version, c.scope, c.is_direct) for c in components}


CASES = [
    (
        "npm-v1",
        {
            ("debug", "2.6.9", R, False),
            ("express", "4.16.0", R, True),
            ("ms", "2.1.1", R, False),
            ("fsevents", "1.2.4", D, True),
            ("pad-left", "2.1.0", R, True),  # the alias `left-pad` is really pad-left
            ("mocha", "5.2.0", D, True),
            ("debug", "3.1.0", D, False),
            ("ms", "2.0.0", R, False),
            ("private-fork", None, R, True),  # a git checkout has no registry version
        },
    ),
    (
        "npm-v2",
        {
            ("ansi-styles", "3.2.1", R, False),
            ("chalk", "2.4.2", R, True),
            ("color-convert", "1.9.3", R, False),
            ("eslint-plugin-x", "1.0.0", D, True),
            ("color-convert", "2.0.1", D, False),
            ("fork", None, R, True),
        },
    ),
    (
        "npm-v3-workspaces",
        {
            ("@types/node", "20.12.7", D, True),
            ("fsevents", "2.3.3", OPT, True),
            ("js-tokens", "4.0.0", R, False),
            ("lodash", "4.17.21", R, True),
            ("loose-envify", "1.4.0", R, False),
            ("react", "18.3.1", R, True),
            ("typescript", "5.4.5", D, True),
            ("undici-types", "5.26.5", D, False),
            ("string-width", "4.2.3", R, True),
            ("lodash", "4.17.20", R, True),
        },
    ),
]


@pytest.mark.parametrize(("folder", "expected"), CASES, ids=[c[0] for c in CASES])
def test_components_of_each_lockfile_version(
    folder: str, expected: set[tuple[str, str | None, Scope, bool | None]]
) -> None:
    components = _parse(JS / folder / "package-lock.json")
    assert _summary(components) == expected
    assert len(components) == len(expected)
    assert all(c.ecosystem == "npm" for c in components)


@pytest.mark.parametrize("folder", [c[0] for c in CASES], ids=[c[0] for c in CASES])
def test_each_line_is_the_entry_key(folder: str) -> None:
    path = JS / folder / "package-lock.json"
    lines = path.read_text().splitlines()
    for component in _parse(path):
        assert component.location.line is not None
        text = lines[component.location.line - 1].strip()
        assert text.endswith('": {'), (component, text)


def test_depends_on_follows_node_resolution() -> None:
    by_ref = {c.ref: c for c in _parse(JS / "npm-v2" / "package-lock.json")}
    assert by_ref["eslint-plugin-x@1.0.0"].depends_on == ("color-convert@2.0.1",)
    assert by_ref["ansi-styles@3.2.1"].depends_on == ("color-convert@1.9.3",)
    v1 = {c.ref: c for c in _parse(JS / "npm-v1" / "package-lock.json")}
    assert v1["express@4.16.0"].depends_on == ("debug@2.6.9", "ms@2.1.1")
    assert v1["debug@3.1.0"].depends_on == ("ms@2.0.0",)


def test_workspaces_and_links_are_not_components() -> None:
    names = {c.name for c in _parse(JS / "npm-v3-workspaces" / "package-lock.json")}
    assert not any(name.startswith("@monorepo/") for name in names)
    assert "monorepo" not in names
    assert "string-width-cjs" not in names  # an alias folder, not a package


def test_v1_without_package_json_does_not_guess_direct() -> None:
    text = (JS / "npm-v1" / "package-lock.json").read_text()
    components = NpmLockParser().parse(document_of(text, "package-lock.json")).components
    top_level = {c.name for c in components if c.is_direct is None}
    assert top_level == {"debug", "express", "fsevents", "pad-left", "mocha", "ms", "private-fork"}
    assert {c.ref for c in components if c.is_direct is False} == {"ms@2.1.1", "debug@3.1.0"}


def _minimal(packages: object) -> str:
    return json.dumps({"lockfileVersion": 3, "packages": packages}, indent=2)


BAD = [
    ("", "invalid JSON", 1),
    ('{\n  "lockfileVersion": 3,\n  "packages": {\n', "invalid JSON", 4),
    ('{"lockfileVersion": 7, "packages": {}}', "unsupported lockfileVersion 7", None),
    ('{"packages": {}}', "unsupported lockfileVersion None", None),
    ("[1, 2]", "expected a table", None),
    (_minimal({"node_modules/a": []}), "expected a table at 'packages.node_modules/a'", 4),
    (
        _minimal({"node_modules/a": {"version": 1}}),
        "'packages.node_modules/a.version' should be a string",
        4,
    ),
    (_minimal({"node_modules/a": {"dev": "yes"}}), "'packages.node_modules/a.dev'", 4),
    ('{"lockfileVersion": 1, "dependencies": {"a": {}}}', "missing 'version'", 1),
]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    BAD,
    ids=[
        "empty",
        "truncated",
        "unknown-version",
        "no-version",
        "not-an-object",
        "entry-not-object",
        "version-not-string",
        "flag-not-bool",
        "v1-missing-version",
    ],
)
def test_malformed_input_names_file_and_line(text: str, message: str, line: int | None) -> None:
    with pytest.raises(ParseError) as caught:
        NpmLockParser().parse(document_of(text, "package-lock.json"))
    assert message in caught.value.message
    assert caught.value.path == "package-lock.json"
    assert caught.value.line == line


def test_deep_v1_tree_is_walked_in_order() -> None:
    depth = 300
    text = '{"lockfileVersion": 1, "dependencies": '
    for level in range(depth):
        text += f'{{\n"a": {{"version": "1.0.{level}", "requires": {{"a": "*"}}, "dependencies": '
    text += "{}" + "}}" * depth + "}"
    components = NpmLockParser().parse(document_of(text)).components
    assert [c.version for c in components] == [f"1.0.{level}" for level in range(depth)]
    assert [c.location.line for c in components] == list(range(2, depth + 2))
    # `requires: a` from level n finds its own nested `a` first (level n + 1).
    assert components[0].depends_on == ("a@1.0.1",)


def test_too_deep_json_is_a_parse_error() -> None:
    depth = 100_000
    text = '{"lockfileVersion": 1, "dependencies": ' + '{"a": {"dependencies": ' * depth
    with pytest.raises(ParseError, match="nested too deeply"):
        NpmLockParser().parse(document_of(text + "{}" + "}}" * depth + "}"))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["", "node_modules/a", "dependencies", "version", "packages", "name"])
            | st.text(max_size=6),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200)
@given(JSON_VALUES, st.sampled_from([1, 2, 3]))
def test_hostile_json_gives_only_parse_errors(body: object, version: int) -> None:
    data = {"lockfileVersion": version, "packages" if version > 1 else "dependencies": body}
    with contextlib.suppress(ParseError):
        NpmLockParser().parse(Document(path="p", data=json.dumps(data).encode()))


@given(st.text(max_size=200))
def test_random_text_gives_only_parse_errors(text: str) -> None:
    with contextlib.suppress(ParseError):
        NpmLockParser().parse(document_of(text))
