"""Terminal tables for people (rich): the inventory, findings, and the scan report.

The scan report groups findings by severity (worst first), shows each fix as the command-like
`upgrade requests 2.25.1 → 2.31.0`, lists the verdict's active violations, and ends with ONE line
that a person reads first: the outcome in counts and the single most useful next action (the
upgrade from the fix plan that clears the most, else the first failing rule's advice).
Text from files and advisories is escaped: a package named `[bold]x` must not restyle the terminal.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from osswatch.model import Component, Finding, Inventory, Level, Verdict, Violation
from osswatch.remediation import fix_plan, needed_findings, upgrade_text
from osswatch.report.base import PolicyIndex, ReportOptions, active, relative_path

if TYPE_CHECKING:
    from osswatch.scan import ScanResult


def _direct_label(component: Component) -> str:
    if component.is_direct is None:
        return ""
    return "direct" if component.is_direct else "transitive"


def inventory_table(inventory: Inventory) -> Table:
    """One row per component, ordered by file, ecosystem and name."""
    table = Table(title=None, show_lines=False, header_style="bold")
    for column in ("Ecosystem", "Name", "Version", "Scope", "Relation", "Source"):
        table.add_column(column, overflow="fold")
    ordered = sorted(
        inventory.components,
        key=lambda c: (c.location.path, c.ecosystem or "", c.name.lower(), c.version or ""),
    )
    for component in ordered:
        table.add_row(
            component.ecosystem or "[yellow]unidentified[/]",
            component.name,
            component.version or "[yellow]unpinned[/]",
            component.scope.value,
            _direct_label(component),
            component.location.path,
        )
    return table


def inventory_summary(inventory: Inventory) -> str:
    """One line: how many components from how many files, and what needs a look."""
    components = inventory.components
    unpinned = sum(1 for c in components if not c.is_pinned)
    unidentified = sum(1 for c in components if not c.is_identified)
    parts = [f"{len(components)} components from {len(inventory.sources)} files"]
    if unpinned:
        parts.append(f"{unpinned} unpinned")
    if unidentified:
        parts.append(f"{unidentified} unidentified")
    if inventory.problems:
        parts.append(f"{len(inventory.problems)} files could not be read")
    return ", ".join(parts)


SEVERITY_ORDER = ("critical", "high", "medium", "low", "none", "unknown")
_SEVERITY_STYLE = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "yellow",
    "low": "cyan",
    "none": "dim",
    "unknown": "magenta",
}


def severity_rank(level: str) -> int:
    """0 for critical … 5 for unknown; the order findings are shown in."""
    return SEVERITY_ORDER.index(level) if level in SEVERITY_ORDER else len(SEVERITY_ORDER)


def findings_summary(findings: Sequence[Finding], component_count: int) -> str:
    """One line: how many vulnerabilities in how many packages, by severity."""
    if not findings:
        return f"No known vulnerabilities in {component_count} components."
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.rating.level] = counts.get(finding.rating.level, 0) + 1
    packages = {(f.component.ecosystem, f.component.name, f.component.version) for f in findings}
    by_level = ", ".join(f"{counts[level]} {level}" for level in SEVERITY_ORDER if level in counts)
    return (
        f"{len(findings)} known vulnerabilities in {len(packages)} of {component_count} "
        f"components ({by_level})."
    )


# --- the scan report --------------------------------------------------------------------------

_LEVEL_STYLE = {Level.FAIL: "bold red", Level.WARN: "yellow", Level.INFO: "dim"}


def fix_text(finding: Finding) -> str:
    """The fix as a person types it: `upgrade requests 2.25.1 → 2.31.0`, or `no fix yet`."""
    if not finding.fixed_in:
        return "no fix yet"
    return upgrade_text(finding.component, finding.fixed_in[0])


def severity_groups(findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings grouped by severity level, worst group first, each ordered by package and id."""
    groups: dict[str, list[Finding]] = {}
    ordered = sorted(findings, key=lambda f: (severity_rank(f.rating.level), f.component.name.lower(), f.id))
    for finding in ordered:
        groups.setdefault(finding.rating.level, []).append(finding)
    return list(groups.items())


