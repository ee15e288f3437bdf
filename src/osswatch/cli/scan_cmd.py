"""`osswatch scan`: inventory, known vulnerabilities and health of every component, in one pass."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from osswatch.cli.advisory_data import (
    DatabaseOption,
    MaxAgeOption,
    OfflineOption,
    OsvUrlOption,
    advisory_store,
    ensure_advisories,
)
from osswatch.cli.console import print_rich, print_warning, write_output
from osswatch.cli.inventory_cmd import IncludeDevOption, MaxFileSizeOption, OutputOption, PathsArgument
from osswatch.report.base import ReportFormat

if TYPE_CHECKING:
    from rich.console import RenderableType

    from osswatch.scan import ScanResult


def scan(
    paths: PathsArgument,
    *,
    output_format: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            help="table for people; json, sarif (code scanning), markdown (PR comments), html, "
            "cyclonedx (SBOM with vulnerabilities) or vex for machines and reports.",
        ),
    ] = ReportFormat.TABLE,
    output: OutputOption = None,
    offline: OfflineOption = False,
    health: Annotated[
        bool, typer.Option("--health/--no-health", help="Assess each component's health (registry data).")
    ] = True,
    include_dev: IncludeDevOption = True,
    database_url: DatabaseOption = None,
    osv_url: OsvUrlOption = None,
    max_data_age: MaxAgeOption = 24.0,
    max_file_size: MaxFileSizeOption = 64 * 1024 * 1024,
) -> None:
    """Find every component under PATH, its known vulnerabilities and its health.

    Advisory data comes from OSV: the ecosystems a scan needs are synced into the local database
    first (or, with --offline, osswatch says which are missing and how to get them). Exit code 1
    when a known vulnerability is found, 2 on bad input.

    Examples:

        osswatch scan .

        osswatch scan poetry.lock --format json --offline

        osswatch scan services/ --no-dev --no-health
    """
    from dataclasses import replace

    from osswatch.inventory.collect import CollectOptions, collect
    from osswatch.inventory.reading import ReadLimits
    from osswatch.scan import ecosystems_needed
    from osswatch.scan import scan as run_scan

    options = CollectOptions(include_dev=include_dev, limits=ReadLimits(max_file_size=max_file_size))
    found = collect(paths, options)
    with advisory_store(database_url) as store:
        plan = ensure_advisories(
            store, ecosystems_needed(found), offline=offline, osv_url=osv_url, max_age_hours=max_data_age
        )
        result = replace(run_scan(found, store), missing_advisories=plan.missing)
    if health:
        result = _with_health(result, database_url, offline=offline)
    _render(result, output_format, output, root=_common_root(paths))
    for problem in found.problems:
        print_warning(f"skipped {problem}")
    if found.problems:
        raise typer.Exit(2)
    if result.findings:
        raise typer.Exit(1)


def _with_health(result: ScanResult, database_url: str | None, *, offline: bool) -> ScanResult:
    import asyncio
    from dataclasses import replace

    from osswatch.cli.health_cmd import progress_bar
    from osswatch.health.scan import ScanSettings, scan_health
    from osswatch.settings import database_url as resolve_database_url
    from osswatch.store.database import open_database

    engine = open_database(resolve_database_url(database_url))
    try:
        with progress_bar() as on_progress:
            assessed = asyncio.run(
                scan_health(result.inventory.components, engine, ScanSettings(offline=offline), on_progress)
            )
    finally:
        engine.dispose()
    for problem in assessed.report.problems:
        print_warning(problem)
    if assessed.missing:
        print_warning(
            f"offline: {len(assessed.missing)} registry answers are not cached; their health is unknown"
        )
    health = {r.component: r.health for r in assessed.report.components}
    return replace(result, health=health)


def _render(result: ScanResult, output_format: ReportFormat, output: str | None, *, root: Path) -> None:
    from osswatch.report.base import ReportOptions, render

    if output_format is ReportFormat.TABLE and (output is None or output == "-"):
        from osswatch.report.table import scan_renderables

        print_rich(None, *_health_renderables(result), *scan_renderables(result, root))
        return
    write_output(render(result, output_format, ReportOptions(root=root)), output)


def _common_root(paths: list[Path]) -> Path:
    """The folder the scanned paths share: SARIF and reports show file paths relative to it."""
    import os

    folders = [str((p if p.is_dir() else p.parent).resolve()) for p in paths]
    return Path(os.path.commonpath(folders)) if folders else Path.cwd()


def _health_renderables(result: ScanResult) -> list[RenderableType]:
    """A health table of the components at risk, and the project's health in one line."""
    if not result.health:
        return []
    from osswatch.cli.health_cmd import health_table, summary_line
    from osswatch.health.assess import ComponentHealth

    pairs = [ComponentHealth(component=c, health=h) for c, h in result.health.items()]
    at_risk = [p for p in pairs if set(p.health.status) - {"current", "outdated"}]
    renderables: list[RenderableType] = [health_table(at_risk)] if at_risk else []
    renderables.append(summary_line(pairs))
    return renderables
