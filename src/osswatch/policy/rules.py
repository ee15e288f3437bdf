"""Policies as data: the `Policy`, `Rule` and scope records, the condition table, and their loading.

A policy is read from `osswatch.toml` (`[policy]`), `pyproject.toml` (`[tool.osswatch.policy]`) or
YAML (`policy:`); see docs/policy.md. Every semantic error names the file, the line and the key path
(`osswatch.toml:7: unknown condition 'severty' at 'policy.rules[0].when.severty'`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import PurePath

from osswatch.errors import ParseError, PolicyError
from osswatch.inventory.base import Document
from osswatch.model import Level
from osswatch.policy.component_conditions import (
    FLAGS,
    AgeDaysAtLeast,
    BehindAtLeast,
    DataOlderThan,
    Flag,
    InactiveDaysAtLeast,
    LibyearAtLeast,
    LicenseIn,
    LicenseNotIn,
    NameMatches,
    SbomMissing,
    ScopeIn,
    flag_reader,
    name_reader,
)
from osswatch.policy.conditions import (
    CvssAtLeast,
    EpssAtLeast,
    HasFix,
    IdMatches,
    KnownExploited,
    PublishedDaysAtLeast,
    SeverityIn,
    Target,
    Vulnerable,
)

Condition = (
    Vulnerable
    | SeverityIn
    | CvssAtLeast
    | HasFix
    | PublishedDaysAtLeast
    | KnownExploited
    | EpssAtLeast
    | IdMatches
    | Flag
    | AgeDaysAtLeast
    | LibyearAtLeast
    | BehindAtLeast
    | InactiveDaysAtLeast
    | LicenseNotIn
    | LicenseIn
    | NameMatches
    | ScopeIn
    | SbomMissing
    | DataOlderThan
)
"""Any condition a rule's `when` table may hold."""

CONDITIONS: dict[str, Callable[[object], Condition]] = {
    Vulnerable.key: Vulnerable.read,
    SeverityIn.key: SeverityIn.read,
    CvssAtLeast.key: CvssAtLeast.read,
    HasFix.key: HasFix.read,
    PublishedDaysAtLeast.key: PublishedDaysAtLeast.read,
    KnownExploited.key: KnownExploited.read,
    EpssAtLeast.key: EpssAtLeast.read,
    IdMatches.key: IdMatches.read,
    AgeDaysAtLeast.key: AgeDaysAtLeast.read,
    LibyearAtLeast.key: LibyearAtLeast.read,
    BehindAtLeast.key: BehindAtLeast.read,
    InactiveDaysAtLeast.key: InactiveDaysAtLeast.read,
    LicenseNotIn.key: LicenseNotIn.read,
    LicenseIn.key: LicenseIn.read,
    "name": name_reader("name"),
    "purl": name_reader("purl"),
    ScopeIn.key: ScopeIn.read,
    SbomMissing.key: SbomMissing.read,
    DataOlderThan.key: DataOlderThan.read,
    **{flag: flag_reader(flag) for flag in FLAGS},
}
"""Every condition, by the key it is written under in `when`: the only vocabulary a policy has."""


class PolicyFileError(PolicyError):
    """A policy or waiver file that is not valid, with the file, the line (where known) and a message."""

    def __init__(self, path: str, message: str, *, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(f"{path}:{line}: {message}" if line is not None else f"{path}: {message}")

    @classmethod
    def of(cls, error: ParseError) -> PolicyFileError:
        """The same error, as a policy error."""
        return cls(error.path, error.message, line=error.line)


@dataclass(frozen=True, kw_only=True, slots=True)
class RuleScope:
    """Where a rule applies; empty lists mean everywhere."""

    projects: tuple[str, ...] = ()
    """Glob patterns on the project name."""
    ecosystems: tuple[str, ...] = ()
    """OSV ecosystem names (`PyPI`, `npm`)."""
    packages: tuple[str, ...] = ()
    """Glob patterns on the package name or purl."""
    include_dev: bool = True
    """Whether development-only components are judged."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Rule:
    """One rule: when all its conditions hold on a subject in scope, a violation at `level`."""

    id: str
    description: str
    level: Level
    when: tuple[Condition, ...]
    scope: RuleScope = RuleScope()
    guidance: str | None = None
    """The clause or guidance the rule implements (ISO/IEC 18974, OpenSSF, CISA BOD 22-01)."""
    remediation: str | None = None
    """A template such as `upgrade {name} {version} → {fixed}` (fields listed in REMEDIATION_FIELDS)."""
    is_fallback: bool = False
    """`otherwise = true`: judges only findings or components no other rule flagged."""

    @property
    def target(self) -> Target:
        """What the rule judges: the most specific target among its conditions."""
        return max((c.target for c in self.when), default=Target.SCAN)


@dataclass(frozen=True, kw_only=True, slots=True)
class Policy:
    """A named list of rules, and the file it came from."""

    name: str
    rules: tuple[Rule, ...]
    source: str = "<built-in>"


REMEDIATION_FIELDS = frozenset(
    {"name", "version", "ecosystem", "purl", "id", "ids", "severity", "fixed", "fixes", "latest", "missing"}
)
"""The placeholders a remediation template may use; no attribute access, no format specs."""

BASELINE_NAME = "baseline"


def baseline_text() -> str:
    """The built-in baseline policy, as TOML text (what `osswatch policy init` writes)."""
    return resources.files("osswatch.policy").joinpath("baseline.toml").read_text(encoding="utf-8")


def baseline() -> Policy:
    """The built-in baseline policy."""
    document = Document(path="baseline.toml", data=baseline_text().encode())
    return load_policy(document)


def load_policy(document: Document) -> Policy:
    """The policy in a TOML, pyproject.toml or YAML document; PolicyFileError (file:line) if invalid."""
    from osswatch.policy.policy_file import read_policy

    name = PurePath(document.path).name
    return read_policy(document, is_pyproject=name == "pyproject.toml", base=baseline)


__all__ = [
    "BASELINE_NAME",
    "CONDITIONS",
    "REMEDIATION_FIELDS",
    "Condition",
    "Policy",
    "PolicyFileError",
    "Rule",
    "RuleScope",
    "baseline",
    "baseline_text",
    "load_policy",
]
