"""Shared Python lockfile helpers, and one property of every Python parser: bad text is a ParseError."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.base import Document, InventoryParser
from osswatch.inventory.pdm_lock import PdmLockParser
from osswatch.inventory.pipfile_lock import PipfileLockParser
from osswatch.inventory.poetry_lock import PoetryLockParser
from osswatch.inventory.pylock_toml import PylockParser
from osswatch.inventory.python_common import (
    checked_name,
    package_ref,
    pypi_component,
    pyproject_direct,
    requirement_name,
    scopes_by_reachability,
    table_lines,
)
from osswatch.inventory.reading import ReadLimits, read_document
from osswatch.inventory.registry import entry_by_kind
from osswatch.inventory.requirements_txt import RequirementsParser
from osswatch.inventory.uv_lock import UvLockParser
from osswatch.model import Location, Scope
from tests.conftest import document_of

PARSERS: list[InventoryParser] = [
    RequirementsParser(),
    PoetryLockParser(),
    UvLockParser(),
    PipfileLockParser(),
    PdmLockParser(),
    PylockParser(),
]
KINDS = [parser.kind for parser in PARSERS]

# Pieces of real lockfile syntax, so generated documents reach past the TOML/JSON loaders.
FRAGMENTS = [
    "[[package]]",
    "[[packages]]",
    'name = "a"',
    "name = 'b-c'",
    'name = "../x"',
    'version = "1.0"',
    "version = 1",
    "lock-version = '1.0'",
    'groups = ["main"]',
    'category = "dev"',
    "optional = true",
    "files = []",
    'files = [{file = "a", hash = "sha256:0"}]',
    "wheels = [1]",
    'dependencies = [{ name = "a" }]',
    'dependencies = ["a>=1", 3]',
    "[package.dependencies]",
    'a = "*"',
    "source = { editable = '.' }",
    "[metadata.files]",
    "marker = \"'dev' in dependency_groups\"",
    '{"default": {"a": {"version": "==1"}}, "develop": []}',
    "a==1 --hash=sha256:0",
    "-r requirements.txt",
    "-e git+https://x/y#egg=z",
    "-c c.txt",
    "pkg[extra]>=1 ; python_version < '3'",
    "\\",
    "# comment",
]
documents = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("\n".join),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=10).map("\n".join),
    st.binary(max_size=200),
)


@pytest.mark.parametrize("parser", PARSERS, ids=KINDS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=documents)
def test_random_text_raises_only_parse_errors(parser: InventoryParser, data: str | bytes) -> None:
    document = document_of(data, "lockfile")
    try:
        inventory = parser.parse(document)
    except ParseError as error:
        named = error.path
    else:
        named = inventory.sources[0].path
        assert inventory.sources[0].component_count == len(inventory.components)
        assert all(c.location.path == "lockfile" for c in inventory.components)
    assert named == "lockfile"


@pytest.mark.parametrize("kind", KINDS, ids=KINDS)
def test_every_parser_is_registered_under_its_kind(kind: str) -> None:
    entry = entry_by_kind(kind)
    assert entry is not None
    assert entry.load().kind == kind


@pytest.mark.parametrize(
    ("roots", "edges", "expected"),
    [
        ({Scope.DEV: ["t"]}, {"t": ["u"]}, {"t": Scope.DEV, "u": Scope.DEV}),
        (
            {Scope.RUNTIME: ["a"], Scope.DEV: ["t"]},
            {"a": ["s"], "t": ["s", "u"]},
            {"a": Scope.RUNTIME, "s": Scope.RUNTIME, "t": Scope.DEV, "u": Scope.DEV},
        ),
        (
            {Scope.DEV: ["t"], Scope.OPTIONAL: ["o"]},
            {"t": ["x"], "o": ["x"]},
            {"t": Scope.DEV, "o": Scope.OPTIONAL, "x": Scope.OPTIONAL},
        ),
        ({Scope.RUNTIME: ["a"]}, {"a": ["b"], "b": ["a"]}, {"a": Scope.RUNTIME, "b": Scope.RUNTIME}),
        ({}, {"a": ["b"]}, {}),
    ],
    ids=["dev-chain", "runtime-wins-over-dev", "optional-wins-over-dev", "cycle", "no-roots"],
)
def test_scopes_by_reachability(
    roots: dict[Scope, list[str]], edges: dict[str, list[str]], expected: dict[str, Scope]
) -> None:
    assert scopes_by_reachability(roots, edges) == expected


def test_pyproject_direct_reads_every_declaration_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[project]\n"
        'dependencies = ["Requests[socks]>=2", "attrs ; python_version > \'3\'"]\n'
        "[project.optional-dependencies]\n"
        'cli = ["rich", "attrs"]\n'
        "[dependency-groups]\n"
        'test = ["pytest>=8", {include-group = "lint"}]\n'
        'lint = ["ruff"]\n'
        "[tool.pdm.dev-dependencies]\n"
        'doc = ["mkdocs"]\n'
        "[tool.uv]\n"
        'dev-dependencies = ["mypy"]\n'
        "[tool.poetry.dependencies]\n"
        'python = "^3.11"\n'
        'Zope_Interface = "*"\n'
        'extra-thing = {version = "*", optional = true}\n'
        "[tool.poetry.group.docs.dependencies]\n"
        'sphinx = "*"\n'
    )
    (tmp_path / "poetry.lock").write_text("")
    declared = pyproject_direct(read_document(tmp_path / "poetry.lock", ReadLimits()))
    assert declared == {
        "requests": Scope.RUNTIME,
        "attrs": Scope.RUNTIME,
        "rich": Scope.OPTIONAL,
        "pytest": Scope.DEV,
        "ruff": Scope.DEV,
        "mkdocs": Scope.DEV,
        "mypy": Scope.DEV,
        "zope-interface": Scope.RUNTIME,
        "extra-thing": Scope.OPTIONAL,
        "sphinx": Scope.DEV,
    }


def test_pyproject_direct_tolerates_odd_shapes(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        'project = "x"\n[tool]\npdm = 3\nuv = {dev-dependencies = "a"}\n[dependency-groups]\ng = "b"\n'
        "[tool.poetry]\ndependencies = []\n[tool.poetry.group]\ndocs = 3\n"
    )
    assert pyproject_direct(read_document(tmp_path / "pyproject.toml", ReadLimits())) == {}


def test_pyproject_direct_is_none_without_a_pyproject() -> None:
    assert pyproject_direct(Document(path="poetry.lock", data=b"")) is None


def test_table_lines_find_array_headers_only() -> None:
    text = (
        '[[package]]\nname = "a"\n[package.extras]\n  [[ package ]]  # spaced\n[[packages]]\n[[package.x]]\n'
    )
    assert table_lines(text, "package") == [1, 4]
    assert table_lines(text, "packages") == [5]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Requests[socks]>=2", "requests"), ("zope.interface ; x", "zope-interface"), ("", None), (">=1", None)],
    ids=["extras", "dotted", "empty", "no-name"],
)
def test_requirement_name(text: str, expected: str | None) -> None:
    assert requirement_name(text) == expected


def test_pypi_component_normalizes_and_builds_purl() -> None:
    component = pypi_component(name="Zope.Interface", version="6.2", location=Location(path="p"))
    assert (component.name, component.purl, component.ref) == (
        "zope-interface",
        "pkg:pypi/zope-interface@6.2",
        "zope-interface@6.2",
    )
    assert package_ref("A_B", None) == "a-b"


@pytest.mark.parametrize("name", ["", "-a", "a-", "a b", "../x", "a/b", "é"], ids=repr)
def test_checked_name_refuses_what_cannot_be_a_package(name: str) -> None:
    with pytest.raises(ValueError, match="invalid package name"):
        checked_name(name, ValueError)
