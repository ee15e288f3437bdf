"""Every condition type, true and false, through the same table the policy file uses (`CONDITIONS`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import pytest

from osswatch.health.base import Behind, Health
from osswatch.model import EcosystemName, Finding, Inventory, SbomMetadata, Scope, SourceFile
from osswatch.policy.conditions import ConditionValueError, Subject
from osswatch.policy.facts import Facts
from osswatch.policy.rules import CONDITIONS
from tests.policy.builders import NOW, component, facts, finding

REQUESTS = component()
OLD = Health(
    published=NOW - timedelta(days=800),
    latest="2.32.3",
    libyear=2.5,
    behind=Behind(major=0, minor=7, patch=12, releases=20),
    inactive_days=900,
    yanked=True,
    deprecated="use httpx",
    end_of_life=date(2026, 1, 1),
    status=("outdated", "stale", "unmaintained", "yanked", "deprecated", "end-of-life"),
)
FRESH = Health(
    published=NOW - timedelta(days=5),
    libyear=0.0,
    behind=Behind(),
    inactive_days=5,
    status=("current",),
)
GPL_OR_MIT = component("dual", licenses=("GPL-3.0-only OR MIT",))
MIT_AND_GPL = component("both", licenses=("MIT AND GPL-3.0-only",))
UNLICENSED = component("nolicense")
SBOM = SourceFile(
    path="bom.json",
    kind="cyclonedx-json",
    component_count=1,
    sbom=SbomMetadata(timestamp=None, authors=()),
)


@dataclass(frozen=True)
class Case:
    key: str
    value: object
    expected: bool
    subject: Subject = field(default_factory=lambda: Subject(component=REQUESTS))
    facts: Facts = field(default_factory=lambda: facts(REQUESTS))


def on(f: Finding, **changes: object) -> tuple[Subject, Facts]:
    given = replace(facts(findings=(f,)), **changes)  # type: ignore[arg-type]
    return Subject(finding=f, component=f.component), given


def health(h: Health) -> Facts:
    return facts(REQUESTS, health={REQUESTS: h})


HIGH = finding()
UNFIXED_OLD = finding(level="critical", score=9.8, fixed_in=(), published_days_ago=45)
UNDATED = finding(published_days_ago=None, score=None)
LOG4J = finding("GHSA-jfh8-c2jp-5v3q", aliases=("CVE-2021-44228",), level="critical", score=10.0)
KEV = frozenset({"CVE-2021-44228"})

CASES = [
    ("vulnerable", Case("vulnerable", True, True, *on(HIGH))),
    ("vulnerable-on-component", Case("vulnerable", True, False)),
    ("severity-in", Case("severity", ["critical", "high"], True, *on(HIGH))),
    ("severity-out", Case("severity", ["critical"], False, *on(HIGH))),
    ("cvss-reached", Case("cvss_at_least", 7.5, True, *on(HIGH))),
    ("cvss-below", Case("cvss_at_least", 7.6, False, *on(HIGH))),
    ("cvss-unknown", Case("cvss_at_least", 0, False, *on(UNDATED))),
    ("has-fix", Case("has_fix", True, True, *on(HIGH))),
    ("has-fix-false", Case("has_fix", False, True, *on(UNFIXED_OLD))),
    ("has-fix-not", Case("has_fix", True, False, *on(UNFIXED_OLD))),
    ("published-old", Case("published_days_at_least", 30, True, *on(UNFIXED_OLD))),
    ("published-recent", Case("published_days_at_least", 30, False, *on(HIGH))),
    ("published-unknown", Case("published_days_at_least", 0, False, *on(UNDATED))),
    ("kev-in", Case("known_exploited", True, True, *on(LOG4J, known_exploited=KEV))),
    ("kev-out", Case("known_exploited", True, False, *on(HIGH, known_exploited=KEV))),
    ("kev-not-expected", Case("known_exploited", False, True, *on(HIGH, known_exploited=KEV))),
    ("epss-high", Case("epss_at_least", 0.5, True, *on(LOG4J, epss={"CVE-2021-44228": 0.97}))),
    ("epss-low", Case("epss_at_least", 0.98, False, *on(LOG4J, epss={"CVE-2021-44228": 0.97}))),
    ("epss-unscored", Case("epss_at_least", 0.0, False, *on(HIGH, epss={"CVE-2021-44228": 0.97}))),
    ("ids-alias-glob", Case("ids", ["cve-2021-*"], True, *on(LOG4J))),
    ("ids-miss", Case("ids", ["PYSEC-*"], False, *on(LOG4J))),
    ("age-old", Case("age_days_at_least", 365, True, facts=health(OLD))),
    ("age-fresh", Case("age_days_at_least", 365, False, facts=health(FRESH))),
    ("age-unknown", Case("age_days_at_least", 0, False)),
    ("libyear-over", Case("libyear_at_least", 2, True, facts=health(OLD))),
    ("libyear-under", Case("libyear_at_least", 2, False, facts=health(FRESH))),
    ("behind-minor", Case("behind", {"minor": 5, "patch": 10}, True, facts=health(OLD))),
    ("behind-major", Case("behind", {"major": 1}, False, facts=health(OLD))),
    ("behind-releases", Case("behind", {"releases": 20}, True, facts=health(OLD))),
    ("behind-unknown", Case("behind", {"releases": 0}, False)),
    ("inactive-long", Case("inactive_days_at_least", 730, True, facts=health(OLD))),
    ("inactive-short", Case("inactive_days_at_least", 730, False, facts=health(FRESH))),
    ("unmaintained", Case("unmaintained", True, True, facts=health(OLD))),
    ("maintained", Case("unmaintained", True, False, facts=health(FRESH))),
    ("deprecated", Case("deprecated", True, True, facts=health(OLD))),
    ("not-deprecated", Case("deprecated", False, True, facts=health(FRESH))),
    ("fresh-not-deprecated", Case("deprecated", True, False, facts=health(FRESH))),
    ("yanked", Case("yanked", True, True, facts=health(OLD))),
    ("not-yanked", Case("yanked", True, False, facts=health(FRESH))),
    ("end-of-life", Case("end_of_life", True, True, facts=health(OLD))),
    (
        "eol-by-date-only",
        Case("end_of_life", True, True, facts=health(Health(end_of_life=date(2026, 11, 23)))),
    ),
    ("eol-in-future", Case("end_of_life", True, False, facts=health(Health(end_of_life=date(2027, 1, 1))))),
    ("allow-or-one-branch", Case("license_not_in", ["MIT"], False, Subject(component=GPL_OR_MIT))),
    ("allow-and-needs-all", Case("license_not_in", ["MIT"], True, Subject(component=MIT_AND_GPL))),
    ("allow-no-license", Case("license_not_in", ["MIT"], True, Subject(component=UNLICENSED))),
    ("deny-or-avoidable", Case("license_in", ["GPL-3.0-only"], False, Subject(component=GPL_OR_MIT))),
    ("deny-and-unavoidable", Case("license_in", ["GPL-3.0-only"], True, Subject(component=MIT_AND_GPL))),
    ("deny-no-license", Case("license_in", ["GPL-3.0-only"], False, Subject(component=UNLICENSED))),
    ("name-glob", Case("name", ["REQ*"], True)),
    ("name-miss", Case("name", ["django*"], False)),
    ("purl-glob", Case("purl", ["pkg:pypi/requests@2.*"], True)),
    ("purl-miss", Case("purl", ["pkg:npm/*"], False)),
    ("direct", Case("direct", True, True)),
    ("transitive", Case("direct", False, True, Subject(component=component(is_direct=False)))),
    ("direct-unknown", Case("direct", False, False, Subject(component=component(is_direct=None)))),
    ("scope-dev", Case("component_scope", ["dev"], True, Subject(component=component(scope=Scope.DEV)))),
    ("scope-runtime", Case("component_scope", ["dev"], False)),
    ("unpinned", Case("unpinned", True, True, Subject(component=component(version=None)))),
    ("pinned", Case("unpinned", True, False)),
    ("unidentified", Case("unidentified", True, True, Subject(component=component(ecosystem=None)))),
    ("identified", Case("unidentified", True, False)),
    ("sbom-missing", Case("sbom_missing", ["timestamp"], True, Subject(source=SBOM), facts(REQUESTS))),
    ("sbom-has", Case("sbom_missing", ["name"], False, Subject(source=SBOM), facts(REQUESTS))),
    (
        "data-stale",
        Case("advisory_data_older_than_days", 2, True, Subject(), facts(advisory_data_age=timedelta(days=3))),
    ),
    (
        "data-fresh",
        Case(
            "advisory_data_older_than_days", 2, False, Subject(), facts(advisory_data_age=timedelta(days=1))
        ),
    ),
    ("data-age-unknown", Case("advisory_data_older_than_days", 0, False, Subject(), facts())),
]


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_condition(case: Case) -> None:
    condition = CONDITIONS[case.key](case.value)
    assert condition.holds(case.subject, case.facts) is case.expected
    assert condition.text()


def test_every_condition_is_exercised_both_ways() -> None:
    seen = {(c.key, c.expected) for _, c in CASES}
    missing = [(key, value) for key in CONDITIONS for value in (True, False) if (key, value) not in seen]
    assert missing == []


BAD_VALUES = [
    ("severity", ["fatal"], "has 'fatal', expected one of: critical, high, medium, low, none, unknown"),
    ("severity", [], "should be a non-empty list of strings, found a list"),
    ("severity", "high", "should be a non-empty list of strings, found a string"),
    ("cvss_at_least", "7", "should be a number, found a string"),
    ("cvss_at_least", 11, "should be between 0 and 10, found 11"),
    ("epss_at_least", 1.5, "should be between 0 and 1, found 1.5"),
    ("published_days_at_least", 1.5, "should be a whole number of days, found a number"),
    ("published_days_at_least", -1, "should be at least 0, found -1"),
    ("has_fix", "yes", "should be a boolean, found a string"),
    ("vulnerable", False, "can only be true (leave it out to judge components)"),
    ("behind", {"epoch": 1}, "has 'epoch', expected one of: major, minor, patch, releases"),
    ("behind", [1], "should be a table such as { major = 1 }"),
    ("component_scope", ["test"], "has 'test', expected one of: runtime, dev, optional"),
    (
        "sbom_missing",
        ["license"],
        "has 'license', expected one of: supplier, name, version, unique_id, dependencies, author, timestamp",
    ),
    ("ids", [1], "should be a list of strings, found a number in it"),
    ("libyear_at_least", True, "should be a number, found a boolean"),
]


@pytest.mark.parametrize(
    ("key", "value", "message"), BAD_VALUES, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(BAD_VALUES)]
)
def test_bad_value(key: str, value: object, message: str) -> None:
    with pytest.raises(ConditionValueError) as raised:
        CONDITIONS[key](value)
    assert str(raised.value) == message


def test_unknown_health_fires_no_health_condition() -> None:
    unknown = facts(REQUESTS)
    health_keys = ["age_days_at_least", "libyear_at_least", "inactive_days_at_least"]
    assert not any(CONDITIONS[k](0).holds(Subject(component=REQUESTS), unknown) for k in health_keys)
    assert unknown.inventory == Inventory(components=(REQUESTS,))
    assert REQUESTS.ecosystem == EcosystemName("PyPI")
