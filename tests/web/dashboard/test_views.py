"""Sorting and filtering the portfolio, grouping findings, reading stored verdicts: pure functions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from osswatch.monitor.findings import StoredFinding
from osswatch.monitor.overview import ProjectOverview, by_severity
from osswatch.monitor.triage import TriageEntry, TriageState
from osswatch.web.dashboard import views

T = datetime(2026, 1, 1, tzinfo=UTC)


def _project(
    name: str,
    *,
    passed: bool | None = None,
    critical: int = 0,
    libyears: float | None = None,
    tags: tuple[str, ...] = (),
) -> ProjectOverview:
    return ProjectOverview(
        id=hash(name) % 1000,
        name=name,
        team_id=1,
        version=None,
        tags=tags,
        latest_snapshot_id=None,
        uploaded_at=None,
        components=0,
        passed=passed,
        open_by_severity=by_severity({"critical": critical}),
        total_libyears=libyears,
        stale_share=None,
        unmaintained_share=None,
    )


ROWS = [
    _project("beta", passed=True, critical=2, libyears=3.5, tags=("web",)),
    _project("Alpha", passed=False, critical=0, libyears=None),
    _project("gamma", passed=None, critical=5, libyears=1.0, tags=("batch",)),
]


@pytest.mark.parametrize(
    ("sort", "direction", "expected"),
    [
        ("name", None, ["Alpha", "beta", "gamma"]),
        ("name", "desc", ["gamma", "beta", "Alpha"]),
        ("critical", None, ["gamma", "beta", "Alpha"]),
        ("critical", "asc", ["Alpha", "beta", "gamma"]),
        ("verdict", None, ["Alpha", "gamma", "beta"]),
        ("libyears", None, ["beta", "gamma", "Alpha"]),
        ("nonsense", "sideways", ["Alpha", "beta", "gamma"]),
        (None, None, ["Alpha", "beta", "gamma"]),
    ],
    ids=[
        "name",
        "name-desc",
        "critical-worst-first",
        "critical-asc",
        "failed-first",
        "libyears-unknown-last",
        "unknown-column",
        "none",
    ],
)
def test_sort_projects(sort: str | None, direction: str | None, expected: list[str]) -> None:
    assert [p.name for p in views.sort_projects(ROWS, sort, direction)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ["beta", "Alpha", "gamma"]),
        ("ALP", ["Alpha"]),
        ("web", ["beta"]),
        ("  batch ", ["gamma"]),
        ("zzz", []),
    ],
    ids=["empty", "name-any-case", "tag", "trimmed", "none"],
)
def test_filter_projects(text: str, expected: list[str]) -> None:
    assert [p.name for p in views.filter_projects(ROWS, text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CVE-2021-44228", True),
        ("GHSA-w596-4wvx-j9j6", True),
        ("PYSEC-2022-42969", True),
        ("RUSTSEC-2020-0071", True),
        (" CVE-2021-44228 ", True),
        ("requests", False),
        ("Django", False),
        ("py-1", False),
        ("cve-2021-1", False),
        ("", False),
    ],
)
def test_is_vulnerability_id(text: str, expected: bool) -> None:
    assert views.is_vulnerability_id(text) is expected


def _finding(finding_id: int, severity: str, *, fixed: bool = False) -> StoredFinding:
    return StoredFinding(
        id=finding_id,
        project_id=1,
        vulnerability_id=f"V-{finding_id}",
        aliases=(),
        component_purl="pkg:pypi/x@1",
        severity=severity,
        fixed_in=(),
        first_seen=T,
        last_seen=T,
        fixed_at=T if fixed else None,
    )


def test_findings_group_by_severity_with_their_state() -> None:
    items = [
        _finding(1, "low"),
        _finding(2, "critical"),
        _finding(3, "none"),
        _finding(4, "low", fixed=True),
        _finding(5, "critical"),
    ]
    decided = {5: TriageEntry(finding_id=5, state=TriageState.IN_TRIAGE, comment="c", author="a", at=T)}
    groups = views.by_severity(items, decided)
    assert [(level, [v.finding.id for v in group]) for level, group in groups] == [
        ("critical", [2, 5]),
        ("low", [1, 4]),
        ("none", [3]),
    ]
    states = {v.finding.id: v.state for _, group in groups for v in group}
    assert states == {1: "open", 2: "open", 3: "open", 4: "fixed", 5: "in_triage"}


def test_rule_results_from_a_stored_verdict() -> None:
    verdict: dict[str, Any] = {
        "policy": "baseline",
        "passed": False,
        "counts": {"fail": 2, "warn": 1, "info": 0},
        "notes": [],
        "violations": [
            {"rule": "known-vulnerability", "level": "warn", "message": "m1", "suppressed": None},
            {"rule": "critical", "level": "fail", "message": "m2", "suppressed": None},
            {"rule": "critical", "level": "fail", "message": "m3", "suppressed": {"kind": "waiver"}},
            "not a violation",
        ],
    }
    results = views.rule_results(verdict)
    assert [(r.rule, r.level, r.violations, r.suppressed, r.messages) for r in results] == [
        ("critical", "fail", 2, 1, ("m2", "m3")),
        ("known-vulnerability", "warn", 1, 0, ("m1",)),
    ]
    assert views.rule_results(None) == []


@pytest.mark.parametrize(
    ("health", "statuses", "libyear"),
    [
        (None, ("unknown",), None),
        ({"status": ["stale", "outdated"], "libyear": 2.5}, ("stale", "outdated"), 2.5),
        ({"status": [], "libyear": True}, ("unknown",), None),
        ({"libyear": 3}, ("unknown",), 3.0),
    ],
    ids=["unassessed", "assessed", "bad-values", "integer"],
)
def test_health_readers(
    health: dict[str, Any] | None, statuses: tuple[str, ...], libyear: float | None
) -> None:
    assert views.health_statuses(health) == statuses
    assert views.health_libyear(health) == libyear
