"""What the pages show, computed from stored records: sorting and filtering the portfolio, grouping findings.

Pure functions, so the server-side `?sort=&q=` (which works without JavaScript) is tested directly; the
browser script sorts and filters the same table by the same keys (`data-sort-*` attributes).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from osswatch.monitor.findings import StoredFinding
from osswatch.monitor.overview import SEVERITIES, ProjectOverview
from osswatch.monitor.triage import TriageEntry

VULNERABILITY_ID = re.compile(r"^[A-Z][A-Z0-9]{1,15}-[0-9A-Za-z][0-9A-Za-z._:-]*$")
"""What a vulnerability id looks like (`CVE-2024-1`, `GHSA-xxxx-…`, `PYSEC-2022-42969`, `RUSTSEC-…`)."""

SORT_KEYS: Mapping[str, Callable[[ProjectOverview], Any]] = {
    "name": lambda p: p.name.lower(),
    "verdict": lambda p: {False: 0, None: 1, True: 2}[p.passed],
    "critical": lambda p: p.open_by_severity.get("critical", 0),
    "high": lambda p: p.open_by_severity.get("high", 0),
    "medium": lambda p: p.open_by_severity.get("medium", 0),
    "low": lambda p: p.open_by_severity.get("low", 0),
    "unknown": lambda p: p.open_by_severity.get("unknown", 0),
    "open": lambda p: sum(p.open_by_severity.values()),
    "libyears": lambda p: -1.0 if p.total_libyears is None else p.total_libyears,
    "stale": lambda p: -1.0 if p.stale_share is None else p.stale_share,
    "unmaintained": lambda p: -1.0 if p.unmaintained_share is None else p.unmaintained_share,
}
"""The portfolio table's sortable columns and their keys (unknown values sort first)."""

DESCENDING_FIRST = frozenset(SORT_KEYS) - {"name", "verdict"}
"""Columns whose natural first order is largest first (the worst projects at the top)."""


def is_vulnerability_id(text: str) -> bool:
    """True when a search looks like a vulnerability id rather than a package name."""
    return bool(VULNERABILITY_ID.match(text.strip()))


def sort_projects(
    rows: Iterable[ProjectOverview], sort: str | None, direction: str | None
) -> list[ProjectOverview]:
    """`rows` sorted by column `sort` (`name` if unknown), `asc` or `desc` (its natural order when unset)."""
    column = sort if sort is not None and sort in SORT_KEYS else "name"
    is_descending = direction == "desc" if direction in {"asc", "desc"} else column in DESCENDING_FIRST
    ordered = sorted(rows, key=lambda p: p.name.lower())
    return sorted(ordered, key=SORT_KEYS[column], reverse=is_descending)


def filter_projects(rows: Iterable[ProjectOverview], text: str | None) -> list[ProjectOverview]:
    """The rows whose name or a tag contains `text` (case-insensitive); all rows for an empty filter."""
    needle = (text or "").strip().lower()
    if not needle:
        return list(rows)
    return [p for p in rows if needle in p.name.lower() or any(needle in t.lower() for t in p.tags)]


@dataclass(frozen=True, kw_only=True, slots=True)
class FindingView:
    """A finding with its current triage decision (None when never triaged)."""

    finding: StoredFinding
    triage: TriageEntry | None

    @property
    def state(self) -> str:
        """`fixed`, the triage state, or `open`."""
        if not self.finding.is_open:
            return "fixed"
        return "open" if self.triage is None else self.triage.state.value


def by_severity(
    items: Sequence[StoredFinding], decisions: Mapping[int, TriageEntry]
) -> list[tuple[str, list[FindingView]]]:
    """Findings grouped by severity, most severe first; groups without findings are left out."""
    groups: dict[str, list[FindingView]] = defaultdict(list)
    for item in items:
        groups[item.severity].append(FindingView(finding=item, triage=decisions.get(item.id)))
    order = [*SEVERITIES, *sorted(set(groups) - set(SEVERITIES))]
    return [(severity, groups[severity]) for severity in order if groups.get(severity)]


@dataclass(frozen=True, kw_only=True, slots=True)
class RuleResult:
    """One policy rule's result on a snapshot: how many violations at its level, how many waived."""

    rule: str
    level: str
    violations: int
    suppressed: int
    messages: tuple[str, ...]


def rule_results(verdict: Mapping[str, Any] | None) -> list[RuleResult]:
    """Per-rule results from a stored `verdict_json` document (empty for None), worst level first."""
    if verdict is None:
        return []
    grouped: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for item in verdict.get("violations") or []:
        if isinstance(item, Mapping):
            grouped[str(item.get("rule")), str(item.get("level"))].append(item)
    rank = {"fail": 0, "warn": 1, "info": 2}
    results = [
        RuleResult(
            rule=rule,
            level=level,
            violations=len(items),
            suppressed=sum(1 for v in items if v.get("suppressed")),
            messages=tuple(str(v.get("message")) for v in items[:5]),
        )
        for (rule, level), items in grouped.items()
    ]
    return sorted(results, key=lambda r: (rank.get(r.level, 3), r.rule))


def total_open(counts: Mapping[str, int]) -> int:
    """All open findings of a severity count."""
    return sum(counts.values())


def health_statuses(health: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The statuses of a stored `health_json` document (`current`, `stale`…); `unknown` when unassessed."""
    status = (health or {}).get("status")
    return tuple(str(s) for s in status) if isinstance(status, list) and status else ("unknown",)


def health_libyear(health: Mapping[str, Any] | None) -> float | None:
    """The libyear of a stored `health_json` document, when known."""
    value = (health or {}).get("libyear")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


__all__ = [
    "DESCENDING_FIRST",
    "SORT_KEYS",
    "VULNERABILITY_ID",
    "FindingView",
    "RuleResult",
    "by_severity",
    "filter_projects",
    "health_libyear",
    "health_statuses",
    "is_vulnerability_id",
    "rule_results",
    "sort_projects",
    "total_open",
]
