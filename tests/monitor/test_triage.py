"""Triage decisions: the rules they must follow, the audit trail, isolation, and the VEX-like export."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest

from osswatch.monitor.findings import StoredFinding
from osswatch.monitor.ingest import ingest
from osswatch.monitor.portfolio import Portfolio, UnknownRecord
from osswatch.monitor.triage import (
    Decision,
    Justification,
    TriageRejected,
    TriageState,
    check_decision,
    current_triage,
    set_triage,
    triage_export,
    triage_history,
)
from osswatch.scan import ScanResult
from tests.monitor.conftest import T0

_LATER = T0 + timedelta(days=30)


def _decision(state: TriageState, **changes: Any) -> Decision:
    return dataclasses.replace(Decision(state=state, comment="why", author="ana"), **changes)


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (_decision(TriageState.NOT_AFFECTED), "not_affected needs a VEX justification"),
        (_decision(TriageState.ACCEPTED_RISK), "accepted_risk needs an expiry date"),
        (_decision(TriageState.ACCEPTED_RISK, expires=T0), "accepted_risk needs an expiry in the future"),
        (
            _decision(TriageState.RESOLVED, justification=Justification.COMPONENT_NOT_PRESENT),
            "a justification is only for not_affected, not resolved",
        ),
        (
            _decision(TriageState.IN_TRIAGE, expires=_LATER),
            "an expiry is only for accepted_risk, not in_triage",
        ),
        (_decision(TriageState.IN_TRIAGE, author=" "), "needs an author"),
        (_decision(TriageState.IN_TRIAGE, comment=""), "needs a comment"),
    ],
    ids=[
        "no-justification",
        "no-expiry",
        "past-expiry",
        "stray-justification",
        "stray-expiry",
        "no-author",
        "no-comment",
    ],
)
def test_incomplete_decisions_are_rejected(decision: Decision, message: str) -> None:
    with pytest.raises(TriageRejected, match=message):
        check_decision(decision, T0)


def _one_finding(portfolio: Portfolio, result: ScanResult) -> tuple[int, int, StoredFinding]:
    team = portfolio.create_team("audio", now=T0)
    project = portfolio.create_project(team.id, "p1203", now=T0)
    first, *_ = ingest(portfolio, project.id, result, T0).new
    return team.id, project.id, first


def test_history_is_kept_and_the_newest_decision_is_current(
    portfolio: Portfolio, current_result: ScanResult
) -> None:
    team_id, project_id, item = _one_finding(portfolio, current_result)
    steps = [
        _decision(TriageState.IN_TRIAGE),
        _decision(TriageState.ACCEPTED_RISK, expires=_LATER),
        _decision(TriageState.NOT_AFFECTED, justification=Justification.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH),
    ]
    for hour, step in enumerate(steps, start=1):
        set_triage(portfolio, team_id, item.id, step, now=T0 + timedelta(hours=hour))
    history = triage_history(portfolio, team_id, item.id)
    assert [e.state for e in history] == [s.state for s in steps]
    assert [e.at for e in history] == [T0 + timedelta(hours=h) for h in (1, 2, 3)]
    assert history[1].expires == _LATER
    assert history[1].is_expired(_LATER)
    assert not history[1].is_expired(T0)
    assert current_triage(portfolio, team_id, project_id) == {item.id: history[-1]}


def test_another_team_can_neither_triage_nor_read(portfolio: Portfolio, current_result: ScanResult) -> None:
    team_id, project_id, item = _one_finding(portfolio, current_result)
    intruder = portfolio.create_team("video", now=T0)
    set_triage(portfolio, team_id, item.id, _decision(TriageState.IN_TRIAGE), now=T0)
    with pytest.raises(UnknownRecord):
        set_triage(portfolio, intruder.id, item.id, _decision(TriageState.RESOLVED), now=T0)
    with pytest.raises(UnknownRecord):
        triage_history(portfolio, intruder.id, item.id)
    assert current_triage(portfolio, intruder.id, project_id) == {}
    assert triage_export(portfolio, intruder.id, project_id) == []
    assert len(triage_history(portfolio, team_id, item.id)) == 1


@pytest.mark.parametrize(
    ("decision", "status", "extra"),
    [
        (
            _decision(TriageState.NOT_AFFECTED, justification=Justification.COMPONENT_NOT_PRESENT),
            "not_affected",
            {"justification": "component_not_present", "impact_statement": "why"},
        ),
        (_decision(TriageState.FALSE_POSITIVE), "not_affected", {"impact_statement": "why"}),
        (
            _decision(TriageState.ACCEPTED_RISK, expires=_LATER),
            "affected",
            {"action_statement": f"why (accepted until {_LATER.isoformat()})"},
        ),
        (_decision(TriageState.IN_TRIAGE), "under_investigation", {"status_notes": "why"}),
        (_decision(TriageState.RESOLVED), "fixed", {"status_notes": "why"}),
    ],
    ids=["not-affected", "false-positive", "accepted-risk", "in-triage", "resolved"],
)
def test_the_export_is_one_vex_like_statement_per_triaged_finding(
    portfolio: Portfolio, current_result: ScanResult, decision: Decision, status: str, extra: dict[str, str]
) -> None:
    team_id, project_id, item = _one_finding(portfolio, current_result)
    at = T0 + timedelta(days=1)
    set_triage(portfolio, team_id, item.id, decision, now=at)
    assert triage_export(portfolio, team_id, project_id) == [
        {
            "vulnerability": {"name": item.vulnerability_id, "aliases": list(item.aliases)},
            "products": [{"@id": item.component_purl}],
            "status": status,
            "timestamp": at.isoformat(),
            "author": "ana",
            "osswatch_state": decision.state.value,
            **extra,
        }
    ]
