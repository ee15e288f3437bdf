"""`osswatch project`: upload a project's SBOMs and lockfiles to an osswatch server, list its projects.

Made for CI pipelines: the server and key come from `OSSWATCH_SERVER` and `OSSWATCH_API_KEY`, the project
is created on its first upload, and the exit code says who must act: 0 ok, 2 the caller (bad key, role or
file), 3 the server (unreachable, timed out, failed). The mapping is `cli/app.py`'s.
"""

from __future__ import annotations

import enum
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from osswatch.errors import InputError

if TYPE_CHECKING:
    from osswatch.web.client import RemoteProject, ServerClient, UploadOutcome

app = typer.Typer(help="Send inventories to an osswatch server and list its projects.", no_args_is_help=True)


class OutputFormat(enum.StrEnum):
    """How results are printed."""

    TEXT = "text"
    JSON = "json"


ServerOption = Annotated[
    str,
    typer.Option(
        "--server", envvar="OSSWATCH_SERVER", help="Base URL of the osswatch server.", show_default=False
    ),
]
KeyOption = Annotated[
    str,
    typer.Option(
        "--key", envvar="OSSWATCH_API_KEY", help="API key (an editor's to upload).", show_default=False
    ),
]
TimeoutOption = Annotated[
    float,
    typer.Option(
        "--timeout", envvar="OSSWATCH_SERVER_TIMEOUT", min=0.1, help="Seconds to wait for each answer."
    ),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", help="`text` (one line per item) or `json` (one document).")
]


@app.command("upload")
def upload(
    paths: Annotated[list[Path], typer.Argument(help="SBOMs and lockfiles to upload, one snapshot each.")],
    *,
    server: ServerOption,
    key: KeyOption,
    project: Annotated[str, typer.Option("--project", help="Project name; created on first upload.")],
    version: Annotated[
        str | None, typer.Option("--version", help="Version to give a project this creates.")
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Tag for a project this creates (repeatable).")
    ] = None,
    output_format: FormatOption = OutputFormat.TEXT,
    timeout: TimeoutOption = 120.0,
) -> None:
    """Upload each file as the project's newest snapshot and print what the server found."""
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise InputError(f"not a file: {', '.join(missing)}")
    with _client(server, key, timeout) as client:
        remote = client.ensure_project(project, version=version, tags=tag or [])
        outcomes = []
        for path in paths:
            outcome = client.upload(remote.id, path)
            outcomes.append(outcome)
            if output_format is OutputFormat.TEXT:
                typer.echo(upload_line(outcome, remote))
    if output_format is OutputFormat.JSON:
        document = {
            "server": client.server,
            "project": asdict(remote),
            "uploads": [asdict(o) for o in outcomes],
        }
        typer.echo(json.dumps(document, indent=2))


@app.command("list")
def list_projects(
    *,
    server: ServerOption,
    key: KeyOption,
    output_format: FormatOption = OutputFormat.TEXT,
    timeout: TimeoutOption = 30.0,
) -> None:
    """List the key's team's projects."""
    with _client(server, key, timeout) as client:
        projects = client.projects()
    if output_format is OutputFormat.JSON:
        typer.echo(json.dumps({"server": client.server, "projects": [asdict(p) for p in projects]}, indent=2))
        return
    for item in projects:
        version = f" {item.version}" if item.version else ""
        tags = f" [{', '.join(item.tags)}]" if item.tags else ""
        typer.echo(f"{item.id}\t{item.name}{version}{tags}")


def upload_line(outcome: UploadOutcome, project: RemoteProject) -> str:
    """One line about one upload: counts, changes, and where it went."""
    changes = f"{outcome.new} new, {outcome.fixed} fixed" + (
        f", {outcome.reopened} reopened" if outcome.reopened else ""
    )
    snapshot = (
        f"snapshot {outcome.snapshot_id}"
        if outcome.is_new_snapshot
        else f"unchanged (snapshot {outcome.snapshot_id})"
    )
    created = ", created" if project.is_new else ""
    return (
        f"{outcome.path}: {outcome.components} components, {outcome.findings} findings ({changes})"
        f" → project {project.name} (id {project.id}{created}), {snapshot}"
    )


def _client(server: str, key: str, timeout: float) -> ServerClient:
    from osswatch.web.client import ServerClient

    if not server.startswith(("http://", "https://")):
        raise InputError(f"--server must be an http:// or https:// URL, not {server!r}")
    if not key.strip():
        raise InputError("--key is empty: pass an API key or set OSSWATCH_API_KEY")
    return ServerClient(server, key.strip(), timeout=timeout)


__all__ = ["OutputFormat", "app", "list_projects", "upload", "upload_line"]
