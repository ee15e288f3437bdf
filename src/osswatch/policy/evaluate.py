"""Evaluation: a policy over the facts of one scan, with waivers and VEX applied, to a `Verdict`. Pure.

Rules are judged in the order written, except that `otherwise` (fallback) rules come last and only
see subjects no other rule flagged. Suppressed violations are kept with `suppressed` set, never
dropped: the verdict is also the record ISO/IEC 18974 §4.3.2 asks for (see docs/policy.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from osswatch.ecosystems.identity import base_ecosystem
from osswatch.model import Component, Scope, Verdict, Violation
from osswatch.policy.component_conditions import matches_any
from osswatch.policy.conditions import EpssAtLeast, KnownExploited, Subject, Target, component_of
from osswatch.policy.facts import Facts
from osswatch.policy.messages import message_of, remediation_of
from osswatch.policy.rules import Condition, Policy, Rule, RuleScope
from osswatch.policy.vex import VexStatement, vex_suppression
from osswatch.policy.waivers import Waiver, expiry_notes, waiver_suppression

_Key = tuple[Target, object, object]


def evaluate(
    policy: Policy, facts: Facts, waivers: Sequence[Waiver] = (), vex: Sequence[VexStatement] = ()
) -> Verdict:
    """Every violation of `policy` in `facts`, suppressed where VEX or a live waiver says so."""
    found: list[Violation] = []
    flagged: set[_Key] = set()
    ordered = [r for r in policy.rules if not r.is_fallback] + [r for r in policy.rules if r.is_fallback]
    judging: dict[Target, list[Subject]] = {}  # every rule of a target judges the same subjects
    for rule in ordered:
        target = rule.target
        if target not in judging:
            judging[target] = list(subjects(target, facts))
        everywhere = rule.scope == _EVERYWHERE  # then every subject is in scope: no need to ask
        for subject in judging[target]:
            if rule.is_fallback and _key(target, subject) in flagged:
                continue
            if not (everywhere or is_in_scope(rule.scope, subject, facts)):
                continue
            if _all_hold(rule.when, subject, facts):
                flagged.add(_key(target, subject))
                found.append(_violation(rule, subject, facts))
    judged = tuple(_suppressed(v, facts, waivers, vex) for v in found)
    notes = expiry_notes(waivers, facts.now) + _data_notes(policy, facts)
    return Verdict(violations=judged, policy_name=policy.name, notes=notes)


_EVERYWHERE = RuleScope()


def _all_hold(conditions: Sequence[Condition], subject: Subject, facts: Facts) -> bool:
    # A loop, not all(generator): a policy asks this about a thousand times per 200-component project.
    for condition in conditions:  # noqa: SIM110 (see above)
        if not condition.holds(subject, facts):
            return False
    return True


def subjects(target: Target, facts: Facts) -> Iterator[Subject]:
    """What a rule with this target is judged on."""
    match target:
        case Target.FINDING:
            yield from (Subject(finding=f, component=f.component) for f in facts.findings)
        case Target.COMPONENT:
            yield from (Subject(component=c) for c in facts.inventory.components)
        case Target.SBOM:
            yield from (Subject(source=s) for s in facts.inventory.sources if s.sbom is not None)
        case Target.SCAN:
            yield Subject()


def _key(target: Target, subject: Subject) -> _Key:
    finding_id = subject.finding.id if subject.finding else None
    return (target, subject.component or subject.source, finding_id)


def is_in_scope(scope: RuleScope, subject: Subject, facts: Facts) -> bool:
    """True when the rule's scope covers this subject (project, ecosystem, package, dev)."""
    if scope.projects and not (facts.project and matches_any(facts.project, scope.projects)):
        return False
    component = component_of(subject)
    return component is None or _covers(scope, component)


def _covers(scope: RuleScope, component: Component) -> bool:
    if not scope.include_dev and component.scope is Scope.DEV:
        return False
    if scope.ecosystems:
        ecosystem = base_ecosystem(component.ecosystem).lower() if component.ecosystem else None
        if ecosystem not in {e.lower() for e in scope.ecosystems}:
            return False
    if scope.packages:
        names = [component.name.lower(), *([component.purl] if component.purl else [])]
        return any(matches_any(n, scope.packages) for n in names)
    return True


def _violation(rule: Rule, subject: Subject, facts: Facts) -> Violation:
    return Violation(
        rule_id=rule.id,
        level=rule.level,
        message=message_of(rule, subject, facts),
        component=component_of(subject),
        finding=subject.finding,
        remediation=remediation_of(rule, subject, facts),
        guidance=rule.guidance,
    )


def _suppressed(
    violation: Violation, facts: Facts, waivers: Sequence[Waiver], vex: Sequence[VexStatement]
) -> Violation:
    # A VEX "not affected" is a statement of fact, so it wins over a waiver (an accepted risk).
    suppression = vex_suppression(violation, vex) or waiver_suppression(violation, waivers, facts.now)
    return violation if suppression is None else replace(violation, suppressed=suppression)


def _data_notes(policy: Policy, facts: Facts) -> tuple[str, ...]:
    """Say when a rule needs threat data the scan was not given, so silence is not read as safety."""
    notes: list[str] = []
    for kind, name, has_data in (
        (KnownExploited, "the CISA KEV catalog", bool(facts.known_exploited)),
        (EpssAtLeast, "EPSS scores", bool(facts.epss)),
    ):
        users = [r.id for r in policy.rules if any(isinstance(c, kind) for c in r.when)]
        if users and not has_data:
            notes.append(f"{name} was not loaded: rule(s) {', '.join(users)} could not fire")
    return tuple(notes)


__all__ = ["evaluate", "is_in_scope", "subjects"]
