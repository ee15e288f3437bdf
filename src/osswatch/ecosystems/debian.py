"""Debian and Ubuntu package versions: `[epoch:]upstream[-revision]` ordered as dpkg does.

The algorithm is deb-version(7) (https://manpages.debian.org/deb-version.7): compare the epoch
numerically, then upstream and revision with `verrevcmp`, which alternates a run of non-digits
(compared character by character, `~` before the end of the string before letters before every
other character) and a run of digits (compared as numbers). A missing revision equals `0`.

The key mirrors that exactly: each string becomes a tuple of (non-digit weights, number) pairs,
non-digit weights ending in 0 so the end of a run sorts between `~` (-1) and letters, and the
tuple ending in the "empty pair" so that a shorter string compares as dpkg pads it.

Invalid (sorts first): a non-numeric epoch, an empty upstream, or a character dpkg rejects.

Why not `univers.versions.DebianVersion`: it passes all 7 251 vectors but does 13k compares/s
against 38k here with cold caches and 277k warm (benchmarks/versions.py, same loaded 2-core
machine).
"""

from __future__ import annotations

import re
from functools import lru_cache

from osswatch.ecosystems.keyed import Key, KeyedScheme

_UPSTREAM = re.compile(r"[A-Za-z0-9.+~:-]+")
_REVISION = re.compile(r"[A-Za-z0-9.+~]+")
_PARTS = re.compile(r"([^0-9]*)([0-9]*)")
_EMPTY_PAIR: tuple[tuple[int, ...], int] = ((0,), 0)


def _weight(char: str) -> int:
    """dpkg's `order()`: `~` < end of string < letters < everything else."""
    if char == "~":
        return -1
    if char.isascii() and char.isalpha():
        return ord(char)
    return ord(char) + 256


# Only these characters get past the validity patterns; a table lookup is the fast path.
_WEIGHTS = {char: _weight(char) for char in "~.+-:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}


def verrevcmp_key(text: str) -> Key:
    """A key ordering strings as dpkg's `verrevcmp` does."""
    pairs = [
        ((*map(_WEIGHTS.__getitem__, letters), 0), int(digits or "0"))
        for letters, digits in _PARTS.findall(text)
        if letters or digits
    ]
    while pairs and pairs[-1] == _EMPTY_PAIR:
        pairs.pop()
    return (*pairs, _EMPTY_PAIR)


@lru_cache(maxsize=65536)
def debian_key(version: str) -> Key | None:
    """(epoch, upstream key, revision key), None if dpkg would reject `version`."""
    epoch_text, colon, rest = version.partition(":")
    if not colon:
        epoch_text, rest = "0", version
    upstream, hyphen, revision = rest.rpartition("-")
    if not hyphen:
        upstream, revision = rest, "0"
    if not epoch_text.isascii() or not epoch_text.isdigit():
        return None
    if _UPSTREAM.fullmatch(upstream) is None or _REVISION.fullmatch(revision) is None:
        return None
    return (int(epoch_text), verrevcmp_key(upstream), verrevcmp_key(revision))


def debian_scheme(name: str = "Debian") -> KeyedScheme:
    """dpkg ordering for `name` (Debian or Ubuntu); dpkg has no notion of pre-release."""
    return KeyedScheme(name=name, ecosystem=name, parse=debian_key)
