"""Turning an uploaded file into a project snapshot: parse, match offline, ingest. Pure of HTTP."""

from __future__ import annotations

from datetime import datetime

from osswatch.advisories.base import AdvisorySource
from osswatch.errors import InputError, ParseError, UnsupportedInput
from osswatch.inventory.base import Document
from osswatch.inventory.reading import HEAD_SIZE
from osswatch.inventory.registry import entry_for
from osswatch.model import Inventory
from osswatch.monitor.ingest import IngestOutcome, ingest
from osswatch.monitor.portfolio import Portfolio
from osswatch.scan import ScanResult, scan
from osswatch.web.upload import Upload


def parse_upload(upload: Upload) -> Inventory:
    """The inventory of an uploaded file, its parser picked by name (and content for generic names)."""
    if not upload.filename:
        raise InputError("name the file: pass ?filename=… or upload it as a multipart file")
    if not upload.data.strip():
        raise ParseError(upload.filename, "the file is empty")
    if b"\x00" in upload.data[:HEAD_SIZE]:
        raise ParseError(upload.filename, "binary file (contains NUL bytes), not a text SBOM or lockfile")
    head = upload.data[:HEAD_SIZE] + b"\n" + upload.data[-HEAD_SIZE:]
    entry = entry_for(upload.filename, head)
    if entry is None:
        raise UnsupportedInput(f"{upload.filename}: not a kind of file osswatch reads")
    return entry.load().parse(Document(path=upload.filename, data=upload.data))


def record_upload(
    portfolio: Portfolio,
    advisories: AdvisorySource,
    *,
    team_id: int,
    project_id: int,
    upload: Upload,
    now: datetime,
) -> tuple[ScanResult, IngestOutcome]:
    """Parse, match and ingest one upload into one of the team's projects."""
    portfolio.project(team_id, project_id)  # UnknownRecord for another team's project
    result = scan(parse_upload(upload), advisories)
    return result, ingest(portfolio, project_id, result, now)


__all__ = ["parse_upload", "record_upload"]
