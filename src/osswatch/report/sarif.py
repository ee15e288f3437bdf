"""A scan result as SARIF 2.1.0 for GitHub code scanning (https://docs.oasis-open.org/sarif/sarif/v2.1.0/).

One rule per vulnerability id, or per policy rule for violations that are not about a vulnerability;
one result per active violation (or, without a policy, per finding), located in the lockfile
(`uri` relative to the scanned root, forward slashes) at the component's line when known. GitHub
reads `properties.security-severity` (a number as a string) to rank security alerts
(https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning)
and `partialFingerprints` to recognise the same alert across runs; ours hash the rule, the package
and its file, not the line or the installed version, so an alert survives lines moving and closes
when the package is upgraded out of the vulnerable range.

Suppressed violations are left out: GitHub ingests results carrying SARIF `suppressions` as open
alerts (github/codeql-action#1230), so writing them would reopen what a waiver or VEX closed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from osswatch import __version__
from osswatch.model import Component, Finding, Level, Violation
from osswatch.report.base import ReportOptions, active, advisory_url, relative_path
from osswatch.report.table import fix_text
from osswatch.scan import ScanResult

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVELS = {Level.FAIL: "error", Level.WARN: "warning", Level.INFO: "note"}
_SEVERITY_LEVELS = {"critical": "error", "high": "error", "medium": "warning"}
# A representative CVSS score per level where no vector gave one: GitHub bands security-severity
# as critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0, low > 0.
_LEVEL_SCORES = {"critical": 9.5, "high": 8.0, "medium": 5.5, "low": 2.0}


@dataclass(frozen=True, kw_only=True, slots=True)
class _Entry:
    """One result to write: its rule, level, message, component and (if any) vulnerability."""

    rule_id: str
    level: str
    message: str
    component: Component | None
    finding: Finding | None
    violation: Violation | None = None


def render_sarif(result: ScanResult, options: ReportOptions, /) -> str:
    """The SARIF log as JSON text."""
    return json.dumps(sarif_log(result, options), indent=2, ensure_ascii=False)


def sarif_log(result: ScanResult, options: ReportOptions) -> dict[str, Any]:
    """The SARIF log: one run of osswatch with its rules and results."""
    entries = _entries(result)
    rules: dict[str, dict[str, Any]] = {}
    for entry in entries:
        rules.setdefault(entry.rule_id, _rule(entry))
    run = {
        "tool": {
            "driver": {
                "name": "osswatch",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": list(rules.values()),
            }
        },
        "results": [_result(entry, options) for entry in entries],
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _entries(result: ScanResult) -> list[_Entry]:
    if result.verdict is None:
        return [_finding_entry(f) for f in result.findings]
    return [_violation_entry(v) for v in active(result.verdict)]


def _finding_entry(finding: Finding) -> _Entry:
    level = _SEVERITY_LEVELS.get(finding.rating.level, "note")
    message = f"{finding.component.name} {finding.component.version} is affected by {finding.id}"
    message += f": {finding.summary}" if finding.summary else ""
    message += f" ({fix_text(finding)})"
    component = finding.component
    return _Entry(rule_id=finding.id, level=level, message=message, component=component, finding=finding)


def _violation_entry(violation: Violation) -> _Entry:
    finding = violation.finding
    component = violation.component or (finding.component if finding else None)
    message = violation.message
    if violation.remediation:
        message += f" ({violation.remediation})"
    return _Entry(
        rule_id=finding.id if finding else violation.rule_id,
        level=_LEVELS[violation.level],
        message=message,
        component=component,
        finding=finding,
        violation=violation,
    )


def _rule(entry: _Entry) -> dict[str, Any]:
    if entry.finding is not None:
        return _vulnerability_rule(entry.finding)
    text = entry.violation.message if entry.violation else entry.rule_id
    guidance = entry.violation.guidance if entry.violation else None
    help_text = f"{text}. Implements {guidance}." if guidance else text
    return {
        "id": entry.rule_id,
        "name": _rule_name(entry.rule_id),
        "shortDescription": {"text": f"Policy rule {entry.rule_id}"},
        "fullDescription": {"text": help_text},
        "help": {"text": help_text, "markdown": help_text},
        "properties": {"tags": ["policy", "supply-chain"]},
    }


def _vulnerability_rule(finding: Finding) -> dict[str, Any]:
    summary = finding.summary or f"Known vulnerability {finding.id}"
    aliases = f" Also known as {', '.join(finding.aliases)}." if finding.aliases else ""
    fix = f"Fixed in {', '.join(finding.fixed_in)}." if finding.fixed_in else "No fixed version is known yet."
    links = "\n".join(f"- {url}" for url in (advisory_url(finding.id), *finding.references))
    properties: dict[str, Any] = {"tags": ["security", "vulnerability", "dependency", finding.rating.level]}
    score = finding.rating.score
    if score is None:
        score = _LEVEL_SCORES.get(finding.rating.level)
    if score is not None:
        properties["security-severity"] = f"{score:.1f}"
    return {
        "id": finding.id,
        "name": _rule_name(finding.id),
        "shortDescription": {"text": summary[:1000]},
        "fullDescription": {"text": f"{summary}.{aliases} {fix}"},
        "help": {
            "text": f"{summary}.{aliases} {fix} See {advisory_url(finding.id)}",
            "markdown": f"**{finding.id}**: {summary}.{aliases}\n\n{fix}\n\n{links}",
        },
        "helpUri": advisory_url(finding.id),
        "properties": properties,
    }


def _rule_name(rule_id: str) -> str:
    """A PascalCase-ish identifier SARIF viewers show next to the id."""
    return "".join(part.capitalize() for part in rule_id.replace("_", "-").split("-") if part)


def _result(entry: _Entry, options: ReportOptions) -> dict[str, Any]:
    written: dict[str, Any] = {
        "ruleId": entry.rule_id,
        "level": entry.level,
        "message": {"text": entry.message},
    }
    if entry.component is not None:
        written["locations"] = [_location(entry.component, options)]
    written["partialFingerprints"] = {"osswatchAlert/v1": _fingerprint(entry, options)}
    return written


def _location(component: Component, options: ReportOptions) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {
            "uri": quote(relative_path(component.location, options.root)),
            "uriBaseId": "%SRCROOT%",
        }
    }
    if component.location.line is not None and component.location.line >= 1:
        physical["region"] = {"startLine": component.location.line}
    return {"physicalLocation": physical}


def _fingerprint(entry: _Entry, options: ReportOptions) -> str:
    component = entry.component
    parts = [entry.rule_id]
    if component is not None:
        parts += [component.ecosystem or "", component.name, relative_path(component.location, options.root)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
