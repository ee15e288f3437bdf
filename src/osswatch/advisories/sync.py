"""Bringing the store up to date with an OSV mirror, or importing local OSV files.

One ecosystem is synced in one database transaction: the downloads happen first, then every write,
so a crash (even SIGKILL) leaves the previous state or the new one, and the next run starts over.

- First sync (or `full=True`): `<ECO>/all.zip`. A truncated or corrupt archive is downloaded once
  more, then reported. Ids the store has for this ecosystem but the archive lacks are removed.
- Later syncs: `<ECO>/modified_id.csv` (`<modified>,<id>`, newest first) names every id in the
  folder; only ids modified after the newest `modified` of the last sync are fetched as
  `<ECO>/<ID>.json`. Ids the listing no longer names are removed (OSV deletes records rarely, but
  it does when they were published in error). When more than `INCREMENTAL_LIMIT` records changed,
  one archive is cheaper than that many requests, so the sync falls back to `all.zip`.
- A bad record (invalid JSON or OSV) is skipped, logged and counted; it never stops a sync.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from osswatch.advisories.archive import open_archive
from osswatch.advisories.ingest import Ingest, SyncSummary, parse_record
from osswatch.advisories.osv_record import parse_time
from osswatch.advisories.sources import Mirror, TruncatedDownload
from osswatch.advisories.store import AdvisoryStore
from osswatch.errors import AdvisoryError

_log = logging.getLogger(__name__)

INCREMENTAL_LIMIT = 2000
"""Most records fetched one by one; beyond it the sync downloads `all.zip`."""

MAX_RECORD = 64 * 1024**2
"""Largest single `<ID>.json` or `modified_id.csv` read from a mirror."""

ProgressCallback = Callable[[int, int], None]
"""`on_progress(done, total)`, called as records are processed."""

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:+-]*$")


@dataclass(frozen=True, slots=True)
class _Listed:
    modified: datetime
    id: str


def sync_ecosystem(
    store: AdvisoryStore,
    mirror: Mirror,
    ecosystem: str,
    *,
    full: bool = False,
    on_progress: ProgressCallback | None = None,
) -> SyncSummary:
    """Bring `ecosystem` up to date from `mirror`: the archive first, then only what changed."""
    since = None if full else store.newest_modified(ecosystem)
    if since is None:
        return _sync_archive(store, mirror, ecosystem, on_progress)
    listing = _listing(mirror, ecosystem)
    stored = store.ids_of(ecosystem)
    # New ids too: some databases publish every record with the same `modified` (the Go database's
    # export says 0001-01-01T00:00:00Z throughout), so time alone would miss them.
    changed = [entry for entry in listing if entry.modified > since or entry.id not in stored]
    if len(changed) > INCREMENTAL_LIMIT:
        return _sync_archive(store, mirror, ecosystem, on_progress)
    return _sync_changed(
        store, mirror, ecosystem, listing=listing, changed=changed, since=since, on_progress=on_progress
    )


def _sync_archive(
    store: AdvisoryStore, mirror: Mirror, ecosystem: str, on_progress: ProgressCallback | None
) -> SyncSummary:
    url = mirror.url_of(ecosystem, "all.zip")
    with tempfile.TemporaryDirectory(prefix="osswatch-sync-") as folder:
        path = Path(folder) / "all.zip"
        _download_archive(mirror, ecosystem, path, url)
        with open_archive(path, origin=url) as archive, store.writing() as writer:
            ingest = Ingest(writer, source=ecosystem, total=len(archive.members), on_progress=on_progress)
            ingest.add_all(
                parse_record(name, data, origin=f"{url}:{name}", source=ecosystem)
                for name, data in archive.records()
            )
            ingest.finish(removing_others=True)
            writer.record_sync(
                ecosystem=ecosystem,
                source_url=mirror.base_url,
                newest_modified=ingest.newest,
                skipped=ingest.skipped,
            )
    return ingest.summary(ecosystem, "full")


def _download_archive(mirror: Mirror, ecosystem: str, path: Path, url: str) -> None:
    """Download `all.zip`; a truncated or corrupt one is fetched once more before giving up."""
    try:
        _fetch_checked(mirror, ecosystem, path, url)
        return
    except (AdvisoryError, TruncatedDownload) as e:
        _log.warning("%s; downloading it again", e)
    path.unlink(missing_ok=True)
    try:
        _fetch_checked(mirror, ecosystem, path, url)
    except (AdvisoryError, TruncatedDownload) as e:
        raise type(e)(f"{e} (after downloading it twice)") from e


def _fetch_checked(mirror: Mirror, ecosystem: str, path: Path, url: str) -> None:
    mirror.download(ecosystem, "all.zip", path)
    with open_archive(path, origin=url):
        pass


def _sync_changed(
    store: AdvisoryStore,
    mirror: Mirror,
    ecosystem: str,
    *,
    listing: list[_Listed],
    changed: list[_Listed],
    since: datetime,
    on_progress: ProgressCallback | None,
) -> SyncSummary:
    fetched: list[tuple[str, bytes]] = []
    failed: list[_Listed] = []
    for done, entry in enumerate(changed, 1):
        data = mirror.read(ecosystem, f"{entry.id}.json", limit=MAX_RECORD)
        if data is None or len(data) > MAX_RECORD:
            _log.warning("%s: %s.json missing or too big; skipped", ecosystem, entry.id)
            failed.append(entry)
        else:
            fetched.append((f"{entry.id}.json", data))
        if on_progress is not None:
            on_progress(done, len(changed) * 2)
    with store.writing() as writer:
        ingest = Ingest(writer, source=ecosystem, total=len(changed), on_progress=None)
        ingest.skipped = len(failed)
        ingest.add_all(
            parse_record(name, data, origin=mirror.url_of(ecosystem, name), source=ecosystem)
            for name, data in fetched
        )
        ingest.remove_unlisted({entry.id for entry in listing})
        writer.record_sync(
            ecosystem=ecosystem,
            source_url=mirror.base_url,
            newest_modified=_next_since(since, listing, failed),
            skipped=ingest.skipped,
        )
    if on_progress is not None:
        on_progress(len(changed) * 2, len(changed) * 2)
    return ingest.summary(ecosystem, "incremental")


def _next_since(since: datetime, listing: list[_Listed], failed: list[_Listed]) -> datetime:
    """The newest `modified` listed, but before any record that failed, so the next sync retries it."""
    newest = max((entry.modified for entry in listing), default=since)
    if failed:
        oldest_failed = min(entry.modified for entry in failed)
        if oldest_failed > since:
            newest = min(newest, oldest_failed - timedelta(microseconds=1))
    return max(newest, since)


def _listing(mirror: Mirror, ecosystem: str) -> list[_Listed]:
    """The rows of `modified_id.csv`; rows with a bad time or an unsafe id are logged and left out."""
    url = mirror.url_of(ecosystem, "modified_id.csv")
    data = mirror.read(ecosystem, "modified_id.csv", limit=MAX_RECORD)
    if data is None:
        raise AdvisoryError(f"{url}: not found (is this an OSV mirror?)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AdvisoryError(f"{url}: not UTF-8 text") from e
    rows = [_listed(row, url, number) for number, row in enumerate(csv.reader(io.StringIO(text)), 1) if row]
    listing = [row for row in rows if row is not None]
    if not listing:
        # An empty listing would remove every record: never trust it.
        raise AdvisoryError(f"{url}: lists no advisories")
    return listing


def _listed(row: list[str], url: str, number: int) -> _Listed | None:
    try:
        modified, advisory_id = row
        entry = _Listed(parse_time(modified), advisory_id)
    except ValueError:
        _log.warning("%s:%d: not `<modified>,<id>`: %r", url, number, row)
        return None
    if not _SAFE_ID.match(advisory_id):
        _log.warning("%s:%d: refusing unsafe advisory id %r", url, number, advisory_id)
        return None
    return entry


__all__ = ["INCREMENTAL_LIMIT", "ProgressCallback", "SyncSummary", "sync_ecosystem"]
