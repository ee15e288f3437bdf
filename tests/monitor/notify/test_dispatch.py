"""Planning from real ingests and sending to real receivers, on SQLite and PostgreSQL.

The ingests use the real itu-p1203 lockfile and real PyPI advisories (`tests/monitor/conftest.py`);
`vulnerable_result` pins numpy to an affected version, so moving between the results opens, fixes and
reopens real findings, and a policy failing on vulnerable numpy flips the verdict.
"""

from __future__ import annotations

import email
import email.policy
import json
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from sqlalchemy import select

from osswatch.inventory.base import Document
from osswatch.monitor.ingest import ingest
from osswatch.monitor.notify import dispatch as dispatch_module
from osswatch.monitor.notify.channels import Channel, open_channels
from osswatch.monitor.notify.dispatch import (
    DeliveryReport,
    RetryPolicy,
    deliver_due,
    dispatch,
    expired_waivers,
    plan_deliveries,
)
from osswatch.monitor.notify.messages import SCHEMA, Notice, render
from osswatch.monitor.notify.rules import (
    ChannelKind,
    Delivery,
    DeliveryStatus,
    Event,
    RuleSpec,
    create_rule,
    deliveries_of,
    set_enabled,
)
from osswatch.monitor.notify.targets import TargetPolicy
from osswatch.monitor.portfolio import Portfolio
from osswatch.monitor.records import Role
from osswatch.monitor.triage import Decision, TriageState, set_triage
from osswatch.policy.rules import load_policy
from osswatch.scan import PolicySetup, ScanResult, judge
from osswatch.store.portfolio_tables import notification_deliveries
from tests.monitor.conftest import T0
from tests.monitor.notify.conftest import LOOPBACK, MailServer, Receiver

ALL_EVENTS = tuple(Event)
NUMPY_GATE = b"""
[policy]
name = "numpy-gate"

[[policy.rules]]
id = "vulnerable-numpy"
description = "numpy must not be vulnerable"
level = "fail"
when = { vulnerable = true, name = ["numpy"] }
"""


@pytest.fixture
def channels(smtp_server: MailServer) -> Iterator[dict[ChannelKind, Channel]]:
    """Real senders: HTTP allowed to reach loopback, SMTP to the test server."""
    with open_channels(LOOPBACK, smtp_server.settings) as opened:
        yield opened


def _setup(portfolio: Portfolio) -> tuple[int, int]:
    team = portfolio.create_team("team", now=T0).id
    project = portfolio.create_project(team, "itu-p1203", now=T0).id
    return team, project


def _rule(
    portfolio: Portfolio,
    team: int,
    channel: ChannelKind,
    target: str,
    *,
    events: Sequence[Event] = ALL_EVENTS,
    min_severity: str = "unknown",
    project_id: int | None = None,
) -> tuple[int, str | None]:
    spec = RuleSpec(
        name=f"{channel} rule",
        channel=channel,
        target=target,
        events=events,
        min_severity=min_severity,
        project_id=project_id,
    )
    rule, secret = create_rule(portfolio, team, spec, now=T0, policy=LOOPBACK)
    return rule.id, secret


def _bodies(receiver: Receiver) -> list[dict[str, Any]]:
    return [json.loads(request.body) for request in receiver.requests]


def _deliveries(portfolio: Portfolio, team: int, rule_id: int) -> list[Delivery]:
    return sorted(deliveries_of(portfolio, team, rule_id), key=lambda d: d.id)


def _judged(result: ScanResult) -> ScanResult:
    policy = load_policy(Document(path="gate.toml", data=NUMPY_GATE))
    return judge(result, PolicySetup(policy=policy), now=T0)


