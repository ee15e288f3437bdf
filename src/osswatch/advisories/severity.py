"""How bad an advisory is: a `Rating` from OSV `severity[]` vectors, or from a database's own word.

OSV `severity[]` (https://ossf.github.io/osv-schema/#severity-field) carries CVSS vectors, which the
`cvss` library scores (v2, v3.0/3.1, v4.0). Where no vector can be scored, GitHub's
`database_specific.severity` word (`LOW`, `MODERATE`, `HIGH`, `CRITICAL`) is the fallback. Of several
ratings the highest wins: the level first, then the score.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from functools import lru_cache

import cvss

from osswatch.model import Advisory, Affected, Rating, Severity

_log = logging.getLogger(__name__)

UNKNOWN = Rating(level="unknown")
"""The rating of an advisory that says nothing usable about its severity."""

# Lowest first: the index is the rank used to pick the highest rating.
LEVELS: tuple[str, ...] = ("unknown", "none", "low", "medium", "high", "critical")
"""Every `Rating.level`, from the least to the most severe."""

# GHSA words (https://docs.github.com/en/code-security/security-advisories) and Ubuntu priorities.
_WORDS = {
    "critical": "critical",
    "high": "high",
    "moderate": "medium",
    "medium": "medium",
    "low": "low",
    "negligible": "low",
    "none": "none",
}


def rating_of(advisory: Advisory, entries: Iterable[Affected] = ()) -> Rating:
    """The highest rating of an advisory, from its own and the given `affected[]` entries' severity."""
    severities = list(advisory.severity)
    for entry in entries:
        severities.extend(entry.severity)
    return rating_from(tuple(severities), database_word(advisory.database_specific))


@lru_cache(maxsize=65536)  # a scan rates the same few vector combinations over and over
def rating_from(severities: tuple[Severity, ...], word: str | None) -> Rating:
    """The highest rating the `severity[]` entries score, else the `database_specific` word's."""
    scored = [r for r in map(rating_from_severity, severities) if r is not None]
    if scored:
        return highest(scored)
    rated = None if word is None else rating_from_word(word, system="database_specific")
    return UNKNOWN if rated is None else rated


def highest(ratings: Iterable[Rating]) -> Rating:
    """The most severe of `ratings` (level, then score); `UNKNOWN` when there are none."""
    return max(ratings, key=_rank, default=UNKNOWN)


@lru_cache(maxsize=65536)
def rating_from_severity(severity: Severity) -> Rating | None:
    """The rating of one OSV `severity[]` entry, or None when it cannot be scored (cached: few differ)."""
    kind = severity.type.upper()
    try:
        match kind:
            case "CVSS_V2":
                return _cvss2(severity.score)
            case "CVSS_V3":
                return _cvss3(severity.score)
            case "CVSS_V4":
                return _cvss4(severity.score)
            case _:
                return rating_from_word(severity.score, system=severity.type)
    except cvss.CVSSError as error:
        # A malformed vector in one record must not hide the others or stop a scan.
        _log.debug("unscorable %s vector %r: %s", kind, severity.score, error)
        return None


def rating_from_word(word: str, *, system: str) -> Rating | None:
    """The rating a database's severity word names (`MODERATE` → medium), or None if unknown."""
    level = _WORDS.get(word.strip().lower())
    return None if level is None else Rating(level=level, system=system)


def level_of_cvss2(score: float) -> str:
    """NVD's CVSS v2 bands: low below 4, medium below 7, high from 7 (v2 defines no levels)."""
    if score >= 7.0:
        return "high"
    if score >= 4.0:
        return "medium"
    return "low"


def _cvss2(vector: str) -> Rating:
    scored = cvss.CVSS2(vector.removeprefix("(").removesuffix(")"))
    score = float(scored.base_score)
    return Rating(level=level_of_cvss2(score), score=score, vector=vector, system="CVSS_V2")


def _cvss3(vector: str) -> Rating:
    scored = cvss.CVSS3(vector)
    level = str(scored.severities()[0]).lower()
    return Rating(level=level, score=float(scored.base_score), vector=vector, system="CVSS_V3")


def _cvss4(vector: str) -> Rating:
    scored = cvss.CVSS4(vector)
    level = str(scored.severity).lower()
    return Rating(level=level, score=float(scored.base_score), vector=vector, system="CVSS_V4")


def database_word(database_specific: str | None) -> str | None:
    """GitHub's `database_specific.severity` word in a record's compact JSON, the fallback rating."""
    if database_specific is None:
        return None
    try:
        return word_of(json.loads(database_specific))
    except ValueError:
        return None


def word_of(database_specific: object) -> str | None:
    """The `severity` string of a record's `database_specific` object, or None."""
    match database_specific:
        case {"severity": str(word)}:
            return word
        case _:
            return None


def _rank(rating: Rating) -> tuple[int, float]:
    level = LEVELS.index(rating.level) if rating.level in LEVELS else 0
    return (level, rating.score if rating.score is not None else -1.0)
