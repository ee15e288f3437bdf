"""The fix plan: the fewest upgrades that clear every fixable failing vulnerability.

Which findings need fixing: those behind an active `fail` violation of the verdict, or every finding
when no policy was evaluated. Per package (in its lockfile) the target is the smallest version that
is at or above the first fix of every such finding, compared with the ecosystem's own ordering
(`osswatch.ecosystems.get`). A transitive component is traced up its lockfile's `depends_on` graph
to the direct dependencies that pull it in, so the plan can say which one to bump.

The target is "at or above every needed fix", as OSV's `fixed` events state it. A package whose
advisories have disjoint affected ranges on several branches could in principle be vulnerable again
at the maximum of the fixes; the scan after the upgrade is the check for that.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from osswatch import ecosystems
from osswatch.errors import InputError
from osswatch.model import AdvisoryId, Component, Finding, Level, Package, Verdict
from osswatch.scan import ScanResult


@dataclass(frozen=True, kw_only=True, slots=True)
class Upgrade:
    """One package to move, in one file: from the installed version to the target."""

    component: Component
    target: str
    clears: tuple[AdvisoryId, ...]
    """The vulnerabilities (primary ids) this upgrade clears, in first-seen order."""
    via: tuple[Component, ...] = ()
    """For a transitive component: the direct dependencies whose graph reaches it."""

    @property
    def package(self) -> Package | None:
        """The package being upgraded."""
        return self.component.package

    @property
    def action(self) -> str:
        """What a person does: `upgrade requests 2.25.1 → 2.31.0 (via httpx 0.23.0)`."""
        text = upgrade_text(self.component, self.target)
        if self.via:
            names = ", ".join(f"{c.name} {c.version or ''}".rstrip() for c in self.via)
            text = f"{text} (via {names})"
        return text


@dataclass(frozen=True, kw_only=True, slots=True)
class FixPlan:
    """The upgrades to make, and the failing findings no upgrade can clear yet."""

    upgrades: tuple[Upgrade, ...] = ()
    unfixable: tuple[Finding, ...] = ()
    """Findings that must be fixed but have no fixed version (or no version ordering) to move to."""

    @property
    def best(self) -> Upgrade | None:
        """The upgrade that clears the most vulnerabilities (the first of equals)."""
        return max(self.upgrades, key=lambda u: len(u.clears), default=None)


def upgrade_text(component: Component, target: str) -> str:
    """`upgrade requests 2.25.1 → 2.31.0`."""
    return f"upgrade {component.name} {component.version or '(unpinned)'} → {target}"


def needed_findings(result: ScanResult) -> list[Finding]:
    """The findings the plan must clear: active `fail` violations', or all without a verdict."""
    if result.verdict is None:
        return list(result.findings)
    return list(dict.fromkeys(failing_findings(result.verdict)))


def failing_findings(verdict: Verdict) -> Iterator[Finding]:
    """The findings of the verdict's active `fail` violations."""
    for violation in verdict.violations:
        if violation.is_active and violation.level is Level.FAIL and violation.finding is not None:
            yield violation.finding


def fix_plan(result: ScanResult) -> FixPlan:
    """The minimal upgrades, one per package per file, that clear every fixable failing finding."""
    groups: dict[Component, list[Finding]] = defaultdict(list)
    unfixable: list[Finding] = []
    for finding in needed_findings(result):
        if finding.fixed_in and finding.component.ecosystem is not None:
            groups[finding.component].append(finding)
        else:
            unfixable.append(finding)
    graph = DependencyGraph(result.inventory.components)
    upgrades = []
    for component, findings in groups.items():
        target = smallest_target(component, [f.fixed_in[0] for f in findings])
        if target is None:
            unfixable.extend(findings)
            continue
        clears = tuple(dict.fromkeys(f.id for f in findings))
        via = graph.direct_of(component)
        upgrades.append(Upgrade(component=component, target=target, clears=clears, via=via))
    upgrades.sort(key=lambda u: (-len(u.clears), u.component.name, u.component.location.path))
    return FixPlan(upgrades=tuple(upgrades), unfixable=tuple(unfixable))


def smallest_target(component: Component, fixes: Sequence[str]) -> str | None:
    """The greatest of `fixes` in the component's ecosystem order; None if it has no ordering."""
    assert component.ecosystem is not None
    try:
        scheme = ecosystems.get(component.ecosystem)
    except InputError:
        # No ordering: only a single distinct fix can be named without guessing.
        distinct = set(fixes)
        return fixes[0] if len(distinct) == 1 else None
    return max(fixes, key=scheme.sort_key)


class DependencyGraph:
    """The `depends_on` graph of each file, walked upwards from a component to direct dependencies."""

    def __init__(self, components: Iterable[Component]) -> None:
        self._by_ref: dict[tuple[str, str], Component] = {}
        self._parents: dict[tuple[str, str], list[Component]] = defaultdict(list)
        for component in components:
            if component.ref is None:
                continue
            self._by_ref[(component.location.path, component.ref)] = component
            for child in component.depends_on:
                self._parents[(component.location.path, child)].append(component)

    def direct_of(self, component: Component) -> tuple[Component, ...]:
        """The direct dependencies whose graph reaches `component` (empty if it is direct or unknown)."""
        if component.is_direct is not False or component.ref is None:
            return ()
        path = component.location.path
        seen = {component.ref}
        queue = deque([component.ref])
        found: dict[Component, None] = {}
        while queue:
            for parent in self._parents.get((path, queue.popleft()), ()):
                if parent.is_direct:
                    found[parent] = None
                if parent.ref is not None and parent.ref not in seen:
                    seen.add(parent.ref)
                    queue.append(parent.ref)
        return tuple(sorted(found, key=lambda c: c.name))
