"""pom.xml: declared and managed dependencies, versions resolved only from the file itself."""

from __future__ import annotations

import contextlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.maven_pom import MavenPomParser
from osswatch.model import Component, Scope
from tests.conftest import ASSETS, document_of

ASSET = ASSETS / "inventory" / "maven" / "pom.xml"


def parse(text: str) -> tuple[Component, ...]:
    return MavenPomParser().parse(document_of(text, "pom.xml")).components


def by_ref(components: tuple[Component, ...]) -> dict[str | None, Component]:
    return {component.ref: component for component in components}


def pom(dependencies: str, extra: str = "") -> str:
    head = f"<project><groupId>g</groupId><version>1.0</version>{extra}"
    return f"{head}<dependencies>{dependencies}</dependencies></project>"


@pytest.fixture
def asset() -> dict[str | None, Component]:
    return by_ref(parse(ASSET.read_text()))


def test_components_of_the_asset(asset: dict[str | None, Component]) -> None:
    # Plugin dependencies (junit-platform-launcher) are build tooling: not read.
    assert set(asset) == {
        "com.fasterxml.jackson.core:jackson-databind", "org.slf4j:slf4j-api", "com.example:orders-api",
        "com.google.guava:guava", "jakarta.servlet:jakarta.servlet-api", "org.junit.jupiter:junit-jupiter",
        "io.netty:netty-bom",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("ref", "version", "scope", "line"),
    [
        ("com.fasterxml.jackson.core:jackson-databind", "2.17.2", Scope.RUNTIME, 40),
        ("org.slf4j:slf4j-api", "2.0.13", Scope.RUNTIME, 45),
        ("com.example:orders-api", "2.3.0", Scope.RUNTIME, 49),
        ("com.google.guava:guava", None, Scope.OPTIONAL, 54),
        ("jakarta.servlet:jakarta.servlet-api", "6.0.0", Scope.DEV, 60),
        ("org.junit.jupiter:junit-jupiter", None, Scope.DEV, 66),
        ("io.netty:netty-bom", "4.1.112.Final", Scope.RUNTIME, 28),
    ],
    ids=[
        "nested-property", "managed-version", "parent-coordinates", "range", "provided",
        "undefined-property", "managed-only",
    ],
)  # fmt: skip
def test_each_dependency(
    asset: dict[str | None, Component], ref: str, version: str | None, scope: Scope, line: int
) -> None:
    component = asset[ref]
    assert (component.name, component.version, component.scope) == (ref, version, scope)
    assert component.location.line == line
    assert ASSET.read_text().splitlines()[line - 1].strip() == "<dependency>"
    assert component.ecosystem == "Maven"
    group, artifact = ref.split(":")
    suffix = f"@{version}" if version else ""
    assert component.purl == f"pkg:maven/{group}/{artifact}{suffix}"


def test_direct_flags(asset: dict[str | None, Component]) -> None:
    assert asset["io.netty:netty-bom"].is_direct is None
    assert all(c.is_direct for ref, c in asset.items() if ref != "io.netty:netty-bom")


def test_without_namespace_and_with_project_version() -> None:
    (only,) = parse(
        pom(
            "<dependency><groupId>x</groupId><artifactId>y</artifactId><version>${project.version}</version></dependency>"
        )
    )
    assert (only.name, only.version, only.location.line) == ("x:y", "1.0", 1)


@pytest.mark.parametrize(
    ("properties", "version"),
    [
        ("<a>${b}</a><b>${a}</b>", None),
        ("<a>${a}</a>", None),
        (
            "".join(f"<p{i}>${{p{i + 1}}}${{p{i + 1}}}</p{i}>" for i in range(40))
            + "<p40>x</p40><a>${p0}</a>",
            None,
        ),
        ("<a>${b}</a><b>2.0</b>", "2.0"),
    ],
    ids=["cycle", "self", "exponential", "chain"],
)
def test_property_expansion_is_bounded(properties: str, version: str | None) -> None:
    text = pom(
        "<dependency><groupId>x</groupId><artifactId>y</artifactId><version>${a}</version></dependency>",
        f"<properties>{properties}</properties>",
    )
    assert parse(text)[0].version == version


def test_entity_declarations_are_refused() -> None:
    text = '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa">]><project>&a;</project>'
    with pytest.raises(ParseError, match="refused unsafe XML"):
        parse(text)


def test_empty_project_has_no_components() -> None:
    assert parse("<project/>") == ()


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("<project><dependencies>\n<dependency>\n", "invalid XML", 3),
        ("", "invalid XML", 1),
        (
            pom(
                "<dependency><groupId>x</groupId><artifactId>${e}</artifactId></dependency>",
                "<properties><e/></properties>",
            ),
            "empty groupId or artifactId",
            None,
        ),
        ("<settings/>", "expected a <project> root, found <settings>", 1),
        (pom("<dependency><artifactId>y</artifactId></dependency>"), "lacks groupId or artifactId", None),
    ],
    ids=["truncated", "empty", "empty-artifact", "wrong-root", "no-group"],
)
def test_malformed(text: str, message: str, line: int | None) -> None:
    with pytest.raises(ParseError, match=re.escape(message)) as caught:
        parse(text)
    assert caught.value.line == line


TAGS = st.sampled_from(
    ["project", "dependencies", "dependency", "groupId", "artifactId", "version", "properties", "a"]
)
ELEMENTS = st.recursive(
    st.text(alphabet="ab${}.1[", max_size=6),
    lambda inner: st.builds(
        lambda tag, body: f"<{tag}>{''.join(body)}</{tag}>", TAGS, st.lists(inner, max_size=3)
    ),
    max_leaves=15,
)


@settings(max_examples=300)
@given(st.one_of(st.text(), ELEMENTS.map(lambda body: f"<project>{body}</project>")))
def test_random_input_raises_only_parse_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse(text)
