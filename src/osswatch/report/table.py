"""Terminal tables for people (rich)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from osswatch.model import Component, Finding, Inventory


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


def findings_table(findings: Sequence[Finding]) -> Table:
    """One row per vulnerability per component, worst first."""
    table = Table(header_style="bold")
    for column in ("Severity", "Package", "Installed", "Vulnerability", "Fixed in", "Source"):
        table.add_column(column, overflow="fold")
    ordered = sorted(
        findings,
        key=lambda f: (severity_rank(f.rating.level), f.component.name.lower(), f.id),
    )
    for finding in ordered:
        level = finding.rating.level
        score = f" {finding.rating.score:.1f}" if finding.rating.score is not None else ""
        ids = finding.id + (f"\n[dim]{', '.join(finding.aliases)}[/]" if finding.aliases else "")
        table.add_row(
            f"[{_SEVERITY_STYLE.get(level, '')}]{level}{score}[/]",
            f"{finding.component.name} [dim]({finding.component.ecosystem})[/]",
            finding.component.version or "",
            ids,
            finding.fixed_in[0] if finding.fixed_in else "[dim]no fix yet[/]",
            finding.component.location.path,
        )
    return table


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
