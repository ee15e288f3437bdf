"""Evaluation: the baseline on real lockfiles and OSV data, and the semantics of scope and fallback rules."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from osswatch.advisories.base import InMemoryAdvisories
from osswatch.advisories.match import match_inventory
from osswatch.advisories.osv_record import parse_advisory
from osswatch.ecosystems.identity import normalize_name
from osswatch.inventory.collect import collect
from osswatch.model import (
    Advisory,
    Component,
    Finding,
    Inventory,
    Level,
    Purl,
    SbomMetadata,
    Scope,
    SourceFile,
)
from osswatch.policy.evaluate import evaluate
from osswatch.policy.facts import Facts
from osswatch.policy.rules import baseline
from tests.policy.builders import NOW, component, facts, finding, policy_of


@pytest.fixture(scope="module")
def pypi_advisories(shared_data: Path) -> list[Advisory]:
    with zipfile.ZipFile(shared_data / "osv" / "PyPI" / "all.zip") as archive:
        return [parse_advisory(json.loads(archive.read(n)), origin=n) for n in archive.namelist()]


def expected_rules(f: Finding, kev: frozenset[str], now: datetime) -> set[str]:
    """What the baseline must say about one finding, derived here from the finding alone."""
    ids = {i.upper() for i in (*f.advisory_ids, *f.aliases)}
    age = (now - f.published).days if f.published else None
    level = f.rating.level
    rules = set()
    if ids & kev:
        rules.add("known-exploited")
    if level in {"critical", "high"} and f.fixed_in:
        rules.add("fixable-critical-high")
    if level == "critical" and not f.fixed_in and age is not None and age >= 30:
        rules.add("critical-unfixed-30d")
    if level == "high" and not f.fixed_in and age is not None and age >= 90:
        rules.add("high-unfixed-90d")
    return rules or {"known-vulnerability"}


def check_baseline(inventory: Inventory, findings: list[Finding], kev: frozenset[str]) -> None:
    verdict = evaluate(
        baseline(), Facts(inventory=inventory, findings=tuple(findings), known_exploited=kev, now=NOW)
    )
    got: dict[tuple[Component, str], set[str]] = {}
    for v in verdict.violations:
        if v.finding is not None:
            got.setdefault((v.finding.component, v.finding.id), set()).add(v.rule_id)
    expected = {(f.component, f.id): expected_rules(f, kev, NOW) for f in findings}
    assert got == expected
    fails = {k for k, rules in expected.items() if rules != {"known-vulnerability"}}
    assert verdict.is_passed is (not fails)
    unpinned = [c for c in inventory.components if not c.is_pinned]
    assert sorted(
        v.component.name for v in verdict.violations if v.rule_id == "unpinned" and v.component
    ) == sorted(c.name for c in unpinned)
    for v in verdict.violations:
        if v.finding is not None and v.rule_id == "fixable-critical-high":
            assert v.level is Level.FAIL
            assert (
                v.remediation == f"upgrade {v.finding.component.name} {v.finding.component.version} "
                f"→ {v.finding.fixed_in[0]}"
            )


def test_baseline_on_itu_p1203(shared_data: Path, pypi_advisories: list[Advisory]) -> None:
    inventory = collect([shared_data / "lockfiles" / "itu-p1203" / "poetry.lock"])
    findings = match_inventory(
        [c for c in inventory.components if c.is_pinned], InMemoryAdvisories(pypi_advisories)
    )
    kev = frozenset(a.upper() for f in findings for a in f.aliases if a.startswith("CVE-"))
    check_baseline(inventory, findings, kev)
    check_baseline(inventory, findings, frozenset())


def affected_version(name: str, advisories: Iterable[Advisory]) -> str | None:
    """The first version an advisory enumerates as affected for this PyPI package."""
    for advisory in advisories:
        for affected in advisory.affected:
            if normalize_name("PyPI", affected.package.name) == name and affected.versions:
                return affected.versions[0]
    return None


def test_baseline_on_acapy_pinned_to_affected_versions(
    shared_data: Path, pypi_advisories: list[Advisory]
) -> None:
    """acapy's own pins have no known vulnerability here: each package moves to a listed affected version."""
    inventory = collect([shared_data / "lockfiles" / "acapy" / "poetry.lock"])
    as_is = match_inventory(inventory.components, InMemoryAdvisories(pypi_advisories))
    check_baseline(inventory, as_is, frozenset())
    moved = []
    for c in inventory.components:
        version = affected_version(normalize_name("PyPI", c.name), pypi_advisories)
        moved.append(
            c if version is None else replace(c, version=version, purl=Purl(f"pkg:pypi/{c.name}@{version}"))
        )
    older = Inventory(components=tuple(moved), sources=inventory.sources)
    findings = match_inventory(older.components, InMemoryAdvisories(pypi_advisories))
    assert findings, "the moved pins must meet advisories, or this test says nothing"
    kev = frozenset(a.upper() for f in findings[::5] for a in f.aliases if a.startswith("CVE-"))
    check_baseline(older, findings, kev)


