"""go.mod: requirements after `replace`, `// indirect`, the standard library, and go.sum hashes."""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.go_mod import GoModParser
from osswatch.inventory.reading import ReadLimits, read_document
from osswatch.model import Component
from tests.conftest import ASSETS, document_of

GO = ASSETS / "inventory" / "go"


def parse(text: str) -> tuple[Component, ...]:
    return GoModParser().parse(document_of(text, "go.mod")).components


def by_ref(components: tuple[Component, ...]) -> dict[str | None, Component]:
    return {component.ref: component for component in components}


@pytest.fixture
def asset() -> dict[str | None, Component]:
    document = read_document(GO / "go.mod", ReadLimits())
    return by_ref(GoModParser().parse(document).components)


def test_requirements_of_the_asset(asset: dict[str | None, Component]) -> None:
    mux = asset["github.com/gorilla/mux"]
    assert (mux.name, mux.version, mux.ecosystem) == ("github.com/gorilla/mux", "v1.8.1", "Go")
    assert mux.purl == "pkg:golang/github.com/gorilla/mux@v1.8.1"
    assert (mux.location.line, mux.is_direct) == (10, True)
    errors = asset["github.com/pkg/errors"]  # a single-line `require` with a quoted path
    assert (errors.version, errors.location.line) == ("v0.9.1", 22)


def test_indirect_comment_marks_transitive(asset: dict[str | None, Component]) -> None:
    indirect = {ref for ref, c in asset.items() if c.is_direct is False}
    assert indirect == {"golang.org/x/sys", "golang.org/x/text", "gopkg.in/yaml.v3"}


def test_replace_to_module_replaces_the_component(asset: dict[str | None, Component]) -> None:
    logrus = asset["github.com/sirupsen/logrus"]
    assert (logrus.name, logrus.version) == ("github.com/example/logrus", "v1.9.4-patched")
    assert logrus.location.line == 28  # the replace line, where the version comes from


def test_version_specific_replace_wins(asset: dict[str | None, Component]) -> None:
    assert asset["gopkg.in/yaml.v3"].version == "v3.0.2"


def test_replace_to_local_path_is_unpinned(asset: dict[str | None, Component]) -> None:
    auth = asset["example.com/internal/auth"]
    assert (auth.name, auth.version, auth.purl) == (
        "example.com/internal/auth",
        None,
        "pkg:golang/example.com/internal/auth",
    )


def test_stdlib_from_toolchain(asset: dict[str | None, Component]) -> None:
    stdlib = asset["stdlib"]
    assert (stdlib.name, stdlib.version, stdlib.location.line) == ("stdlib", "1.22.5", 7)


def test_go_sum_hashes_and_missing_entries(asset: dict[str | None, Component]) -> None:
    assert asset["golang.org/x/net"].hashes == ("h1:d/OCCoBEUq33pjydKrGQhw7IlUPI2Oylr+8qLx49kac=",)
    # Not in go.sum: still reported, without a hash.
    assert asset["golang.org/x/text"].version == "v0.15.0"
    assert asset["golang.org/x/text"].hashes == ()


def test_without_go_sum_there_are_no_hashes(tmp_path: Path) -> None:
    shutil.copy(GO / "go.mod", tmp_path / "go.mod")
    components = GoModParser().parse(read_document(tmp_path / "go.mod", ReadLimits())).components
    assert all(c.hashes == () for c in components)
    assert len(components) == 9


def test_malformed_go_sum_names_its_file(tmp_path: Path) -> None:
    shutil.copy(GO / "go.mod", tmp_path / "go.mod")
    (tmp_path / "go.sum").write_text("golang.org/x/net v0.25.0\n")
    with pytest.raises(ParseError) as caught:
        GoModParser().parse(read_document(tmp_path / "go.mod", ReadLimits()))
    assert caught.value.path.endswith("go.sum")
    assert caught.value.line == 1


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("module m\ngo 1.21.4\n", "1.21.4"),
        ("module m\ngo 1.20\n", None),
        ("module m\ngo 1.21.0\ntoolchain go1.22rc1\n", "1.21.0"),
        ("module m\ngo 1.22\ntoolchain go1.22.3\n", "1.22.3"),
    ],
    ids=["go-full", "go-minor-unpinned", "rc-toolchain-falls-back", "toolchain-wins"],
)
def test_stdlib_version(text: str, version: str | None) -> None:
    assert by_ref(parse(text))["stdlib"].version == version


def test_no_go_directive_no_stdlib() -> None:
    assert parse("module m\nrequire a.example/b v1.0.0\n")[0].ref == "a.example/b"
    assert "stdlib" not in by_ref(parse("module m\n"))


def test_exclude_retract_and_unknown_directives_are_ignored() -> None:
    text = "module m\nexclude a.b/c v1.0.0\nretract [v1.0.0, v1.1.0]\ngodebug default=go1.21\nfuture x\n"
    assert parse(text) == ()


def test_empty_blocks() -> None:
    assert parse("module m\nrequire ()\nreplace (\n)\n") == ()


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("require (\n a.b/c v1.0.0\n", "block is not closed", None),
        ("require a.b/c\n", "a requirement is", 1),
        ("module m\n\nrequire a.b/c 1.0.0\n", "invalid module version '1.0.0'", 3),
        ("replace a.b/c v1.0.0\n", "a replacement needs '=>'", 1),
        ("replace a.b/c => x y z\n", "a replacement is", 1),
        ("replace a.b/c => d.e/f 2\n", "invalid module version '2'", 1),
        ("{\n", "expected a directive", 1),
        ('require "a.b/c v1.0.0\n', "unexpected text", 1),
        ("go 1.21 1.22\n", "takes one version", 1),
    ],
    ids=[
        "unclosed-block", "require-arity", "version-without-v", "replace-no-arrow",
        "replace-arity", "replace-version", "not-a-directive", "unterminated-quote", "go-arity",
    ],
)  # fmt: skip
def test_malformed(text: str, message: str, line: int | None) -> None:
    with pytest.raises(ParseError, match=re.escape(message)) as caught:
        parse(text)
    assert caught.value.line == line


ASSET_LINES = (GO / "go.mod").read_text().splitlines()


@settings(max_examples=300)
@given(st.one_of(st.text(), st.lists(st.sampled_from(ASSET_LINES)).map("\n".join)))
def test_random_text_raises_only_parse_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse(text)


@pytest.mark.parametrize(
    "text",
    [
        "require a.b/ v1.0.0\n",
        "require /a v1.0.0\n",
        "replace a.b/c => d// v1.0.0\n",
        "replace a//b => ../x\n",
    ],
    ids=["trailing-slash", "leading-slash", "replacement-path", "old-path"],
)
def test_invalid_module_path(text: str) -> None:
    with pytest.raises(ParseError, match="invalid module path") as caught:
        parse(text)
    assert caught.value.line == 1
