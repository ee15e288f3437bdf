"""Conditions on components (health, license, identity, place in the graph), SBOMs and the scan itself."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from osswatch.health.base import Health
from osswatch.model import Component, Scope
from osswatch.policy import licenses
from osswatch.policy.conditions import (
    ConditionValueError,
    Subject,
    Target,
    component_of,
    days_since,
    missing_elements,
    read_bool,
    read_days,
    read_number,
    read_strings,
)
from osswatch.policy.facts import Facts
from osswatch.policy.ntia import Element

_Probe = Callable[[Component, Health, Facts], bool | None]

_FLAGS: dict[str, tuple[_Probe, str]] = {
    "unmaintained": (lambda c, h, f: "unmaintained" in h.status, "unmaintained"),
    "deprecated": (lambda c, h, f: h.deprecated is not None or "deprecated" in h.status, "deprecated"),
    "yanked": (lambda c, h, f: h.yanked, "yanked"),
    "end_of_life": (
        lambda c, h, f: (
            "end-of-life" in h.status or (h.end_of_life is not None and h.end_of_life <= f.now.date())
        ),
        "at end of life",
    ),
    "unpinned": (lambda c, h, f: not c.is_pinned, "unpinned"),
    "unidentified": (lambda c, h, f: not c.is_identified, "unidentified"),
    # None (the file does not say) is neither direct nor transitive.
    "direct": (lambda c, h, f: c.is_direct, "a direct dependency"),
}


@dataclass(frozen=True, kw_only=True, slots=True)
class Flag:
    """A yes/no property of a component: unmaintained, deprecated, yanked, end of life, unpinned, …"""

    target: ClassVar[Target] = Target.COMPONENT
    flag: str
    expected: bool

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when the property is known and equals the expected value."""
        component = component_of(subject)
        if component is None:
            return False
        actual = _FLAGS[self.flag][0](component, facts.health_of(component), facts)
        return actual is not None and actual is self.expected

    def text(self) -> str:
        """How `explain` shows it."""
        return f"{'' if self.expected else 'not '}{_FLAGS[self.flag][1]}"


def flag_reader(flag: str) -> Callable[[object], Flag]:
    """The reader of `flag = true|false`."""
    return lambda value: Flag(flag=flag, expected=read_bool(value))


FLAGS = tuple(_FLAGS)


@dataclass(frozen=True, kw_only=True, slots=True)
class AgeDaysAtLeast:
    """The installed version was published at least this many days ago (its own date, not latest's)."""

    key: ClassVar[str] = "age_days_at_least"
    target: ClassVar[Target] = Target.COMPONENT
    days: int

    @classmethod
    def read(cls, value: object) -> AgeDaysAtLeast:
        """From `age_days_at_least = 365`."""
        return cls(days=read_days(value))

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when the installed version's publish date is known and old enough."""
        component = component_of(subject)
        published = facts.health_of(component).published if component else None
        days = days_since(published, facts.now)
        return days is not None and days >= self.days

    def text(self) -> str:
        """How `explain` shows it."""
        return f"installed version ≥ {self.days} days old"


@dataclass(frozen=True, kw_only=True, slots=True)
class LibyearAtLeast:
    """The component is at least this many libyears behind the latest release."""

    key: ClassVar[str] = "libyear_at_least"
    target: ClassVar[Target] = Target.COMPONENT
    years: float

    @classmethod
    def read(cls, value: object) -> LibyearAtLeast:
        """From `libyear_at_least = 2`."""
        return cls(years=read_number(value))

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when libyear is known and reaches the threshold."""
        component = component_of(subject)
        years = facts.health_of(component).libyear if component else None
        return years is not None and years >= self.years

    def text(self) -> str:
        """How `explain` shows it."""
        return f"libyear ≥ {self.years:g}"


_BEHIND_PARTS = ("major", "minor", "patch", "releases")


@dataclass(frozen=True, kw_only=True, slots=True)
class BehindAtLeast:
    """The component is at least this far behind, in each part given (major, minor, patch, releases)."""

    key: ClassVar[str] = "behind"
    target: ClassVar[Target] = Target.COMPONENT
    counts: tuple[tuple[str, int], ...]

    @classmethod
    def read(cls, value: object) -> BehindAtLeast:
        """From `behind = { major = 1 }`."""
        if not isinstance(value, dict) or not value:
            raise ConditionValueError("should be a table such as { major = 1 }")
        for part in value:
            if part not in _BEHIND_PARTS:
                raise ConditionValueError(f"has '{part}', expected one of: {', '.join(_BEHIND_PARTS)}")
        return cls(counts=tuple((part, read_days(count)) for part, count in value.items()))

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when how far behind is known and every given part reaches its count."""
        component = component_of(subject)
        behind = facts.health_of(component).behind if component else None
        return behind is not None and all(getattr(behind, p) >= n for p, n in self.counts)

    def text(self) -> str:
        """How `explain` shows it."""
        return "behind by " + ", ".join(f"≥ {n} {p}" for p, n in self.counts)


