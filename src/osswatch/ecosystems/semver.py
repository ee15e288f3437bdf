"""SemVer 2.0 ordering (https://semver.org/#spec-item-11): npm, crates.io, Hex, Pub, SwiftURL, Bitnami…

Also the scheme of the OSV `SEMVER` range type, whatever the ecosystem: `semver_scheme()`.

Parsing is lenient the way osv.dev and osv-scanner are, because advisories and lockfiles carry
`v1.2.3`, `1.2` and `1.2.3.4`: a leading `v` is dropped, the leading run of digits and dots gives
the numbers (missing ones count as 0, numbers past the third join the build string), and the
rest is `-prerelease+build`. A string with no leading number is invalid. Build metadata is
ignored except for Pub, whose `pub_semver` orders `1.0.0 < 1.0.0+1` (build compared after).

Why not `univers.versions.SemverVersion`: it passes the SemVer vectors but fails 14 of the 100 Pub
ones (build metadata), and it is slow: 6.6k compares/s against 138k here with cold caches and 594k
warm (benchmarks/versions.py, same loaded 2-core machine).
"""

from __future__ import annotations

import re
from functools import lru_cache

from osswatch.ecosystems.keyed import Key, KeyedScheme

_LEADING = re.compile(r"v?([0-9.]*)(.*)", re.DOTALL)
_NUMERIC = re.compile(r"[0-9]+")
_CACHE = 65536

Parsed = tuple[tuple[int, ...], str, str]
"""Numbers (padded to the scheme's width), pre-release and build strings."""


def parse_semver_like(version: str, width: int) -> Parsed | None:
    """Split `version` into `width` numbers, pre-release and build; None without a leading number."""
    match = _LEADING.fullmatch(version)
    assert match is not None  # `v?[0-9.]*.*` with DOTALL matches every string
    numbers = [int(part) for part in match[1].split(".") if part]
    if not numbers:
        return None
    rest = match[2] + "".join(f".{extra}" for extra in numbers[width:])
    numbers = numbers[:width] + [0] * (width - len(numbers))
    prerelease, _, build = rest.partition("+")
    return tuple(numbers), prerelease.removeprefix("-"), build


def identifiers_key(text: str) -> Key:
    """Dot-separated identifiers: numbers numerically and before words, words by ASCII order."""
    return tuple((0, int(part)) if _NUMERIC.fullmatch(part) else (1, part) for part in text.split("."))


def prerelease_key(prerelease: str) -> Key:
    """A release sorts after all of its pre-releases; pre-releases compare by identifiers."""
    if not prerelease:
        return (1,)
    return (0, identifiers_key(prerelease))


@lru_cache(maxsize=_CACHE)
def semver_key(version: str) -> Key | None:
    """The SemVer precedence key of `version` (build metadata ignored), None if invalid."""
    parsed = parse_semver_like(version, 3)
    if parsed is None:
        return None
    numbers, prerelease, _ = parsed
    return (*numbers, prerelease_key(prerelease))


@lru_cache(maxsize=_CACHE)
def pub_key(version: str) -> Key | None:
    """Pub's order: SemVer precedence, then no build < build, builds by identifiers."""
    parsed = parse_semver_like(version, 3)
    if parsed is None:
        return None
    numbers, prerelease, build = parsed
    build_key = (1, identifiers_key(build)) if build else (0,)
    return (*numbers, prerelease_key(prerelease), build_key)


def is_semver_prerelease(version: str) -> bool:
    """True when the version has a `-pre-release` part (`1.0.0-rc.1`, Go pseudo-versions)."""
    parsed = parse_semver_like(version, 3)
    return parsed is not None and bool(parsed[1])


def semver_scheme(name: str = "SemVer", ecosystem: str | None = None) -> KeyedScheme:
    """SemVer ordering under `name`: the OSV `SEMVER` range type, or one SemVer ecosystem."""
    return KeyedScheme(
        name=name, ecosystem=ecosystem or name, parse=semver_key, prerelease=is_semver_prerelease
    )


def pub_scheme() -> KeyedScheme:
    """Pub (Dart): SemVer with build metadata taking part in the order."""
    return KeyedScheme(name="Pub", ecosystem="Pub", parse=pub_key, prerelease=is_semver_prerelease)
