"""A project's triage as a VEX document: OpenVEX v0.2.0 or CycloneDX 1.6 VEX. Pure: statements in, JSON out.

The statements are `triage.triage_export`'s (one per triaged finding). OpenVEX takes them as they are
(https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md); CycloneDX gets one `vulnerabilities[]`
entry per statement, whose `analysis` follows the triage state
(https://cyclonedx.org/docs/1.6/json/#vulnerabilities_items_analysis):

| triage state     | CycloneDX analysis                         |
|------------------|--------------------------------------------|
| `in_triage`      | `in_triage`                                |
| `not_affected`   | `not_affected` + the mapped justification  |
| `false_positive` | `false_positive`                           |
| `accepted_risk`  | `exploitable`, response `will_not_fix`     |
| `resolved`       | `resolved`                                 |

Both documents re-import through `osswatch.policy.vex_formats` (the tests check it).
"""

from __future__ import annotations

import enum
import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from osswatch import __version__
from osswatch.ecosystems.identity import parse_purl
from osswatch.policy.vex import OPENVEX_CONTEXT
from osswatch.report.base import advisory_url
from osswatch.report.cyclonedx import SCHEMA


class VexFormat(enum.StrEnum):
    """The VEX formats a project's triage can be exported in."""

    OPENVEX = "openvex"
    CYCLONEDX = "cyclonedx"


_CDX_STATES: dict[str, dict[str, Any]] = {
    "in_triage": {"state": "in_triage"},
    "not_affected": {"state": "not_affected"},
    "false_positive": {"state": "false_positive"},
    "accepted_risk": {"state": "exploitable", "response": ["will_not_fix"]},
    "resolved": {"state": "resolved"},
}
# OpenVEX justifications → CycloneDX 1.6 ones (as `report.cyclonedx` maps them).
_CDX_JUSTIFICATIONS = {
    "component_not_present": "code_not_present",
    "vulnerable_code_not_present": "code_not_present",
    "vulnerable_code_not_in_execute_path": "code_not_reachable",
    "vulnerable_code_cannot_be_controlled_by_adversary": "requires_environment",
    "inline_mitigations_already_exist": "protected_by_mitigating_control",
}
_NOTES = ("impact_statement", "action_statement", "status_notes")


def vex_document(
    statements: Sequence[Mapping[str, Any]], form: VexFormat, *, author: str, now: datetime
) -> dict[str, Any]:
    """The statements as one document of `form`."""
    match form:
        case VexFormat.OPENVEX:
            return openvex_document(statements, author=author, now=now)
        case VexFormat.CYCLONEDX:
            return cyclonedx_vex_document(statements, now=now)


def openvex_document(
    statements: Sequence[Mapping[str, Any]], *, author: str, now: datetime
) -> dict[str, Any]:
    """An OpenVEX v0.2.0 document; its `@id` is derived from the statements, so it is stable."""
    body = json.dumps(list(statements), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(body.encode()).hexdigest()
    return {
        "@context": OPENVEX_CONTEXT,
        "@id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, digest)}",
        "author": author,
        "timestamp": _timestamp(now),
        "version": 1,
        "tooling": "osswatch",
        "statements": [dict(statement) for statement in statements],
    }


def cyclonedx_vex_document(statements: Sequence[Mapping[str, Any]], *, now: datetime) -> dict[str, Any]:
    """A CycloneDX 1.6 VEX document: the components named, and one analysed vulnerability per statement."""
    purls = list(dict.fromkeys(product["@id"] for s in statements for product in s["products"]))
    return {
        "$schema": SCHEMA,
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": f"urn:uuid:{uuid.uuid4()}",
        "version": 1,
        "metadata": {
            "timestamp": _timestamp(now),
            "tools": {"components": [{"type": "application", "name": "osswatch", "version": __version__}]},
        },
        "components": [_component(purl) for purl in purls],
        "vulnerabilities": [_vulnerability(statement) for statement in statements],
    }


def _component(purl: str) -> dict[str, Any]:
    try:
        identity = parse_purl(purl)
    except ValueError:  # a purl osswatch built for a component without one (`eco/name@version`)
        return {"type": "library", "bom-ref": purl, "name": purl}
    version = {"version": identity.version} if identity.version else {}
    return {"type": "library", "bom-ref": purl, "name": identity.name, **version, "purl": purl}


def _vulnerability(statement: Mapping[str, Any]) -> dict[str, Any]:
    vulnerability = statement["vulnerability"]
    analysis: dict[str, Any] = dict(_CDX_STATES[statement["osswatch_state"]])
    justification = _CDX_JUSTIFICATIONS.get(statement.get("justification") or "")
    if justification is not None:
        analysis["justification"] = justification
    detail = next((statement[key] for key in _NOTES if statement.get(key)), None)
    if detail:
        analysis["detail"] = f"{detail} ({statement['author']})"
    return {
        "id": vulnerability["name"],
        "source": {"name": "OSV", "url": advisory_url(vulnerability["name"])},
        "references": [
            {"id": alias, "source": {"name": "OSV", "url": advisory_url(alias)}}
            for alias in vulnerability["aliases"]
        ],
        "analysis": analysis,
        "affects": [{"ref": product["@id"]} for product in statement["products"]],
    }


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


__all__ = ["VexFormat", "cyclonedx_vex_document", "openvex_document", "vex_document"]
