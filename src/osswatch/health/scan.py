"""One health scan wired to its edges: the database cache, the HTTP client, the registry table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from osswatch.health.assess import AssessOptions, HealthReport, ProgressCallback, assess
from osswatch.health.base import HealthThresholds
from osswatch.health.cache import DEFAULT_TTL, CachedFetcher, ResponseCache
from osswatch.health.endoflife import endoflife_url
from osswatch.health.http import HttpClient, RetryPolicy
from osswatch.health.release_store import load_histories, save_histories
from osswatch.health.sources import depsdev_source, source_for
from osswatch.model import Component


@dataclass(frozen=True, kw_only=True, slots=True)
class ScanSettings:
    """How a health scan reaches registries."""

    offline: bool = False
    ttl: timedelta = DEFAULT_TTL
    concurrency: int = 16
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    use_depsdev: bool = True
    with_scorecard: bool = False
    thresholds: HealthThresholds = field(default_factory=HealthThresholds)
    env: dict[str, str] | None = None
    """Environment to read the `OSSWATCH_*_URL` settings from (None: the process environment)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class HealthScan:
    """A health report, the URLs offline mode lacked, and how many HTTP requests were made."""

    report: HealthReport
    missing: tuple[str, ...]
    requests: int


async def scan_health(
    components: Iterable[Component],
    engine: Engine,
    settings: ScanSettings | None = None,
    on_progress: ProgressCallback | None = None,
    now: datetime | None = None,
) -> HealthScan:
    """Assess `components` through the cache in `engine` (and the network unless offline)."""
    chosen = settings or ScanSettings()
    moment = now or datetime.now(UTC)
    options = AssessOptions(
        now=moment,
        thresholds=chosen.thresholds,
        depsdev=depsdev_source(chosen.env) if chosen.use_depsdev else None,
        endoflife_url=endoflife_url(None if chosen.env is None else chosen.env.get("OSSWATCH_ENDOFLIFE_URL")),
        with_scorecard=chosen.with_scorecard,
    )
    listed = tuple(components)
    clock = datetime.now(UTC)
    packages = {p for c in listed if (p := c.package) is not None and c.version}
    # Offline, any stored history will do; online, only those fetched within the TTL.
    known = load_histories(engine, packages, None if chosen.offline else clock - chosen.ttl)
    async with HttpClient(concurrency=chosen.concurrency, policy=chosen.retry) as client:
        fetcher = CachedFetcher(
            cache=ResponseCache(engine),
            client=None if chosen.offline else client,
            ttl=chosen.ttl,
            offline=chosen.offline,
        )
        try:
            report = await assess(
                listed,
                fetcher,
                lambda e: source_for(e, chosen.env),
                options,
                on_progress=on_progress,
                known=known,
            )
        finally:
            fetcher.flush()
    save_histories(engine, report.histories, clock)
    return HealthScan(report=report, missing=tuple(fetcher.missing), requests=client.request_count)


__all__ = ["HealthScan", "ScanSettings", "scan_health"]
