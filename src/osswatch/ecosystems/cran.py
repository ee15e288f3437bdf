"""CRAN (R) package versions: numbers separated by `.` or `-` (R's `package_version`).

`0.01.0 = 0.1-0` (numbers compare as integers, both separators are equal), and a longer list with
an equal prefix is later (`0.1.0 < 0.1.0.0`), as R's `compareVersion` does. R requires at least
two numbers; one is accepted here as osv.dev does. Anything else is invalid.

Why not `univers`: it has no CRAN scheme; its SemVer fails 5 of the 21 CRAN vectors.
"""

from __future__ import annotations

import re
from functools import lru_cache

from osswatch.ecosystems.keyed import Key, KeyedScheme

_VERSION = re.compile(r"[0-9]+(?:[.-][0-9]+)*")
_SEPARATORS = re.compile(r"[.-]")


@lru_cache(maxsize=65536)
def cran_key(version: str) -> Key | None:
    """The tuple of numbers, None if `version` is not numbers joined by `.` or `-`."""
    if _VERSION.fullmatch(version) is None:
        return None
    return tuple(int(part) for part in _SEPARATORS.split(version))


def cran_scheme() -> KeyedScheme:
    """The CRAN ecosystem (no pre-releases)."""
    return KeyedScheme(name="CRAN", ecosystem="CRAN", parse=cran_key)
