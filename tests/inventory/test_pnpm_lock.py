"""pnpm-lock.yaml: versions 5.3, 5.4, 6.0 and 9.0, the real Credo lockfile, peers, bad input."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.npm_common import split_spec
from osswatch.inventory.pnpm_lock import PnpmLockParser
from osswatch.inventory.reading import ReadLimits, read_document
from osswatch.model import Component, Scope
from tests.conftest import ASSETS, document_of

JS = ASSETS / "inventory" / "js"
R, D, OPT = Scope.RUNTIME, Scope.DEV, Scope.OPTIONAL


def _parse(path: Path) -> tuple[Component, ...]:
    return PnpmLockParser().parse(read_document(path, ReadLimits())).components


def _summary(components: tuple[Component, ...]) -> set[tuple[str, str | None, Scope, bool | None]]:
    return {(c.name, c.version, c.scope, c.is_direct) for c in components}


CASES = [
    (
        "pnpm-v5",
        {
            ("@babel/runtime", "7.15.4", R, False),
            ("@emotion/react", "11.4.1", R, True),  # key `/@emotion/react/11.4.1_react@17.0.2`
            ("js-tokens", "4.0.0", R, False),
            ("loose-envify", "1.4.0", R, False),
            ("object-assign", "4.1.1", R, False),
            ("pad-left", "2.1.0", R, True),  # the alias `left-pad: /pad-left/2.1.0`
            ("react", "17.0.2", R, True),
            ("regenerator-runtime", "0.13.9", R, False),
            ("repeat-string", "1.6.1", R, False),
            ("typescript", "4.4.3", D, True),
        },
    ),
    (
        "pnpm-v5.4",
        {
            ("@tanstack/query-core", "4.26.1", R, False),
            ("@tanstack/react-query", "4.26.1", R, True),
            ("@types/prop-types", "15.7.5", D, False),
            ("@types/react", "18.0.28", D, True),
            ("eslint-plugin-react-hooks", "4.6.0", D, True),
            ("eslint", "8.36.0", D, False),
            ("fsevents", "2.3.2", OPT, True),
            ("js-tokens", "4.0.0", R, False),
            ("loose-envify", "1.4.0", R, False),
            ("react", "18.2.0", R, True),
        },
    ),
    (
        "pnpm-v6",
        {
            ("@tanstack/query-core", "5.0.0", R, False),
            ("@tanstack/react-query", "5.0.0", R, True),
            ("js-tokens", "4.0.0", R, False),
            ("loose-envify", "1.4.0", R, False),
            ("pad-left", "2.1.0", R, True),
            ("react", "18.2.0", R, True),
            ("tinyspy", "2.2.0", D, False),
            ("vitest", "0.34.6", D, True),
            ("tiny-fork", None, R, True),  # a git dependency: no registry version
        },
    ),
    (
        "pnpm-v9",
        {
            ("@tanstack/query-core", "5.59.0", R, False),
            ("@tanstack/react-query", "5.59.0", R, True),
            ("fsevents", "2.3.3", OPT, True),
            ("js-tokens", "4.0.0", R, False),
            ("loose-envify", "1.4.0", R, False),
            ("pad-left", "2.1.0", R, True),
            ("react-dom", "18.3.1", R, True),
            ("react", "18.3.1", R, True),
            ("scheduler", "0.23.2", R, False),
            ("typescript", "5.6.3", D, True),
        },
    ),
]


@pytest.mark.parametrize(("folder", "expected"), CASES, ids=[c[0] for c in CASES])
def test_components_of_each_lockfile_version(
    folder: str, expected: set[tuple[str, str | None, Scope, bool | None]]
) -> None:
    components = _parse(JS / folder / "pnpm-lock.yaml")
    assert _summary(components) == expected
    assert len(components) == len(expected)


@pytest.mark.parametrize("folder", [c[0] for c in CASES], ids=[c[0] for c in CASES])
def test_peer_suffixes_are_stripped_and_lines_point_at_keys(folder: str) -> None:
    path = JS / folder / "pnpm-lock.yaml"
    lines = path.read_text().splitlines()
    for component in _parse(path):
        assert component.version is None or not re.search(r"[_()]", component.version)
        assert component.location.line is not None
        text = lines[component.location.line - 1]
        assert text.startswith("  ")
        assert not text.startswith("   ")
        assert text.rstrip().endswith(":")
        assert component.name in text or "github.com" in text


def test_dependencies_resolve_through_peer_suffixes() -> None:
    by_ref = {c.ref: c for c in _parse(JS / "pnpm-v9" / "pnpm-lock.yaml")}
    assert by_ref["react-dom@18.3.1"].depends_on == (
        "loose-envify@1.4.0",
        "react@18.3.1",
        "scheduler@0.23.2",
    )
    v5 = {c.ref: c for c in _parse(JS / "pnpm-v5" / "pnpm-lock.yaml")}
    assert v5["@emotion/react@11.4.1"].depends_on == ("@babel/runtime@7.15.4", "react@17.0.2")


# --- the real Credo lockfile (lockfileVersion 9.0) -------------------------------------------


@pytest.fixture(scope="module")
def credo(shared_data: Path) -> Path:
    return shared_data / "lockfiles" / "credo-ts" / "pnpm-lock.yaml"


@pytest.fixture(scope="module")
def credo_components(credo: Path) -> tuple[Component, ...]:
    return _parse(credo)


def _section(text: str, name: str) -> str:
    """One top-level block of the YAML text, by plain text splitting (no YAML parser)."""
    blocks = re.split(r"^(?=\S)", text, flags=re.MULTILINE)
    return next(block for block in blocks if block.startswith(f"{name}:"))


def test_credo_components_are_exactly_the_packages_keys(
    credo: Path, credo_components: tuple[Component, ...]
) -> None:
    packages = _section(credo.read_text(), "packages")
    keys = re.findall(r"^  (?! )'?([^'\n]+?)'?:", packages, re.MULTILINE)
    expected = {split_spec(key) for key in keys}
    components = credo_components
    assert {(c.name, c.version) for c in components} == expected
    assert len(components) == len(expected)


def test_credo_direct_dependencies_are_the_importers(
    credo: Path, credo_components: tuple[Component, ...]
) -> None:
    importers = _section(credo.read_text(), "importers")
    expected: set[str] = set()
    name = ""
    for line in importers.splitlines():
        if match := re.fullmatch(r" {6}'?([^' ]+?)'?:", line):
            name = match.group(1)
        elif (match := re.fullmatch(r" {8}version: (\S+)", line)) and not match.group(1).startswith("link:"):
            version = match.group(1).strip("'").split("(")[0]
            expected.add(version if "@" in version[1:] else f"{name}@{version}")
    components = credo_components
    assert {c.ref for c in components if c.is_direct} == expected
    assert {c.scope for c in components} == {Scope.RUNTIME, Scope.DEV, Scope.OPTIONAL}


def test_credo_runtime_direct_dependencies_are_runtime(
    credo: Path, credo_components: tuple[Component, ...]
) -> None:
    importers = _section(credo.read_text(), "importers")
    runtime: set[str] = set()
    section = ""
    name = ""
    for line in importers.splitlines():
        if match := re.fullmatch(r" {4}(\w+):", line):
            section = match.group(1)
        elif match := re.fullmatch(r" {6}'?([^' ]+?)'?:", line):
            name = match.group(1)
        elif (match := re.fullmatch(r" {8}version: (\d\S*)", line)) and section == "dependencies":
            runtime.add(f"{name}@{match.group(1).split('(')[0]}")
    by_ref = {c.ref: c for c in credo_components}
    assert runtime
    assert all(by_ref[ref].scope is Scope.RUNTIME for ref in runtime)


def test_credo_dependency_refs_are_components(credo_components: tuple[Component, ...]) -> None:
    components = credo_components
    refs = {c.ref for c in components}
    assert all(set(c.depends_on) <= refs for c in components)
    assert sum(len(c.depends_on) for c in components) > len(components)


# --- bad input --------------------------------------------------------------------------------

BAD = [
    ("", "expected a table at ''", None),
    ("lockfileVersion: '3.0'\n", "unsupported lockfileVersion", None),
    ("lockfileVersion: banana\n", "unsupported lockfileVersion 'banana'", None),
    ("lockfileVersion: '9.0'\npackages: [1, 2]\n", "'packages' should be a table", None),
    ("lockfileVersion: '9.0'\npackages:\n  a@1.0.0: [x]\n", "expected a table at 'packages.a@1.0.0'", 3),
    ("lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    name: [x]\n", "'packages.a@1.0.0.name'", 3),
    ("lockfileVersion: '9.0'\npackages:\n  a: &x {}\n  b: *x\n", "aliases are not accepted", 4),
    ("lockfileVersion: '9.0'\npackages:\n  a: {\n", "invalid YAML", 4),
    ("- 1\n- 2\n", "expected a table", None),
]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    BAD,
    ids=[
        "empty",
        "too-old",
        "not-a-version",
        "packages-list",
        "entry-list",
        "name-not-string",
        "yaml-alias",
        "truncated",
        "top-list",
    ],
)
def test_malformed_input_names_file_and_line(text: str, message: str, line: int | None) -> None:
    with pytest.raises(ParseError) as caught:
        PnpmLockParser().parse(document_of(text, "pnpm-lock.yaml"))
    assert message in caught.value.message
    assert caught.value.path == "pnpm-lock.yaml"
    assert caught.value.line == line


@settings(max_examples=200)
@given(st.text(max_size=200))
def test_random_text_gives_only_parse_errors(text: str) -> None:
    with contextlib.suppress(ParseError):
        PnpmLockParser().parse(document_of("lockfileVersion: '9.0'\n" + text))


KEYS = st.sampled_from(["a@1.0.0", "/a/1.0.0_b@2", "/a@1(b@2)", "link:x", "file:y", "a@https://x", "1"])
ENTRY = st.dictionaries(
    st.sampled_from(["dependencies", "optionalDependencies", "dev", "optional", "name", "version"]),
    st.none()
    | st.booleans()
    | st.text(max_size=5)
    | st.dictionaries(st.text(max_size=4) | KEYS, st.text(max_size=6) | KEYS | st.integers()),
    max_size=4,
)


@settings(max_examples=200)
@given(
    st.sampled_from(["5.4", "'6.0'", "'9.0'"]),
    st.dictionaries(KEYS, ENTRY, max_size=4),
    st.dictionaries(KEYS, ENTRY, max_size=4),
)
def test_hostile_tables_give_only_parse_errors(
    version: str, packages: dict[str, object], snapshots: dict[str, object]
) -> None:
    text = f"lockfileVersion: {version}\npackages: {json.dumps(packages)}\n"
    text += f"snapshots: {json.dumps(snapshots)}\nimporters: {{'.': {json.dumps(packages)}}}\n"
    with contextlib.suppress(ParseError):
        PnpmLockParser().parse(document_of(text))
