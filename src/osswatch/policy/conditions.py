"""The condition types a rule's `when` table may use: declared data, judged by code written here.

Each condition is a frozen record with the `when` key it is written under, the kind of subject it
judges (`Target`), a reader for its value, and `holds(subject, facts)`. A policy file can only pick
conditions from `CONDITIONS` and give them values; it never carries code (no `eval`).
"""

from __future__ import annotations

import enum
import fnmatch
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from osswatch.model import Component, Finding, SourceFile
from osswatch.policy import ntia
from osswatch.policy.facts import Facts


class Target(enum.IntEnum):
    """What a condition judges; a rule judges the most specific target of its conditions."""

    SCAN = 0
    COMPONENT = 1
    FINDING = 2
    SBOM = 3


@dataclass(frozen=True, kw_only=True, slots=True)
class Subject:
    """One thing a rule is judged on: a finding (with its component), a component, or an SBOM file."""

    component: Component | None = None
    finding: Finding | None = None
    source: SourceFile | None = None


class ConditionValueError(ValueError):
    """A condition's value has the wrong type or is out of range; the message reads after the key path."""


SEVERITIES = ("critical", "high", "medium", "low", "none", "unknown")


def _type_name(value: object) -> str:
    names = {dict: "a table", list: "a list", str: "a string", bool: "a boolean", int: "a number"}
    return names.get(type(value), "a number" if isinstance(value, float) else type(value).__name__)


def read_bool(value: object) -> bool:
    """A boolean, or ConditionValueError."""
    if not isinstance(value, bool):
        raise ConditionValueError(f"should be a boolean, found {_type_name(value)}")
    return value


def read_number(value: object, *, low: float = 0.0, high: float | None = None) -> float:
    """A number within [low, high], or ConditionValueError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConditionValueError(f"should be a number, found {_type_name(value)}")
    if value < low or (high is not None and value > high):
        bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise ConditionValueError(f"should be {bounds}, found {value:g}")
    return float(value)


def read_days(value: object) -> int:
    """A whole, non-negative number of days, or ConditionValueError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConditionValueError(f"should be a whole number of days, found {_type_name(value)}")
    if value < 0:
        raise ConditionValueError(f"should be at least 0, found {value}")
    return value


def read_strings(value: object, *, choices: tuple[str, ...] = ()) -> tuple[str, ...]:
    """A non-empty list of strings (each one of `choices`, when given), or ConditionValueError."""
    if not isinstance(value, list) or not value:
        raise ConditionValueError(f"should be a non-empty list of strings, found {_type_name(value)}")
    for item in value:
        if not isinstance(item, str):
            raise ConditionValueError(f"should be a list of strings, found {_type_name(item)} in it")
        if choices and item not in choices:
            raise ConditionValueError(f"has '{item}', expected one of: {', '.join(choices)}")
    return tuple(value)


def days_since(moment: datetime | None, now: datetime) -> int | None:
    """Whole days from `moment` to `now` (a naive moment is taken as UTC), or None."""
    if moment is None:
        return None
    return (now - (moment if moment.tzinfo else moment.replace(tzinfo=UTC))).days


def component_of(subject: Subject) -> Component | None:
    """The component a subject is about (a finding's component, or the component itself)."""
    return subject.finding.component if subject.finding else subject.component


# --- vulnerability conditions -----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class Vulnerable:
    """Any known vulnerability (the subject is a finding)."""

    key: ClassVar[str] = "vulnerable"
    target: ClassVar[Target] = Target.FINDING

    @classmethod
    def read(cls, value: object) -> Vulnerable:
        """From `vulnerable = true`."""
        if read_bool(value) is not True:
            raise ConditionValueError("can only be true (leave it out to judge components)")
        return cls()

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True for every finding."""
        return subject.finding is not None

    def text(self) -> str:
        """How `explain` shows it."""
        return "has a known vulnerability"


@dataclass(frozen=True, kw_only=True, slots=True)
class SeverityIn:
    """The vulnerability's severity level is one of these."""

    key: ClassVar[str] = "severity"
    target: ClassVar[Target] = Target.FINDING
    levels: tuple[str, ...]

    @classmethod
    def read(cls, value: object) -> SeverityIn:
        """From `severity = ["critical", "high"]`."""
        return cls(levels=read_strings(value, choices=SEVERITIES))

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when the finding's rating level is listed."""
        return subject.finding is not None and subject.finding.rating.level in self.levels

    def text(self) -> str:
        """How `explain` shows it."""
        return f"severity is {' or '.join(self.levels)}"


