"""Writing a stream of OSV records into the store in batches, counting what changed.

Used by sync (archives, changed records) and by `osswatch db import` (a zip, a folder, a file).
Records are parsed and written `BATCH` at a time, so memory stays flat however big the source is.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from osswatch.advisories.osv_record import RecordKeys, record_keys
from osswatch.advisories.store import StoredRecord, StoreWriter, digest
from osswatch.errors import AdvisoryError

_log = logging.getLogger(__name__)

BATCH = 500
"""Records written per batch of SQL statements."""


@dataclass(frozen=True, kw_only=True, slots=True)
class SyncSummary:
    """What one sync or import of one ecosystem changed."""

    ecosystem: str
    mode: str
    """`full` (an archive), `incremental` (changed records) or `import`."""
    added: int = 0
    changed: int = 0
    withdrawn: int = 0
    removed: int = 0
    skipped: int = 0
    unchanged: int = 0
    written_ids: tuple[str, ...] = field(default=(), repr=False)
    """Ids of the records added or changed (withdrawn ones too), for re-evaluating only what they touch."""
    removed_ids: tuple[str, ...] = field(default=(), repr=False)
    """Ids of the records removed."""


@dataclass(frozen=True, kw_only=True, slots=True)
class BadRecord:
    """A record that could not be used, and why."""

    origin: str
    reason: str


def parse_record(name: str, data: bytes, *, origin: str, source: str = "") -> StoredRecord | BadRecord:
    """One OSV JSON document as a record to store, or why it cannot be one."""
    try:
        keys = record_keys(json.loads(data), origin=origin)
    except (ValueError, RecursionError) as e:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return BadRecord(origin=origin, reason=f"{origin}: invalid JSON: {e}")
    except AdvisoryError as e:
        return BadRecord(origin=origin, reason=str(e))
    problem = unstorable(keys)
    if problem is not None:
        return BadRecord(origin=origin, reason=f"{origin}: {problem}")
    return StoredRecord(advisory=keys, raw=data, source=source)


def unstorable(keys: RecordKeys) -> str | None:
    """Why a key column could not hold one of the record's strings, or None when all fit.

    Ids, aliases and package names go into text columns: a NUL (refused by PostgreSQL) or a lone
    surrogate (not encodable as UTF-8) in one would abort the whole sync's transaction, so such a record
    is skipped and named like any other bad record.
    """
    texts = [keys.id, *keys.aliases, *(part for p in keys.packages for part in (p.ecosystem, p.name))]
    for text in texts:
        if "\x00" in text:
            return f"{text!r} contains a NUL character"
        if text.isascii():  # nearly every id and name: encodable, no need to try
            continue
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as e:
            return f"{text!r} is not valid Unicode ({e.reason})"
    return None


class Ingest:
    """Adds records to the store through a writer, classifying each as added, changed or unchanged."""

    def __init__(
        self,
        writer: StoreWriter,
        *,
        source: str,
        total: int,
        on_progress: Callable[[int, int], None] | None,
    ) -> None:
        self.writer = writer
        self.source = source
        self.total = total
        self.on_progress = on_progress
        self.seen: set[str] = set()
        self.newest: datetime | None = None
        self.added = self.changed = self.withdrawn = self.removed = self.skipped = self.unchanged = 0
        self.written_ids: list[str] = []
        self.removed_ids: list[str] = []
        self._done = 0
        # An empty store (checked inside the write transaction, which holds the write lock) has no
        # digests to compare with: the first import skips those queries (and `finish`'s).
        self._was_empty = writer.is_empty()

    def add_all(self, records: Iterable[StoredRecord | BadRecord]) -> None:
        """Write every good record (in batches) and count the bad ones."""
        batch: list[StoredRecord] = []
        for record in records:
            match record:
                case BadRecord(reason=reason):
                    _log.warning("skipped: %s", reason)
                    self.skipped += 1
                case StoredRecord():
                    self._take(record, batch)
            if len(batch) >= BATCH:
                self._flush(batch)
        self._flush(batch)

    def _take(self, record: StoredRecord, batch: list[StoredRecord]) -> None:
        advisory_id = record.advisory.id
        if advisory_id in self.seen:
            _log.warning("skipped: %s appears twice in %s", advisory_id, self.source)
            self.skipped += 1
            return
        self.seen.add(advisory_id)
        if self.newest is None or record.advisory.modified > self.newest:
            self.newest = record.advisory.modified
        if not record.source:
            record = StoredRecord(advisory=record.advisory, raw=record.raw, source=self.source)
        batch.append(record)

    def _flush(self, batch: list[StoredRecord]) -> None:
        """Write the new and changed records of a batch, count them, and empty it."""
        stored = {} if self._was_empty else self.writer.digests_of(record.advisory.id for record in batch)
        writes: list[StoredRecord] = []
        for record in batch:
            before = stored.get(record.advisory.id)
            # Digest only what the store has: a new record has nothing to compare with.
            if before is not None and before == digest(record.raw):
                self.unchanged += 1
                continue
            writes.append(record)
            self.added += before is None
            self.changed += before is not None
            self.withdrawn += record.advisory.is_withdrawn
        self.writer.put(writes, replacing=[r.advisory.id for r in writes if r.advisory.id in stored])
        self.written_ids.extend(r.advisory.id for r in writes)
        self._done += len(batch)
        if self.on_progress is not None and batch:
            self.on_progress(min(self._done, self.total), self.total)
        batch.clear()

    def finish(self, *, removing_others: bool) -> None:
        """Remove this source's records that were not seen, when the input was the whole source."""
        # From an empty store, all it holds now is what this ingest wrote: `seen`, nothing else.
        if removing_others and not self._was_empty:
            self.remove_unlisted(self.seen)

    def remove_unlisted(self, listed: set[str]) -> None:
        """Remove this source's stored records whose ids are not in `listed`."""
        gone = [advisory_id for advisory_id in self.writer.ids_of(self.source) if advisory_id not in listed]
        self.writer.remove(gone)
        self.removed += len(gone)
        self.removed_ids.extend(gone)

    def summary(self, ecosystem: str, mode: str) -> SyncSummary:
        """The counts so far."""
        return SyncSummary(
            ecosystem=ecosystem,
            mode=mode,
            added=self.added,
            changed=self.changed,
            withdrawn=self.withdrawn,
            removed=self.removed,
            skipped=self.skipped,
            unchanged=self.unchanged,
            written_ids=tuple(self.written_ids),
            removed_ids=tuple(self.removed_ids),
        )


__all__ = ["BATCH", "BadRecord", "Ingest", "SyncSummary", "parse_record", "unstorable"]