def test_new_findings_reach_a_signed_webhook_once(
    portfolio: Portfolio,
    current_result: ScanResult,
    receiver: Receiver,
    channels: dict[ChannelKind, Channel],
) -> None:
    team, project = _setup(portfolio)
    rule_id, secret = _rule(portfolio, team, ChannelKind.WEBHOOK, receiver.url, events=[Event.NEW_FINDING])
    receiver.secret = secret
    outcome = ingest(portfolio, project, current_result, T0)
    assert outcome.new

    assert dispatch(portfolio, project, outcome, T0) == len(outcome.new)
    assert dispatch(portfolio, project, outcome, T0 + timedelta(minutes=1)) == 0  # the same outcome again
    assert deliver_due(portfolio, T0, channels=channels) == DeliveryReport(sent=len(outcome.new))
    assert deliver_due(portfolio, T0 + timedelta(days=1), channels=channels) == DeliveryReport()

    assert all(request.is_verified for request in receiver.requests)
    bodies = _bodies(receiver)
    assert sorted(b["finding"]["id"] for b in bodies) == sorted(f.id for f in outcome.new)
    assert {(b["schema"], b["event"], b["project"]["name"]) for b in bodies} == {
        (SCHEMA, "new_finding", "itu-p1203")
    }
    by_id = {f.id: f for f in outcome.new}
    for body in bodies:
        item = by_id[body["finding"]["id"]]
        assert body["finding"]["vulnerability_id"] == item.vulnerability_id
        assert body["finding"]["component_purl"] == item.component_purl
    assert {request.headers["x-osswatch-delivery"] for request in receiver.requests} == {
        d.key for d in _deliveries(portfolio, team, rule_id)
    }
    for delivery in _deliveries(portfolio, team, rule_id):
        assert (delivery.status, delivery.attempts, delivery.delivered_at) == (DeliveryStatus.SENT, 1, T0)

    again = ingest(portfolio, project, current_result, T0 + timedelta(hours=1))  # a retried job
    assert dispatch(portfolio, project, again, T0 + timedelta(hours=1)) == 0
    assert len(receiver.requests) == len(outcome.new)


def test_the_severity_threshold_filters_findings(
    portfolio: Portfolio, current_result: ScanResult, receiver: Receiver
) -> None:
    team, project = _setup(portfolio)
    _rule(portfolio, team, ChannelKind.SLACK, receiver.url, min_severity="high")
    everything, _ = _rule(portfolio, team, ChannelKind.SLACK, receiver.url, min_severity="unknown")
    outcome = ingest(portfolio, project, current_result, T0)
    severe = [f for f in outcome.new if f.severity in {"high", "critical"}]

    planned = dispatch(portfolio, project, outcome, T0)

    assert planned == len(severe) + len(outcome.new)
    assert len(_deliveries(portfolio, team, everything)) == len(outcome.new)


def test_failures_are_retried_with_backoff_until_sent(
    portfolio: Portfolio,
    current_result: ScanResult,
    receiver: Receiver,
    channels: dict[ChannelKind, Channel],
) -> None:
    team, project = _setup(portfolio)
    rule_id, secret = _rule(portfolio, team, ChannelKind.WEBHOOK, receiver.url, events=[Event.NEW_FINDING])
    receiver.secret = secret
    outcome = ingest(portfolio, project, current_result, T0)
    assert len(outcome.new) == 1  # the real lockfile: py 1.11.0, PYSEC-2022-42969
    dispatch(portfolio, project, outcome, T0)
    receiver.statuses = [500, 500]
    retry = RetryPolicy(max_attempts=5, base=timedelta(seconds=30))

    def state() -> tuple[DeliveryStatus, int, datetime | None, str | None]:
        (delivery,) = _deliveries(portfolio, team, rule_id)
        return delivery.status, delivery.attempts, delivery.next_attempt_at, delivery.last_error

    assert deliver_due(portfolio, T0, channels=channels, retry=retry) == DeliveryReport(retrying=1)
    error = "answered 500: receiver error"
    assert state() == (DeliveryStatus.PENDING, 1, T0 + timedelta(seconds=30), error)
    early = T0 + timedelta(seconds=29)
    assert deliver_due(portfolio, early, channels=channels, retry=retry) == DeliveryReport()  # not due yet
    assert deliver_due(portfolio, T0 + timedelta(seconds=30), channels=channels, retry=retry).retrying == 1
    assert state() == (DeliveryStatus.PENDING, 2, T0 + timedelta(seconds=90), error)
    assert deliver_due(portfolio, T0 + timedelta(seconds=90), channels=channels, retry=retry).sent == 1
    assert state() == (DeliveryStatus.SENT, 3, None, error)  # the last error stays on record
    (delivery,) = _deliveries(portfolio, team, rule_id)
    assert delivery.delivered_at == T0 + timedelta(seconds=90)

    assert len(receiver.requests) == 3
    assert len({r.body for r in receiver.requests}) == 1  # a retry sends the same body
    assert all(r.is_verified for r in receiver.requests)
    assert [r.headers["x-osswatch-timestamp"] for r in receiver.requests] == [
        str(int((T0 + timedelta(seconds=s)).timestamp())) for s in (0, 30, 90)
    ]


