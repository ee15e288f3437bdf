"""The table of version schemes by OSV ecosystem name; `get` is the one way to reach them."""

from __future__ import annotations

from collections.abc import Callable

from osswatch.ecosystems.base import UnknownEcosystem, VersionScheme
from osswatch.ecosystems.identity import base_ecosystem
from osswatch.ecosystems.pypi import PyPIScheme

# One explicit entry per ecosystem (no discovery by import side effects). Keys are lowercase.
_FACTORIES: dict[str, Callable[[], VersionScheme]] = {
    "pypi": PyPIScheme,
}
_INSTANCES: dict[str, VersionScheme] = {}


def get(ecosystem: str) -> VersionScheme:
    """The version scheme of an OSV ecosystem name; a suffix (`Debian:12`) is ignored."""
    key = base_ecosystem(ecosystem).lower()
    scheme = _INSTANCES.get(key)
    if scheme is None:
        factory = _FACTORIES.get(key)
        if factory is None:
            raise UnknownEcosystem(f"no version scheme for ecosystem {ecosystem!r}")
        scheme = _INSTANCES[key] = factory()
    return scheme


def supported() -> tuple[str, ...]:
    """The ecosystem names `get` knows, as OSV spells them."""
    return tuple(sorted(get(key).name for key in _FACTORIES))