def test_fallback_rule_only_sees_unflagged_findings() -> None:
    fixable = finding("GHSA-fix", level="critical", score=9.8)
    medium = finding("GHSA-med", level="medium", score=5.0, aliases=())
    verdict = evaluate(baseline(), facts(findings=(fixable, medium)))
    assert [(v.rule_id, v.finding.id if v.finding else None) for v in verdict.violations] == [
        ("fixable-critical-high", "GHSA-fix"),
        ("known-vulnerability", "GHSA-med"),
    ]
    assert verdict.violations[0].message == "GHSA-fix (critical, CVSS 9.8) in requests 2.25.1: " + (
        "Critical or high vulnerability with a fixed version available"
    )
    assert (
        verdict.violations[1].remediation == "review GHSA-med (medium) in requests 2.25.1; fixed in: 2.31.0"
    )


SCOPED = """\
[policy]
[[policy.rules]]
id = "scoped"
description = "scoped"
level = "fail"
scope = {{ {scope} }}
when = {{ vulnerable = true }}
"""
DEV = component("pytest", "7.0.0", scope=Scope.DEV)
NPM = component("left-pad", "1.0.0", ecosystem="npm", purl="pkg:npm/left-pad@1.0.0")


@pytest.mark.parametrize(
    ("scope", "project", "fired"),
    [
        ("include_dev = false", None, ["requests", "left-pad"]),
        ("include_dev = true", None, ["requests", "pytest", "left-pad"]),
        ('ecosystems = ["npm"]', None, ["left-pad"]),
        ('packages = ["req*", "pkg:npm/*"]', None, ["requests", "left-pad"]),
        ('projects = ["web-*"]', "web-shop", ["requests", "pytest", "left-pad"]),
        ('projects = ["web-*"]', "batch", []),
        ('projects = ["web-*"]', None, []),
    ],
    ids=["no-dev", "dev", "ecosystem", "packages", "project-in", "project-out", "project-unknown"],
)
def test_scope(scope: str, project: str | None, fired: list[str]) -> None:
    findings = tuple(finding(of=c) for c in (component(), DEV, NPM))
    verdict = evaluate(policy_of(SCOPED.format(scope=scope)), facts(findings=findings, project=project))
    assert [v.component.name for v in verdict.violations if v.component] == fired


def test_stale_advisory_data_refuses_a_pass() -> None:
    policy = policy_of(
        '[policy]\n[[policy.rules]]\nid = "stale"\ndescription = "Advisory data is stale"\nlevel = "fail"\n'
        "when = { advisory_data_older_than_days = 2 }\n"
    )
    stale = evaluate(policy, facts(advisory_data_age=timedelta(days=3, hours=1)))
    fresh = evaluate(policy, facts(advisory_data_age=timedelta(days=1)))
    assert not stale.is_passed
    assert fresh.is_passed
    assert stale.violations[0].message == "Advisory data is stale (advisory data is 3 days old)"


def test_missing_threat_data_is_noted() -> None:
    verdict = evaluate(baseline(), facts(component()))
    assert verdict.notes == ("the CISA KEV catalog was not loaded: rule(s) known-exploited could not fire",)
    kev_given = evaluate(baseline(), facts(component(), known_exploited=frozenset({"CVE-1"})))
    assert kev_given.notes == ()


def test_sbom_minimum_elements() -> None:
    complete = component(supplier="PSF", depends_on=(), location=component().location)
    sbom = SourceFile(
        path="requirements.txt", kind="cyclonedx-json", component_count=1, sbom=SbomMetadata(authors=("ci",))
    )
    inventory = Inventory(components=(complete,), sources=(sbom,))
    verdict = evaluate(baseline(), Facts(inventory=inventory, now=NOW, known_exploited=frozenset({"x"})))
    assert [(v.rule_id, v.message, v.remediation) for v in verdict.violations] == [
        (
            "sbom-minimum-elements",
            "requirements.txt: SBOM lacks NTIA minimum elements (missing: timestamp)",
            "add to the SBOM: timestamp",
        )
    ]


def test_evaluation_is_pure() -> None:
    given = facts(findings=(finding(), finding("GHSA-2", level="low", aliases=())))
    assert evaluate(baseline(), given) == evaluate(baseline(), given)


@pytest.mark.parametrize(
    ("level", "days", "rule_id"),
    [
        ("critical", 30, "critical-unfixed-30d"),
        ("critical", 29, "known-vulnerability"),
        ("high", 90, "high-unfixed-90d"),
        ("high", 89, "known-vulnerability"),
        ("high", None, "known-vulnerability"),
    ],
    ids=["critical-due", "critical-not-yet", "high-due", "high-not-yet", "high-undated"],
)
def test_remediation_deadlines(level: str, days: int | None, rule_id: str) -> None:
    unfixed = finding(level=level, fixed_in=(), published_days_ago=days)
    verdict = evaluate(baseline(), facts(findings=(unfixed,)))
    assert [v.rule_id for v in verdict.violations] == [rule_id]
