"""The table of version schemes by OSV ecosystem name; `get` is the one way to reach them."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from osswatch.ecosystems.alpine import AlpineScheme
from osswatch.ecosystems.base import UnknownEcosystem, VersionScheme
from osswatch.ecosystems.cran import cran_scheme
from osswatch.ecosystems.debian import debian_scheme
from osswatch.ecosystems.go import go_scheme
from osswatch.ecosystems.hackage import hackage_scheme
from osswatch.ecosystems.identity import base_ecosystem
from osswatch.ecosystems.maven import MavenScheme
from osswatch.ecosystems.nuget import nuget_scheme
from osswatch.ecosystems.packagist import PackagistScheme
from osswatch.ecosystems.pypi import PyPIScheme
from osswatch.ecosystems.rpm import rpm_scheme
from osswatch.ecosystems.rubygems import rubygems_scheme
from osswatch.ecosystems.semver import pub_scheme, semver_scheme

# One explicit entry per ecosystem (no discovery by import side effects). Keys are lowercase.
# OSV ecosystem names: https://ossf.github.io/osv-schema/#affectedpackage-field.
_FACTORIES: dict[str, Callable[[], VersionScheme]] = {
    "pypi": PyPIScheme,
    # SemVer 2.0 and its lenient osv.dev reading.
    "semver": semver_scheme,
    "npm": partial(semver_scheme, "npm"),
    "crates.io": partial(semver_scheme, "crates.io"),
    "hex": partial(semver_scheme, "Hex"),
    "swifturl": partial(semver_scheme, "SwiftURL"),
    "bitnami": partial(semver_scheme, "Bitnami"),
    "github actions": partial(semver_scheme, "GitHub Actions"),
    "conancenter": partial(semver_scheme, "ConanCenter"),
    "cocoapods": partial(semver_scheme, "CocoaPods"),
    "pub": pub_scheme,
    "go": go_scheme,
    "maven": MavenScheme,
    "nuget": nuget_scheme,
    "rubygems": rubygems_scheme,
    "packagist": PackagistScheme,
    "hackage": hackage_scheme,
    "cran": cran_scheme,
    "debian": partial(debian_scheme, "Debian"),
    "ubuntu": partial(debian_scheme, "Ubuntu"),
    "alpine": AlpineScheme,
    "red hat": partial(rpm_scheme, "Red Hat"),
    "rocky linux": partial(rpm_scheme, "Rocky Linux"),
    "almalinux": partial(rpm_scheme, "AlmaLinux"),
    "suse": partial(rpm_scheme, "SUSE"),
    "opensuse": partial(rpm_scheme, "openSUSE"),
}
_INSTANCES: dict[str, VersionScheme] = {}


def get(ecosystem: str) -> VersionScheme:
    """The version scheme of an OSV ecosystem name; a suffix (`Debian:12`) is ignored."""
    key = base_ecosystem(ecosystem).lower()
    scheme = _INSTANCES.get(key)
    if scheme is None:
        factory = _FACTORIES.get(key)
        if factory is None:
            raise UnknownEcosystem(f"no version scheme for ecosystem {ecosystem!r}")
        scheme = _INSTANCES[key] = factory()
    return scheme


def supported() -> tuple[str, ...]:
    """The ecosystem names `get` knows, as OSV spells them."""
    return tuple(sorted(get(key).name for key in _FACTORIES))
