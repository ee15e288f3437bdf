"""`osswatch serve`: run the portfolio API server with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from osswatch.cli.db_cmd import DatabaseOption


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    database_url: DatabaseOption = None,
) -> None:
    """Serve the portfolio API (projects, snapshots, findings, triage) over HTTP."""
    import uvicorn

    from osswatch.settings import database_url as resolve_database_url
    from osswatch.web.app import create_app

    uvicorn.run(create_app(resolve_database_url(database_url)), host=host, port=port)


__all__ = ["serve"]
