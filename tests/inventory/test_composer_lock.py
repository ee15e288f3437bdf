"""composer.lock: runtime and dev packages, branch versions unpinned, direct from composer.json."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.composer_lock import ComposerLockParser
from osswatch.inventory.reading import ReadLimits, read_document
from osswatch.model import Component, Scope
from tests.conftest import ASSETS, document_of

PACKAGIST = ASSETS / "inventory" / "packagist"


def parse(text: str) -> tuple[Component, ...]:
    return ComposerLockParser().parse(document_of(text, "composer.lock")).components


def by_ref(components: tuple[Component, ...]) -> dict[str | None, Component]:
    return {component.ref: component for component in components}


@pytest.fixture
def asset() -> dict[str | None, Component]:
    document = read_document(PACKAGIST / "composer.lock", ReadLimits())
    return by_ref(ComposerLockParser().parse(document).components)


def test_packages_and_scopes(asset: dict[str | None, Component]) -> None:
    data = json.loads((PACKAGIST / "composer.lock").read_text())
    expected = {p["name"].lower() for p in data["packages"] + data["packages-dev"]}
    assert set(asset) == expected
    guzzle = asset["guzzlehttp/guzzle"]
    assert (guzzle.version, guzzle.ecosystem, guzzle.scope) == ("7.9.2", "Packagist", Scope.RUNTIME)
    assert guzzle.purl == "pkg:composer/guzzlehttp/guzzle@7.9.2"
    assert guzzle.location.line == 10
    # `php` and `ext-json` are platform requirements, not packages.
    assert guzzle.depends_on == ("guzzlehttp/psr7",)
    assert asset["phpunit/phpunit"].scope is Scope.DEV


def test_names_are_normalized_and_versions_exact(asset: dict[str | None, Component]) -> None:
    console = asset["symfony/console"]
    assert (console.name, console.version) == ("symfony/console", "v6.4.15")


def test_branch_version_is_unpinned(asset: dict[str | None, Component]) -> None:
    tools = asset["acme/internal-tools"]
    assert (tools.version, tools.purl) == (None, "pkg:composer/acme/internal-tools")


def test_direct_from_composer_json(asset: dict[str | None, Component]) -> None:
    direct = {ref for ref, c in asset.items() if c.is_direct}
    assert direct == {"guzzlehttp/guzzle", "symfony/console", "acme/internal-tools", "phpunit/phpunit"}
    assert asset["guzzlehttp/psr7"].is_direct is False


def test_without_composer_json_direct_is_unknown(tmp_path: Path) -> None:
    shutil.copy(PACKAGIST / "composer.lock", tmp_path / "composer.lock")
    components = (
        ComposerLockParser().parse(read_document(tmp_path / "composer.lock", ReadLimits())).components
    )
    assert {c.is_direct for c in components} == {None}


def test_broken_composer_json_names_its_file(tmp_path: Path) -> None:
    shutil.copy(PACKAGIST / "composer.lock", tmp_path / "composer.lock")
    (tmp_path / "composer.json").write_text('{"require": [}')
    with pytest.raises(ParseError) as caught:
        ComposerLockParser().parse(read_document(tmp_path / "composer.lock", ReadLimits()))
    assert caught.value.path.endswith("composer.json")


def test_escaped_slash_still_finds_the_line() -> None:
    (only,) = parse('{"packages": [\n{"name": "a\\/b", "version": "1.0.0"}]}')
    assert (only.name, only.location.line) == ("a/b", 2)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('{"packages": [{"version": "1.0"}]}', "missing 'name' in 'packages[0]'", None),
        ('{"packages": [{"name": "a/b", "version": 1}]}', "'packages[0].version' should be a string", None),
        ('{"packages": {}}', "'packages' should be a list", None),
        ('{"packages": [3]}', "expected a table at 'packages[0]'", None),
        ("[]", "expected a table", None),
        ('{"packages": [\n{"name": "a/", "version": "1"}]}', "invalid package name 'a/'", 2),
        ('{"packages": [\n', "invalid JSON", 2),
        ("", "invalid JSON", 1),
    ],
    ids=[
        "no-name",
        "version-type",
        "packages-type",
        "entry-type",
        "top-list",
        "bad-name",
        "truncated",
        "empty",
    ],
)
def test_malformed(text: str, message: str, line: int | None) -> None:
    with pytest.raises(ParseError, match=re.escape(message)) as caught:
        parse(text)
    assert caught.value.line == line


KEYS = st.sampled_from(["packages", "packages-dev", "name", "version", "require", "php", "a/b"])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5) | KEYS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300)
@given(st.one_of(st.text(), JSON_VALUES.map(json.dumps)))
def test_random_input_raises_only_parse_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse(text)