def test_a_delivery_fails_after_its_last_attempt(
    portfolio: Portfolio,
    current_result: ScanResult,
    receiver: Receiver,
    channels: dict[ChannelKind, Channel],
) -> None:
    team, project = _setup(portfolio)
    rule_id, _ = _rule(portfolio, team, ChannelKind.SLACK, receiver.url, events=[Event.NEW_FINDING])
    outcome = ingest(portfolio, project, current_result, T0)
    dispatch(portfolio, project, outcome, T0)
    count = len(outcome.new)
    receiver.statuses = [503] * (2 * count)
    retry = RetryPolicy(max_attempts=2, base=timedelta(minutes=1))

    assert deliver_due(portfolio, T0, channels=channels, retry=retry) == DeliveryReport(retrying=count)
    later = T0 + timedelta(minutes=1)
    assert deliver_due(portfolio, later, channels=channels, retry=retry) == DeliveryReport(failed=count)
    assert (
        deliver_due(portfolio, later + timedelta(days=1), channels=channels, retry=retry) == DeliveryReport()
    )
    for delivery in _deliveries(portfolio, team, rule_id):
        assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
            DeliveryStatus.FAILED,
            2,
            None,
        )
        assert delivery.last_error == "answered 503: receiver error"


def test_a_target_refused_at_send_time_fails_at_once(
    portfolio: Portfolio, current_result: ScanResult, receiver: Receiver, smtp_server: MailServer
) -> None:
    team, project = _setup(portfolio)
    rule_id, _ = _rule(portfolio, team, ChannelKind.SLACK, receiver.url, events=[Event.NEW_FINDING])
    dispatch(portfolio, project, ingest(portfolio, project, current_result, T0), T0)

    with open_channels(TargetPolicy(), smtp_server.settings) as strict:  # loopback no longer allowed
        report = deliver_due(portfolio, T0, channels=strict)

    assert report.failed == len(_deliveries(portfolio, team, rule_id)) > 0
    assert receiver.requests == []
    assert all("loopback" in (d.last_error or "") for d in _deliveries(portfolio, team, rule_id))


def test_fixed_reopened_and_verdict_changes(
    portfolio: Portfolio,
    current_result: ScanResult,
    vulnerable_result: ScanResult,
    receiver: Receiver,
    channels: dict[ChannelKind, Channel],
) -> None:
    team, project = _setup(portfolio)
    _rule(
        portfolio,
        team,
        ChannelKind.SLACK,
        receiver.url,
        events=[Event.FIXED, Event.REOPENED, Event.VERDICT_CHANGED],
    )
    passing, failing = _judged(current_result), _judged(vulnerable_result)
    assert passing.verdict is not None
    assert passing.verdict.is_passed
    assert failing.verdict is not None
    assert not failing.verdict.is_passed

    steps = [(passing, T0), (failing, T0 + timedelta(days=1)), (passing, T0 + timedelta(days=2))]
    steps.append((failing, T0 + timedelta(days=3)))
    seen: list[tuple[str, int]] = []
    for result, moment in steps:
        outcome = ingest(portfolio, project, result, moment)
        dispatch(portfolio, project, outcome, moment)
        dispatch(portfolio, project, outcome, moment)  # idempotent
        deliver_due(portfolio, moment, channels=channels)
        seen.append(("fixed", len(outcome.fixed)))
        seen.append(("reopened", len(outcome.reopened)))
        seen.append(("verdict_changed", int(outcome.is_verdict_changed)))

    bodies = _bodies(receiver)
    for event in ("fixed", "reopened", "verdict_changed"):
        expected = sum(n for name, n in seen if name == event)
        assert expected > 0
        assert (
            sum(1 for b in bodies if event.replace("_", " ") in b["text"] or _slack_event(b) == event)
            == expected
        )
    for body in bodies:
        assert set(body) == {"text", "blocks"}
        assert body["text"].startswith("[itu-p1203] ")
        section, context = body["blocks"]
        assert section["type"] == "section"
        assert section["text"]["type"] == "mrkdwn"
        assert section["text"]["text"].startswith(f"*{body['text']}*")
        assert context["type"] == "context"
    verdicts = [b["text"] for b in bodies if _slack_event(b) == "verdict_changed"]
    assert verdicts == [f"[itu-p1203] the policy now {word}" for word in ("fails", "passes", "fails")]


