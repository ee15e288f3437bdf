"""Packagist (Composer) versions, ordered like PHP's `version_compare` as osv.dev specifies it.

PHP: https://www.php.net/manual/en/function.version-compare.php; osv-scanner's reading, whose
vectors we pass: drop a leading `v`/`V`, turn `-`, `_`, `+` into `.`, put a `.` between digits
and non-digits, split at `.`. Numbers compare numerically; words by their prefix: `dev` (and any
unknown word) < `a`lpha < `b`eta < `RC`/`rc` < a number < `p`/`pl`. When one version runs out,
its missing parts count as a special `#` that is below any number and above `RC`.

A literal `#` part weighs as much as a number and as the padding, so `1.2.3.# = 1.2.3` and
`1.2.3.# = 1.2.3.1` although `1.2.3 < 1.2.3.1`: no total order can say that. `compare` runs the
exact algorithm when a `#` is present and compares tuple keys otherwise (the two agree on every
version without `#`); `sort_key` treats `#` as the padding. Only the empty string is invalid.

Why not `univers.versions.ComposerVersion`: it fails 296 and raises on 2 of the 5 410 vectors
(`1.0-dev < 1.0a1`, `6.3.0.0 < 6.3.0.1`); 7.4k compares/s against 63k here cold, 149k warm
(benchmarks/versions.py, same loaded 2-core machine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from osswatch.ecosystems.identity import normalize_name
from osswatch.ecosystems.keyed import INVALID, VALID, Key, is_too_long

_SEPARATORS = re.compile(r"[-_+]")
_PARTS = re.compile(r"[0-9]+|[^0-9]+")
_SPECIALS = ("dev", "a", "b", "rc", "#", "p")
_NUMBER = 4
"""The weight of a number (and of `#`) against a word."""
_PADDING: Key = (_NUMBER, -1)
_PRERELEASE = frozenset(("dev", "alpha", "a", "beta", "b", "rc"))


def canonical_parts(version: str) -> list[str]:
    """The parts PHP compares: `v1.0-RC1` → `1`, `0`, `RC`, `1`."""
    text = _SEPARATORS.sub(".", version.removeprefix("v").removeprefix("V"))
    return [run for piece in text.split(".") for run in (_PARTS.findall(piece) or [""])]


def _weight(word: str) -> int:
    if word.startswith("RC"):
        return 3
    return next((i for i, special in enumerate(_SPECIALS) if word.startswith(special)), 0)


def _part_key(part: str) -> Key:
    if part.isdigit() and part.isascii():
        return (_NUMBER, int(part))
    weight = _weight(part)
    return _PADDING if weight == _NUMBER else (weight,)


@lru_cache(maxsize=65536)
def packagist_key(version: str) -> Key:
    """A tuple key that orders versions without `#` exactly as `version_compare` does."""
    keys = list(map(_part_key, canonical_parts(version)))
    while keys and keys[-1] == _PADDING:
        keys.pop()
    # The padding ends every key: a number is above it, every word but `p` below.
    return (*keys, _PADDING)


def _compare_part(a: str, b: str) -> int:
    number_a, number_b = a.isdigit() and a.isascii(), b.isdigit() and b.isascii()
    if number_a and number_b:
        return int(int(a) > int(b)) - int(int(a) < int(b))
    weight_a = _NUMBER if number_a else _weight(a)
    weight_b = _NUMBER if number_b else _weight(b)
    return int(weight_a > weight_b) - int(weight_a < weight_b)


def _compare_rest(rest: list[str]) -> int:
    """The longer version's remaining parts against the padding `#`."""
    for part in rest:
        if part.isdigit() and part.isascii():
            return 1
        if result := _compare_part(part, "#"):
            return result
    return 0


def compare_packagist(a: str, b: str) -> int:
    """osv-scanner's `version_compare`, exactly (not transitive when a part is `#`)."""
    parts_a, parts_b = canonical_parts(a), canonical_parts(b)
    for part_a, part_b in zip(parts_a, parts_b, strict=False):
        if result := _compare_part(part_a, part_b):
            return result
    shared = min(len(parts_a), len(parts_b))
    return _compare_rest(parts_a[shared:]) - _compare_rest(parts_b[shared:])


def is_packagist_prerelease(version: str) -> bool:
    """True with a dev, alpha, beta or RC part (Composer's stability below "stable")."""
    return any(part.lower() in _PRERELEASE for part in canonical_parts(version))


@dataclass(frozen=True, kw_only=True, slots=True)
class PackagistScheme:
    """The Packagist ecosystem."""

    name: str = "Packagist"

    def sort_key(self, version: str) -> Key:
        """`(VALID, key)`, or `(INVALID, text)` for an invalid string."""
        if not self.is_valid(version):
            return (INVALID, version)
        return (VALID, packagist_key(version))

    def compare(self, a: str, b: str) -> int:
        """-1/0/1 as `version_compare` (exact even with `#` parts)."""
        if self.is_valid(a) and self.is_valid(b) and ("#" in a or "#" in b):
            return compare_packagist(a, b)
        key_a, key_b = self.sort_key(a), self.sort_key(b)
        return int(key_a > key_b) - int(key_a < key_b)

    def is_valid(self, version: str) -> bool:
        """`version_compare` orders any non-empty string (up to `keyed.MAX_LENGTH`)."""
        return bool(version) and not is_too_long(version)

    def is_prerelease(self, version: str) -> bool:
        """True with a dev, alpha, beta or RC part."""
        return self.is_valid(version) and is_packagist_prerelease(version)

    def normalize_name(self, name: str) -> str:
        """The canonical `vendor/package` per `identity.normalize_name`."""
        return normalize_name(self.name, name)
