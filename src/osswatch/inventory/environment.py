"""The Python environment osswatch runs in, as an inventory: every installed distribution.

`osswatch demo` without paths watches this environment, so the demo shows real data on any machine. The
distributions come from `importlib.metadata` (the installed `*.dist-info`/`*.egg-info` records), so the
result is what `pip list` shows, not what a requirements file asks for.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from importlib import metadata

from osswatch.ecosystems.identity import normalize_name, purl_for
from osswatch.model import Component, EcosystemName, Inventory, Location, SourceFile

KIND = "python-environment"
"""The source kind of an environment inventory."""


def environment_inventory(distributions: Iterable[metadata.Distribution] | None = None) -> Inventory:
    """One PyPI component per installed distribution (first one wins for a name installed twice)."""
    found: dict[str, Component] = {}
    for distribution in metadata.distributions() if distributions is None else distributions:
        name = distribution.metadata["Name"]
        if not name:
            continue
        version = distribution.version or None
        found.setdefault(
            normalize_name("PyPI", name),
            Component(
                name=name,
                version=version,
                ecosystem=EcosystemName("PyPI"),
                purl=purl_for("PyPI", normalize_name("PyPI", name), version),
                location=Location(path=_where(distribution)),
                licenses=_licenses(distribution),
            ),
        )
    components = tuple(sorted(found.values(), key=lambda c: c.name.lower()))
    source = SourceFile(path=sys.prefix, kind=KIND, component_count=len(components))
    return Inventory(components=components, sources=(source,))


def _where(distribution: metadata.Distribution) -> str:
    located = getattr(distribution, "_path", None)
    return str(located) if located is not None else sys.prefix


def _licenses(distribution: metadata.Distribution) -> tuple[str, ...]:
    return tuple(distribution.metadata.get_all("License-Expression") or ())


__all__ = ["KIND", "environment_inventory"]