def _slack_event(body: dict[str, Any]) -> str:
    text: str = body["blocks"][0]["text"]["text"]
    for line in text.splitlines():
        if line.startswith("Event: "):
            return line.removeprefix("Event: ")
    raise AssertionError(f"no event line in {body}")


def test_email_rule_sends_new_findings(
    portfolio: Portfolio,
    current_result: ScanResult,
    smtp_server: MailServer,
    channels: dict[ChannelKind, Channel],
) -> None:
    team, project = _setup(portfolio)
    _rule(portfolio, team, ChannelKind.EMAIL, "sec@example.org, lead@example.com", events=[Event.NEW_FINDING])
    outcome = ingest(portfolio, project, current_result, T0)
    dispatch(portfolio, project, outcome, T0)

    assert deliver_due(portfolio, T0, channels=channels).sent == len(outcome.new)

    envelopes = smtp_server.mailbox.envelopes
    assert len(envelopes) == len(outcome.new)
    mails = []
    for envelope in envelopes:
        assert envelope.rcpt_tos == ["sec@example.org", "lead@example.com"]
        content = envelope.content
        assert isinstance(content, bytes)
        mails.append(email.message_from_bytes(content, policy=email.policy.default))
    for item in outcome.new:
        subject = (
            f"[itu-p1203] new finding: {item.vulnerability_id} ({item.severity}) in {item.component_purl}"
        )
        (mail,) = [m for m in mails if m["Subject"] == subject]
        assert isinstance(mail, EmailMessage)
        text = mail.get_content().replace("\r\n", "\n")
        assert f"Vulnerability: {item.vulnerability_id}\n" in text
        assert f"Component: {item.component_purl}\n" in text


def test_only_enabled_rules_of_the_projects_team_are_told(
    portfolio: Portfolio, current_result: ScanResult, receiver: Receiver
) -> None:
    team, project = _setup(portfolio)
    other_project = portfolio.create_project(team, "elsewhere", now=T0).id
    other_team = portfolio.create_team("other", now=T0).id
    portfolio.create_key(other_team, Role.ADMIN, "x", now=T0)
    _rule(portfolio, other_team, ChannelKind.SLACK, receiver.url)
    _rule(portfolio, team, ChannelKind.SLACK, receiver.url, project_id=other_project)
    disabled, _ = _rule(portfolio, team, ChannelKind.SLACK, receiver.url)
    set_enabled(portfolio, team, disabled, is_enabled=False)
    told, _ = _rule(portfolio, team, ChannelKind.SLACK, receiver.url, project_id=project)

    outcome = ingest(portfolio, project, current_result, T0)
    assert dispatch(portfolio, project, outcome, T0) == len(outcome.new)
    with portfolio.reading() as connection:
        rule_ids = set(connection.scalars(select(notification_deliveries.c.rule_id)))
    assert rule_ids == {told}


