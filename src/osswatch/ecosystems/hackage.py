"""Hackage (Haskell PVP, https://pvp.haskell.org/): versions are dot-separated numbers.

Order is lexicographic on the number lists, so `1.0 < 1.0.0` (a longer list with an equal prefix
is later, as Cabal's `Version` orders them). Anything but digits and dots is invalid.

Why not `univers`: it has no Hackage scheme; its SemVer fails `1.0.0 > 1.0`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from osswatch.ecosystems.keyed import Key, KeyedScheme

_VERSION = re.compile(r"[0-9]+(?:\.[0-9]+)*")


@lru_cache(maxsize=65536)
def hackage_key(version: str) -> Key | None:
    """The tuple of numbers, None if `version` is not `N(.N)*`."""
    if _VERSION.fullmatch(version) is None:
        return None
    return tuple(int(part) for part in version.split("."))


def hackage_scheme() -> KeyedScheme:
    """The Hackage ecosystem (no pre-releases in the PVP)."""
    return KeyedScheme(name="Hackage", ecosystem="Hackage", parse=hackage_key)
