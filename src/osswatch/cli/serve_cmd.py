"""`osswatch serve`: run the portfolio API server (and the dashboard) with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from osswatch.cli.db_cmd import DatabaseOption
from osswatch.cli.policy_setup import PolicyOption
from osswatch.cli.worker_cmd import HealthEveryOption, QueueUrlOption, SyncEveryOption


def serve(
    *,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    database_url: DatabaseOption = None,
    policy: PolicyOption = None,
    queue_url: QueueUrlOption = None,
    schedule: Annotated[
        bool, typer.Option("--schedule", help="Run the scheduler here (advisory sync hourly, health daily).")
    ] = False,
    sync_every: SyncEveryOption = None,
    health_every: HealthEveryOption = None,
) -> None:
    """Serve the portfolio API (projects, snapshots, findings, triage) over HTTP.

    Every upload is matched against the advisories in the database, its components' health is read from
    the registry cache, and the policy (`--policy`, or the built-in baseline) judges it. Without
    `--queue-url` jobs run in this process; with it, `osswatch worker` processes run them.
    """
    import uvicorn

    from osswatch.monitor.schedule import HEALTH_EVERY_ENV, SYNC_EVERY_ENV, Schedule, parse_interval
    from osswatch.settings import database_url as resolve_database_url
    from osswatch.web.app import create_app

    plan = None
    if schedule:
        default = Schedule.from_env()
        plan = Schedule(
            sync_every=parse_interval(sync_every, SYNC_EVERY_ENV) if sync_every else default.sync_every,
            health_every=parse_interval(health_every, HEALTH_EVERY_ENV)
            if health_every
            else default.health_every,
            notify_every=default.notify_every,
        )
    app = create_app(
        resolve_database_url(database_url), policy_path=policy, queue_url=queue_url, schedule=plan
    )
    uvicorn.run(app, host=host, port=port)


__all__ = ["serve"]
