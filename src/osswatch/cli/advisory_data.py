"""Before matching: open the advisory store and fetch what a scan needs, or say plainly what is missing."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from osswatch.cli.console import print_warning, stderr_console

if TYPE_CHECKING:
    from osswatch.advisories.freshness import DataPlan
    from osswatch.advisories.store import AdvisoryStore

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="OSSWATCH_DATABASE_URL",
        help="SQLAlchemy URL of the database (default: a SQLite file in the user data folder).",
        show_default=False,
    ),
]
OsvUrlOption = Annotated[
    str | None,
    typer.Option(
        "--osv-url",
        envvar="OSSWATCH_OSV_URL",
        help="OSV mirror to sync from (https://, http://, file://; default: the public OSV bucket).",
        show_default=False,
    ),
]
OfflineOption = Annotated[
    bool,
    typer.Option(
        "--offline",
        envvar="OSSWATCH_OFFLINE",
        help="Use only data already in the database; say what is missing instead of fetching it.",
    ),
]
MaxAgeOption = Annotated[
    float,
    typer.Option(
        "--max-data-age",
        envvar="OSSWATCH_MAX_DATA_AGE",
        help="Refresh advisory data older than this many hours before matching (unless --offline).",
        min=0,
    ),
]


@contextmanager
def advisory_store(database_url: str | None) -> Iterator[AdvisoryStore]:
    """The advisory store at the configured database URL."""
    from osswatch.advisories.store import AdvisoryStore
    from osswatch.settings import database_url as resolve_database_url

    with AdvisoryStore.open(resolve_database_url(database_url)) as store:
        yield store


def ensure_advisories(
    store: AdvisoryStore,
    needed: Collection[str],
    *,
    offline: bool,
    osv_url: str | None,
    max_age_hours: float,
) -> DataPlan:
    """Sync the ecosystems `needed` lacks or holds stale (online), or warn which (offline)."""
    from osswatch.advisories.freshness import plan_refresh

    plan = plan_refresh(needed, store.status(), now=datetime.now(UTC), max_age=timedelta(hours=max_age_hours))
    if offline:
        if plan.missing:
            names = " ".join(plan.missing)
            print_warning(
                f"no advisory data for {', '.join(plan.missing)}: their components were not checked "
                f"for vulnerabilities; run `osswatch db sync {names}` (or scan without --offline)"
            )
        return plan
    if plan.to_sync:
        _sync(store, plan.to_sync, osv_url)
    return plan


def _sync(store: AdvisoryStore, ecosystems: Collection[str], osv_url: str | None) -> None:
    from rich.progress import Progress, TaskID

    from osswatch.advisories.sources import Mirror
    from osswatch.advisories.sync import sync_ecosystem
    from osswatch.errors import SourceUnavailable
    from osswatch.settings import osv_url as resolve_osv_url

    console = stderr_console()
    with Mirror(resolve_osv_url(osv_url)) as mirror, Progress(console=console, transient=True) as bar:
        for ecosystem in ecosystems:
            task = bar.add_task(f"advisories: {ecosystem}", total=None)

            def update(done: int, total: int, task: TaskID = task) -> None:
                bar.update(task, completed=done, total=total)

            try:
                summary = sync_ecosystem(store, mirror, ecosystem, on_progress=update)
            except SourceUnavailable as e:
                # One unreachable ecosystem must not hide the others' results; the user is told.
                print_warning(f"advisories for {ecosystem} could not be fetched: {e}")
                continue
            finally:
                bar.remove_task(task)
            console.print(
                f"[dim]advisories: {ecosystem} synced ({summary.added} added, "
                f"{summary.changed} changed, {summary.withdrawn} withdrawn)[/]"
            )
