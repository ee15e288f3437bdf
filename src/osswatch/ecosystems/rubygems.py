"""RubyGems versions ordered as `Gem::Version#<=>` (https://github.com/rubygems/rubygems/blob/master/lib/rubygems/version.rb).

A version is split into numbers and letter runs (`1.0.a10` → 1, 0, "a", 10; `-` means `.pre.`);
trailing zeros of the numeric part and of the rest are dropped (`1.0.a` = `1.a`), then segments
compare pairwise with missing ones counting as 0 and any word before any number, so
`1.0.b1 < 1.0`. The "missing counts as 0" rule is encoded with `keyed.padded`.

Validity is a little wider than Gem::Version's pattern (`1beta` is accepted, as osv.dev does):
a leading digit, then ASCII letters, digits, `.` and `-`. A pre-release has a letter.

Why not `univers.versions.RubygemsVersion`: it raises on 2 of the 2 074 vectors (`1beta`,
`1gamma`); 3.9k compares/s against 45k here cold, 145k warm (benchmarks/versions.py, same loaded
2-core machine).
"""

from __future__ import annotations

import re
from functools import lru_cache

from osswatch.ecosystems.keyed import Key, KeyedScheme, padded

_VERSION = re.compile(r"[0-9][0-9A-Za-z.-]*")
_SEGMENTS = re.compile(r"[0-9]+|[A-Za-z]+")
_ZERO = (1, 0)


def _canonical(segments: list[tuple[int, int] | tuple[int, str]]) -> list[tuple[object, ...]]:
    """Gem::Version#canonical_segments: drop trailing zeros before the first word and at the end."""
    first_word = next((i for i, s in enumerate(segments) if s[0] == 0), len(segments))
    numeric, rest = segments[:first_word], segments[first_word:]
    while numeric and numeric[-1] == _ZERO:
        numeric.pop()
    while rest and rest[-1] == _ZERO:
        rest.pop()
    return [*numeric, *rest]


@lru_cache(maxsize=65536)
def rubygems_key(version: str) -> Key | None:
    """The Gem::Version order key, None if `version` is not a gem version."""
    text = version.strip()
    if _VERSION.fullmatch(text) is None:
        return None
    segments: list[tuple[int, int] | tuple[int, str]] = [
        (1, int(s)) if s[0].isdigit() else (0, s) for s in _SEGMENTS.findall(text.replace("-", ".pre."))
    ]
    return padded(_canonical(segments), _ZERO, below=lambda segment: segment[0] == 0)


def is_rubygems_prerelease(version: str) -> bool:
    """Gem::Version#prerelease?: any letter."""
    return any(char.isascii() and char.isalpha() for char in version)


def rubygems_scheme() -> KeyedScheme:
    """The RubyGems ecosystem."""
    return KeyedScheme(
        name="RubyGems", ecosystem="RubyGems", parse=rubygems_key, prerelease=is_rubygems_prerelease
    )
