"""`osswatch worker`: run background jobs (uploads, advisory syncs, re-evaluation) from the Redis queue."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from osswatch.cli.db_cmd import DatabaseOption
from osswatch.cli.policy_setup import PolicyOption

QueueUrlOption = Annotated[
    str | None,
    typer.Option(
        "--queue-url",
        envvar="OSSWATCH_QUEUE_URL",
        help="Redis server of the job queue (redis://host:6379/0).",
        show_default=False,
    ),
]
SyncEveryOption = Annotated[
    str | None,
    typer.Option(
        "--sync-every",
        envvar="OSSWATCH_SYNC_EVERY",
        help="With --beat/--schedule: how often to sync advisories (e.g. 30m, 1h; default 1h).",
        show_default=False,
    ),
]
HealthEveryOption = Annotated[
    str | None,
    typer.Option(
        "--health-every",
        envvar="OSSWATCH_HEALTH_EVERY",
        help="With --beat/--schedule: how often to refresh health (e.g. 12h, 1d; default 1d).",
        show_default=False,
    ),
]


def worker(
    *,
    queues: Annotated[
        list[str] | None,
        typer.Option(
            "--queues", "-Q", help="Queues to take jobs from: ingest, evaluate, sync, notify (default: all)."
        ),
    ] = None,
    processes: Annotated[int, typer.Option("--processes", "-p", min=1, help="Worker processes.")] = 1,
    threads: Annotated[int, typer.Option("--threads", "-t", min=1, help="Threads per process.")] = 2,
    beat: Annotated[
        bool, typer.Option("--beat", help="Also run the scheduler (advisory sync hourly, health daily).")
    ] = False,
    queue_url: QueueUrlOption = None,
    database_url: DatabaseOption = None,
    policy: PolicyOption = None,
    osv_url: Annotated[
        str | None,
        typer.Option("--osv-url", envvar="OSSWATCH_OSV_URL", help="OSV mirror.", show_default=False),
    ] = None,
    sync_every: SyncEveryOption = None,
    health_every: HealthEveryOption = None,
) -> None:
    """Run Dramatiq workers on the Redis queue; any number of them may share one database and one Redis.

    A job is acknowledged only when it is finished: the jobs of a worker that dies are handed to the
    others. Stop with Ctrl-C or SIGTERM (running jobs finish first).

    Examples:

        osswatch worker --queue-url redis://127.0.0.1:6379/0 --processes 4 --threads 2

        osswatch worker --queues ingest --beat
    """
    import logging

    from dramatiq.cli import main, make_argument_parser

    from osswatch.errors import InputError
    from osswatch.monitor.queue import QUEUES
    from osswatch.monitor.schedule import HEALTH_EVERY_ENV, SYNC_EVERY_ENV, parse_interval
    from osswatch.settings import database_url as resolve_database_url
    from osswatch.settings import osv_url as resolve_osv_url
    from osswatch.store.database import open_database

    if not queue_url:
        raise InputError("a worker needs the job queue: pass --queue-url redis://… or set OSSWATCH_QUEUE_URL")
    unknown = sorted(set(queues or ()) - set(QUEUES))
    if unknown:
        raise InputError(f"--queues: unknown queue(s) {', '.join(unknown)} (known: {', '.join(QUEUES)})")
    for value, env in ((sync_every, SYNC_EVERY_ENV), (health_every, HEALTH_EVERY_ENV)):
        if value:
            parse_interval(value, env)
            os.environ[env] = value
    url = resolve_database_url(database_url)
    open_database(url).dispose()  # migrate once here, not in every worker process at once
    # The worker processes read their settings from the environment they inherit.
    os.environ.update(
        {
            "OSSWATCH_QUEUE_URL": queue_url,
            "OSSWATCH_DATABASE_URL": url,
            "OSSWATCH_OSV_URL": resolve_osv_url(osv_url),
        }
    )
    if policy is not None:
        os.environ["OSSWATCH_POLICY"] = str(policy.resolve())
    argv = [
        "osswatch.monitor.redis_queue:boot_worker",
        "--processes",
        str(processes),
        "--threads",
        str(threads),
    ]
    argv += ["--queues", *(queues or QUEUES)]
    if beat:
        argv += ["--fork-function", "osswatch.monitor.schedule:beat"]
    logging.root.handlers.clear()  # Dramatiq sets up logging in each process (INFO, with the PID)
    arguments = make_argument_parser().parse_args(argv)  # type: ignore[no-untyped-call]
    raise typer.Exit(main(arguments))  # type: ignore[no-untyped-call]


__all__ = ["worker"]