def test_an_expired_waiver_is_notified_once(
    portfolio: Portfolio, current_result: ScanResult, receiver: Receiver, channels: dict[ChannelKind, Channel]
) -> None:
    team, project = _setup(portfolio)
    rule_id, secret = _rule(portfolio, team, ChannelKind.WEBHOOK, receiver.url, events=[Event.WAIVER_EXPIRED])
    receiver.secret = secret
    outcome = ingest(portfolio, project, current_result, T0)
    item = outcome.new[0]
    expires = T0 + timedelta(days=30)
    decision = Decision(state=TriageState.ACCEPTED_RISK, comment="no fix yet", author="ada", expires=expires)
    set_triage(portfolio, team, item.id, decision, now=T0)

    assert expired_waivers(portfolio, expires - timedelta(seconds=1)) == 0
    assert expired_waivers(portfolio, expires) == 1
    assert expired_waivers(portfolio, expires + timedelta(days=1)) == 0
    deliver_due(portfolio, expires + timedelta(days=1), channels=channels)
    deliver_due(portfolio, expires + timedelta(days=2), channels=channels)

    (body,) = _bodies(receiver)
    assert receiver.requests[0].is_verified
    assert body["event"] == "waiver_expired"
    assert body["finding"]["id"] == item.id
    assert body["waiver"] == {
        "state": "accepted_risk",
        "expires": expires.isoformat(),
        "comment": "no fix yet",
        "author": "ada",
        "decided_at": T0.isoformat(),
    }
    (delivery,) = _deliveries(portfolio, team, rule_id)
    assert (delivery.event, delivery.finding_id, delivery.status) == (
        Event.WAIVER_EXPIRED,
        item.id,
        DeliveryStatus.SENT,
    )


def test_a_renewed_or_fixed_waiver_is_not_notified(
    portfolio: Portfolio, current_result: ScanResult, vulnerable_result: ScanResult, receiver: Receiver
) -> None:
    team, project = _setup(portfolio)
    _rule(portfolio, team, ChannelKind.SLACK, receiver.url, events=[Event.WAIVER_EXPIRED])
    outcome = ingest(portfolio, project, vulnerable_result, T0)
    numpy = [f for f in outcome.new if "/numpy@" in f.component_purl]
    others = [f for f in outcome.new if "/numpy@" not in f.component_purl]
    assert numpy
    assert others
    expires = T0 + timedelta(days=1)
    accept = Decision(state=TriageState.ACCEPTED_RISK, comment="later", author="ada", expires=expires)
    set_triage(portfolio, team, numpy[0].id, accept, now=T0)
    set_triage(portfolio, team, others[0].id, accept, now=T0)
    renewed = Decision(
        state=TriageState.ACCEPTED_RISK, comment="renewed", author="ada", expires=expires + timedelta(days=9)
    )
    set_triage(portfolio, team, others[0].id, renewed, now=T0 + timedelta(hours=1))
    fixing = ingest(portfolio, project, current_result, T0 + timedelta(hours=2))
    assert numpy[0].id in {f.id for f in fixing.fixed}

    assert expired_waivers(portfolio, expires + timedelta(hours=1)) == 0  # renewed, and fixed
    assert expired_waivers(portfolio, expires + timedelta(days=10)) == 1  # the renewal ran out


def test_a_rule_that_cannot_be_rendered_never_fails_the_ingest(
    portfolio: Portfolio,
    current_result: ScanResult,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    team, project = _setup(portfolio)
    hook, _ = _rule(
        portfolio, team, ChannelKind.WEBHOOK, "http://127.0.0.1:9/hook", events=[Event.NEW_FINDING]
    )
    slack, _ = _rule(
        portfolio, team, ChannelKind.SLACK, "http://127.0.0.1:9/slack", events=[Event.NEW_FINDING]
    )
    rendered = render

    def broken_for_slack(channel: ChannelKind, notice: Notice) -> dict[str, Any]:
        if channel is ChannelKind.SLACK:
            raise KeyError("a bug in the Slack message")
        return rendered(channel, notice)

    monkeypatch.setattr(dispatch_module, "render", broken_for_slack)
    outcome = ingest(portfolio, project, current_result, T0, then=plan_deliveries)

    assert outcome.new  # recorded, with the deliveries of the rule that could be rendered
    assert len(_deliveries(portfolio, team, hook)) == len(outcome.new)
    assert _deliveries(portfolio, team, slack) == []
    assert f"rule {slack} of project {project}: its notifications could not be planned" in caplog.text
