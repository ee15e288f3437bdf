"""Which ecosystems' advisory data a scan lacks or holds too old, from the store's own status."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from osswatch.advisories.store import EcosystemStatus

DEFAULT_MAX_AGE = timedelta(hours=24)
"""Advisory data older than this is refreshed before a scan (unless offline)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class DataPlan:
    """What to fetch before matching: ecosystems never synced, and ecosystems synced too long ago."""

    missing: tuple[str, ...]
    stale: tuple[str, ...]
    oldest_sync: datetime | None
    """When the oldest needed ecosystem was last synced (None if one never was)."""

    @property
    def to_sync(self) -> tuple[str, ...]:
        """Everything to fetch, missing first."""
        return self.missing + self.stale


def plan_refresh(
    needed: Collection[str], status: Sequence[EcosystemStatus], *, now: datetime, max_age: timedelta
) -> DataPlan:
    """Compare the ecosystems a scan needs with what the store holds."""
    by_name = {row.ecosystem: row for row in status}
    missing = sorted(e for e in needed if e not in by_name or by_name[e].last_sync is None)
    present = [by_name[e] for e in needed if e not in missing]
    stale = sorted(row.ecosystem for row in present if (row.age(now) or timedelta()) > max_age)
    syncs = [row.last_sync for row in present if row.last_sync is not None]
    oldest = None if missing or not syncs else min(syncs)
    return DataPlan(missing=tuple(missing), stale=tuple(stale), oldest_sync=oldest)
