"""One scan: inventory → advisory matching → health → policy, composed into a `ScanResult`.

This is the only entry the CLI, the server and the workers call. It does no I/O itself: the
inventory and the advisory source are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from osswatch.advisories.base import AdvisorySource
from osswatch.ecosystems.identity import base_ecosystem
from osswatch.model import Component, Finding, Inventory, Verdict

if TYPE_CHECKING:
    from osswatch.health.base import Health
    from osswatch.policy.rules import Policy
    from osswatch.policy.vex import VexStatement
    from osswatch.policy.waivers import Waiver


@dataclass(frozen=True, kw_only=True, slots=True)
class ScanResult:
    """What one scan found."""

    inventory: Inventory
    findings: tuple[Finding, ...]
    health: Mapping[Component, Health] = field(default_factory=dict)
    """Health per component, when it was assessed (empty with `--no-health`)."""
    verdict: Verdict | None = None
    """The policy's verdict, when a policy was evaluated."""
    missing_advisories: tuple[str, ...] = ()
    """Ecosystems the scan needed but had no advisory data for (their components were not checked)."""


def matchable(components: Iterable[Component]) -> list[Component]:
    """The components advisories can be matched against: identified and pinned."""
    return [c for c in components if c.is_identified and c.is_pinned]


def ecosystems_needed(inventory: Inventory) -> set[str]:
    """The OSV base ecosystems whose advisories this inventory needs."""
    return {base_ecosystem(c.ecosystem) for c in matchable(inventory.components) if c.ecosystem}


def scan(inventory: Inventory, advisories: AdvisorySource) -> ScanResult:
    """Match every identified, pinned component against the advisories."""
    from osswatch.advisories.match import match_inventory

    findings = match_inventory(matchable(inventory.components), advisories)
    return ScanResult(inventory=inventory, findings=tuple(findings))


@dataclass(frozen=True, kw_only=True, slots=True)
class PolicySetup:
    """Everything the policy judges with besides the scan: rules, waivers, VEX, threat intelligence."""

    policy: Policy
    waivers: tuple[Waiver, ...] = ()
    vex: tuple[VexStatement, ...] = ()
    known_exploited: frozenset[str] = frozenset()
    epss: Mapping[str, float] = field(default_factory=dict)
    advisory_data_age: timedelta | None = None
    project: str | None = None


def judge(result: ScanResult, setup: PolicySetup, *, now: datetime) -> ScanResult:
    """The scan with the policy's verdict on it."""
    from dataclasses import replace

    from osswatch.policy.evaluate import evaluate
    from osswatch.policy.facts import Facts

    facts = Facts(
        inventory=result.inventory,
        findings=result.findings,
        health=result.health,
        known_exploited=setup.known_exploited,
        epss=setup.epss,
        advisory_data_age=setup.advisory_data_age,
        now=now,
        project=setup.project,
    )
    return replace(result, verdict=evaluate(setup.policy, facts, setup.waivers, setup.vex))
