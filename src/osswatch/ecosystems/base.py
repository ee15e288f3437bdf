"""The seam every version scheme implements: ordering, sort keys, pre-release test, name normalization."""

from __future__ import annotations

from typing import Any, Protocol

from osswatch.errors import InputError


class UnknownEcosystem(InputError):
    """An ecosystem name osswatch has no version scheme for."""


class VersionScheme(Protocol):
    """How one ecosystem orders versions and spells package names.

    A version that the scheme cannot parse must not crash `compare` or `sort_key`: it gets a
    well-defined "invalid" key that sorts before every valid version (as osv.dev does), so one bad
    string in an advisory cannot take a scan down.
    """

    @property
    def name(self) -> str:
        """The OSV ecosystem name (`PyPI`, `npm`, …)."""
        ...

    def sort_key(self, version: str) -> Any:
        """A key such that `sort_key(a) < sort_key(b)` exactly when `a` comes before `b`."""
        ...

    def compare(self, a: str, b: str) -> int:
        """-1, 0 or 1 as `a` is before, equal to, or after `b` in this ecosystem's order."""
        ...

    def is_valid(self, version: str) -> bool:
        """True when `version` is a well-formed version of this ecosystem."""
        ...

    def is_prerelease(self, version: str) -> bool:
        """True when `version` is a pre-release (never counted as "latest")."""
        ...

    def normalize_name(self, name: str) -> str:
        """The canonical spelling of a package name, used as the key for advisories and health."""
        ...


def compare_by_key(scheme: VersionScheme, a: str, b: str) -> int:
    """`compare` in terms of `sort_key`, for schemes whose keys are totally ordered."""
    key_a, key_b = scheme.sort_key(a), scheme.sort_key(b)
    return int(key_a > key_b) - int(key_a < key_b)
