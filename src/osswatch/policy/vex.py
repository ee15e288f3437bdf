"""VEX in and out: CycloneDX VEX and OpenVEX statements, applied per vulnerability **and** component.

Import: a `not_affected` statement with a justification (OpenVEX also accepts an impact statement,
https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md#status-justifications) suppresses the
matching vulnerability for the matching component only; the violation is kept, with `suppressed`.
CycloneDX: `vulnerabilities[].analysis.state` and `.justification`, components by `affects[].ref`
(a bom-ref of the document's components, or a purl) — https://cyclonedx.org/docs/1.6/json/#vulnerabilities.
Export: OpenVEX v0.2.0 from a verdict; the exported document re-imports to the same suppressions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from osswatch.ecosystems.identity import normalize_name, parse_purl
from osswatch.errors import ParseError
from osswatch.inventory.base import Document
from osswatch.inventory.loaders import load_json
from osswatch.model import Component, Finding, Suppression, Violation
from osswatch.policy.rules import PolicyFileError

NOT_AFFECTED = "not_affected"
OPENVEX_CONTEXT = "https://openvex.dev/ns/v0.2.0"


@dataclass(frozen=True, kw_only=True, slots=True)
class VexStatement:
    """One VEX statement: a vulnerability (all its names), the components it covers, status and why."""

    vulnerabilities: tuple[str, ...]
    components: tuple[str, ...]
    """Purls (a purl without a version covers every version) or component refs/names."""
    status: str
    """OpenVEX status words: `not_affected`, `affected`, `fixed`, `under_investigation`."""
    justification: str | None = None
    impact: str | None = None
    origin: str = ""

    @property
    def is_suppressing(self) -> bool:
        """True for `not_affected` with a justification or an impact statement."""
        return self.status == NOT_AFFECTED and bool(self.justification or self.impact)

    def covers(self, finding: Finding, component: Component) -> bool:
        """True when this statement names the finding's vulnerability and this component."""
        ids = {i.upper() for i in (*finding.advisory_ids, *finding.aliases)}
        if not ids & {v.upper() for v in self.vulnerabilities}:
            return False
        return any(names_component(product, component) for product in self.components)


def names_component(product: str, component: Component) -> bool:
    """True when a VEX product id (purl, bom-ref or name) is this component."""
    if not product.startswith("pkg:"):
        return product in {component.ref, component.purl, component.name}
    if component.purl is None:
        return False
    try:
        wanted, actual = parse_purl(product), parse_purl(component.purl)
    except ValueError:
        return False
    if wanted.ecosystem is None or wanted.ecosystem != actual.ecosystem:
        return product.split("?", 1)[0] == component.purl.split("?", 1)[0]
    same_name = normalize_name(wanted.ecosystem, wanted.name) == normalize_name(wanted.ecosystem, actual.name)
    return same_name and wanted.version in {None, component.version}


def vex_suppression(violation: Violation, statements: Sequence[VexStatement]) -> Suppression | None:
    """The suppression of the first suppressing statement covering this violation's finding, or None."""
    finding, component = violation.finding, violation.component
    if finding is None or component is None:
        return None
    for statement in statements:
        if statement.is_suppressing and statement.covers(finding, component):
            reason = statement.impact or f"not affected: {statement.justification}"
            return Suppression(kind="vex", reason=reason, justification=statement.justification)
    return None


def load_vex(document: Document) -> tuple[VexStatement, ...]:
    """The statements of a CycloneDX VEX or OpenVEX JSON document; PolicyFileError if it is neither."""
    from osswatch.policy.vex_formats import cyclonedx_statements, openvex_statements

    try:
        data = load_json(document)
    except ParseError as e:
        raise PolicyFileError.of(e) from e
    if isinstance(data, dict) and str(data.get("@context", "")).startswith("https://openvex.dev/ns"):
        return openvex_statements(data, document.path)
    if isinstance(data, dict) and data.get("bomFormat") == "CycloneDX":
        return cyclonedx_statements(data, document.path)
    raise PolicyFileError(document.path, "not a VEX document: expected OpenVEX or CycloneDX JSON")


__all__ = [
    "NOT_AFFECTED",
    "OPENVEX_CONTEXT",
    "VexStatement",
    "load_vex",
    "names_component",
    "vex_suppression",
]
