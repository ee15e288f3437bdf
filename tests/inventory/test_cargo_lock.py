"""Cargo.lock: registry and git crates with their graph; the project's own crates left out."""

from __future__ import annotations

import contextlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.base import Document
from osswatch.inventory.cargo_lock import CargoLockParser
from osswatch.model import Component
from tests.conftest import ASSETS, document_of

CARGO = ASSETS / "inventory" / "cargo"


def parse(text: str) -> tuple[Component, ...]:
    return CargoLockParser().parse(document_of(text, "Cargo.lock")).components


def by_ref(components: tuple[Component, ...]) -> dict[str | None, Component]:
    return {component.ref: component for component in components}


def test_v4_asset() -> None:
    path = CARGO / "Cargo.lock"
    inventory = CargoLockParser().parse(Document(path=str(path), data=path.read_bytes()))
    found = by_ref(inventory.components)
    # `app` and `app-macros` have no source: workspace members, not components.
    assert set(found) == {
        "rand 0.7.3", "rand 0.8.5", "serde 1.0.215", "syn 2.0.87", "tokio 1.41.1",
        "internal-crate 2.1.0",
    }  # fmt: skip
    assert inventory.sources[0].component_count == 6
    rand = found["rand 0.8.5"]
    assert (rand.name, rand.version, rand.ecosystem) == ("rand", "0.8.5", "crates.io")
    assert rand.purl == "pkg:cargo/rand@0.8.5"
    assert rand.location.line == 30
    assert rand.depends_on == ("rand 0.7.3",)
    assert rand.hashes == ("sha256:34af8d1a0e25924bc5b7c43c079c942339d8f0a8b57c39049bef581b46327404",)
    # Direct: what a workspace member depends on (also through the second member).
    direct = {ref for ref, c in found.items() if c.is_direct}
    assert direct == {"rand 0.8.5", "serde 1.0.215", "syn 2.0.87", "tokio 1.41.1"}


def test_git_source_keeps_its_version() -> None:
    tokio = by_ref(parse((CARGO / "Cargo.lock").read_text()))["tokio 1.41.1"]
    assert (tokio.version, tokio.ecosystem, tokio.purl) == (
        "1.41.1",
        "crates.io",
        "pkg:cargo/tokio@1.41.1",
    )


def test_other_registry_is_unidentified() -> None:
    crate = by_ref(parse((CARGO / "Cargo.lock").read_text()))["internal-crate 2.1.0"]
    assert crate.ecosystem is None
    assert crate.purl is None
    assert crate.version == "2.1.0"


def test_v1_dependencies_with_source() -> None:
    (libc,) = parse((CARGO / "Cargo.v1.lock").read_text())
    assert (libc.name, libc.version, libc.is_direct) == ("libc", "0.2.66", True)


def test_inline_package_array_has_no_lines() -> None:
    text = 'version = 3\npackage = [{name = "a", version = "1.0.0", source = "sparse+https://index.crates.io/"}]\n'
    (only,) = parse(text)
    assert (only.name, only.location.line, only.is_direct) == ("a", None, False)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('[[package]]\nname = "a"\n', "missing 'version' in 'package[0]'", 1),
        ('[[package]]\nname = "a"\nversion = 1\n', "'package[0].version' should be a string", 1),
        ('[[package]]\nname = "a"\nversion = "1"\ndependencies = [1]\n', "list of strings", 1),
        ('[[package]]\nname = "a"\nversion = \n', "invalid TOML", 3),
        ("package = 3\n", "'package' should be a list", None),
        ('\n[[package]]\nname = " "\nversion = "1"\n', "'package[0].name' is empty", 2),
    ],
    ids=["missing-version", "version-type", "dependency-type", "truncated", "package-not-list", "empty-name"],
)
def test_malformed(text: str, message: str, line: int | None) -> None:
    with pytest.raises(ParseError, match=re.escape(message)) as caught:
        parse(text)
    assert caught.value.line == line
    assert caught.value.path == "Cargo.lock"


def test_empty_file_has_no_components() -> None:
    assert parse("") == ()


ASSET_LINES = (CARGO / "Cargo.lock").read_text().splitlines()


@settings(max_examples=300)
@given(st.one_of(st.text(), st.lists(st.sampled_from(ASSET_LINES)).map("\n".join)))
def test_random_text_raises_only_parse_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse(text)
