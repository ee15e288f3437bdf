"""The fix plan: one upgrade per package to the smallest version at or above every needed fix."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from osswatch.ecosystems.identity import normalize_name
from osswatch.model import AdvisoryId, Component, EcosystemName, Finding, Inventory, Level, Location, Rating
from osswatch.remediation import DependencyGraph, fix_plan, smallest_target
from osswatch.scan import ScanResult
from tests.report.scan_results import OLD_WEB, P1203, scanned, with_verdict


def _lock_parents() -> dict[str, set[str]]:
    """Independently from the lockfile: package → the packages whose [package.dependencies] name it."""
    parents: dict[str, set[str]] = defaultdict(set)
    for package in tomllib.loads((OLD_WEB / "poetry.lock").read_text())["package"]:
        for child in package.get("dependencies", {}):
            parents[normalize_name("PyPI", child)].add(package["name"])
    return parents


def test_without_policy_every_vulnerable_package_moves_to_its_highest_needed_fix() -> None:
    result = scanned(OLD_WEB / "poetry.lock")
    needed: dict[str, list[str]] = defaultdict(list)
    for finding in result.findings:
        needed[finding.component.name].append(finding.fixed_in[0])
    plan = fix_plan(result)
    targets = {u.component.name: u.target for u in plan.upgrades}
    assert targets == {name: str(max(map(Version, fixes))) for name, fixes in needed.items()}
    assert plan.unfixable == ()
    parents = _lock_parents()
    for upgrade in plan.upgrades:
        if upgrade.component.is_direct:
            assert upgrade.via == ()
        else:
            assert {c.name for c in upgrade.via} == parents[upgrade.component.name]
    cleared = sorted(i for u in plan.upgrades for i in u.clears)
    assert cleared == sorted(f.id for f in result.findings)


def test_with_a_verdict_only_active_failures_count() -> None:
    result = with_verdict(scanned(OLD_WEB / "poetry.lock"))
    assert result.verdict is not None
    failing = [
        v.finding for v in result.verdict.violations if v.is_active and v.level is Level.FAIL and v.finding
    ]
    plan = fix_plan(result)
    assert sorted(i for u in plan.upgrades for i in u.clears) == sorted(f.id for f in failing)
    urllib3 = next(u for u in plan.upgrades if u.component.name == "urllib3")
    expected = max((f.fixed_in[0] for f in failing if f.component.name == "urllib3"), key=Version)
    assert urllib3.target == expected
    assert urllib3.action == f"upgrade urllib3 1.26.4 → {expected} (via requests 2.25.1)"
    assert "pyyaml" not in {u.component.name for u in plan.upgrades}  # waived


def test_a_finding_without_a_fix_is_unfixable() -> None:
    result = scanned(P1203 / "poetry.lock")
    plan = fix_plan(result)
    assert plan.upgrades == ()
    assert plan.unfixable == result.findings
    assert plan.best is None


def _finding(component: Component, *fixes: str, advisory: str = "OSV-1") -> Finding:
    return Finding(
        component=component,
        advisory_ids=(AdvisoryId(advisory),),
        aliases=(),
        summary="",
        rating=Rating(level="high"),
        fixed_in=fixes,
    )


def _component(name: str, version: str, ecosystem: str = "PyPI", **extra: object) -> Component:
    return Component(
        name=name,
        version=version,
        ecosystem=EcosystemName(ecosystem),
        purl=None,
        location=Location(path="lock", line=1),
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("ecosystem", "fixes", "target"),
    [
        ("PyPI", ("1.9", "1.10"), "1.10"),
        ("PyPI", ("2.0.0rc1", "1.9.9"), "2.0.0rc1"),
        ("npm", ("1.2.10", "1.2.9"), "1.2.10"),
        ("Debian:12", ("1.2-1+deb12u1", "1.2-1"), "1.2-1+deb12u1"),
        ("Nowhere", ("3", "3"), "3"),
        ("Nowhere", ("3", "4"), None),
    ],
    ids=["pep440-numeric", "pep440-pre", "semver", "debian", "unknown-one-fix", "unknown-two-fixes"],
)
def test_target_uses_the_ecosystem_order(ecosystem: str, fixes: tuple[str, ...], target: str | None) -> None:
    component = _component("pkg", "1.0", ecosystem)
    assert smallest_target(component, fixes) == target
    findings = tuple(_finding(component, fix, advisory=f"OSV-{i}") for i, fix in enumerate(fixes))
    plan = fix_plan(ScanResult(inventory=Inventory(components=(component,)), findings=findings))
    if target is None:
        assert plan.upgrades == ()
        assert len(plan.unfixable) == len(fixes)
    else:
        (upgrade,) = plan.upgrades
        assert upgrade.target == target


def test_graph_walks_chains_and_survives_cycles() -> None:
    app = _component("app", "1", is_direct=True, ref="app", depends_on=("mid",))
    other = _component("other", "1", is_direct=True, ref="other", depends_on=("leaf",))
    mid = _component("mid", "1", is_direct=False, ref="mid", depends_on=("leaf",))
    leaf = _component("leaf", "1", is_direct=False, ref="leaf", depends_on=("mid",))  # a cycle back
    elsewhere = replace(app, location=Location(path="other-lock"), depends_on=("leaf",))
    graph = DependencyGraph((app, other, mid, leaf, elsewhere))
    assert graph.direct_of(leaf) == (app, other)
    assert graph.direct_of(mid) == (app, other)  # other → leaf → mid, through the cycle
    assert graph.direct_of(app) == ()
    assert graph.direct_of(replace(leaf, is_direct=None)) == ()


def test_best_is_the_upgrade_clearing_most() -> None:
    a, b = _component("a", "1.0"), _component("b", "1.0")
    findings = (
        _finding(a, "1.1", advisory="X-1"),
        _finding(b, "2", advisory="X-2"),
        _finding(b, "3", advisory="X-3"),
    )
    plan = fix_plan(ScanResult(inventory=Inventory(components=(a, b)), findings=findings))
    assert plan.best is not None
    assert plan.best.component == b
    assert plan.best.target == "3"
    assert plan.best.clears == ("X-2", "X-3")


_VERSIONS = st.lists(st.integers(0, 20), min_size=1, max_size=4).map(lambda parts: ".".join(map(str, parts)))


@given(st.lists(_VERSIONS, min_size=1, max_size=8))
def test_target_is_one_of_the_fixes_and_at_least_each(fixes: list[str]) -> None:
    target = smallest_target(_component("pkg", "0"), fixes)
    assert target in fixes
    assert all(Version(target) >= Version(fix) for fix in fixes)
