"""Notification rules of a team: who is told (a channel and its target) about which events, from which level.

A rule covers one project or, with no project, every project of its team. Its target is checked when the
rule is created (`targets.check_url`, `targets.check_addresses`) and again before every send. A webhook
rule gets a random signing secret, returned by `create_rule` this once; the API never shows it again.
Like every portfolio read, each function takes the caller's team id: another team's rule is `UnknownRecord`.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, assert_never

from sqlalchemy import Row, delete, insert, select, update

from osswatch.advisories.severity import LEVELS
from osswatch.errors import InputError
from osswatch.monitor.notify.targets import (
    Resolver,
    TargetPolicy,
    check_addresses,
    check_url,
    system_resolver,
)
from osswatch.monitor.portfolio import Portfolio, UnknownRecord, check_lengths, maybe_utc, to_utc
from osswatch.store.portfolio_tables import notification_deliveries, notification_rules


class Event(enum.StrEnum):
    """What a rule can be told about."""

    NEW_FINDING = "new_finding"
    """A finding seen for the first time in a project."""
    REOPENED = "reopened"
    """A fixed finding present again."""
    FIXED = "fixed"
    """An open finding no longer present."""
    VERDICT_CHANGED = "verdict_changed"
    """The project's policy outcome went from pass to fail or back."""
    WAIVER_EXPIRED = "waiver_expired"
    """An `accepted_risk` decision of an open finding reached its expiry."""


_EVENT_NAMES = frozenset(e.value for e in Event)


class ChannelKind(enum.StrEnum):
    """How a rule's notifications travel."""

    WEBHOOK = "webhook"
    """A signed JSON POST to a URL."""
    SLACK = "slack"
    """A Slack-compatible incoming webhook (`{"text", "blocks"}`)."""
    EMAIL = "email"
    """Mail over SMTP to one or more addresses."""


class DeliveryStatus(enum.StrEnum):
    """Where a delivery stands."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True, slots=True)
class RuleSpec:
    """A rule as asked for."""

    name: str
    channel: ChannelKind
    target: str
    min_severity: str = "high"
    events: Sequence[Event] = field(default=(Event.NEW_FINDING,))
    project_id: int | None = None
    is_enabled: bool = True


@dataclass(frozen=True, kw_only=True, slots=True)
class Rule:
    """A stored rule (its secret, if any, is never read back here)."""

    id: int
    team_id: int
    project_id: int | None
    name: str
    channel: ChannelKind
    target: str
    min_severity: str
    events: tuple[Event, ...]
    is_enabled: bool
    created: datetime
    has_secret: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class Delivery:
    """One notification of one rule: what it is about and how sending it went."""

    id: int
    rule_id: int
    project_id: int | None
    finding_id: int | None
    event: Event
    key: str
    status: DeliveryStatus
    attempts: int
    last_error: str | None
    created: datetime
    delivered_at: datetime | None
    next_attempt_at: datetime | None


def is_severe_enough(severity: str, minimum: str) -> bool:
    """True when `severity` is at or above `minimum` (`unknown` ranks lowest, as in `LEVELS`)."""
    rank = LEVELS.index(severity) if severity in LEVELS else 0
    return rank >= LEVELS.index(minimum)


def checked_target(
    channel: ChannelKind, target: str, policy: TargetPolicy, resolve: Resolver = system_resolver
) -> str:
    """The target in its stored form, after the channel's check; TargetRefused when it fails."""
    match channel:
        case ChannelKind.WEBHOOK | ChannelKind.SLACK:
            return check_url(target, policy, resolve).url
        case ChannelKind.EMAIL:
            return ", ".join(check_addresses(target))
        case _:
            assert_never(channel)


def create_rule(
    portfolio: Portfolio,
    team_id: int,
    spec: RuleSpec,
    *,
    now: datetime,
    policy: TargetPolicy | None = None,
    resolve: Resolver = system_resolver,
) -> tuple[Rule, str | None]:
    """A new rule of the team, and its webhook signing secret (None for other channels), shown this once."""
    if spec.min_severity not in LEVELS:
        raise InputError(f"min_severity must be one of {', '.join(LEVELS)}, not {spec.min_severity!r}")
    if not spec.events:
        raise InputError("a notification rule needs at least one event")
    portfolio.team(team_id)
    if spec.project_id is not None:
        portfolio.project(team_id, spec.project_id)  # UnknownRecord for another team's project
    target = checked_target(spec.channel, spec.target, policy or TargetPolicy.from_env(), resolve)
    secret = secrets.token_hex(32) if spec.channel is ChannelKind.WEBHOOK else None
    values: dict[str, Any] = {
        "team_id": team_id,
        "project_id": spec.project_id,
        "name": spec.name,
        "channel": spec.channel.value,
        "target": target,
        "min_severity": spec.min_severity,
        "events": sorted({Event(e).value for e in spec.events}),
        "is_enabled": spec.is_enabled,
        "created": to_utc(now),
        "secret": secret,
    }
    check_lengths(notification_rules, values)
    with portfolio.writing() as connection:
        rule_id = connection.execute(
            insert(notification_rules).values(**values).returning(notification_rules.c.id)
        ).scalar_one()
    return rule(portfolio, team_id, rule_id), secret


