"""`osswatch health`: how old each component is, how far behind, and whether upstream is alive."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from osswatch.cli.advisory_data import DatabaseOption, OfflineOption
from osswatch.cli.console import print_warning, stderr_console, write_output

if TYPE_CHECKING:
    from rich.table import Table

    from osswatch.health.assess import ComponentHealth
    from osswatch.health.scan import HealthScan
    from osswatch.model import Inventory


class HealthFormat(enum.StrEnum):
    """Output formats of `osswatch health`."""

    TABLE = "table"
    JSON = "json"


def health(
    paths: Annotated[
        list[Path], typer.Argument(help="SBOMs, lockfiles or folders to read.", show_default=False)
    ],
    *,
    output_format: Annotated[
        HealthFormat, typer.Option("--format", "-f", help="table for people, json for machines.")
    ] = HealthFormat.TABLE,
    offline: OfflineOption = False,
    database_url: DatabaseOption = None,
    include_dev: Annotated[
        bool,
        typer.Option("--include-dev/--no-dev", envvar="OSSWATCH_INCLUDE_DEV", help="Count dev dependencies."),
    ] = True,
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
) -> None:
    """Show the health of every component under PATH, most at risk first.

    For each component: when the installed version was published, the latest release, how many
    years behind it is (libyears), and when upstream last released anything. Registry answers are
    cached for 24 hours; `--offline` reads only the cache.

    Examples:

        osswatch health poetry.lock

        osswatch health . --format json --offline
    """
    import asyncio

    from osswatch.health.scan import ScanSettings, scan_health
    from osswatch.inventory.collect import CollectOptions, collect
    from osswatch.settings import database_url as resolve_database_url
    from osswatch.store.database import open_database

    found = collect(paths, CollectOptions(include_dev=include_dev))
    engine = open_database(resolve_database_url(database_url))
    with progress_bar() as on_progress:
        scan = asyncio.run(scan_health(found.components, engine, ScanSettings(offline=offline), on_progress))
    match output_format:
        case HealthFormat.JSON:
            write_output(_json_text(scan, found), output)
        case HealthFormat.TABLE:
            from osswatch.cli.console import print_rich

            print_rich(output, _table(scan), _summary_line(scan))
    _warn(scan, found)


def progress_bar() -> Any:
    """A context manager yielding an `on_progress(done, total)` that drives a bar on stderr."""
    from contextlib import contextmanager

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    @contextmanager
    def bar() -> Any:
        progress = Progress(
            TextColumn("fetching release histories"),
            BarColumn(),
            MofNCompleteColumn(),
            console=stderr_console(),
            transient=True,
        )
        task = progress.add_task("registries", total=None)
        with progress:
            yield lambda done, total: progress.update(task, completed=done, total=total)

    return bar()


def _json_text(scan: HealthScan, found: Inventory) -> str:
    import json

    from osswatch.health.base import health_json
    from osswatch.health.summary import summarize, summary_json
    from osswatch.health.wording import by_risk

    results = by_risk(list(scan.report.components))
    from osswatch.report.json_document import envelope

    document = {
        **envelope(),
        "kind": "health",
        "components": [_component_json(r) | {"health": health_json(r.health)} for r in results],
        "summary": summary_json(summarize(results)),
        "missing": list(scan.missing),
        "problems": list(scan.report.problems) + [str(p) for p in found.problems],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _component_json(result: ComponentHealth) -> dict[str, Any]:
    component = result.component
    return {
        "name": component.name,
        "version": component.version,
        "ecosystem": component.ecosystem,
        "purl": component.purl,
        "source": result.source,
        "problem": result.problem,
        "scorecard": result.scorecard,
    }


def _table(scan: HealthScan) -> Table:
    return health_table(list(scan.report.components))


def health_table(results: list[ComponentHealth]) -> Table:
    """One row per component, most at risk first."""
    from rich.table import Table

    from osswatch.health.wording import by_risk, last_release_text, month_of, years_behind

    table = Table(title="Component health (most at risk first)")
    for column in ("package", "installed", "published", "latest", "behind", "upstream", "status"):
        table.add_column(column)
    for result in by_risk(results):
        health = result.health
        table.add_row(
            f"{result.component.ecosystem or '?'}/{result.component.name}",
            result.component.version or "unpinned",
            month_of(health.published),
            health.latest or "?",
            years_behind(health.libyear),
            last_release_text(result),
            ", ".join(health.status),
        )
    return table


def _summary_line(scan: HealthScan) -> str:
    return summary_line(list(scan.report.components))


def summary_line(results: list[ComponentHealth]) -> str:
    """The project's health in one line: assessed, libyears, shares stale and unmaintained."""
    from osswatch.health.summary import summarize

    summary = summarize(results)
    counts = f"{summary.assessed} assessed, {summary.unknown} unknown"
    shares = f"{summary.stale_share:.0%} stale, {summary.unmaintained_share:.0%} unmaintained"
    return f"{counts}; {summary.total_libyears:.1f} libyears in total; {shares}"


def _warn(scan: HealthScan, found: Inventory) -> None:
    for skipped in found.problems:
        print_warning(f"skipped {skipped}")
    for problem in scan.report.problems:
        print_warning(problem)
    if scan.missing:
        print_warning(f"offline: {len(scan.missing)} registry answers are not in the cache:")
        for url in scan.missing:
            print_warning(f"  missing {url}")


__all__ = ["HealthFormat", "health", "health_table", "progress_bar", "summary_line"]
