"""Rules per team on SQLite and PostgreSQL: creation with checks, a secret shown once, team isolation."""

from __future__ import annotations

import pytest

from osswatch.errors import InputError
from osswatch.monitor.notify.rules import (
    ChannelKind,
    Event,
    RuleSpec,
    create_rule,
    delete_rule,
    deliveries_of,
    is_severe_enough,
    rule,
    rules_of,
    set_enabled,
)
from osswatch.monitor.notify.targets import TargetPolicy, TargetRefused
from osswatch.monitor.portfolio import Portfolio, UnknownRecord
from tests.monitor.conftest import T0
from tests.monitor.notify.conftest import LOOPBACK


def _teams(portfolio: Portfolio) -> tuple[int, int, int]:
    team = portfolio.create_team("a", now=T0).id
    other = portfolio.create_team("b", now=T0).id
    project = portfolio.create_project(team, "web", now=T0).id
    return team, other, project


def test_create_list_enable_delete(portfolio: Portfolio) -> None:
    team, other, project = _teams(portfolio)
    spec = RuleSpec(
        name="hook",
        channel=ChannelKind.WEBHOOK,
        target="http://127.0.0.1:9/hook",
        min_severity="medium",
        events=(Event.VERDICT_CHANGED, Event.NEW_FINDING, Event.NEW_FINDING),
        project_id=project,
    )
    created, secret = create_rule(portfolio, team, spec, now=T0, policy=LOOPBACK)
    assert secret is not None
    assert len(secret) == 64
    int(secret, 16)
    assert created.has_secret
    assert created.events == (Event.NEW_FINDING, Event.VERDICT_CHANGED)
    assert (created.project_id, created.min_severity, created.is_enabled, created.created) == (
        project,
        "medium",
        True,
        T0,
    )
    mail, mail_secret = create_rule(
        portfolio,
        team,
        RuleSpec(name="mail", channel=ChannelKind.EMAIL, target="sec@example.org , b@example.org"),
        now=T0,
    )
    assert mail_secret is None
    assert mail.target == "sec@example.org, b@example.org"
    assert rules_of(portfolio, team) == (created, mail)
    assert rules_of(portfolio, other) == ()

    assert not set_enabled(portfolio, team, created.id, is_enabled=False).is_enabled
    assert not rule(portfolio, team, created.id).is_enabled
    delete_rule(portfolio, team, created.id)
    assert rules_of(portfolio, team) == (mail,)


def test_other_teams_rules_look_missing(portfolio: Portfolio) -> None:
    team, other, _ = _teams(portfolio)
    spec = RuleSpec(name="slack", channel=ChannelKind.SLACK, target="http://127.0.0.1/x")
    created, secret = create_rule(portfolio, team, spec, now=T0, policy=LOOPBACK)
    assert secret is None
    for action in (
        lambda: rule(portfolio, other, created.id),
        lambda: delete_rule(portfolio, other, created.id),
        lambda: set_enabled(portfolio, other, created.id, is_enabled=False),
        lambda: deliveries_of(portfolio, other, created.id),
    ):
        with pytest.raises(UnknownRecord, match=f"no notification rule {created.id} in team {other}"):
            action()
    assert rule(portfolio, team, created.id).is_enabled


@pytest.mark.parametrize(
    ("spec", "error", "message"),
    [
        (
            RuleSpec(
                name="x", channel=ChannelKind.WEBHOOK, target="http://127.0.0.1/", min_severity="severe"
            ),
            InputError,
            "min_severity must be one of unknown, none, low, medium, high, critical, not 'severe'",
        ),
        (
            RuleSpec(name="x", channel=ChannelKind.WEBHOOK, target="http://127.0.0.1/", events=()),
            InputError,
            "a notification rule needs at least one event",
        ),
        (
            RuleSpec(name="x", channel=ChannelKind.WEBHOOK, target="ftp://127.0.0.1/"),
            TargetRefused,
            "only http and https URLs can be notified, not ftp scheme",
        ),
        (
            RuleSpec(name="x", channel=ChannelKind.EMAIL, target="http://127.0.0.1/"),
            TargetRefused,
            "not an email address: 'http://127.0.0.1/'",
        ),
        (
            RuleSpec(name="", channel=ChannelKind.SLACK, target="http://127.0.0.1/"),
            InputError,
            "notification_rules.name must not be empty",
        ),
    ],
    ids=["severity", "no-events", "scheme", "email", "empty-name"],
)
def test_bad_rules_are_refused(
    portfolio: Portfolio, spec: RuleSpec, error: type[Exception], message: str
) -> None:
    team, _, _ = _teams(portfolio)
    with pytest.raises(error) as raised:
        create_rule(portfolio, team, spec, now=T0, policy=LOOPBACK)
    assert str(raised.value) == message
    assert rules_of(portfolio, team) == ()


def test_private_targets_are_refused_without_configuration(portfolio: Portfolio) -> None:
    team, _, _ = _teams(portfolio)
    spec = RuleSpec(name="x", channel=ChannelKind.WEBHOOK, target="http://169.254.169.254/latest/")
    with pytest.raises(TargetRefused, match="link-local address"):
        create_rule(portfolio, team, spec, now=T0, policy=TargetPolicy())


def test_a_rule_cannot_name_another_teams_project(portfolio: Portfolio) -> None:
    _, other, project = _teams(portfolio)
    spec = RuleSpec(name="x", channel=ChannelKind.SLACK, target="http://127.0.0.1/", project_id=project)
    with pytest.raises(UnknownRecord, match=f"no project {project} in team {other}"):
        create_rule(portfolio, other, spec, now=T0, policy=LOOPBACK)


@pytest.mark.parametrize(
    ("severity", "minimum", "expected"),
    [
        ("critical", "high", True),
        ("high", "high", True),
        ("medium", "high", False),
        ("unknown", "low", False),
        ("unknown", "unknown", True),
        ("something-else", "unknown", True),
    ],
)
def test_severity_threshold(severity: str, minimum: str, expected: bool) -> None:
    assert is_severe_enough(severity, minimum) is expected
