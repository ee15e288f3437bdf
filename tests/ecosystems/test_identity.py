"""OSV ecosystem names ⇄ purls, and package-name normalization."""

from __future__ import annotations

import json

import pytest
from packageurl import PackageURL

from osswatch.ecosystems.identity import (
    IDENTITIES,
    canonical_ecosystem,
    normalize_name,
    parse_purl,
    purl_for,
)


@pytest.mark.parametrize(
    ("ecosystem", "name", "version", "purl"),
    [
        ("PyPI", "jinja2", "2.11.2", "pkg:pypi/jinja2@2.11.2"),
        ("npm", "@babel/core", "7.0.0", "pkg:npm/%40babel/core@7.0.0"),
        ("npm", "left-pad", "1.3.0", "pkg:npm/left-pad@1.3.0"),
        ("Maven", "org.apache.commons:commons-text", "1.9", "pkg:maven/org.apache.commons/commons-text@1.9"),
        ("Go", "golang.org/x/net", "v0.1.0", "pkg:golang/golang.org/x/net@v0.1.0"),
        ("crates.io", "serde", "1.0.0", "pkg:cargo/serde@1.0.0"),
        ("Packagist", "symfony/http-kernel", "5.0.0", "pkg:composer/symfony/http-kernel@5.0.0"),
        ("Debian:12", "openssl", "3.0.11-1", "pkg:deb/debian/openssl@3.0.11-1?distro=12"),
        ("RubyGems", "rails", "7.0.0", "pkg:gem/rails@7.0.0"),
        ("PyPI", "requests", None, "pkg:pypi/requests"),
    ],
    ids=str,
)
def test_purl_round_trip(ecosystem: str, name: str, version: str | None, purl: str) -> None:
    assert purl_for(ecosystem, name, version) == purl
    parsed = parse_purl(purl)
    assert parsed.ecosystem == ecosystem.split(":", maxsplit=1)[0]
    assert parsed.name == name
    assert parsed.version == version


def test_unknown_purl_type_is_unidentified_not_an_error() -> None:
    parsed = parse_purl("pkg:generic/openssl@3.0.0")
    assert parsed.ecosystem is None
    assert parsed.name == "openssl"


def test_malformed_purl_raises_value_error() -> None:
    with pytest.raises(ValueError, match="purl"):
        parse_purl("not-a-purl")


@pytest.mark.parametrize(
    ("ecosystem", "raw", "normalized"),
    [
        ("PyPI", "Foo.Bar_baz--qux", "foo-bar-baz-qux"),
        ("NuGet", "Newtonsoft.Json", "newtonsoft.json"),
        ("Packagist", "Symfony/Console", "symfony/console"),
        ("npm", "@Scope/Name", "@Scope/Name"),
        ("Go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"),
        ("unknown-eco", "Whatever", "Whatever"),
    ],
    ids=["pep503", "nuget", "packagist", "npm-case-kept", "go-case-kept", "unknown"],
)
def test_normalize_name(ecosystem: str, raw: str, normalized: str) -> None:
    assert normalize_name(ecosystem, raw) == normalized


def test_canonical_ecosystem_keeps_suffix() -> None:
    assert canonical_ecosystem("pypi") == "PyPI"
    assert canonical_ecosystem("Ubuntu:22.04:LTS") == "Ubuntu:22.04:LTS"
    assert canonical_ecosystem("nonsense") is None


def test_every_identity_builds_a_valid_purl() -> None:
    for identity in IDENTITIES:
        purl = purl_for(identity.osv, "example", "1.0.0")
        assert purl is not None
        assert PackageURL.from_string(purl).type == identity.purl_type


def test_identities_cover_the_osv_ecosystems_users_meet(shared_data: object) -> None:
    from pathlib import Path

    assert isinstance(shared_data, Path)
    known = json.loads((shared_data / "schemas" / "osv-ecosystems.json").read_text())
    names = set(known) if isinstance(known, list) else set(known.get("enum", known))
    for wanted in ("PyPI", "npm", "crates.io", "Go", "Maven", "NuGet", "RubyGems", "Packagist", "Pub", "Hex"):
        assert wanted in names
        assert canonical_ecosystem(wanted) == wanted
