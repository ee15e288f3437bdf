"""The records every part of osswatch exchanges: frozen, typed, and free of behaviour that does I/O.

Nothing here imports another osswatch module. Ecosystem names are OSV names (`PyPI`, `npm`,
`crates.io`, ...; see https://ossf.github.io/osv-schema/#affectedpackage-field).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import NewType

EcosystemName = NewType("EcosystemName", str)
"""An OSV ecosystem name, possibly with a suffix (`Debian:12`)."""

Purl = NewType("Purl", str)
"""A package URL string (https://github.com/package-url/purl-spec)."""

AdvisoryId = NewType("AdvisoryId", str)
"""An advisory identifier such as `PYSEC-2021-66`, `GHSA-…`, `CVE-…`."""


class Scope(enum.StrEnum):
    """Why a component is present: needed at run time, only for development, or optional."""

    RUNTIME = "runtime"
    DEV = "dev"
    OPTIONAL = "optional"


@dataclass(frozen=True, kw_only=True, slots=True)
class Package:
    """A package in an ecosystem, by its normalized name."""

    ecosystem: EcosystemName
    name: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Location:
    """Where something was found: a file and, when known, a 1-based line."""

    path: str
    line: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Component:
    """One piece of open source found in a project.

    `ecosystem` is None for an unidentified component (an SBOM entry without a purl we can map);
    `version` is None when the file does not pin one (an unpinned requirement): such components are
    kept and reported, never dropped. `is_direct` is None when the file does not say.
    """

    name: str
    version: str | None
    ecosystem: EcosystemName | None
    purl: Purl | None
    location: Location
    is_direct: bool | None = None
    scope: Scope = Scope.RUNTIME
    licenses: tuple[str, ...] = ()
    supplier: str | None = None
    author: str | None = None
    hashes: tuple[str, ...] = ()
    ref: str | None = None
    """An identifier of this component within its file (a CycloneDX bom-ref, an SPDX id, a lock key)."""
    depends_on: tuple[str, ...] = ()
    """The `ref`s of the components this one depends on, where the file records a graph."""

    @property
    def is_identified(self) -> bool:
        """True when osswatch knows the ecosystem and the name, so advisories can be matched."""
        return self.ecosystem is not None

    @property
    def is_pinned(self) -> bool:
        """True when an exact version is known."""
        return self.version is not None

    @property
    def package(self) -> Package | None:
        """The ecosystem package this component is a version of, if identified."""
        if self.ecosystem is None:
            return None
        return Package(ecosystem=self.ecosystem, name=self.name)


@dataclass(frozen=True, kw_only=True, slots=True)
class SbomMetadata:
    """Document-level facts an SBOM states (for the NTIA minimum-elements check)."""

    timestamp: datetime | None = None
    authors: tuple[str, ...] = ()
    supplier: str | None = None
    subject: str | None = None
    """The name of what the SBOM describes (CycloneDX metadata.component, SPDX documentDescribes)."""
    spec: str | None = None
    """The format and version, e.g. `CycloneDX 1.6` or `SPDX-2.3`."""


@dataclass(frozen=True, kw_only=True, slots=True)
class SourceFile:
    """One file that was read, what kind it was, and how many components came from it."""

    path: str
    kind: str
    """The parser that read it, e.g. `poetry.lock`, `cyclonedx-json`."""
    component_count: int
    sbom: SbomMetadata | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Problem:
    """A file that could not be read, with what went wrong and where."""

    location: Location
    message: str

    def __str__(self) -> str:
        where = self.location.path
        if self.location.line is not None:
            where = f"{where}:{self.location.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True, kw_only=True, slots=True)
class Inventory:
    """Everything found under the paths scanned: components, the files they came from, and problems."""

    components: tuple[Component, ...] = ()
    sources: tuple[SourceFile, ...] = ()
    problems: tuple[Problem, ...] = ()

    def merged(self, other: Inventory) -> Inventory:
        """This inventory and `other` together, in order."""
        return Inventory(
            components=self.components + other.components,
            sources=self.sources + other.sources,
            problems=self.problems + other.problems,
        )


# --- advisories -------------------------------------------------------------------------------


class RangeType(enum.StrEnum):
    """OSV range types (https://ossf.github.io/osv-schema/#affectedrangestype-field)."""

    SEMVER = "SEMVER"
    ECOSYSTEM = "ECOSYSTEM"
    GIT = "GIT"


class EventKind(enum.StrEnum):
    """OSV range events (https://ossf.github.io/osv-schema/#affectedrangesevents-fields)."""

    INTRODUCED = "introduced"
    FIXED = "fixed"
    LAST_AFFECTED = "last_affected"
    LIMIT = "limit"


@dataclass(frozen=True, kw_only=True, slots=True)
class Event:
    """One event of an OSV range, in the order the record gives."""

    kind: EventKind
    version: str


@dataclass(frozen=True, kw_only=True, slots=True)
class AffectedRange:
    """An OSV `ranges[]` entry."""

    type: RangeType
    events: tuple[Event, ...]
    repo: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Severity:
    """An OSV `severity[]` entry: a scoring system (`CVSS_V3`, …) and its vector or score."""

    type: str
    score: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Affected:
    """An OSV `affected[]` entry: one package, its ranges, and any enumerated versions."""

    package: Package
    purl: Purl | None = None
    ranges: tuple[AffectedRange, ...] = ()
    versions: tuple[str, ...] = ()
    severity: tuple[Severity, ...] = ()
    ecosystem_specific: str | None = None
    """`ecosystem_specific` and `database_specific` of this entry as compact JSON, if present."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Reference:
    """An OSV `references[]` entry."""

    type: str
    url: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Advisory:
    """One OSV record, parsed and validated."""

    id: AdvisoryId
    modified: datetime
    published: datetime | None = None
    withdrawn: datetime | None = None
    aliases: tuple[AdvisoryId, ...] = ()
    related: tuple[AdvisoryId, ...] = ()
    summary: str = ""
    details: str = ""
    severity: tuple[Severity, ...] = ()
    affected: tuple[Affected, ...] = ()
    references: tuple[Reference, ...] = ()
    database_specific: str | None = None
    """`database_specific` as compact JSON, if present (e.g. RustSec's `informational`)."""

    @property
    def is_withdrawn(self) -> bool:
        """True when the record says it was withdrawn: it must never match."""
        return self.withdrawn is not None


@dataclass(frozen=True, kw_only=True, slots=True)
class Rating:
    """A severity computed from an advisory: a level and, where a vector gave one, a score."""

    level: str
    """`critical`, `high`, `medium`, `low`, `none` or `unknown`."""
    score: float | None = None
    vector: str | None = None
    system: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Finding:
    """A vulnerability affecting one component: all its ids, the fix, and how bad it is."""

    component: Component
    advisory_ids: tuple[AdvisoryId, ...]
    """Every id of this vulnerability (the advisories matched and their aliases), primary first."""
    aliases: tuple[AdvisoryId, ...]
    summary: str
    rating: Rating
    fixed_in: tuple[str, ...] = ()
    """Fixed versions above the installed one, smallest first."""
    references: tuple[str, ...] = ()
    published: datetime | None = None
    sources: tuple[AdvisoryId, ...] = field(default=())
    """The advisory records (by id) that matched, for attribution."""

    @property
    def id(self) -> AdvisoryId:
        """The primary id of the vulnerability."""
        return self.advisory_ids[0]


# --- policy -----------------------------------------------------------------------------------


class Level(enum.StrEnum):
    """How much a rule matters: `fail` breaks the build, `warn` is shown, `info` is recorded."""

    FAIL = "fail"
    WARN = "warn"
    INFO = "info"


@dataclass(frozen=True, kw_only=True, slots=True)
class Suppression:
    """Why a violation does not count: a waiver or a VEX statement, with who, why and until when."""

    kind: str
    """`waiver` or `vex`."""
    reason: str
    approved_by: str | None = None
    expires: datetime | None = None
    justification: str | None = None
    """The VEX justification (`component_not_present`, `vulnerable_code_not_in_execute_path`, …)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Violation:
    """One rule that fired, on one component (and vulnerability, where the rule is about one)."""

    rule_id: str
    level: Level
    message: str
    component: Component | None = None
    finding: Finding | None = None
    remediation: str | None = None
    """What to do, e.g. `upgrade requests 2.25.1 → 2.31.0`."""
    guidance: str | None = None
    """The clause or guidance the rule implements (e.g. `ISO/IEC 18974 §4.3.2`)."""
    suppressed: Suppression | None = None

    @property
    def is_active(self) -> bool:
        """True unless a waiver or VEX statement suppresses it."""
        return self.suppressed is None


@dataclass(frozen=True, kw_only=True, slots=True)
class Verdict:
    """The policy's answer for one scan: every violation, suppressed ones included."""

    violations: tuple[Violation, ...] = ()
    policy_name: str = "baseline"
    notes: tuple[str, ...] = ()
    """Things the evaluation wants people to know (an expired waiver, stale advisory data)."""

    def count(self, level: Level) -> int:
        """How many active violations at this level."""
        return sum(1 for v in self.violations if v.is_active and v.level is level)

    @property
    def is_passed(self) -> bool:
        """True when no active violation is at `fail` level."""
        return self.count(Level.FAIL) == 0
