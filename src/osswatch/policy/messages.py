"""The words of a violation: its message and its remediation, filled from the rule's template."""

from __future__ import annotations

from osswatch.policy.conditions import Subject, component_of, missing_elements
from osswatch.policy.facts import Facts
from osswatch.policy.rules import Rule

_DEFAULT_FIX = "upgrade {name} {version} → {fixed}"


def message_of(rule: Rule, subject: Subject, facts: Facts) -> str:
    """One line saying what fired on what: `GHSA-… (high) in requests 2.25.1: <description>`."""
    component = component_of(subject)
    if subject.finding is not None and component is not None:
        rating = subject.finding.rating
        score = f", CVSS {rating.score:g}" if rating.score is not None else ""
        named = _named(component.name, component.version)
        return f"{subject.finding.id} ({rating.level}{score}) in {named}: {rule.description}"
    if component is not None:
        return f"{_named(component.name, component.version)}: {rule.description}"
    if subject.source is not None:
        missing = ", ".join(missing_elements(subject, facts)) or "nothing"
        return f"{subject.source.path}: {rule.description} (missing: {missing})"
    age = facts.advisory_data_age
    return f"{rule.description}" + (f" (advisory data is {age.days} days old)" if age is not None else "")


def _named(name: str, version: str | None) -> str:
    return f"{name} {version}" if version else f"{name} (unpinned)"


def template_fields(subject: Subject, facts: Facts) -> dict[str, str]:
    """The values a remediation template may use (docs/policy.md lists them)."""
    component = component_of(subject)
    finding = subject.finding
    fixes = finding.fixed_in if finding else ()
    health = facts.health_of(component) if component else None
    return {
        "name": component.name if component else "",
        "version": (component.version or "(unpinned)") if component else "",
        "ecosystem": (component.ecosystem or "") if component else "",
        "purl": (component.purl or "") if component else "",
        "id": finding.id if finding else "",
        "ids": ", ".join(finding.advisory_ids) if finding else "",
        "severity": finding.rating.level if finding else "",
        "fixed": fixes[0] if fixes else "(no fixed version yet)",
        "fixes": ", ".join(fixes) or "none",
        "latest": (health.latest if health and health.latest else "the latest release"),
        "missing": ", ".join(missing_elements(subject, facts)),
    }


def remediation_of(rule: Rule, subject: Subject, facts: Facts) -> str | None:
    """The rule's remediation filled in; for a finding with a fix and no template, the upgrade."""
    template = rule.remediation
    if template is None and subject.finding is not None and subject.finding.fixed_in:
        template = _DEFAULT_FIX
    # Templates were checked on load: plain {field} names from template_fields only.
    return None if template is None else template.format_map(template_fields(subject, facts))


__all__ = ["message_of", "remediation_of", "template_fields"]
