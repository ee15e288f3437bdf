"""Waivers: matching by vulnerability and component, expiry (noted, never silent), and file errors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from osswatch.inventory.base import Document
from osswatch.model import Level
from osswatch.policy.evaluate import evaluate
from osswatch.policy.rules import PolicyFileError, baseline
from osswatch.policy.waivers import Waiver, load_waivers
from tests.policy.builders import NOW, component, facts, finding

YESTERDAY = (NOW - timedelta(days=1)).date().isoformat()
TODAY = NOW.date().isoformat()


def waivers_of(text: str, path: str = "waivers.toml") -> tuple[Waiver, ...]:
    return load_waivers(Document(path=path, data=text.encode()))


def waiver_text(expires: str, **keys: str) -> str:
    fields = "".join(f'{k} = "{v}"\n' for k, v in keys.items())
    return (
        f'[[waivers]]\n{fields}reason = "not reachable from our code"\n'
        f'approved_by = "security@acme"\nexpires = {expires}\n'
    )


REQUESTS_VULN = finding("GHSA-j8r2-6x86-q33q", aliases=("CVE-2023-32681",))


def test_live_waiver_suppresses_and_keeps_the_violation() -> None:
    waivers = waivers_of(waiver_text(TODAY, vulnerability="CVE-2023-32681", component="pkg:pypi/requests"))
    verdict = evaluate(baseline(), facts(findings=(REQUESTS_VULN,)), waivers)
    (violation,) = verdict.violations
    assert violation.suppressed is not None
    assert violation.suppressed.kind == "waiver"
    assert violation.suppressed.approved_by == "security@acme"
    assert verdict.is_passed
    assert verdict.count(Level.FAIL) == 0
    assert not any("waiver" in note for note in verdict.notes)


def test_waiver_expired_yesterday_no_longer_suppresses_and_is_noted() -> None:
    waivers = waivers_of(waiver_text(YESTERDAY, vulnerability="CVE-2023-32681"))
    verdict = evaluate(baseline(), facts(findings=(REQUESTS_VULN,)), waivers)
    assert [v.suppressed for v in verdict.violations] == [None]
    assert not verdict.is_passed
    assert verdict.notes[0] == (
        f"waiver CVE-2023-32681 (waivers.toml:1) expired on {YESTERDAY} and no longer applies; "
        "reason was: not reachable from our code (approved by security@acme)"
    )


@pytest.mark.parametrize(
    ("keys", "is_suppressed"),
    [
        ({"component": "pkg:pypi/requests@2.25.1"}, True),
        ({"component": "pkg:pypi/requests"}, True),
        ({"component": "pkg:pypi/req*"}, True),
        ({"component": "pkg:pypi/django"}, False),
        ({"vulnerability": "GHSA-j8r2-*"}, True),
        ({"vulnerability": "CVE-2023-32681", "component": "pkg:pypi/django"}, False),
        ({"vulnerability": "CVE-2023-32681", "rule": "known-exploited"}, False),
        ({"vulnerability": "CVE-2023-32681", "rule": "fixable-critical-high"}, True),
    ],
    ids=[
        "purl-version",
        "purl-any-version",
        "purl-glob",
        "other-component",
        "id-glob",
        "vuln-wrong-component",
        "other-rule",
        "same-rule",
    ],
)
def test_waiver_matching(keys: dict[str, str], is_suppressed: bool) -> None:
    waivers = waivers_of(waiver_text(TODAY, **keys))
    verdict = evaluate(baseline(), facts(findings=(REQUESTS_VULN,)), waivers)
    assert (verdict.violations[0].suppressed is not None) is is_suppressed


def test_component_waiver_covers_component_rules() -> None:
    unpinned = component("flask", None, purl=None)
    waivers = waivers_of(waiver_text(TODAY, component="flask"), "waivers.toml")
    verdict = evaluate(baseline(), facts(unpinned), waivers)
    assert [(v.rule_id, v.suppressed is not None) for v in verdict.violations] == [("unpinned", True)]


def test_yaml_and_pyproject_waivers() -> None:
    yaml_text = (
        "waivers:\n  - vulnerability: CVE-1\n    reason: r\n    approved_by: me\n    expires: 2027-01-31\n"
    )
    pyproject = (
        '[[tool.osswatch.waivers]]\nvulnerability = "CVE-1"\nreason = "r"\n'
        'approved_by = "me"\nexpires = 2027-01-31\n'
    )
    (from_yaml,) = waivers_of(yaml_text, "waivers.yaml")
    (from_toml,) = waivers_of(pyproject, "pyproject.toml")
    assert from_yaml.expires == from_toml.expires
    assert from_yaml.expires.isoformat() == "2027-02-01T00:00:00+00:00"
    assert waivers_of("[settings]\n") == ()


ERRORS = [
    (
        "missing-expiry",
        '[[waivers]]\nvulnerability = "CVE-1"\nreason = "r"\napproved_by = "me"\n',
        "waivers.toml:1: missing 'expires' in 'waivers[0]' (waivers must expire)",
    ),
    (
        "missing-reason",
        '[[waivers]]\nvulnerability = "CVE-1"\napproved_by = "me"\nexpires = 2027-01-01\n',
        "waivers.toml:1: missing 'reason' in 'waivers[0]'",
    ),
    (
        "no-target",
        '[[waivers]]\nreason = "r"\napproved_by = "me"\nexpires = 2027-01-01\n',
        "waivers.toml:1: 'waivers[0]' needs 'vulnerability' or 'component' (or both)",
    ),
    (
        "bad-date",
        '[[waivers]]\nvulnerability = "CVE-1"\nreason = "r"\napproved_by = "me"\nexpires = "soon"\n',
        "waivers.toml:5: 'waivers[0].expires' should be a date (YYYY-MM-DD), found 'soon'",
    ),
    (
        "wrong-type",
        '[[waivers]]\nvulnerability = "CVE-1"\nreason = "r"\napproved_by = "me"\nexpires = 5\n',
        "waivers.toml:5: 'waivers[0].expires' should be a date (YYYY-MM-DD)",
    ),
    (
        "unknown-key",
        '[[waivers]]\nvulnerability = "CVE-1"\nreasons = "r"\n',
        "waivers.toml:3: unknown key 'reasons' in 'waivers[0]' "
        "(known: vulnerability, component, rule, reason, "
        "approved_by, expires)",
    ),
    ("not-a-list", 'waivers = "all"\n', "waivers.toml:1: 'waivers' should be a list of tables"),
    (
        "syntax",
        "[[waivers]\n",
        "waivers.toml:1: invalid TOML: Expected ']]' at the end of an array declaration",
    ),
]


@pytest.mark.parametrize(("text", "message"), [(t, m) for _, t, m in ERRORS], ids=[i for i, _, _ in ERRORS])
def test_malformed_waivers(text: str, message: str) -> None:
    with pytest.raises(PolicyFileError) as raised:
        waivers_of(text)
    assert str(raised.value) == message
