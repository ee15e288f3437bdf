"""Alpine (apk) package versions: `number{.number}{letter}{_suffix{number}}{~hash}{-r#}`.

The grammar is apk-package(5)
(https://gitlab.alpinelinux.org/alpine/apk-tools/-/blob/master/doc/apk-package.5.scd); the order
follows osv.dev / osv-scanner, whose vectors we pass: numbers compare numerically, except that
after the first one a number with a leading zero compares as text (`1.01 < 1.1`); then the letter
(none < `a` … `z`); then the suffixes, `_alpha < _beta < _pre < _rc < (none) < _cvs < _svn <
_git < _hg < _p`, each with its number; then the `-r` build number. A commit `~hash` is ignored,
and unparsed text left at the end makes a version sort before the same version without it.

Only a version not starting with a digit gets the invalid key. osv-scanner orders a malformed
version (stray text: `5.1p1-r0`, `1.0bc`) against a well-formed one by the parts it could read,
the stray text making it sort just before the same version without it, but two malformed ones
as plain text; its vectors depend on both, so `compare` does that, and `sort_key` breaks ties
between equal parts by the text of malformed versions (the two agree on well-formed versions).
osv-scanner also compares "1.0" below "1.00" but equal to "1"; no total order can, so all-zero
numbers after the first count as 0 (equal).

Why not `univers.versions.AlpineLinuxVersion`: it raises on 64 of the 7 767 vectors (`1-r`,
`5.1p1-r0`, …); 45k compares/s against 99k here cold, 730k warm (benchmarks/versions.py, same
loaded 2-core machine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from osswatch.ecosystems.identity import normalize_name
from osswatch.ecosystems.keyed import INVALID, VALID, Key, is_too_long, padded

_NUMBERS = re.compile(r"(?:[0-9]+\.?)*")
_LETTER = re.compile(r"[a-z]")
_SUFFIX = re.compile(r"_(alpha|beta|pre|rc|cvs|svn|git|hg|p)([0-9]*)")
_HASH = re.compile(r"~[0-9a-f]+")
_BUILD = re.compile(r"-r([0-9]*)")
# The weight of each suffix; the empty string is "no suffix" at that place in the order.
_SUFFIX_WEIGHTS = {s: i for i, s in enumerate(("alpha", "beta", "pre", "rc", "", "cvs", "svn"))}
_SUFFIX_WEIGHTS |= {"git": 7, "hg": 8, "p": 9}
# osv-scanner pads missing suffixes with weight 5 (`_cvs`), number 0; kept for equal results.
_NO_SUFFIX = (5, 0)
_ZERO = (1, 0)


def _number_key(text: str) -> tuple[int, int] | tuple[int, str]:
    """A number after the first: with a leading zero it compares as text, else as a number."""
    if text.startswith("0") and text.strip("0"):
        return (0, text)
    return (1, int(text))


def _suffixes(text: str) -> tuple[list[tuple[int, int]], str]:
    """Every `_suffix{number}`, and the text left after those that lead it."""
    found = []
    for match in _SUFFIX.finditer(text):
        found.append((_SUFFIX_WEIGHTS[match[1]], int(match[2] or "0")))
        text = text.removeprefix(match[0])
    return found, text


@lru_cache(maxsize=65536)
def alpine_parse(version: str) -> tuple[Key, bool] | None:
    """The apk order key of `version` and whether osv-scanner calls it malformed; None if invalid.

    Malformed means text is left after the suffixes that is not `~hash` nor `-r#`.
    """
    numbers = _NUMBERS.match(version)
    if numbers is None or not numbers[0] or is_too_long(version):
        return None
    rest = version[numbers.end() :]
    first, *others = numbers[0].rstrip(".").split(".")
    letter = rest[:1] if _LETTER.match(rest) else ""
    suffixes, rest = _suffixes(rest[len(letter) :])
    if hash_ := _HASH.match(rest):
        rest = rest[hash_.end() :]
    build, malformed = 0, bool(rest)
    if match := _BUILD.match(rest):
        build, rest, malformed = int(match[1] or "0"), rest[match.end() :], False
    key = (
        int(first),
        padded(map(_number_key, others), _ZERO, below=lambda _: False),
        (1, letter) if letter else (0,),
        padded(suffixes, _NO_SUFFIX, below=lambda suffix: suffix < _NO_SUFFIX),
        build,
        0 if rest else 1,
    )
    return key, malformed


def is_alpine_prerelease(version: str) -> bool:
    """True with an `_alpha`, `_beta`, `_pre` or `_rc` suffix."""
    return any(weight < _SUFFIX_WEIGHTS[""] for weight, _ in _suffixes(version)[0])


@dataclass(frozen=True, kw_only=True, slots=True)
class AlpineScheme:
    """The Alpine ecosystem (also right for Wolfi and Chainguard, which use apk)."""

    name: str = "Alpine"

    def sort_key(self, version: str) -> Key:
        """`(VALID, key, text-if-malformed)`, or `(INVALID, text)` without a leading number."""
        parsed = alpine_parse(version)
        if parsed is None:
            return (INVALID, version)
        key, malformed = parsed
        return (VALID, key, version if malformed else "")

    def compare(self, a: str, b: str) -> int:
        """osv-scanner's order: two malformed versions compare as text, others by their parts."""
        parsed_a, parsed_b = alpine_parse(a), alpine_parse(b)
        if parsed_a is None or parsed_b is None or (parsed_a[1] and parsed_b[1]):
            key_a, key_b = self.sort_key(a), self.sort_key(b)
        else:
            key_a, key_b = parsed_a[0], parsed_b[0]
        return int(key_a > key_b) - int(key_a < key_b)

    def is_valid(self, version: str) -> bool:
        """True when `version` follows the apk grammar (no text left over)."""
        parsed = alpine_parse(version)
        return parsed is not None and not parsed[1] and parsed[0][-1] == 1

    def is_prerelease(self, version: str) -> bool:
        """True for a valid version with an `_alpha`, `_beta`, `_pre` or `_rc` suffix."""
        return self.is_valid(version) and is_alpine_prerelease(version)

    def normalize_name(self, name: str) -> str:
        """The canonical package name per `identity.normalize_name`."""
        return normalize_name(self.name, name)
