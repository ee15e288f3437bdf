"""Which ecosystem a package belongs to and what it is called: OSV names ⇄ purl types, name normalization.

OSV ecosystem names: https://ossf.github.io/osv-schema/#affectedpackage-field.
purl types: https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from packageurl import PackageURL

from osswatch.model import EcosystemName, Purl


class Case(Enum):
    """How an ecosystem compares package names."""

    SENSITIVE = "sensitive"
    INSENSITIVE = "insensitive"
    PEP503 = "pep503"


@dataclass(frozen=True, kw_only=True, slots=True)
class EcosystemIdentity:
    """One OSV ecosystem: its purl type, the purl namespace that selects it, and its name rules."""

    osv: str
    purl_type: str
    purl_namespace: str | None = None
    case: Case = Case.SENSITIVE
    name_separator: str | None = None
    """How the OSV name joins a purl namespace and name (`:` for Maven, `/` for Go), None if unused."""


IDENTITIES: tuple[EcosystemIdentity, ...] = (
    EcosystemIdentity(osv="PyPI", purl_type="pypi", case=Case.PEP503),
    EcosystemIdentity(osv="npm", purl_type="npm", name_separator="/"),
    EcosystemIdentity(osv="crates.io", purl_type="cargo"),
    EcosystemIdentity(osv="Go", purl_type="golang", name_separator="/"),
    EcosystemIdentity(osv="Maven", purl_type="maven", name_separator=":"),
    EcosystemIdentity(osv="NuGet", purl_type="nuget", case=Case.INSENSITIVE),
    EcosystemIdentity(osv="RubyGems", purl_type="gem"),
    EcosystemIdentity(osv="Packagist", purl_type="composer", case=Case.INSENSITIVE, name_separator="/"),
    EcosystemIdentity(osv="Pub", purl_type="pub", case=Case.INSENSITIVE),
    EcosystemIdentity(osv="Hex", purl_type="hex", case=Case.INSENSITIVE),
    EcosystemIdentity(osv="Hackage", purl_type="hackage"),
    EcosystemIdentity(osv="CRAN", purl_type="cran"),
    EcosystemIdentity(osv="SwiftURL", purl_type="swift", name_separator="/"),
    EcosystemIdentity(osv="ConanCenter", purl_type="conan"),
    EcosystemIdentity(osv="CocoaPods", purl_type="cocoapods"),
    EcosystemIdentity(osv="Bitnami", purl_type="bitnami"),
    EcosystemIdentity(osv="GitHub Actions", purl_type="githubactions", name_separator="/"),
    EcosystemIdentity(osv="Debian", purl_type="deb", purl_namespace="debian"),
    EcosystemIdentity(osv="Ubuntu", purl_type="deb", purl_namespace="ubuntu"),
    EcosystemIdentity(osv="Alpine", purl_type="apk", purl_namespace="alpine"),
    EcosystemIdentity(osv="Red Hat", purl_type="rpm", purl_namespace="redhat"),
    EcosystemIdentity(osv="Rocky Linux", purl_type="rpm", purl_namespace="rocky-linux"),
    EcosystemIdentity(osv="AlmaLinux", purl_type="rpm", purl_namespace="almalinux"),
    EcosystemIdentity(osv="SUSE", purl_type="rpm", purl_namespace="suse"),
    EcosystemIdentity(osv="openSUSE", purl_type="rpm", purl_namespace="opensuse"),
)

_BY_OSV = {identity.osv.lower(): identity for identity in IDENTITIES}
_BY_PURL = {(i.purl_type, i.purl_namespace): i for i in IDENTITIES}
_PEP503_SEPARATORS = re.compile(r"[-_.]+")


def base_ecosystem(name: str) -> str:
    """The ecosystem without its release suffix: `Debian:12` → `Debian`."""
    return name.split(":", 1)[0]


def identity_of(ecosystem: str) -> EcosystemIdentity | None:
    """The identity of an OSV ecosystem name (suffixes and case ignored), or None if unknown."""
    return _BY_OSV.get(base_ecosystem(ecosystem).lower())


def canonical_ecosystem(ecosystem: str) -> EcosystemName | None:
    """The OSV spelling of an ecosystem name (`pypi` → `PyPI`), keeping any suffix; None if unknown."""
    identity = identity_of(ecosystem)
    if identity is None:
        return None
    _, colon, suffix = ecosystem.partition(":")
    return EcosystemName(identity.osv + colon + suffix)


def normalize_name(ecosystem: str, name: str) -> str:
    """The key under which advisories and registry data for `name` are stored."""
    identity = identity_of(ecosystem)
    case = identity.case if identity else Case.SENSITIVE
    match case:
        case Case.PEP503:
            return _PEP503_SEPARATORS.sub("-", name).lower()
        case Case.INSENSITIVE:
            return name.lower()
        case Case.SENSITIVE:
            return name


def purl_for(ecosystem: str, name: str, version: str | None) -> Purl | None:
    """The package URL of a package version, or None for an ecosystem without a purl type."""
    identity = identity_of(ecosystem)
    if identity is None:
        return None
    namespace: str | None = identity.purl_namespace
    purl_name = name
    if identity.name_separator and identity.name_separator in name:
        namespace, _, purl_name = name.rpartition(identity.name_separator)
    qualifiers: dict[str, str] = {}
    _, _, suffix = ecosystem.partition(":")
    if suffix and identity.purl_type == "deb":
        qualifiers["distro"] = suffix
    purl = PackageURL(
        type=identity.purl_type,
        namespace=namespace,
        name=purl_name,
        version=version,
        qualifiers=qualifiers or None,
    )
    return Purl(purl.to_string())


@dataclass(frozen=True, kw_only=True, slots=True)
class PurlIdentity:
    """What a purl says: ecosystem (None if osswatch does not know its type), name and version."""

    ecosystem: EcosystemName | None
    name: str
    version: str | None


@lru_cache(maxsize=65536)  # a portfolio re-reads the same purls in every project that uses them
def parse_purl(purl: str) -> PurlIdentity:
    """Split a purl into ecosystem, OSV-style name and version; raises ValueError when malformed."""
    parsed = PackageURL.from_string(purl)
    identity = _BY_PURL.get((parsed.type, parsed.namespace)) or _BY_PURL.get((parsed.type, None))
    name = parsed.name
    if identity is not None and identity.name_separator and parsed.namespace:
        name = f"{parsed.namespace}{identity.name_separator}{parsed.name}"
    ecosystem = EcosystemName(identity.osv) if identity else None
    version = parsed.version or None
    return PurlIdentity(ecosystem=ecosystem, name=name, version=version)
