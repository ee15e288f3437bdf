"""Health as a person says it: "3.2 years behind", "no release since 2021-03", and a risk order."""

from __future__ import annotations

from datetime import datetime

from osswatch.health.assess import ComponentHealth

# Heavier words first: what may break or is abandoned outranks what is merely old.
_RISK = {
    "end-of-life": 50,
    "yanked": 40,
    "deprecated": 30,
    "unmaintained": 20,
    "stale": 10,
    "unknown": 5,
    "outdated": 1,
}


def risk_score(result: ComponentHealth) -> int:
    """A number that orders components from most to least at risk (higher is worse)."""
    return sum(_RISK.get(word, 0) for word in result.health.status)


def by_risk(results: list[ComponentHealth]) -> list[ComponentHealth]:
    """Most at risk first; ties by libyears, then by name."""
    return sorted(
        results,
        key=lambda r: (
            -risk_score(r),
            -(r.health.libyear or 0.0),
            r.component.name,
            r.component.version or "",
        ),
    )


def years_behind(libyear: float | None) -> str:
    """ "up to date", "2 months behind", "3.2 years behind", or "?" when unknown."""
    if libyear is None:
        return "?"
    if libyear == 0:
        return "up to date"
    if libyear < 1:
        months = max(1, round(libyear * 12))
        return f"{months} month{'s' if months != 1 else ''} behind"
    return f"{libyear:.1f} years behind"


def month_of(moment: datetime | None) -> str:
    """ "2021-03", or "?" when unknown."""
    return "?" if moment is None else moment.strftime("%Y-%m")


def last_release_text(result: ComponentHealth) -> str:
    """ "no release since 2021-03" for unmaintained packages, else "latest release 2024-05"."""
    health = result.health
    if health.last_release is None:
        return "?"
    if "unmaintained" in health.status:
        return f"no release since {month_of(health.last_release)}"
    return month_of(health.last_release)


__all__ = ["by_risk", "last_release_text", "month_of", "risk_score", "years_behind"]
