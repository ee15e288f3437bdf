"""SARIF 2.1.0 output: schema-valid, what GitHub code scanning needs, located in the lockfile."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from osswatch.model import Level, Location
from osswatch.report.base import ReportOptions
from osswatch.report.sarif import render_sarif
from osswatch.scan import ScanResult
from tests.conftest import SHARED_DATA
from tests.report.scan_results import NOW, OLD_WEB, P1203, hostile_result, scanned, with_verdict


@cache
def _validator() -> jsonschema.Draft4Validator:
    schema = json.loads((SHARED_DATA / "schemas" / "sarif-schema-2.1.0.json").read_text())
    return jsonschema.Draft4Validator(schema)


def _sarif(result: ScanResult, root: Path | None) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render_sarif(result, ReportOptions(root=root, now=NOW)))
    errors = sorted(_validator().iter_errors(document), key=str)
    assert not errors, errors[0].message
    return document


def _cases() -> list[tuple[ScanResult, Path]]:
    return [
        (scanned(OLD_WEB / "poetry.lock"), OLD_WEB),
        (with_verdict(scanned(OLD_WEB / "poetry.lock")), OLD_WEB),
        (scanned(P1203 / "poetry.lock"), P1203),
        (with_verdict(scanned(P1203 / "poetry.lock")), P1203),
        (hostile_result(), Path.cwd()),
    ]


@pytest.mark.parametrize(
    "case", range(5), ids=["old-web", "old-web-verdict", "p1203", "p1203-verdict", "hostile"]
)
def test_every_result_is_schema_valid_and_github_shaped(case: int) -> None:
    result, root = _cases()[case]
    run = _sarif(result, root)["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert len(rules) == len(run["tool"]["driver"]["rules"]), "one rule per id"
    for rule in rules.values():
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"]
        assert rule["help"]["markdown"]
        assert rule["properties"]["tags"]
        if "security-severity" in rule["properties"]:
            assert 0.0 <= float(rule["properties"]["security-severity"]) <= 10.0
    for result_entry in run["results"]:
        assert result_entry["ruleId"] in rules
        assert result_entry["level"] in ("error", "warning", "note")
        assert result_entry["partialFingerprints"]
        uri = result_entry["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert "\\" not in uri
        assert not uri.startswith("/")


def test_results_point_at_the_lockfile_line_of_each_package() -> None:
    result = scanned(OLD_WEB / "poetry.lock")
    run = _sarif(result, OLD_WEB)["runs"][0]
    # Independently: the line of each `name = "…"` under a [[package]] header in the lockfile.
    lines = (OLD_WEB / "poetry.lock").read_text().splitlines()
    header_line = {lines[i + 1].split('"')[1]: i + 1 for i, text in enumerate(lines) if text == "[[package]]"}
    assert len(run["results"]) == len(result.findings)
    for entry, finding in zip(run["results"], result.findings, strict=True):
        location = entry["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "poetry.lock"
        assert location["region"]["startLine"] == header_line[finding.component.name]


def test_without_policy_levels_follow_severity_and_scores_are_github_severities() -> None:
    result = scanned(OLD_WEB / "poetry.lock")
    run = _sarif(result, OLD_WEB)["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    for entry, finding in zip(run["results"], result.findings, strict=True):
        expected = {"critical": "error", "high": "error", "medium": "warning"}.get(
            finding.rating.level, "note"
        )
        assert entry["level"] == expected
        severity = rules[finding.id]["properties"].get("security-severity")
        if finding.rating.score is not None:
            assert severity == f"{finding.rating.score:.1f}"


def test_with_a_verdict_results_are_the_active_violations_at_their_level() -> None:
    result = with_verdict(scanned(OLD_WEB / "poetry.lock"))
    assert result.verdict is not None
    run = _sarif(result, OLD_WEB)["runs"][0]
    active = [v for v in result.verdict.violations if v.is_active]
    assert len(run["results"]) == len(active)
    levels = {Level.FAIL: "error", Level.WARN: "warning", Level.INFO: "note"}
    assert sorted(r["level"] for r in run["results"]) == sorted(levels[v.level] for v in active)
    rule_ids = {r["ruleId"] for r in run["results"]}
    assert "license-unknown" in rule_ids  # a policy rule, not a vulnerability
    suppressed_ids = {v.finding.id for v in result.verdict.violations if not v.is_active and v.finding}
    assert suppressed_ids
    assert not suppressed_ids & rule_ids


def test_fingerprints_are_stable_and_distinct() -> None:
    result = with_verdict(scanned(OLD_WEB / "poetry.lock"))
    first = _sarif(result, OLD_WEB)["runs"][0]["results"]
    again = _sarif(result, OLD_WEB)["runs"][0]["results"]
    prints = [json.dumps(r["partialFingerprints"]) for r in first]
    assert prints == [json.dumps(r["partialFingerprints"]) for r in again]
    assert len(set(prints)) == len(prints)


@pytest.mark.parametrize(
    ("path", "line", "uri"),
    [
        ("sub\\dir\\poetry.lock", None, "sub/dir/poetry.lock"),
        ("sub dir/#1/requirements.txt", 0, "sub%20dir/%231/requirements.txt"),
        ("/elsewhere/poetry.lock", 7, "/elsewhere/poetry.lock"),
    ],
    ids=["backslashes-no-line", "spaces-and-hash", "outside-root"],
)
def test_uris_are_forward_slashed_encoded_and_regions_only_for_known_lines(
    path: str, line: int | None, uri: str
) -> None:
    result = scanned(P1203 / "poetry.lock")
    finding = result.findings[0]
    location = Location(path=path, line=line)
    moved = replace(finding, component=replace(finding.component, location=location))
    run = _sarif(ScanResult(inventory=result.inventory, findings=(moved,)), Path("/nonexistent-root"))[
        "runs"
    ][0]
    physical = run["results"][0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == uri
    assert ("region" in physical) == (line is not None and line >= 1)
    if "region" in physical:
        assert physical["region"] == {"startLine": line}


def test_the_real_p1203_finding_is_reported_once(shared_data: Path) -> None:
    lock = tomllib.loads((shared_data / "lockfiles" / "itu-p1203" / "poetry.lock").read_text())
    versions = {p["name"]: p["version"] for p in lock["package"]}
    result = scanned(P1203 / "poetry.lock")
    run = _sarif(result, P1203)["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == [f.id for f in result.findings]
    for finding in result.findings:
        assert versions[finding.component.name] == finding.component.version
