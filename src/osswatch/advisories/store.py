"""The advisory store: OSV records in the database, looked up by package through an index.

A lookup reads each candidate advisory's match-ready entries and finding form from the index row
(`osswatch.advisories.match_form`, `osswatch.advisories.finding_form`), so matching never decodes a
whole record; whole records are decompressed and parsed only when asked for (`advisories`).

`AdvisoryStore` is the `AdvisorySource` the scan uses; `StoreWriter` is what a sync or import
writes through, inside one transaction (`AdvisoryStore.writing()`), so a crash at any moment leaves
either the previous complete state or the new one. Every connection is opened and closed in a
`with` block here: nothing outside this module holds one.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache, partial
from itertools import groupby, islice
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, LargeBinary, Select, Table, delete, func, insert, select
from sqlalchemy.engine import Connection, Dialect, Row
from sqlalchemy.exc import SQLAlchemyError

from osswatch.advisories import finding_form, match_form
from osswatch.advisories.base import Candidate, index_key
from osswatch.advisories.finding_form import FindingDetails
from osswatch.advisories.match_form import MatchEntry
from osswatch.advisories.osv_record import RecordKeys, keys_of, parse_advisory
from osswatch.errors import StoreError
from osswatch.model import Advisory, AdvisoryId, Package
from osswatch.store import database
from osswatch.store.schema import advisories, affected_packages, aliases, sync_state

CHUNK = 500
"""Most keys in one SQL `IN` list (SQLite's and PostgreSQL's limits stay far away)."""

COMPRESS_ABOVE = 16 * 1024
"""Records larger than this many bytes are stored compressed."""

CACHE_SIZE = 65_536
"""Parsed records (~3.4 KB each), and as many match-ready entries and finding forms, a store keeps."""

_ZLIB = b"\x78"
_T = TypeVar("_T")
_K = TypeVar("_K")
_V = TypeVar("_V")


@dataclass(frozen=True, kw_only=True, slots=True)
class StoredRecord:
    """One OSV record ready to store: its parsed form, original JSON bytes, and where it came from."""

    advisory: Advisory | RecordKeys
    """The parsed record, or only what the store indexes of it (all an import needs to parse)."""
    raw: bytes
    source: str


@dataclass(frozen=True, kw_only=True, slots=True)
class EcosystemStatus:
    """How much the store holds for one ecosystem, where from, and how fresh it is."""

    ecosystem: str
    advisories: int
    withdrawn: int
    source_url: str | None
    last_sync: datetime | None
    newest_modified: datetime | None
    skipped: int

    def age(self, now: datetime | None = None) -> timedelta | None:
        """Time since the last sync (None if never synced)."""
        if self.last_sync is None:
            return None
        return (now or datetime.now(UTC)) - self.last_sync


class AdvisoryStore:
    """OSV advisories in a database (an `AdvisorySource`)."""

    def __init__(self, engine: Engine, *, cache_size: int = CACHE_SIZE) -> None:
        self.engine = engine
        # Parsed records by content digest, so repeated scans in one process are warm; keyed by
        # digest, not id, so a record rewritten by any writer (another process too) is re-read.
        self._parsed_records: LruCache[bytes, Advisory] = LruCache(cache_size)
        # Match-ready entries and finding details by their stored text (equal text, equal value),
        # for the same reason; `functools.lru_cache` as it is written in C: a lookup reads one per
        # candidate, and a Python-level cache cost a tenth of a warm scan.
        self._entries: Callable[[str], tuple[MatchEntry, ...]] = lru_cache(cache_size)(match_form.unpacked)
        self._details: Callable[[AdvisoryId, str], FindingDetails] = lru_cache(cache_size)(
            finding_form.unpacked
        )

    @classmethod
    def open(cls, url: str) -> AdvisoryStore:
        """The store at a database URL, migrated to the current schema first."""
        return cls(database.open_database(url))

    def __enter__(self) -> AdvisoryStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def candidates_for(self, packages: Iterable[Package]) -> Mapping[Package, Sequence[Candidate]]:
        """Non-withdrawn advisories per package, match-ready: one indexed query per ≤ CHUNK names."""
        keys = {index_key(p.ecosystem, p.name): p for p in packages}
        by_ecosystem: dict[str, list[str]] = {}
        for ecosystem, name in keys:
            by_ecosystem.setdefault(ecosystem, []).append(name)
        found: dict[Package, list[Candidate]] = {}
        with self._connect() as connection:
            for ecosystem, names in by_ecosystem.items():
                for chunk in _chunks(names, CHUNK):
                    # Ordered by name: each package's rows come together.
                    for name, rows in groupby(connection.execute(lookup_query(ecosystem, chunk)), _name):
                        found.setdefault(keys[ecosystem, name], []).extend(
                            Candidate(
                                id=advisory_id,
                                entries=self._entries(match),
                                details=partial(self._details, advisory_id, finding),
                            )
                            for _, advisory_id, match, finding in rows
                        )
        return found

    def advisories(self, ids: Iterable[AdvisoryId]) -> Mapping[AdvisoryId, Advisory]:
        """The whole records of those of `ids` that are stored and not withdrawn."""
        found: dict[AdvisoryId, Advisory] = {}
        with self._connect() as connection:
            for chunk in _chunks(ids, CHUNK):
                query = select(advisories.c.id, advisories.c.digest, advisories.c.raw).where(
                    advisories.c.id.in_(chunk), advisories.c.withdrawn.is_(None)
                )
                for advisory_id, key, raw in connection.execute(query):
                    found[advisory_id] = self._parsed(advisory_id, key, raw)
        return found

    def advisories_for(self, packages: Iterable[Package]) -> Mapping[Package, Sequence[Advisory]]:
        """Non-withdrawn advisories per package, as whole records (ordered by id)."""
        candidates = self.candidates_for(packages)
        records = self.advisories({c.id: None for found in candidates.values() for c in found})
        return {
            package: [records[c.id] for c in found if c.id in records]
            for package, found in candidates.items()
        }

    def get(self, advisory_id: str) -> Advisory | None:
        """One advisory by id (withdrawn ones too), or None."""
        query = select(advisories.c.digest, advisories.c.raw).where(advisories.c.id == advisory_id)
        with self._connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else self._parsed(advisory_id, row[0], row[1])

    def _parsed(self, advisory_id: str, key: bytes, raw: bytes) -> Advisory:
        """The advisory of a stored record, from the cache when these bytes were parsed before."""
        key = bytes(key)  # some drivers return memoryview, which does not hash
        advisory = self._parsed_records.get(key)
        if advisory is None:
            advisory = self._parsed_records[key] = decode(raw, origin=f"store:{advisory_id}")
        return advisory

    def status(self) -> tuple[EcosystemStatus, ...]:
        """Per ecosystem: advisory and withdrawn counts, source, last sync, newest `modified`."""
        counts = select(
            advisories.c.source,
            func.count(),
            func.count(advisories.c.withdrawn),
        ).group_by(advisories.c.source)
        with self._connect() as connection:
            numbers = {row[0]: (row[1], row[2]) for row in connection.execute(counts)}
            states = {row.ecosystem: row for row in connection.execute(select(sync_state))}
        return tuple(
            _status(name, numbers.get(name, (0, 0)), states.get(name))
            for name in sorted(numbers.keys() | states.keys())
        )

    def newest_modified(self, ecosystem: str) -> datetime | None:
        """The newest `modified` of the last sync of `ecosystem`, or None if it never synced."""
        with self._connect() as connection:
            value = connection.scalar(
                select(sync_state.c.newest_modified).where(sync_state.c.ecosystem == ecosystem)
            )
        return None if value is None else as_utc(value)

    def ids_of(self, source: str) -> set[str]:
        """Every stored advisory id of `source` (an ecosystem)."""
        with self._connect() as connection:
            return _ids_of(connection, source)

    @contextmanager
    def writing(self) -> Iterator[StoreWriter]:
        """A writer inside one transaction: committed when the block ends, rolled back on error."""
        try:
            with self.engine.connect() as connection:
                connection.execution_options(**{database.WRITE_OPTION: True})
                with connection.begin():
                    yield StoreWriter(connection)
        except SQLAlchemyError as e:
            raise StoreError(f"cannot write the advisory store: {e}") from e

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as connection:
                yield connection
        except SQLAlchemyError as e:
            raise StoreError(f"cannot read the advisory store: {e}") from e


class StoreWriter:
    """Writes advisories and sync state on one connection, inside the caller's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._inserts: dict[str, _BulkInsert] = {}

    def ids_of(self, source: str) -> set[str]:
        """Every stored advisory id of `source`."""
        return _ids_of(self._connection, source)

    def is_empty(self) -> bool:
        """True when the store holds no advisory at all."""
        return self._connection.scalar(select(advisories.c.id).limit(1)) is None

    def digests_of(self, ids: Iterable[str]) -> dict[str, bytes]:
        """The content digest of those of `ids` the store has (any source)."""
        found: dict[str, bytes] = {}
        for chunk in _chunks(ids, CHUNK):
            query = select(advisories.c.id, advisories.c.digest).where(advisories.c.id.in_(chunk))
            found.update((row[0], bytes(row[1])) for row in self._connection.execute(query))
        return found

    def put(self, records: Sequence[StoredRecord], *, replacing: Collection[str] | None = None) -> None:
        """Store records (distinct ids), replacing those stored; `replacing` lists them when known."""
        if not records:
            return
        self.remove([r.advisory.id for r in records] if replacing is None else replacing)
        keys = [keys_of(r.advisory) for r in records]
        self._insert(advisories, [_advisory_row(r, k) for r, k in zip(records, keys, strict=True)])
        self._insert(affected_packages, [row for k in keys for row in index_rows(k)])
        self._insert(aliases, [row for k in keys for row in _alias_rows(k)])

    def _insert(self, table: Table, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            if table.name not in self._inserts:
                self._inserts[table.name] = _BulkInsert(table, self._connection.dialect)
            self._inserts[table.name].run(self._connection, rows)

    def remove(self, ids: Iterable[str]) -> None:
        """Delete advisories (their index and alias rows go with them)."""
        for chunk in _chunks(ids, CHUNK):
            for table, column in (
                (affected_packages, affected_packages.c.advisory_id),
                (aliases, aliases.c.advisory_id),
            ):
                self._connection.execute(delete(table).where(column.in_(chunk)))
            self._connection.execute(delete(advisories).where(advisories.c.id.in_(chunk)))

    def record_sync(
        self, *, ecosystem: str, source_url: str, newest_modified: datetime | None, skipped: int
    ) -> None:
        """Save where and when `ecosystem` was synced and the newest `modified` it had."""
        count = self._connection.scalar(select(func.count()).where(advisories.c.source == ecosystem)) or 0
        self._connection.execute(delete(sync_state).where(sync_state.c.ecosystem == ecosystem))
        self._connection.execute(
            insert(sync_state),
            {
                "ecosystem": ecosystem,
                "source_url": source_url,
                "last_sync": datetime.now(UTC),
                "newest_modified": newest_modified,
                "advisory_count": count,
                "skipped_count": skipped,
            },
        )


def _name(row: Row[str, AdvisoryId, str, str]) -> str:
    return row[0]


def lookup_query(ecosystem: str, names: Sequence[str]) -> Select[str, AdvisoryId, str, str]:
    """Name, id, match-ready entries and finding form of the advisories of some packages (a range scan)."""
    # One ecosystem per query: SQLite scans the table for a row-value `(a, b) IN (...)`, but
    # answers `a = ? AND b IN (...)` from the primary key. No join: withdrawn advisories have no
    # index rows (`index_rows`, and migration 0014 rebuilt the index the same way). Each package's
    # advisories come in id order; ordered by name first, as the primary key is, SQLite needs no
    # sort (by id alone it sorted every row, text included: a third of the query's time).
    return (
        select(
            affected_packages.c.name,
            affected_packages.c.advisory_id,
            affected_packages.c.match,
            affected_packages.c.finding,
        )
        .where(affected_packages.c.ecosystem == ecosystem, affected_packages.c.name.in_(names))
        .order_by(affected_packages.c.name, affected_packages.c.advisory_id)
    )


def _ids_of(connection: Connection, source: str) -> set[str]:
    return set(connection.scalars(select(advisories.c.id).where(advisories.c.source == source)))


def digest(raw: bytes) -> bytes:
    """The content digest stored with a record (equal bytes, equal digest)."""
    return hashlib.blake2b(raw, digest_size=16).digest()


def encode(raw: bytes) -> bytes:
    """The stored form of an OSV record's JSON: as is, or zlib-compressed when it is large.

    Most records are a few kilobytes, where compressing costs as much time as parsing and saves
    little; the few large ones (long `versions` lists) hold most of the bytes. PostgreSQL also
    compresses large values itself (TOAST).
    """
    return zlib.compress(raw, 1) if len(raw) > COMPRESS_ABOVE else raw


def decode(blob: bytes, *, origin: str) -> Advisory:
    """The advisory of a stored record."""
    # A zlib stream starts with 0x78 ('x'); JSON text never does.
    data = zlib.decompress(blob) if blob[:1] == _ZLIB else blob
    return parse_advisory(json.loads(data), origin=origin)


class LruCache(Generic[_K, _V]):
    """A mapping that forgets its least recently used entries beyond `size`."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[_K, _V] = OrderedDict()

    def get(self, key: _K) -> _V | None:
        """The value of `key` (now the most recently used), or None."""
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def __setitem__(self, key: _K, value: _V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self._size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def as_utc(value: datetime) -> datetime:
    """A datetime read back from the database as aware UTC (SQLite drops the zone)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class _BulkInsert:
    """An `INSERT` of many rows (tuples in the table's column order) through the driver's `executemany`.

    SQLAlchemy's per-row parameter handling costs more than SQLite's own insert (profiled on the Go
    archive). The statement is still compiled by SQLAlchemy for the connection's dialect, and every
    value still goes through its column type's bind processor, so what is stored is the same.
    """

    def __init__(self, table: Table, dialect: Dialect) -> None:
        compiled = insert(table).compile(dialect=dialect)
        names = [column.key for column in table.columns]
        self._sql = str(compiled)
        # Positional paramstyles (SQLite's `?`) take tuples in the statement's order; named ones
        # (psycopg's `%(name)s`) take mappings.
        self._order = (
            [names.index(name) for name in compiled.positiontup or ()] if compiled.positional else None
        )
        self._names = names
        # Except LargeBinary's, which only wraps `bytes` in `dbapi.Binary`: both drivers take `bytes`
        # for a BLOB or bytea as they are, and the wrapping costs a tenth of the insert.
        processors = [
            None
            if isinstance(column.type, LargeBinary)
            else column.type.dialect_impl(dialect).bind_processor(dialect)
            for column in table.columns
        ]
        self._processors: list[tuple[int, Callable[[Any], Any]]] = [
            (index, process) for index, process in enumerate(processors) if process is not None
        ]

    def run(self, connection: Connection, rows: list[tuple[Any, ...]]) -> None:
        """Insert `rows` in one `executemany`."""
        if self._processors:
            rows = [_processed(row, self._processors) for row in rows]
        if self._order is None:
            connection.exec_driver_sql(self._sql, [dict(zip(self._names, row, strict=True)) for row in rows])
        elif self._order == list(range(len(self._names))):
            connection.exec_driver_sql(self._sql, rows)
        else:
            connection.exec_driver_sql(self._sql, [tuple(row[i] for i in self._order) for row in rows])


def _processed(row: tuple[Any, ...], processors: list[tuple[int, Callable[[Any], Any]]]) -> tuple[Any, ...]:
    values = list(row)
    for index, process in processors:
        values[index] = process(values[index])
    return tuple(values)


def _advisory_row(record: StoredRecord, keys: RecordKeys) -> tuple[Any, ...]:
    """A row of `advisories`, in its column order."""
    return (keys.id, record.source, keys.modified, keys.withdrawn, encode(record.raw), digest(record.raw))


def index_rows(record: RecordKeys) -> list[tuple[str, str, AdvisoryId, str, str]]:
    """Rows of `affected_packages` (ecosystem, name, advisory_id, match, finding): one per package."""
    if record.is_withdrawn:
        return []  # never matched, so never looked up
    if len(record.packages) == 1:  # most records: one entry, one package
        (package,) = record.packages
        ecosystem, name = index_key(package.ecosystem, package.name)
        finding = finding_form.joined(record.finding, record.entry_findings)
        return [(ecosystem, name, record.id, match_form.joined(record.entries), finding)]
    entries: dict[tuple[str, str], list[int]] = {}
    for index, package in enumerate(record.packages):
        entries.setdefault(index_key(package.ecosystem, package.name), []).append(index)
    return [
        (
            ecosystem,
            name,
            record.id,
            match_form.joined(record.entries[i] for i in indexes),
            finding_form.joined(record.finding, (record.entry_findings[i] for i in indexes)),
        )
        for (ecosystem, name), indexes in entries.items()
    ]


def _alias_rows(record: RecordKeys) -> list[tuple[str, str]]:
    """Rows of `aliases` (advisory_id, alias)."""
    names = dict.fromkeys(alias for alias in record.aliases if alias != record.id)
    return [(record.id, alias) for alias in names]


def _status(name: str, numbers: tuple[int, int], state: Any) -> EcosystemStatus:
    return EcosystemStatus(
        ecosystem=name,
        advisories=numbers[0],
        withdrawn=numbers[1],
        source_url=None if state is None else state.source_url,
        last_sync=None if state is None else as_utc(state.last_sync),
        newest_modified=None
        if state is None or state.newest_modified is None
        else as_utc(state.newest_modified),
        skipped=0 if state is None else state.skipped_count,
    )


def _chunks(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


__all__ = [
    "CHUNK",
    "COMPRESS_ABOVE",
    "AdvisoryStore",
    "EcosystemStatus",
    "StoreWriter",
    "StoredRecord",
    "as_utc",
    "decode",
    "digest",
    "encode",
    "index_key",
    "index_rows",
    "lookup_query",
]
