"""`/api/v1/notification-rules`: a team's notification rules and their delivery log (admin role).

Every route needs an admin key: a rule's target (a Slack webhook URL above all) is itself a credential. A
webhook rule's signing secret is in the creation answer only, never again. Targets are checked against
the SSRF rules of `osswatch.monitor.notify.targets` with the policy from the environment.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from osswatch.monitor.notify import rules as notify_rules
from osswatch.monitor.notify.rules import ChannelKind, Delivery, DeliveryStatus, Event, Rule, RuleSpec
from osswatch.monitor.notify.targets import TargetPolicy
from osswatch.monitor.records import ApiKey, Role
from osswatch.web.auth import PortfolioDep, requiring
from osswatch.web.params import MAX_ID, Limit, RecordId

router = APIRouter(prefix="/api/v1/notification-rules", tags=["notifications"])

Admin = Annotated[ApiKey, Depends(requiring(Role.ADMIN))]
"""An admin key."""


def target_policy() -> TargetPolicy:
    """Which private addresses targets may use: `OSSWATCH_NOTIFY_ALLOW_PRIVATE` / `_ALLOW_NETWORKS`."""
    return TargetPolicy.from_env()


PolicyDep = Annotated[TargetPolicy, Depends(target_policy)]


class RuleIn(BaseModel):
    """A new notification rule."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255)
    channel: ChannelKind
    target: str = Field(min_length=1, max_length=2048, description="A URL, or comma-separated emails.")
    min_severity: str = "high"
    events: list[Event] = Field(default=[Event.NEW_FINDING], min_length=1)
    project_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="None: every team project.")
    is_enabled: bool = True


class RuleOut(BaseModel):
    """A notification rule (never its secret)."""

    id: int
    project_id: int | None
    name: str
    channel: ChannelKind
    target: str
    min_severity: str
    events: list[Event]
    is_enabled: bool
    created: datetime
    is_signed: bool


class RuleCreated(RuleOut):
    """A new rule, with its webhook signing secret: shown this once."""

    secret: str | None


class RuleList(BaseModel):
    """The team's rules."""

    rules: list[RuleOut]


class EnabledIn(BaseModel):
    """Switch a rule on or off."""

    model_config = ConfigDict(extra="forbid")

    is_enabled: bool


class DeliveryOut(BaseModel):
    """One notification of a rule and how sending it went."""

    id: int
    event: Event
    project_id: int | None
    finding_id: int | None
    status: DeliveryStatus
    attempts: int
    last_error: str | None
    created: datetime
    delivered_at: datetime | None
    next_attempt_at: datetime | None


class DeliveryList(BaseModel):
    """A rule's newest deliveries, newest first."""

    deliveries: list[DeliveryOut]


def rule_out(rule: Rule) -> RuleOut:
    """The API view of a rule."""
    return RuleOut(
        id=rule.id,
        project_id=rule.project_id,
        name=rule.name,
        channel=rule.channel,
        target=rule.target,
        min_severity=rule.min_severity,
        events=list(rule.events),
        is_enabled=rule.is_enabled,
        created=rule.created,
        is_signed=rule.has_secret,
    )


def delivery_out(delivery: Delivery) -> DeliveryOut:
    """The API view of a delivery."""
    return DeliveryOut(
        id=delivery.id,
        event=delivery.event,
        project_id=delivery.project_id,
        finding_id=delivery.finding_id,
        status=delivery.status,
        attempts=delivery.attempts,
        last_error=delivery.last_error,
        created=delivery.created,
        delivered_at=delivery.delivered_at,
        next_attempt_at=delivery.next_attempt_at,
    )


@router.post("", status_code=201)
def create_rule(body: RuleIn, key: Admin, portfolio: PortfolioDep, policy: PolicyDep) -> RuleCreated:
    """Create a rule; a webhook rule's signing secret is in this answer only."""
    spec = RuleSpec(
        name=body.name,
        channel=body.channel,
        target=body.target,
        min_severity=body.min_severity,
        events=tuple(body.events),
        project_id=body.project_id,
        is_enabled=body.is_enabled,
    )
    rule, secret = notify_rules.create_rule(
        portfolio, key.team_id, spec, now=datetime.now(UTC), policy=policy
    )
    return RuleCreated(**rule_out(rule).model_dump(), secret=secret)


@router.get("")
def list_rules(key: Admin, portfolio: PortfolioDep) -> RuleList:
    """The team's rules, oldest first."""
    return RuleList(rules=[rule_out(r) for r in notify_rules.rules_of(portfolio, key.team_id)])


@router.patch("/{rule_id}")
def enable_rule(rule_id: RecordId, body: EnabledIn, key: Admin, portfolio: PortfolioDep) -> RuleOut:
    """Switch one of the team's rules on or off."""
    return rule_out(notify_rules.set_enabled(portfolio, key.team_id, rule_id, is_enabled=body.is_enabled))


@router.delete("/{rule_id}", status_code=204)
def delete_rule(rule_id: RecordId, key: Admin, portfolio: PortfolioDep) -> Response:
    """Delete one of the team's rules and its delivery log."""
    notify_rules.delete_rule(portfolio, key.team_id, rule_id)
    return Response(status_code=204)


@router.get("/{rule_id}/deliveries")
def list_deliveries(
    rule_id: RecordId, key: Admin, portfolio: PortfolioDep, limit: Limit = 100
) -> DeliveryList:
    """The newest deliveries of one of the team's rules, with their status and attempts."""
    items = notify_rules.deliveries_of(portfolio, key.team_id, rule_id, limit=limit)
    return DeliveryList(deliveries=[delivery_out(d) for d in items])
