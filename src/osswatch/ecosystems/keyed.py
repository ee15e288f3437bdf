"""A version scheme built from a sort-key function, and the key helpers the schemes share.

Every scheme here orders versions through a plain tuple key: parse once (cached), then compare
tuples in C. A version the scheme cannot parse gets `(INVALID, text)`, which sorts before every
valid key `(VALID, …)` and orders invalid strings by their text, so a bad string never crashes a
scan and the order stays total (as osv.dev does: https://github.com/google/osv.dev/pull/1021).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from osswatch.ecosystems.identity import normalize_name

INVALID = 0
"""First element of the key of a version the scheme cannot parse."""
VALID = 1
"""First element of the key of a parsed version."""

Key = tuple[Any, ...]
"""A totally ordered sort key (a tuple whose elements compare position by position)."""


MAX_LENGTH = 1024
"""Longer strings are invalid: no ecosystem has such versions, and `int()` refuses numbers past
`sys.get_int_max_str_digits()` (4300 digits), so a hostile one must not reach the parser."""


def is_too_long(version: str) -> bool:
    """True for a string no scheme parses (longer than `MAX_LENGTH`)."""
    return len(version) > MAX_LENGTH


def never(version: str) -> bool:
    """The pre-release test of a scheme that has no notion of pre-releases."""
    del version
    return False


@dataclass(frozen=True, kw_only=True, slots=True)
class KeyedScheme:
    """A `VersionScheme` defined by a cached `parse` (None when invalid) and a pre-release test."""

    name: str
    ecosystem: str
    """The ecosystem whose name rules `normalize_name` applies (differs from `name` for SEMVER)."""
    parse: Callable[[str], Key | None]
    prerelease: Callable[[str], bool] = never

    def parsed(self, version: str) -> Key | None:
        """The scheme key of `version`, None when invalid (or absurdly long); never raises."""
        if is_too_long(version):
            return None
        return self.parse(version)

    def sort_key(self, version: str) -> Key:
        """`(VALID, key)` for a version of this scheme, `(INVALID, text)` otherwise."""
        key = self.parsed(version)
        if key is None:
            return (INVALID, version)
        return (VALID, key)

    def compare(self, a: str, b: str) -> int:
        """-1, 0 or 1 as `a` sorts before, equal to, or after `b`."""
        key_a, key_b = self.sort_key(a), self.sort_key(b)
        if key_a < key_b:  # one tuple comparison in the common unequal case
            return -1
        return int(key_a != key_b)

    def is_valid(self, version: str) -> bool:
        """True when the scheme parses `version` (it then has a real place in the order)."""
        return self.parsed(version) is not None

    def is_prerelease(self, version: str) -> bool:
        """True for a valid version the ecosystem calls a pre-release."""
        return self.parsed(version) is not None and self.prerelease(version)

    def normalize_name(self, name: str) -> str:
        """The canonical package name per `identity.normalize_name`."""
        return normalize_name(self.ecosystem, name)


END = (1,)
"""The element that ends a `padded` key: it stands for "the pad, forever"."""


def padded(elements: Iterable[Hashable], pad: Hashable, below: Callable[[Any], bool]) -> Key:
    """A key that compares sequences as if the shorter one were filled up with `pad`.

    Several schemes compare component lists "missing counts as zero" (RubyGems, Alpine suffixes,
    SemVer-like numbers). A plain tuple would call the shorter one smaller, so instead each run of
    `k` pad-equal elements followed by a real element `e` becomes one token: `(0, k, e)` when `e`
    sorts below the pad, `(2, -k, e)` when above, and the end is `(1,)`. Comparing two tokens at
    the same position then gives exactly the result of the element-wise padded comparison.
    """
    tokens: list[Hashable] = []
    run = 0
    for element in elements:
        if element == pad:
            run += 1
        elif below(element):
            tokens.append((0, run, element))
            run = 0
        else:
            tokens.append((2, -run, element))
            run = 0
    tokens.append(END)
    return tuple(tokens)
