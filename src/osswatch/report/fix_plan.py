"""The fix plan for people (a table) and machines (JSON)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table

if TYPE_CHECKING:
    from rich.console import RenderableType

    from osswatch.remediation import FixPlan


def fix_plan_json(plan: FixPlan) -> dict[str, Any]:
    """The plan as JSON: each upgrade with what it clears, and what no upgrade can clear yet."""
    return {
        "upgrades": [
            {
                "package": upgrade.component.name,
                "ecosystem": upgrade.component.ecosystem,
                "from": upgrade.component.version,
                "to": upgrade.target,
                "file": upgrade.component.location.path,
                "via": [c.name for c in upgrade.via],
                "clears": list(upgrade.clears),
                "action": upgrade.action,
            }
            for upgrade in plan.upgrades
        ],
        "unfixable": [
            {"package": f.component.name, "version": f.component.version, "vulnerability": f.id}
            for f in plan.unfixable
        ],
    }


def fix_plan_renderables(plan: FixPlan) -> list[RenderableType]:
    """A table of upgrades, most clearing first, and a line for what remains unfixable."""
    if not plan.upgrades and not plan.unfixable:
        return ["Nothing to fix: no failing vulnerability has a fixed version to move to."]
    table = Table("Upgrade", "Clears", "File", header_style="bold", title="Fix plan")
    for upgrade in sorted(plan.upgrades, key=lambda u: -len(u.clears)):
        table.add_row(upgrade.action, ", ".join(upgrade.clears), upgrade.component.location.path)
    renderables: list[RenderableType] = [table]
    if plan.unfixable:
        ids = ", ".join(sorted({f"{f.component.name} {f.id}" for f in plan.unfixable}))
        renderables.append(f"No fixed version yet for: {ids}")
    return renderables