def rules_of(portfolio: Portfolio, team_id: int) -> tuple[Rule, ...]:
    """The team's rules, oldest first."""
    query = (
        select(notification_rules)
        .where(notification_rules.c.team_id == team_id)
        .order_by(notification_rules.c.id)
    )
    with portfolio.reading() as connection:
        return tuple(rule_of_row(row) for row in connection.execute(query))


def rule(portfolio: Portfolio, team_id: int, rule_id: int) -> Rule:
    """One of the team's rules; UnknownRecord if the team has no such rule."""
    query = select(notification_rules).where(
        notification_rules.c.id == rule_id, notification_rules.c.team_id == team_id
    )
    with portfolio.reading() as connection:
        row = connection.execute(query).one_or_none()
    if row is None:
        raise UnknownRecord(f"no notification rule {rule_id} in team {team_id}")
    return rule_of_row(row)


def delete_rule(portfolio: Portfolio, team_id: int, rule_id: int) -> None:
    """Delete one of the team's rules and its delivery log; UnknownRecord if there is no such rule."""
    with portfolio.writing() as connection:
        done = connection.execute(
            delete(notification_rules).where(
                notification_rules.c.id == rule_id, notification_rules.c.team_id == team_id
            )
        ).rowcount
    if not done:
        raise UnknownRecord(f"no notification rule {rule_id} in team {team_id}")


def set_enabled(portfolio: Portfolio, team_id: int, rule_id: int, *, is_enabled: bool) -> Rule:
    """Switch one of the team's rules on or off (a disabled rule plans and sends nothing)."""
    with portfolio.writing() as connection:
        done = connection.execute(
            update(notification_rules)
            .where(notification_rules.c.id == rule_id, notification_rules.c.team_id == team_id)
            .values(is_enabled=is_enabled)
        ).rowcount
    if not done:
        raise UnknownRecord(f"no notification rule {rule_id} in team {team_id}")
    return rule(portfolio, team_id, rule_id)


def deliveries_of(
    portfolio: Portfolio, team_id: int, rule_id: int, *, limit: int = 100
) -> tuple[Delivery, ...]:
    """The newest deliveries of one of the team's rules, newest first."""
    rule(portfolio, team_id, rule_id)
    query = (
        select(notification_deliveries)
        .where(notification_deliveries.c.rule_id == rule_id)
        .order_by(notification_deliveries.c.id.desc())
        .limit(limit)
    )
    with portfolio.reading() as connection:
        return tuple(delivery_of_row(row) for row in connection.execute(query))


def rule_of_row(row: Row[Any]) -> Rule:
    """A Rule from a `notification_rules` row."""
    return Rule(
        id=row.id,
        team_id=row.team_id,
        project_id=row.project_id,
        name=row.name,
        channel=ChannelKind(row.channel),
        target=row.target,
        min_severity=row.min_severity,
        events=tuple(Event(e) for e in row.events if e in _EVENT_NAMES),
        is_enabled=bool(row.is_enabled),
        created=to_utc(row.created),
        has_secret=row.secret is not None,
    )


def delivery_of_row(row: Row[Any]) -> Delivery:
    """A Delivery from a `notification_deliveries` row."""
    return Delivery(
        id=row.id,
        rule_id=row.rule_id,
        project_id=row.project_id,
        finding_id=row.finding_id,
        event=Event(row.event),
        key=row.key,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        last_error=row.last_error,
        created=to_utc(row.created),
        delivered_at=maybe_utc(row.delivered_at),
        next_attempt_at=maybe_utc(row.next_attempt_at),
    )


__all__ = [
    "ChannelKind",
    "Delivery",
    "DeliveryStatus",
    "Event",
    "Rule",
    "RuleSpec",
    "checked_target",
    "create_rule",
    "delete_rule",
    "deliveries_of",
    "delivery_of_row",
    "is_severe_enough",
    "rule",
    "rule_of_row",
    "rules_of",
    "set_enabled",
]
