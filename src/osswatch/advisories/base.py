"""The seam between where advisories are kept and who matches them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Protocol

from osswatch.advisories.finding_form import FindingDetails, details_of
from osswatch.advisories.match_form import MatchEntry, entry_of
from osswatch.ecosystems.identity import base_ecosystem, normalize_name
from osswatch.model import Advisory, AdvisoryId, EcosystemName, Package


@dataclass(frozen=True, kw_only=True, slots=True)
class Candidate:
    """An advisory that names a package: what deciding whether a version is affected needs, and the rest.

    Matching reads `entries` of every candidate, and calls `details` only for those that match.
    """

    id: AdvisoryId
    entries: tuple[MatchEntry, ...]
    """Its `affected[]` entries (at least those for the package looked up), match-ready."""
    details: Callable[[], FindingDetails]
    """What a finding shows of it, with one entry severity per item of `entries`."""


@lru_cache(maxsize=65536)  # a scan normalizes each package twice: as a component, then as looked up
def index_key(ecosystem: str, name: str) -> tuple[str, str]:
    """The (base ecosystem, normalized name) an `affected[]` package is indexed under."""
    base = base_ecosystem(ecosystem)
    return base, normalize_name(base, name)


def candidate_of(advisory: Advisory) -> Candidate:
    """A parsed record as a candidate, with every one of its entries."""
    return Candidate(
        id=advisory.id,
        entries=tuple(entry_of(entry) for entry in advisory.affected),
        details=partial(details_of, advisory),
    )


class AdvisorySource(Protocol):
    """Somewhere advisories can be looked up by package (the database store, or memory in tests).

    `Package.name` is normalized (`osswatch.ecosystems.identity.normalize_name`) and the ecosystem is
    the OSV base name without suffix. A lookup must use an index, never scan every advisory. Matching
    needs only candidates: their entries decide, and their details make the findings.
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
        self._index: dict[Package, list[Advisory]] = {}
        self._by_id: dict[AdvisoryId, Advisory] = {}
        self._candidates: dict[AdvisoryId, Candidate] = {}
        for advisory in advisories:
            if not advisory.is_withdrawn:
                self._by_id[advisory.id] = advisory  # the last record of an id is the one held
        for advisory in self._by_id.values():
            seen: set[Package] = set()
            for affected in advisory.affected:
                ecosystem, name = index_key(affected.package.ecosystem, affected.package.name)
                key = Package(ecosystem=EcosystemName(ecosystem), name=name)
                if key not in seen:
                    seen.add(key)
                    self._index.setdefault(key, []).append(advisory)

    def advisories_for(self, packages: Iterable[Package]) -> Mapping[Package, Sequence[Advisory]]:
        """Advisories per package, from the in-memory index."""
        return {p: self._index[p] for p in packages if p in self._index}

    def candidates_for(self, packages: Iterable[Package]) -> Mapping[Package, Sequence[Candidate]]:
        """Every advisory of each package as a candidate with all its entries (derived once per record)."""
        return {
            package: [self._candidate(advisory) for advisory in found]
            for package, found in self.advisories_for(packages).items()
        }

    def advisories(self, ids: Iterable[AdvisoryId]) -> Mapping[AdvisoryId, Advisory]:
        """The records of `ids` held here."""
        return {i: self._by_id[i] for i in ids if i in self._by_id}

    def _candidate(self, advisory: Advisory) -> Candidate:
        found = self._candidates.get(advisory.id)
        if found is None:
            found = self._candidates[advisory.id] = candidate_of(advisory)
        return found
