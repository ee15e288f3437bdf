"""PyPI versions: PEP 440 ordering through `packaging`, names normalized per PEP 503."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from packaging.version import InvalidVersion, Version

from osswatch.ecosystems.base import compare_by_key

_NAME_SEPARATORS = re.compile(r"[-_.]+")


@lru_cache(maxsize=65536)
def _parse(version: str) -> Version | None:
    try:
        return Version(version)
    except (InvalidVersion, ValueError):
        # ValueError: int() refuses a release number past sys.get_int_max_str_digits().
        return None


class PyPIScheme:
    """PEP 440 (https://peps.python.org/pep-0440/); invalid versions sort first, by their text."""

    name = "PyPI"

    def sort_key(self, version: str) -> Any:
        """(0, text) for an invalid version, (1, Version) for a valid one."""
        parsed = _parse(version)
        if parsed is None:
            return (0, version)
        return (1, parsed)

    def compare(self, a: str, b: str) -> int:
        """-1/0/1 by PEP 440."""
        return compare_by_key(self, a, b)

    def is_valid(self, version: str) -> bool:
        """True for a PEP 440 version."""
        return _parse(version) is not None

    def is_prerelease(self, version: str) -> bool:
        """True for alpha/beta/rc and dev releases."""
        parsed = _parse(version)
        return parsed is not None and parsed.is_prerelease

    def normalize_name(self, name: str) -> str:
        """PEP 503: lowercase, runs of `-_.` become one `-`."""
        return _NAME_SEPARATORS.sub("-", name).lower()
