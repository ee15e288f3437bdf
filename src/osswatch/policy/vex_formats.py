"""Reading CycloneDX VEX and OpenVEX into statements, and writing a verdict as OpenVEX v0.2.0."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from osswatch.fields import Fields
from osswatch.model import Component, Finding, Verdict, Violation
from osswatch.policy.rules import PolicyFileError
from osswatch.policy.vex import NOT_AFFECTED, OPENVEX_CONTEXT, VexStatement

_CYCLONEDX_STATUS = {
    "not_affected": NOT_AFFECTED,
    "exploitable": "affected",
    "resolved": "fixed",
    "resolved_with_pedigree": "fixed",
    "in_triage": "under_investigation",
    "false_positive": "false_positive",
}
# CycloneDX justifications → the nearest OpenVEX one (OpenVEX allows only these five).
_TO_OPENVEX = {
    "code_not_present": "vulnerable_code_not_present",
    "code_not_reachable": "vulnerable_code_not_in_execute_path",
    "requires_configuration": "vulnerable_code_cannot_be_controlled_by_adversary",
    "requires_environment": "vulnerable_code_cannot_be_controlled_by_adversary",
    "requires_dependency": "component_not_present",
    "protected_by_compiler": "inline_mitigations_already_exist",
    "protected_at_runtime": "inline_mitigations_already_exist",
    "protected_at_perimeter": "inline_mitigations_already_exist",
    "protected_by_mitigating_control": "inline_mitigations_already_exist",
}
OPENVEX_JUSTIFICATIONS = frozenset(_TO_OPENVEX.values())


def _refs(components: Fields, at: str, into: dict[str, str]) -> None:
    for component in components.tables(at):
        ref, purl = component.opt_str("bom-ref"), component.opt_str("purl")
        if ref and purl:
            into[ref] = purl
        _refs(component, "components", into)


def cyclonedx_statements(data: dict[str, Any], path: str) -> tuple[VexStatement, ...]:
    """The statements of a CycloneDX document's `vulnerabilities[]`."""
    root = Fields(data, "", error=lambda m: PolicyFileError(path, m))
    purls: dict[str, str] = {}
    _refs(root, "components", purls)
    statements = []
    for vulnerability in root.tables("vulnerabilities"):
        analysis = vulnerability.opt_mapping("analysis")
        state = analysis.opt_str("state") if analysis else None
        refs = [a.str("ref") for a in vulnerability.tables("affects")]
        # `urn:cdx:<serial>/<version>#<bom-ref>` points into another BOM: the bom-ref is the fragment.
        refs = [r.rsplit("#", 1)[-1] if r.startswith("urn:cdx:") else r for r in refs]
        names = [vulnerability.str("id"), *(r.str("id") for r in vulnerability.tables("references"))]
        statements.append(
            VexStatement(
                vulnerabilities=tuple(names),
                components=tuple(purls.get(r, r) for r in refs),
                status=_CYCLONEDX_STATUS.get(state or "", "under_investigation"),
                justification=analysis.opt_str("justification") if analysis else None,
                impact=analysis.opt_str("detail") if analysis else None,
                origin=path,
            )
        )
    return tuple(statements)


def _product_ids(statement: Fields, key: str, path: str) -> Iterator[str]:
    for index, item in enumerate(statement.list(key)):
        if isinstance(item, str):  # OpenVEX 0.0.x wrote products as plain strings
            yield item
            continue
        product = Fields(
            item, f"{statement.context}.{key}[{index}]", error=lambda m: PolicyFileError(path, m)
        )
        identifiers = product.opt_mapping("identifiers")
        found = product.opt_str("@id") or (identifiers.opt_str("purl") if identifiers else None)
        if found:
            yield found


def _vulnerability_names(statement: Fields, path: str) -> tuple[str, ...]:
    raw = statement.raw("vulnerability")
    if isinstance(raw, str):
        return (raw,)
    vulnerability = statement.mapping("vulnerability")
    names = [n for n in (vulnerability.opt_str("name"), vulnerability.opt_str("@id")) if n]
    names += [a for a in vulnerability.list("aliases") if isinstance(a, str)]
    if not names:
        raise PolicyFileError(path, f"no vulnerability name in '{vulnerability.context}'")
    return tuple(names)


def openvex_statements(data: dict[str, Any], path: str) -> tuple[VexStatement, ...]:
    """The statements of an OpenVEX document; subcomponents, where given, are what is covered."""
    root = Fields(data, "", error=lambda m: PolicyFileError(path, m))
    statements = []
    for statement in root.tables("statements"):
        products = tuple(_product_ids(statement, "products", path))
        subcomponents = tuple(_product_ids(statement, "subcomponents", path))
        statements.append(
            VexStatement(
                vulnerabilities=_vulnerability_names(statement, path),
                components=subcomponents or products,
                status=statement.str("status"),
                justification=statement.opt_str("justification"),
                impact=statement.opt_str("impact_statement"),
                origin=path,
            )
        )
    return tuple(statements)


def _product(component: Component) -> str:
    return component.purl or component.ref or component.name


def _statement(finding: Finding, component: Component, violations: list[Violation]) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "vulnerability": {"name": finding.id, "aliases": [a for a in finding.advisory_ids[1:]]},
        "products": [{"@id": _product(component)}],
    }
    vex = next((v.suppressed for v in violations if v.suppressed and v.suppressed.kind == "vex"), None)
    if vex is not None:
        justification = vex.justification or ""
        statement["status"] = NOT_AFFECTED
        statement["justification"] = _TO_OPENVEX.get(justification, justification) or None
        statement["impact_statement"] = vex.reason
        return {k: v for k, v in statement.items() if v is not None}
    statement["status"] = "affected"
    statement["action_statement"] = _action(violations)
    return statement


def _action(violations: list[Violation]) -> str:
    """What was done, as ISO/IEC 18974 §4.3.2 asks, even when nothing was required."""
    waived = [v.suppressed for v in violations if v.suppressed and v.suppressed.kind == "waiver"]
    if waived and len(waived) == len(violations):
        w = waived[0]
        until = w.expires.date().isoformat() if w.expires else "no expiry"
        return f"risk accepted by {w.approved_by} until {until}: {w.reason}"
    fixes = [v.remediation for v in violations if v.remediation and v.is_active]
    return fixes[0] if fixes else "none required"


def export_openvex(verdict: Verdict, *, author: str, now: datetime) -> dict[str, Any]:
    """An OpenVEX v0.2.0 document with one statement per (vulnerability, component) in the verdict."""
    grouped: dict[tuple[str, Component], tuple[Finding, list[Violation]]] = {}
    for violation in verdict.violations:
        if violation.finding is not None and violation.component is not None:
            key = (violation.finding.id, violation.component)
            grouped.setdefault(key, (violation.finding, []))[1].append(violation)
    statements = [_statement(f, key[1], vs) for key, (f, vs) in grouped.items()]
    body = json.dumps(statements, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(body.encode()).hexdigest()
    return {
        "@context": OPENVEX_CONTEXT,
        "@id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, digest)}",
        "author": author,
        "timestamp": now.isoformat().replace("+00:00", "Z"),
        "version": 1,
        "tooling": "osswatch",
        "statements": statements,
    }


__all__ = ["OPENVEX_JUSTIFICATIONS", "cyclonedx_statements", "export_openvex", "openvex_statements"]
