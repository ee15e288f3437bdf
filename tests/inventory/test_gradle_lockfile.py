"""gradle.lockfile: locked modules, dev when only on test/processor or buildscript classpaths."""

from __future__ import annotations

import contextlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.gradle_lockfile import GradleLockfileParser
from osswatch.model import Component, Scope
from tests.conftest import ASSETS, document_of

MAVEN = ASSETS / "inventory" / "maven"


def parse(text: str, path: str = "gradle.lockfile") -> tuple[Component, ...]:
    return GradleLockfileParser().parse(document_of(text, path)).components


def test_asset() -> None:
    text = (MAVEN / "gradle.lockfile").read_text()
    components = parse(text, "app/gradle.lockfile")
    # Independently: every line that is neither a comment nor `empty=` is one module.
    coordinates = [
        line.split("=")[0] for line in text.splitlines() if line and not line.startswith(("#", "empty="))
    ]
    assert [f"{c.name}:{c.version}" for c in components] == coordinates
    scopes = {c.name: c.scope for c in components}
    assert scopes == {
        "com.fasterxml.jackson.core:jackson-core": Scope.RUNTIME,
        "com.google.guava:guava": Scope.RUNTIME,
        "junit:junit": Scope.DEV,
        "org.hamcrest:hamcrest-core": Scope.DEV,
        "com.google.auto.value:auto-value": Scope.DEV,
    }
    guava = components[1]
    assert (guava.ecosystem, guava.purl) == ("Maven", "pkg:maven/com.google.guava/guava@33.2.1-jre")
    assert (guava.location.path, guava.location.line, guava.is_direct) == ("app/gradle.lockfile", 6, None)


def test_buildscript_lockfile_is_dev() -> None:
    (plugin,) = parse((MAVEN / "buildscript-gradle.lockfile").read_text(), "app/buildscript-gradle.lockfile")
    assert (plugin.name, plugin.version, plugin.scope) == (
        "com.diffplug.spotless:spotless-plugin-gradle",
        "6.25.0",
        Scope.DEV,
    )


@pytest.mark.parametrize(
    "line",
    ["a:b:1.0", "a:b=compileClasspath", "a:b:c:d=x", "a::1.0=x", "a:b:1.0=", "a:b:1.0= , "],
    ids=["no-configurations", "no-version", "four-parts", "empty-artifact", "empty-list", "blank-list"],
)
def test_malformed(line: str) -> None:
    with pytest.raises(
        ParseError, match=re.escape("expected 'group:artifact:version=configurations'")
    ) as caught:
        parse(f"# header\n{line}\n")
    assert caught.value.line == 2


def test_empty_file_has_no_components() -> None:
    assert parse("") == ()
    assert parse("# only comments\nempty=\n") == ()


ASSET_LINES = (MAVEN / "gradle.lockfile").read_text().splitlines()


@settings(max_examples=300)
@given(st.one_of(st.text(), st.lists(st.sampled_from(ASSET_LINES)).map("\n".join)))
def test_random_text_raises_only_parse_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse(text)