@dataclass(frozen=True, kw_only=True, slots=True)
class CvssAtLeast:
    """The vulnerability's CVSS base score is at least this."""

    key: ClassVar[str] = "cvss_at_least"
    target: ClassVar[Target] = Target.FINDING
    score: float

    @classmethod
    def read(cls, value: object) -> CvssAtLeast:
        """From `cvss_at_least = 7.0`."""
        return cls(score=read_number(value, high=10.0))

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when a score is known and reaches the threshold."""
        score = subject.finding.rating.score if subject.finding else None
        return score is not None and score >= self.score

    def text(self) -> str:
        """How `explain` shows it."""
        return f"CVSS ≥ {self.score:g}"


@dataclass(frozen=True, kw_only=True, slots=True)
class HasFix:
    """A fixed version above the installed one exists (or, with false, does not)."""

    key: ClassVar[str] = "has_fix"
    target: ClassVar[Target] = Target.FINDING
    expected: bool

    @classmethod
    def read(cls, value: object) -> HasFix:
        """From `has_fix = true`."""
        return cls(expected=read_bool(value))

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when the finding's fix availability is as expected."""
        return subject.finding is not None and bool(subject.finding.fixed_in) is self.expected

    def text(self) -> str:
        """How `explain` shows it."""
        return "a fix is available" if self.expected else "no fix is available"


@dataclass(frozen=True, kw_only=True, slots=True)
class PublishedDaysAtLeast:
    """The advisory was published at least this many days ago (a remediation deadline)."""

    key: ClassVar[str] = "published_days_at_least"
    target: ClassVar[Target] = Target.FINDING
    days: int

    @classmethod
    def read(cls, value: object) -> PublishedDaysAtLeast:
        """From `published_days_at_least = 30`."""
        return cls(days=read_days(value))

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when the publish date is known and old enough."""
        days = days_since(subject.finding.published if subject.finding else None, facts.now)
        return days is not None and days >= self.days

    def text(self) -> str:
        """How `explain` shows it."""
        return f"published ≥ {self.days} days ago"


@dataclass(frozen=True, kw_only=True, slots=True)
class KnownExploited:
    """The vulnerability is (or, with false, is not) in the CISA KEV catalog."""

    key: ClassVar[str] = "known_exploited"
    target: ClassVar[Target] = Target.FINDING
    expected: bool

    @classmethod
    def read(cls, value: object) -> KnownExploited:
        """From `known_exploited = true`."""
        return cls(expected=read_bool(value))

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when KEV membership is as expected."""
        return subject.finding is not None and facts.is_known_exploited(subject.finding) is self.expected

    def text(self) -> str:
        """How `explain` shows it."""
        return "in CISA KEV" if self.expected else "not in CISA KEV"


@dataclass(frozen=True, kw_only=True, slots=True)
class EpssAtLeast:
    """The EPSS probability of exploitation is at least this (0–1)."""

    key: ClassVar[str] = "epss_at_least"
    target: ClassVar[Target] = Target.FINDING
    score: float

    @classmethod
    def read(cls, value: object) -> EpssAtLeast:
        """From `epss_at_least = 0.1`."""
        return cls(score=read_number(value, high=1.0))

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when a score is known and reaches the threshold."""
        score = facts.epss_of(subject.finding) if subject.finding else None
        return score is not None and score >= self.score

    def text(self) -> str:
        """How `explain` shows it."""
        return f"EPSS ≥ {self.score:g}"


@dataclass(frozen=True, kw_only=True, slots=True)
class IdMatches:
    """Some id or alias of the vulnerability matches one of these glob patterns (`GHSA-*`)."""

    key: ClassVar[str] = "ids"
    target: ClassVar[Target] = Target.FINDING
    patterns: tuple[str, ...]

    @classmethod
    def read(cls, value: object) -> IdMatches:
        """From `ids = ["CVE-2021-*"]`."""
        return cls(patterns=read_strings(value))

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when any id matches any pattern (case-insensitive)."""
        if subject.finding is None:
            return False
        ids = (*subject.finding.advisory_ids, *subject.finding.aliases)
        return any(fnmatch.fnmatchcase(i.upper(), p.upper()) for i in ids for p in self.patterns)

    def text(self) -> str:
        """How `explain` shows it."""
        return f"id matches {', '.join(self.patterns)}"


def missing_elements(subject: Subject, facts: Facts) -> tuple[ntia.Element, ...]:
    """The NTIA minimum elements an SBOM subject lacks (none for other subjects)."""
    if subject.source is None:
        return ()
    path = subject.source.path
    parts = [c for c in facts.inventory.components if c.location.path == path]
    return ntia.missing_elements(subject.source, parts)
