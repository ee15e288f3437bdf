"""Everything a policy judges, gathered in one frozen record: evaluation itself does no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from osswatch.health.base import UNKNOWN, Health
from osswatch.model import Component, Finding, Inventory


@dataclass(frozen=True, kw_only=True, slots=True)
class Facts:
    """The inventory, findings and health of one scan, plus threat intelligence and the moment of judging."""

    inventory: Inventory
    findings: tuple[Finding, ...] = ()
    health: Mapping[Component, Health] = field(default_factory=dict)
    known_exploited: frozenset[str] = frozenset()
    """CVE ids in the CISA Known Exploited Vulnerabilities catalog (upper case)."""
    epss: Mapping[str, float] = field(default_factory=dict)
    """EPSS probability (0–1) per CVE id (upper case)."""
    advisory_data_age: timedelta | None = None
    """How old the advisory data is (now minus its last sync); None when the caller does not know."""
    now: datetime
    project: str | None = None
    """The name of the project scanned, for rules scoped to projects."""

    _by_identity: dict[int, Health] = field(init=False, repr=False, compare=False)
    """`health` keyed by the components' identity: rules ask for the very objects `health` holds, and
    hashing a component (every field) for each of a policy's ~1,000 questions per project was a tenth of
    re-evaluation time (benchmarks/portfolio.py)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_identity", {id(c): h for c, h in self.health.items()})

    def health_of(self, component: Component) -> Health:
        """The health of a component, or the unknown record when it was not assessed."""
        found = self._by_identity.get(id(component))  # the key objects live in `health`: ids are theirs
        return found if found is not None else self.health.get(component, UNKNOWN)

    def is_known_exploited(self, finding: Finding) -> bool:
        """True when any id of the finding is in the KEV catalog."""
        return any(i.upper() in self.known_exploited for i in _ids(finding))

    def epss_of(self, finding: Finding) -> float | None:
        """The highest EPSS score of any id of the finding, or None when none is scored."""
        scores = [self.epss[i.upper()] for i in _ids(finding) if i.upper() in self.epss]
        return max(scores, default=None)


def _ids(finding: Finding) -> tuple[str, ...]:
    return (*finding.advisory_ids, *finding.aliases)


__all__ = ["Facts"]
