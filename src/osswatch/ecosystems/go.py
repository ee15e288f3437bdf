"""Go module versions (https://go.dev/ref/mod#versions): SemVer with a `v`, pseudo-versions.

OSV's Go ecosystem uses SEMVER ranges, so the order is `semver.semver_key`: the `v` prefix is
optional, `+incompatible` is build metadata and ignored, and a pseudo-version
(`v0.0.0-20191109021931-daa7c04131f5`) is a pre-release of the version it was built towards,
which is exactly where Go's own ordering puts it.

Why not `univers.versions.GolangVersion`: the same SemVer order, at a twentieth of the speed
(see `semver`).
"""

from __future__ import annotations

import re

from osswatch.ecosystems.keyed import KeyedScheme, is_too_long
from osswatch.ecosystems.semver import is_semver_prerelease, semver_key

# https://go.dev/ref/mod#pseudo-versions: three shapes, all ending in a 14-digit UTC time and a
# 12-character commit hash prefix.
_PSEUDO = re.compile(r"v?[0-9]+\.[0-9]+\.[0-9]+-(?:[0-9A-Za-z.]+\.)?(?:0\.)?[0-9]{14}-[0-9a-f]{12}")


def is_pseudo_version(version: str) -> bool:
    """True for a Go pseudo-version (a commit, not a tagged release); `+incompatible` allowed."""
    if is_too_long(version):
        return False
    return _PSEUDO.fullmatch(version.removesuffix("+incompatible")) is not None


def go_scheme() -> KeyedScheme:
    """The Go ecosystem: SemVer ordering, pre-releases (and pseudo-versions) are pre-releases."""
    return KeyedScheme(name="Go", ecosystem="Go", parse=semver_key, prerelease=is_semver_prerelease)