@dataclass(frozen=True, kw_only=True, slots=True)
class InactiveDaysAtLeast:
    """The package has had no release of any kind for at least this many days."""

    key: ClassVar[str] = "inactive_days_at_least"
    target: ClassVar[Target] = Target.COMPONENT
    days: int

    @classmethod
    def read(cls, value: object) -> InactiveDaysAtLeast:
        """From `inactive_days_at_least = 730`."""
        return cls(days=read_days(value))

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when inactivity is known and long enough."""
        component = component_of(subject)
        days = facts.health_of(component).inactive_days if component else None
        return days is not None and days >= self.days

    def text(self) -> str:
        """How `explain` shows it."""
        return f"no release for ≥ {self.days} days"


@dataclass(frozen=True, kw_only=True, slots=True)
class LicenseNotIn:
    """Allow-list: no way to satisfy the component's license uses only these (no license fails too)."""

    key: ClassVar[str] = "license_not_in"
    target: ClassVar[Target] = Target.COMPONENT
    allowed: tuple[str, ...]

    @classmethod
    def read(cls, value: object) -> LicenseNotIn:
        """From `license_not_in = ["MIT", "Apache-2.0"]`."""
        return cls(allowed=read_strings(value))

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when the license expression cannot be met from the allow-list."""
        component = component_of(subject)
        return component is not None and not licenses.is_allowed(component.licenses, self.allowed)

    def text(self) -> str:
        """How `explain` shows it."""
        return f"license not within {', '.join(self.allowed)}"


@dataclass(frozen=True, kw_only=True, slots=True)
class LicenseIn:
    """Deny-list: every way to satisfy the component's license includes one of these."""

    key: ClassVar[str] = "license_in"
    target: ClassVar[Target] = Target.COMPONENT
    denied: tuple[str, ...]

    @classmethod
    def read(cls, value: object) -> LicenseIn:
        """From `license_in = ["GPL-3.0-only"]`."""
        return cls(denied=read_strings(value))

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when the license expression cannot avoid the deny-list."""
        component = component_of(subject)
        return component is not None and licenses.is_denied(component.licenses, self.denied)

    def text(self) -> str:
        """How `explain` shows it."""
        return f"license needs one of {', '.join(self.denied)}"


@dataclass(frozen=True, kw_only=True, slots=True)
class NameMatches:
    """The package name (or, under `purl`, the package URL) matches one of these glob patterns."""

    target: ClassVar[Target] = Target.COMPONENT
    field: str
    patterns: tuple[str, ...]

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when the name or purl matches a pattern (names case-insensitively)."""
        component = component_of(subject)
        if component is None:
            return False
        if self.field == "purl":
            return component.purl is not None and matches_any(component.purl, self.patterns)
        return matches_any(component.name.lower(), tuple(p.lower() for p in self.patterns))

    def text(self) -> str:
        """How `explain` shows it."""
        return f"{self.field} matches {', '.join(self.patterns)}"


def matches_any(text: str, patterns: tuple[str, ...]) -> bool:
    """True when `text` matches one of the glob patterns (`*`, `?`, `[…]`)."""
    return any(fnmatch.fnmatchcase(text, p) for p in patterns)


def name_reader(field: str) -> Callable[[object], NameMatches]:
    """The reader of `name = [...]` or `purl = [...]`."""
    return lambda value: NameMatches(field=field, patterns=read_strings(value))


@dataclass(frozen=True, kw_only=True, slots=True)
class ScopeIn:
    """The component's scope (runtime, dev, optional) is one of these."""

    key: ClassVar[str] = "component_scope"
    target: ClassVar[Target] = Target.COMPONENT
    scopes: tuple[str, ...]

    @classmethod
    def read(cls, value: object) -> ScopeIn:
        """From `component_scope = ["dev"]`."""
        return cls(scopes=read_strings(value, choices=tuple(s.value for s in Scope)))

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when the component's scope is listed."""
        component = component_of(subject)
        return component is not None and component.scope.value in self.scopes

    def text(self) -> str:
        """How `explain` shows it."""
        return f"scope is {' or '.join(self.scopes)}"


@dataclass(frozen=True, kw_only=True, slots=True)
class SbomMissing:
    """The SBOM lacks one of these NTIA minimum elements."""

    key: ClassVar[str] = "sbom_missing"
    target: ClassVar[Target] = Target.SBOM
    elements: tuple[Element, ...]

    @classmethod
    def read(cls, value: object) -> SbomMissing:
        """From `sbom_missing = ["supplier", "timestamp"]`."""
        names = read_strings(value, choices=tuple(e.value for e in Element))
        return cls(elements=tuple(Element(n) for n in names))

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when any listed element is missing."""
        return bool(set(missing_elements(subject, facts)) & set(self.elements))

    def text(self) -> str:
        """How `explain` shows it."""
        return f"SBOM lacks any of {', '.join(self.elements)}"


@dataclass(frozen=True, kw_only=True, slots=True)
class DataOlderThan:
    """The advisory data is older than this many days (stale data can refuse a pass)."""

    key: ClassVar[str] = "advisory_data_older_than_days"
    target: ClassVar[Target] = Target.SCAN
    days: int

    @classmethod
    def read(cls, value: object) -> DataOlderThan:
        """From `advisory_data_older_than_days = 2`."""
        return cls(days=read_days(value))

    def holds(self, subject: Subject, facts: Facts) -> bool:
        """True when the data's age is known and exceeds the limit."""
        age = facts.advisory_data_age
        return age is not None and age.total_seconds() > self.days * 86_400

    def text(self) -> str:
        """How `explain` shows it."""
        return f"advisory data older than {self.days} days"
