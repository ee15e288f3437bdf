"""Terminal tables for people (rich)."""

from __future__ import annotations

from rich.table import Table

from osswatch.model import Component, Inventory


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
