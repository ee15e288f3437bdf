"""The seam between where advisories are kept and who matches them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from osswatch.model import Advisory, Package


class AdvisorySource(Protocol):
    """Somewhere advisories can be looked up by package (the database store, or memory in tests).

    `Package.name` is normalized (`osswatch.ecosystems.identity.normalize_name`) and the ecosystem is
    the OSV base name without suffix. A lookup must use an index, never scan every advisory.
    """

    def advisories_for(self, packages: Iterable[Package]) -> Mapping[Package, Sequence[Advisory]]:
        """Every non-withdrawn advisory with an `affected[]` entry for each package (absent: none)."""
        ...


class InMemoryAdvisories:
    """An AdvisorySource over a list of advisories held in memory (tests, one-off queries)."""

    def __init__(self, advisories: Iterable[Advisory]) -> None:
        from osswatch.ecosystems.identity import base_ecosystem, normalize_name

        self._index: dict[Package, list[Advisory]] = {}
        for advisory in advisories:
            if advisory.is_withdrawn:
                continue
            seen: set[Package] = set()
            for affected in advisory.affected:
                ecosystem = base_ecosystem(affected.package.ecosystem)
                key = Package(
                    ecosystem=type(affected.package.ecosystem)(ecosystem),
                    name=normalize_name(ecosystem, affected.package.name),
                )
                if key not in seen:
                    seen.add(key)
                    self._index.setdefault(key, []).append(advisory)

    def advisories_for(self, packages: Iterable[Package]) -> Mapping[Package, Sequence[Advisory]]:
        """Advisories per package, from the in-memory index."""
        return {p: self._index[p] for p in packages if p in self._index}
