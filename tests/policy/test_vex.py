"""VEX: CycloneDX and OpenVEX import apply per vulnerability and component; OpenVEX export re-imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from osswatch.inventory.base import Document
from osswatch.policy.evaluate import evaluate
from osswatch.policy.rules import PolicyFileError, baseline
from osswatch.policy.vex import VexStatement, load_vex, names_component
from osswatch.policy.vex_formats import OPENVEX_JUSTIFICATIONS, export_openvex
from osswatch.policy.waivers import Waiver
from tests.conftest import ASSETS
from tests.policy.builders import NOW, component, facts, finding

REQUESTS = component()
URLLIB3 = component("urllib3", "1.26.4")
# The same vulnerability id on two components: VEX must suppress it only where it says.
SHARED = finding("GHSA-j8r2-6x86-q33q", aliases=("CVE-2023-32681",))
SHARED_URLLIB3 = finding("GHSA-j8r2-6x86-q33q", aliases=("CVE-2023-32681",), of=URLLIB3)
OTHER = finding("CVE-2024-0001", aliases=(), of=URLLIB3)
PLANNED = finding("CVE-2024-0002", aliases=())
IMPACT = finding("CVE-2024-0004", aliases=(), of=URLLIB3)


def vex_of(name: str) -> tuple[VexStatement, ...]:
    path = ASSETS / "policy" / name
    return load_vex(Document(path=str(path), data=path.read_bytes()))


def suppressed(statements: tuple[VexStatement, ...]) -> list[tuple[str, str, str | None]]:
    verdict = evaluate(
        baseline(), facts(findings=(SHARED, SHARED_URLLIB3, OTHER, PLANNED, IMPACT)), vex=statements
    )
    return [
        (v.finding.id, v.component.name, v.suppressed.justification)
        for v in verdict.violations
        if v.suppressed and v.finding and v.component
    ]


def test_cyclonedx_vex_suppresses_only_the_matching_component() -> None:
    statements = vex_of("cyclonedx-vex.json")
    assert [s.status for s in statements] == ["not_affected", "not_affected", "affected"]
    assert statements[0].components == ("pkg:pypi/requests@2.25.1",)
    assert statements[2].components == ("pkg:pypi/requests@2.25.1",)  # a urn:cdx ref to our bom-ref
    # CVE-2024-0001 is not_affected without a justification: it must not suppress.
    assert suppressed(statements) == [("GHSA-j8r2-6x86-q33q", "requests", "code_not_reachable")]


def test_openvex_suppresses_by_subcomponent_and_impact_statement() -> None:
    statements = vex_of("openvex.json")
    assert statements[0].components == ("pkg:pypi/requests",)
    assert statements[1].vulnerabilities == ("CVE-2024-0003",)
    assert suppressed(statements) == [
        ("GHSA-j8r2-6x86-q33q", "requests", "vulnerable_code_not_in_execute_path"),
        ("CVE-2024-0004", "urllib3", None),
    ]


def test_suppressed_violation_is_kept_with_reason() -> None:
    verdict = evaluate(baseline(), facts(findings=(SHARED,)), vex=vex_of("cyclonedx-vex.json"))
    (violation,) = verdict.violations
    assert violation.suppressed is not None
    assert violation.suppressed.kind == "vex"
    assert violation.suppressed.reason == "We never follow redirects to other hosts with proxies configured."
    assert verdict.is_passed


@pytest.mark.parametrize(
    "source", ["cyclonedx-vex.json", "openvex.json"], ids=["from-cyclonedx", "from-openvex"]
)
def test_openvex_export_round_trips(source: str, tmp_path: Path) -> None:
    waiver = Waiver(
        vulnerability="CVE-2024-0002",
        reason="upgrade in sprint 12",
        approved_by="lead",
        expires=NOW.replace(year=2027),
        until="2027-11-23",
    )
    given = facts(findings=(SHARED, SHARED_URLLIB3, OTHER, PLANNED, IMPACT))
    first = evaluate(baseline(), given, (waiver,), vex_of(source))
    document = export_openvex(first, author="osswatch test", now=NOW)
    written = tmp_path / "out.openvex.json"
    written.write_text(json.dumps(document), encoding="utf-8")
    again = evaluate(baseline(), given, (), load_vex(Document(path=str(written), data=written.read_bytes())))
    vex_keys = {
        (v.rule_id, v.finding, v.component)
        for v in first.violations
        if v.suppressed and v.suppressed.kind == "vex"
    }
    assert vex_keys
    assert {(v.rule_id, v.finding, v.component) for v in again.violations if v.suppressed} == vex_keys
    statuses = {(s["vulnerability"]["name"], s["status"]) for s in document["statements"]}
    assert ("CVE-2024-0002", "affected") in statuses
    planned = next(s for s in document["statements"] if s["vulnerability"]["name"] == "CVE-2024-0002")
    assert planned["action_statement"] == "risk accepted by lead until 2027-11-23: upgrade in sprint 12"
    for statement in document["statements"]:
        if statement["status"] == "not_affected":
            # OpenVEX: not_affected needs a justification or an impact statement.
            assert statement.get("justification") in OPENVEX_JUSTIFICATIONS or statement["impact_statement"]
        else:
            assert statement["action_statement"]
    assert document["@context"] == "https://openvex.dev/ns/v0.2.0"
    assert export_openvex(first, author="osswatch test", now=NOW)["@id"] == document["@id"]


@pytest.mark.parametrize(
    ("product", "expected"),
    [
        ("pkg:pypi/Requests@2.25.1", True),
        ("pkg:pypi/requests", True),
        ("pkg:pypi/requests@2.31.0", False),
        ("pkg:npm/requests@2.25.1", False),
        ("requests", True),
        ("pkg:not a purl", False),
    ],
    ids=["normalized-name", "any-version", "other-version", "other-ecosystem", "by-name", "malformed"],
)
def test_product_matching(product: str, expected: bool) -> None:
    assert names_component(product, REQUESTS) is expected


BAD = [
    (
        "not-json",
        "{",
        "vex.json:1: invalid JSON: Expecting property name enclosed in double quotes (column 2)",
    ),
    ("neither", '{"bomFormat": "SPDX"}', "vex.json: not a VEX document: expected OpenVEX or CycloneDX JSON"),
    (
        "openvex-no-status",
        '{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": "CVE-1"}]}',
        "vex.json: missing 'status' in 'statements[0]'",
    ),
    (
        "cyclonedx-bad-affects",
        '{"bomFormat": "CycloneDX", "vulnerabilities": [{"id": "CVE-1", "affects": [{"ref": 5}]}]}',
        "vex.json: 'vulnerabilities[0].affects[0].ref' should be a string, found a number",
    ),
    ("empty", "", "vex.json:1: invalid JSON: Expecting value (column 1)"),
]


@pytest.mark.parametrize(("text", "message"), [(t, m) for _, t, m in BAD], ids=[i for i, _, _ in BAD])
def test_malformed_vex(text: str, message: str) -> None:
    with pytest.raises(PolicyFileError) as raised:
        load_vex(Document(path="vex.json", data=text.encode()))
    assert str(raised.value) == message
