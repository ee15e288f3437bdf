"""The seam between where advisories are kept and who matches them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from osswatch.model import Advisory, AdvisoryId, Affected, Package


@dataclass(frozen=True, kw_only=True, slots=True)
class Candidate:
    """An advisory that names a package, with only what deciding whether a version is affected needs."""

    id: AdvisoryId
    entries: tuple[Affected, ...]
    """Its `affected[]` entries (at least those for the package looked up): package, ranges, versions."""


class AdvisorySource(Protocol):
    """Somewhere advisories can be looked up by package (the database store, or memory in tests).

    `Package.name` is normalized (`osswatch.ecosystems.identity.normalize_name`) and the ecosystem is
    the OSV base name without suffix. A lookup must use an index, never scan every advisory. Matching
    asks for candidates first and for whole records only of those that match.
    """

    def candidates_for(self, packages: Iterable[Package]) -> Mapping[Package, Sequence[Candidate]]:
        """Every non-withdrawn advisory with an `affected[]` entry for each package (absent: none)."""
        ...

    def advisories(self, ids: Iterable[AdvisoryId]) -> Mapping[AdvisoryId, Advisory]:
        """The whole records of those of `ids` that are held and not withdrawn."""
        ...


class InMemoryAdvisories:
    """An AdvisorySource over a list of advisories held in memory (tests, one-off queries)."""

    def __init__(self, advisories: Iterable[Advisory]) -> None:
        from osswatch.ecosystems.identity import base_ecosystem, normalize_name

        self._index: dict[Package, list[Advisory]] = {}
        self._by_id: dict[AdvisoryId, Advisory] = {}
        for advisory in advisories:
            if advisory.is_withdrawn:
                continue
            self._by_id[advisory.id] = advisory
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

    def candidates_for(self, packages: Iterable[Package]) -> Mapping[Package, Sequence[Candidate]]:
        """Every advisory of each package as a candidate with all its entries."""
        return {
            package: [Candidate(id=a.id, entries=a.affected) for a in found]
            for package, found in self.advisories_for(packages).items()
        }

    def advisories(self, ids: Iterable[AdvisoryId]) -> Mapping[AdvisoryId, Advisory]:
        """The records of `ids` held here."""
        return {i: self._by_id[i] for i in ids if i in self._by_id}
