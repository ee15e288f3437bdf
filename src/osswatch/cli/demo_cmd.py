"""`osswatch demo`: a demo portfolio in a fresh store, linked to the example catalog, then the dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from osswatch.cli.advisory_data import OfflineOption, OsvUrlOption

DEFAULT_FILE = "osswatch-demo.db"
"""The SQLite file the demo writes in the current folder unless --database-url names another store."""


def demo(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Project folders (or files): one demo project each. Default: this Python environment.",
            exists=True,
            show_default=False,
        ),
    ] = None,
    *,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the dashboard when the portfolio is built.")
    ] = True,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help=f"Store to build the demo in (default: a fresh SQLite file ./{DEFAULT_FILE}, replaced).",
            show_default=False,
        ),
    ] = None,
    health: Annotated[
        bool, typer.Option("--health/--no-health", help="Assess each component's health (registry data).")
    ] = True,
    offline: OfflineOption = False,
    osv_url: OsvUrlOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to serve on.")] = 8000,
) -> None:
    """Build a demo portfolio and show it: one project per folder, the example standards catalog.

    Each folder is inventoried, matched against OSV advisories (synced into the store first unless
    --offline), its components' health assessed, and judged by the baseline policy — exactly as an upload
    to `osswatch serve` would be. Then the dashboard is served; sign in with the printed key.

    With --no-serve it stops once the store is built, so that other commands can run on it:

        osswatch demo ../shared/data/lockfiles/* --no-serve

        osswatch report --period 2026 --format pdf --database-url sqlite:///osswatch-demo.db
    """
    from dataclasses import replace
    from datetime import UTC, datetime

    from rich.table import Table

    from osswatch.cli.advisory_data import ensure_advisories
    from osswatch.cli.console import print_rich, stderr_console
    from osswatch.monitor.analysis import RegistryHealth, server_analyser
    from osswatch.monitor.demo import build_demo, demo_inventories
    from osswatch.monitor.portfolio import Portfolio
    from osswatch.scan import ecosystems_needed
    from osswatch.store.database import open_database

    url = database_url or _fresh_sqlite(Path.cwd() / DEFAULT_FILE)
    console = stderr_console()
    inventories = demo_inventories(paths or [])
    engine = open_database(url)
    try:
        analyser = server_analyser(engine)
        needed = {e for _, inventory in inventories for e in ecosystems_needed(inventory)}
        ensure_advisories(analyser.advisories, needed, offline=offline, osv_url=osv_url, max_age_hours=24.0)
        analyser = replace(
            analyser, health=RegistryHealth(engine=engine, offline=offline) if health else None
        )
        with console.status("recording the demo projects") as status:
            built = build_demo(
                Portfolio(engine),
                analyser,
                inventories,
                now=datetime.now(UTC),
                on_project=lambda name, count: status.update(f"{name}: {count} components"),
            )
    finally:
        engine.dispose()
    table = Table("project", "components", "findings", "policy", title="demo portfolio", title_justify="left")
    for project in built.projects:
        verdict = {True: "[green]passed[/]", False: "[red]failed[/]", None: "-"}[project.passed]
        table.add_row(project.name, str(project.components), str(project.findings), verdict)
    print_rich(None, table)
    for problem in built.problems:
        console.print(f"[yellow]skipped[/] {problem}")
    typer.echo(f"store: {url}")
    typer.echo(f"standards catalog: {built.standards} standards imported")
    if not serve:
        typer.echo(f"admin key of team demo: {built.key}")
        return
    import uvicorn

    from osswatch.web.app import create_app

    typer.echo(f"dashboard: http://{host}:{port}/ — sign in with the key below (shown once)")
    typer.echo(built.key)
    uvicorn.run(create_app(url), host=host, port=port)


def _fresh_sqlite(path: Path) -> str:
    """The URL of a new SQLite file at `path`; a previous demo store there is removed first."""
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    return f"sqlite:///{path}"


__all__ = ["DEFAULT_FILE", "demo"]
