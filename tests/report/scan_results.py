"""Scan results built from real data for the report tests: real lockfiles, real OSV PyPI advisories,
matched by the real matcher; verdicts are hand-built with fail, warn and suppressed violations."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from osswatch.advisories.base import InMemoryAdvisories
from osswatch.advisories.match import match_inventory
from osswatch.advisories.osv_record import parse_advisory
from osswatch.inventory.collect import collect
from osswatch.model import (
    AdvisoryId,
    Component,
    EcosystemName,
    Finding,
    Level,
    Location,
    Purl,
    Rating,
    Suppression,
    Verdict,
    Violation,
)
from osswatch.scan import ScanResult, matchable
from tests.conftest import ASSETS, SHARED_DATA

OLD_WEB = ASSETS / "report" / "old-web"
"""A hand-written poetry.lock pinning old requests/jinja2/pyyaml (with a pyproject.toml)."""
P1203 = SHARED_DATA / "lockfiles" / "itu-p1203"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@cache
def pypi_advisories() -> InMemoryAdvisories:
    """Every record of the real OSV PyPI export."""
    with zipfile.ZipFile(SHARED_DATA / "osv" / "PyPI" / "all.zip") as archive:
        records = [parse_advisory(json.loads(archive.read(n)), origin=n) for n in archive.namelist()]
    return InMemoryAdvisories(records)


@cache
def scanned(lockfile: Path) -> ScanResult:
    """A lockfile's inventory matched against the real PyPI advisories (no verdict)."""
    inventory = collect([lockfile])
    findings = match_inventory(matchable(inventory.components), pypi_advisories())
    return ScanResult(inventory=inventory, findings=tuple(findings))


def level_for(finding: Finding) -> Level:
    """The hand-built policy: high and critical fail, everything else warns."""
    return Level.FAIL if finding.rating.level in ("critical", "high") else Level.WARN


VEX_NOT_REACHABLE = Suppression(
    kind="vex", reason="we never call where()", justification="vulnerable_code_not_in_execute_path"
)
WAIVER = Suppression(
    kind="waiver",
    reason="dev-only tool, replaced next sprint",
    approved_by="security@example.org",
    expires=datetime(2026, 6, 30, tzinfo=UTC),
)


def with_verdict(result: ScanResult) -> ScanResult:
    """The result with a hand-built verdict: a violation per finding (certifi's first suppressed by VEX,
    pyyaml's waived), plus two rules that are not about a vulnerability."""
    violations: list[Violation] = []
    vexed = False
    for finding in result.findings:
        suppressed = None
        if finding.component.name == "certifi" and not vexed:
            suppressed, vexed = VEX_NOT_REACHABLE, True
        elif finding.component.name == "pyyaml":
            suppressed = WAIVER
        violations.append(vulnerability_violation(finding, level_for(finding), suppressed))
    by_name = {c.name: c for c in result.inventory.components}
    if "markupsafe" in by_name:
        violations.append(
            Violation(
                rule_id="license-unknown",
                level=Level.FAIL,
                message="no license declared",
                component=by_name["markupsafe"],
                guidance="OpenChain ISO/IEC 5230 §3.3",
            )
        )
    if "chardet" in by_name:
        violations.append(
            Violation(
                rule_id="stale",
                level=Level.WARN,
                message="chardet 4.0.0 is 2 major versions behind",
                component=by_name["chardet"],
                remediation="upgrade chardet 4.0.0 → 5.2.0",
            )
        )
    verdict = Verdict(violations=tuple(violations), notes=("advisory data is 3 days old",))
    return ScanResult(inventory=result.inventory, findings=result.findings, verdict=verdict)


def vulnerability_violation(
    finding: Finding, level: Level, suppressed: Suppression | None = None
) -> Violation:
    """The violation a vulnerability rule gives a finding."""
    component = finding.component
    fix = (
        f"upgrade {component.name} {component.version} → {finding.fixed_in[0]}" if finding.fixed_in else None
    )
    return Violation(
        rule_id=f"vulnerability-{finding.rating.level}",
        level=level,
        message=f"{finding.id} ({finding.rating.level}) in {finding.component.name}",
        finding=finding,
        component=finding.component,
        remediation=fix,
        guidance="ISO/IEC 18974 §4.3.2",
        suppressed=suppressed,
    )


HOSTILE_NAME = "<script>alert(1)</script>"


def hostile_result() -> ScanResult:
    """A component and an advisory full of markup, to check every format escapes."""
    component = Component(
        name=HOSTILE_NAME,
        version='1.0"><img src=x onerror=alert(2)>',
        ecosystem=EcosystemName("PyPI"),
        purl=Purl("pkg:pypi/evil@1.0"),
        location=Location(path="sub dir/<b>requirements</b>.txt", line=3),
        is_direct=True,
        ref="evil",
    )
    finding = Finding(
        component=component,
        advisory_ids=(AdvisoryId("GHSA-<i>x</i>"),),
        aliases=(),
        summary="| **bold** [link](javascript:alert(3)) <details> `code`",
        rating=Rating(
            level="critical",
            score=9.8,
            vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            system="CVSS_V3",
        ),
        fixed_in=("2.0<script>",),
        references=("javascript:alert(4)",),
    )
    from osswatch.model import Inventory

    violation = vulnerability_violation(finding, Level.FAIL)
    return ScanResult(
        inventory=Inventory(components=(component,)),
        findings=(finding,),
        verdict=Verdict(violations=(violation,), notes=("<marquee>note</marquee>",)),
    )
