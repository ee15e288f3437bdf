"""A project-level view of health: total libyears, the share stale and unmaintained, the oldest ten."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from osswatch.health.assess import ComponentHealth

OLDEST_COUNT = 10


@dataclass(frozen=True, kw_only=True, slots=True)
class HealthSummary:
    """Totals over the components whose health is known (`assessed`); `unknown` counts the rest."""

    total_libyears: float
    stale_share: float
    unmaintained_share: float
    assessed: int
    unknown: int
    oldest: tuple[ComponentHealth, ...]
    """Up to ten components whose installed version was published longest ago, oldest first."""


def summarize(results: Sequence[ComponentHealth]) -> HealthSummary:
    """The summary of a project's component health."""
    known = [r for r in results if "unknown" not in r.health.status]
    dated = [(published, r) for r in known if (published := r.health.published) is not None]
    dated.sort(key=lambda pair: (pair[0], pair[1].component.name))
    return HealthSummary(
        total_libyears=round(sum(r.health.libyear or 0.0 for r in known), 2),
        stale_share=_share(known, "stale"),
        unmaintained_share=_share(known, "unmaintained"),
        assessed=len(known),
        unknown=len(results) - len(known),
        oldest=tuple(r for _, r in dated[:OLDEST_COUNT]),
    )


def _share(known: list[ComponentHealth], word: str) -> float:
    if not known:
        return 0.0
    return round(sum(1 for r in known if word in r.health.status) / len(known), 4)


def _published(result: ComponentHealth) -> str | None:
    moment: datetime | None = result.health.published
    return None if moment is None else moment.date().isoformat()


def summary_json(summary: HealthSummary) -> dict[str, Any]:
    """The JSON shape of a summary (docs/health.md)."""
    return {
        "total_libyears": summary.total_libyears,
        "stale_share": summary.stale_share,
        "unmaintained_share": summary.unmaintained_share,
        "assessed": summary.assessed,
        "unknown": summary.unknown,
        "oldest": [
            {
                "name": r.component.name,
                "version": r.component.version,
                "ecosystem": r.component.ecosystem,
                "published": _published(r),
            }
            for r in summary.oldest
        ],
    }


__all__ = ["OLDEST_COUNT", "HealthSummary", "summarize", "summary_json"]
