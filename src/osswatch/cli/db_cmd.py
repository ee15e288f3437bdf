"""`osswatch db`: sync advisories from an OSV mirror, import OSV files, show freshness, migrate."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from osswatch.cli.console import print_rich, stderr_console, write_output
from osswatch.errors import InputError

if TYPE_CHECKING:
    from osswatch.advisories.ingest import SyncSummary
    from osswatch.advisories.store import AdvisoryStore, EcosystemStatus

app = typer.Typer(
    help="The advisory database: sync it from OSV, import OSV files, check how fresh it is.",
    no_args_is_help=True,
)


class OutputFormat(enum.StrEnum):
    """Output formats of the `db` commands."""

    TABLE = "table"
    JSON = "json"


DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="OSSWATCH_DATABASE_URL",
        help="SQLAlchemy URL of the database (default: a SQLite file in the user data folder).",
        show_default=False,
    ),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="table for people, json for machines.")
]


@app.command()
def sync(
    ecosystems: Annotated[
        list[str] | None,
        typer.Argument(
            help="OSV ecosystems to sync (default: those already in the database).", show_default=False
        ),
    ] = None,
    osv_url: Annotated[
        str | None,
        typer.Option(
            "--osv-url",
            envvar="OSSWATCH_OSV_URL",
            help="OSV mirror (https://, http://, file://).",
            show_default=False,
        ),
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Download whole archives, not only changes.")] = False,
    database_url: DatabaseOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """Bring advisories up to date from OSV: whole archives first, then only what changed.

    Examples:

        osswatch db sync PyPI npm crates.io

        osswatch db sync --osv-url file:///srv/osv-mirror
    """
    from osswatch.advisories.osv_record import ecosystem_name
    from osswatch.advisories.sources import Mirror
    from osswatch.advisories.sync import sync_ecosystem
    from osswatch.settings import osv_url as resolve_osv_url

    with _open(database_url) as store:
        # The bucket's folder names are case-sensitive: `pypi` means `PyPI`.
        names: list[str] = [ecosystem_name(name) for name in ecosystems or ()]
        names = names or [row.ecosystem for row in store.status() if row.source_url]
        if not names:
            raise InputError("name the ecosystems to sync, e.g. `osswatch db sync PyPI npm`")
        with Mirror(resolve_osv_url(osv_url)) as mirror, _progress() as progress:
            summaries = [
                sync_ecosystem(store, mirror, name, full=full, on_progress=progress(name)) for name in names
            ]
    _print_summaries(summaries, output_format)


@app.command(name="import")
def import_(
    path: Annotated[Path, typer.Argument(help="An all.zip, a folder of OSV .json/.yaml files, or one file.")],
    ecosystem: Annotated[
        str | None,
        typer.Option(
            "--ecosystem", help="Record under this ecosystem (default: from the folder or records)."
        ),
    ] = None,
    database_url: DatabaseOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """Import OSV records from disk (an archive replaces its ecosystem; loose files are added)."""
    from osswatch.advisories.local import import_path

    with _open(database_url) as store, _progress() as progress:
        summary = import_path(store, path, ecosystem=ecosystem, on_progress=progress(path.name))
    _print_summaries([summary], output_format)


@app.command()
def status(database_url: DatabaseOption = None, output_format: FormatOption = OutputFormat.TABLE) -> None:
    """Show, per ecosystem, how many advisories the database holds, where from, and how old they are."""
    with _open(database_url) as store:
        rows = store.status()
    now = datetime.now(UTC)
    if output_format is OutputFormat.JSON:
        write_output(json.dumps({"ecosystems": [_status_json(row, now) for row in rows]}, indent=2), None)
        return
    from rich.table import Table

    table = Table("ecosystem", "advisories", "withdrawn", "last sync", "age", "source")
    for row in rows:
        table.add_row(
            row.ecosystem,
            str(row.advisories),
            str(row.withdrawn),
            _when(row.last_sync),
            _age(row.age(now)),
            row.source_url or "-",
        )
    print_rich(None, table if rows else "The advisory database is empty: run `osswatch db sync PyPI …`.")


@app.command()
def upgrade(database_url: DatabaseOption = None) -> None:
    """Create or migrate the database tables to this version of osswatch."""
    from osswatch.settings import database_url as resolve_database_url
    from osswatch.store.database import create_database_engine, current_revision
    from osswatch.store.database import upgrade as run_upgrade

    url = resolve_database_url(database_url)
    engine = create_database_engine(url)
    try:
        before = current_revision(engine)
        run_upgrade(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    stderr_console().print(f"database at revision {after} (was {before or 'empty'})")


def _open(database_url: str | None) -> AdvisoryStore:
    from osswatch.advisories.store import AdvisoryStore
    from osswatch.settings import database_url as resolve_database_url

    return AdvisoryStore.open(resolve_database_url(database_url))


@contextmanager
def _progress() -> Iterator[Callable[[str], Callable[[int, int], None]]]:
    """A rich progress bar on standard error; yields a factory of per-ecosystem callbacks."""
    from rich.progress import Progress

    with Progress(console=stderr_console(), transient=True) as bar:

        def for_name(name: str) -> Callable[[int, int], None]:
            task = bar.add_task(name, total=None)

            def update(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            return update

        yield for_name


def _print_summaries(summaries: Sequence[SyncSummary], output_format: OutputFormat) -> None:
    if output_format is OutputFormat.JSON:
        write_output(json.dumps({"synced": [_summary_json(s) for s in summaries]}, indent=2), None)
        return
    from rich.table import Table

    table = Table("ecosystem", "mode", "added", "changed", "withdrawn", "removed", "skipped", "unchanged")
    for s in summaries:
        counts = (s.added, s.changed, s.withdrawn, s.removed, s.skipped, s.unchanged)
        table.add_row(s.ecosystem, s.mode, *map(str, counts))
    print_rich(None, table)


def _summary_json(summary: SyncSummary) -> dict[str, Any]:
    from dataclasses import asdict

    # The ids are for re-evaluation, not for people: a first sync writes hundreds of thousands.
    return {k: v for k, v in asdict(summary).items() if k not in ("written_ids", "removed_ids")}


def _status_json(row: EcosystemStatus, now: datetime) -> dict[str, Any]:
    age = row.age(now)
    return {
        "ecosystem": row.ecosystem,
        "advisories": row.advisories,
        "withdrawn": row.withdrawn,
        "skipped": row.skipped,
        "source": row.source_url,
        "last_sync": None if row.last_sync is None else row.last_sync.isoformat(),
        "newest_modified": None if row.newest_modified is None else row.newest_modified.isoformat(),
        "age_seconds": None if age is None else round(age.total_seconds()),
    }


def _when(moment: datetime | None) -> str:
    return "never" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def _age(age: timedelta | None) -> str:
    if age is None:
        return "-"
    if age.days:
        return f"{age.days} d"
    hours, seconds = divmod(int(age.total_seconds()), 3600)
    return f"{hours} h {seconds // 60} min" if hours else f"{seconds // 60} min"
