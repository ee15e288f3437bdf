"""An uploaded file becomes a project snapshot: parse, analyse, record with the notifications it calls for.

The API's synchronous path and the `ingest_snapshot` job both come here, so an upload is parsed, judged and
notified about the same way whether a request or a worker records it.
"""

from __future__ import annotations

from datetime import datetime

from osswatch.errors import InputError, ParseError, UnsupportedInput
from osswatch.inventory.base import Document
from osswatch.inventory.reading import HEAD_SIZE
from osswatch.inventory.registry import entry_for
from osswatch.model import Inventory
from osswatch.monitor.analysis import Analyser, record_inventory
from osswatch.monitor.ingest import IngestOutcome
from osswatch.monitor.portfolio import Portfolio
from osswatch.scan import ScanResult


def parse_upload(filename: str, data: bytes) -> Inventory:
    """The inventory of an uploaded file, its parser picked by name (and content for generic names)."""
    if not filename:
        raise InputError("name the file: pass ?filename=… or upload it as a multipart file")
    if not data.strip():
        raise ParseError(filename, "the file is empty")
    if b"\x00" in data[:HEAD_SIZE]:
        raise ParseError(filename, "binary file (contains NUL bytes), not a text SBOM or lockfile")
    head = data[:HEAD_SIZE] + b"\n" + data[-HEAD_SIZE:]
    entry = entry_for(filename, head)
    if entry is None:
        raise UnsupportedInput(f"{filename}: not a kind of file osswatch reads")
    return entry.load().parse(Document(path=filename, data=data))


def record_upload(
    portfolio: Portfolio,
    analyser: Analyser,
    *,
    team_id: int,
    project_id: int,
    filename: str,
    data: bytes,
    now: datetime,
) -> tuple[ScanResult, IngestOutcome]:
    """Parse, judge and record an upload into a team's project, with the notifications it calls for."""
    from osswatch.monitor.notify.dispatch import plan_deliveries

    portfolio.project(team_id, project_id)  # UnknownRecord for another team's project
    inventory = parse_upload(filename, data)
    return record_inventory(
        portfolio, analyser, project_id=project_id, inventory=inventory, now=now, then=plan_deliveries
    )


__all__ = ["parse_upload", "record_upload"]