def _group_table(findings: Sequence[Finding], index: PolicyIndex, root: Path | None) -> Table:
    table = Table(header_style="bold", show_edge=False)
    for column in ("Package", "Installed", "Vulnerability", "Policy", "Fix", "Source"):
        table.add_column(column, overflow="fold")
    for finding in findings:
        suppression = index.suppression(finding)
        level = index.level(finding)
        policy = f"[{_LEVEL_STYLE[level]}]{level}[/]" if level else ""
        if suppression is not None:
            policy = f"[dim]{suppression.kind}: {escape(suppression.reason)}[/]"
        score = f" ({finding.rating.score:.1f})" if finding.rating.score is not None else ""
        table.add_row(
            escape(finding.component.name),
            escape(finding.component.version or ""),
            escape(finding.id) + score,
            policy,
            escape(fix_text(finding)),
            escape(_where(finding.component, root)),
        )
    return table


def _where(component: Component, root: Path | None) -> str:
    line = component.location.line
    return relative_path(component.location, root) + (f":{line}" if line is not None else "")


def violations_table(violations: Sequence[Violation]) -> Table:
    """One row per violation given (fail first, as `active` orders them)."""
    table = Table(header_style="bold", show_edge=False)
    for column in ("Level", "Rule", "Component", "Message", "Action"):
        table.add_column(column, overflow="fold")
    for violation in violations:
        component = violation.component or (violation.finding.component if violation.finding else None)
        table.add_row(
            f"[{_LEVEL_STYLE[violation.level]}]{violation.level}[/]",
            escape(violation.rule_id),
            escape(f"{component.name} {component.version or ''}".strip() if component else ""),
            escape(violation.message),
            escape(violation.remediation or ""),
        )
    return table


def scan_renderables(result: ScanResult, root: Path | None = None) -> list[RenderableType]:
    """The terminal report: findings by severity, the other violations, and the closing line.

    Violations about a vulnerability show in its severity group (Policy column), not twice.
    """
    parts: list[RenderableType] = []
    index = PolicyIndex(result.verdict)
    for level, findings in severity_groups(result.findings):
        style = _SEVERITY_STYLE.get(level, "")
        parts.append(Text(f"\n{level.upper()} ({len(findings)})", style=style))
        parts.append(_group_table(findings, index, root))
    verdict = result.verdict
    others = [v for v in active(verdict) if v.finding is None]
    if verdict is not None and others:
        parts.append(Text(f"\nPolicy {verdict.policy_name}: other violations ({len(others)})", style="bold"))
        parts.append(violations_table(others))
    for note in verdict.notes if verdict else ():
        parts.append(Text(f"note: {note}", style="yellow"))
    parts.append(Text("\n" + closing_line(result), style="bold"))
    return parts


def render_scan_text(result: ScanResult, options: ReportOptions, /) -> str:
    """The terminal report as plain text (for `--output` files and the format table)."""
    console = Console(file=io.StringIO(), width=160, highlight=False, no_color=True, record=True)
    console.print(*scan_renderables(result, options.root))
    return console.export_text()


def closing_line(result: ScanResult) -> str:
    """The one line a person reads first: the outcome in counts, and the most useful next action."""
    verdict = result.verdict
    if verdict is None:
        outcome = findings_summary(result.findings, len(result.inventory.components)).rstrip(".")
    else:
        outcome = _verdict_outcome(verdict)
    action = next_action(result)
    return f"{outcome}. Next: {action}." if action else f"{outcome}."


def _verdict_outcome(verdict: Verdict) -> str:
    fails, warns = verdict.count(Level.FAIL), verdict.count(Level.WARN)
    suppressed = sum(1 for v in verdict.violations if not v.is_active)
    word = "FAILED" if fails else "PASSED"
    text = f"{word}: {fails} fail, {warns} warn"
    return text + (f" ({suppressed} suppressed)" if suppressed else "")


def next_action(result: ScanResult) -> str | None:
    """The single most useful thing to do: the upgrade clearing most, else the first rule's advice."""
    plan = fix_plan(result)
    best = plan.best
    if best is not None:
        needed = len({f.id for f in needed_findings(result)})
        return f"{best.action}, which clears {len(best.clears)} of {needed} vulnerabilities to fix"
    for violation in active(result.verdict):
        if violation.level is not Level.INFO:
            return violation.remediation or f"{violation.rule_id}: {violation.message}"
    if plan.unfixable:
        first = plan.unfixable[0]
        return f"no fix yet for {first.id} in {first.component.name}: review it and record a waiver or VEX"
    return None
