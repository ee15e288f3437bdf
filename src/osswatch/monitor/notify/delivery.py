"""Sending the planned deliveries: `deliver_due(portfolio, now)`, run periodically by the jobs.

Each due row is claimed first (a compare-and-set on `next_attempt_at`, a lease of `CLAIM_LEASE`), so two
workers never send one delivery at the same time and a crashed sender's row comes due again. A failed
attempt is retried with exponential backoff until `RetryPolicy.max_attempts`, then marked `failed`; every
attempt is counted in the row, with its error.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from osswatch.monitor.notify.channels import Channel, DeliveryFailed, Outgoing, open_channels
from osswatch.monitor.notify.rules import ChannelKind, DeliveryStatus
from osswatch.monitor.portfolio import Portfolio, to_utc
from osswatch.store.portfolio_tables import notification_deliveries, notification_rules

_log = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=5)
"""How long a claimed delivery is left to its sender before another worker may try it (a crash)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RetryPolicy:
    """How often and how soon a failed delivery is tried again: `base`, doubling per attempt, up to `cap`."""

    max_attempts: int = 6
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)

    def delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt."""
        delay: timedelta = self.base * 2 ** max(0, attempts - 1)
        return min(self.cap, delay)


@dataclass(frozen=True, kw_only=True, slots=True)
class DeliveryReport:
    """What one `deliver_due` run did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_due(
    portfolio: Portfolio,
    now: datetime,
    *,
    channels: Mapping[ChannelKind, Channel] | None = None,
    retry: RetryPolicy | None = None,
    limit: int = 200,
) -> DeliveryReport:
    """Send the pending deliveries due by `now` (of enabled rules), up to `limit`; what happened.

    Without `channels`, the senders are built from the environment (`open_channels`).
    """
    if channels is None:
        with open_channels() as opened:
            return deliver_due(portfolio, now, channels=opened, retry=retry, limit=limit)
    now = to_utc(now)
    policy = retry or RetryPolicy()
    counts = {status: 0 for status in ("sent", "retrying", "failed")}
    for delivery_id in _due(portfolio, now, limit):
        claimed = _claim(portfolio, delivery_id, now)
        if claimed is None:
            continue
        outgoing, channel, attempts = claimed
        try:
            channels[channel].send(outgoing)
        except DeliveryFailed as e:
            is_final = e.is_permanent or attempts >= policy.max_attempts
            _log.info("notification %s attempt %d failed: %s", outgoing.key, attempts, e)
            _finish_failed(portfolio, delivery_id, str(e), None if is_final else now + policy.delay(attempts))
            counts["failed" if is_final else "retrying"] += 1
            continue
        _finish_sent(portfolio, delivery_id, now)
        counts["sent"] += 1
    return DeliveryReport(**counts)


def _due(portfolio: Portfolio, now: datetime, limit: int) -> list[int]:
    d = notification_deliveries
    query = (
        select(d.c.id)
        .join(notification_rules, notification_rules.c.id == d.c.rule_id)
        .where(
            d.c.status == DeliveryStatus.PENDING.value,
            or_(d.c.next_attempt_at.is_(None), d.c.next_attempt_at <= now),
            notification_rules.c.is_enabled.is_(True),
        )
        .order_by(d.c.next_attempt_at, d.c.id)
        .limit(limit)
    )
    with portfolio.reading() as connection:
        return list(connection.scalars(query))


def _claim(portfolio: Portfolio, delivery_id: int, now: datetime) -> tuple[Outgoing, ChannelKind, int] | None:
    """Take the delivery for one attempt (None when another worker took it first)."""
    d = notification_deliveries
    with portfolio.writing() as connection:
        taken = connection.execute(
            update(d)
            .where(
                d.c.id == delivery_id,
                d.c.status == DeliveryStatus.PENDING.value,
                or_(d.c.next_attempt_at.is_(None), d.c.next_attempt_at <= now),
            )
            .values(attempts=d.c.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
        ).rowcount
        if not taken:
            return None
        row = connection.execute(
            select(d.c.key, d.c.event, d.c.payload, d.c.attempts, notification_rules)
            .join(notification_rules, notification_rules.c.id == d.c.rule_id)
            .where(d.c.id == delivery_id)
        ).one()
    outgoing = Outgoing(
        key=row.key, event=row.event, target=row.target, payload=row.payload or {}, secret=row.secret, at=now
    )
    return outgoing, ChannelKind(row.channel), int(row.attempts)


def _finish_sent(portfolio: Portfolio, delivery_id: int, now: datetime) -> None:
    with portfolio.writing() as connection:
        connection.execute(
            update(notification_deliveries)
            .where(notification_deliveries.c.id == delivery_id)
            .values(status=DeliveryStatus.SENT.value, delivered_at=now, next_attempt_at=None)
        )


def _finish_failed(portfolio: Portfolio, delivery_id: int, error: str, retry_at: datetime | None) -> None:
    status = DeliveryStatus.PENDING if retry_at is not None else DeliveryStatus.FAILED
    with portfolio.writing() as connection:
        connection.execute(
            update(notification_deliveries)
            .where(notification_deliveries.c.id == delivery_id)
            .values(status=status.value, last_error=error[:2000], next_attempt_at=retry_at)
        )


__all__ = ["CLAIM_LEASE", "DeliveryReport", "RetryPolicy", "deliver_due"]
