"""Batched ingest: counts, progress, and all-or-nothing writes across batches."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select

from osswatch.advisories.ingest import BATCH, BadRecord, Ingest, parse_record
from osswatch.advisories.osv_record import keys_of
from osswatch.advisories.store import AdvisoryStore, StoredRecord
from osswatch.model import AdvisoryId
from osswatch.store.schema import advisories, affected_packages, aliases

COUNT = 2 * BATCH + 7
"""Enough records for three batches, the last one partial."""


def _data(number: int, *, withdrawn: bool = False, version: str = "1") -> bytes:
    record: dict[str, Any] = {
        "id": f"T-{number}",
        "modified": f"2024-01-01T00:00:{number % 60:02d}Z",
        "aliases": [f"CVE-{number}"],
        "affected": [{"package": {"ecosystem": "PyPI", "name": f"pkg-{number % 50}"}, "versions": [version]}],
    }
    if withdrawn:
        record["withdrawn"] = "2024-02-01T00:00:00Z"
    return json.dumps(record).encode()


def _records(count: int, *, version: str = "1") -> Iterator[StoredRecord | BadRecord]:
    for number in range(count):
        yield parse_record(
            f"T-{number}.json", _data(number, withdrawn=number % 10 == 0, version=version), origin="t"
        )


def _rows(store: AdvisoryStore) -> tuple[int, int, int]:
    with store.engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            connection.scalar(select(func.count()).select_from(table)) or 0
            for table in (advisories, affected_packages, aliases)
        )


@pytest.fixture
def store(database_url: str) -> Iterator[AdvisoryStore]:
    with AdvisoryStore.open(database_url) as opened:
        yield opened


def _ingest(store: AdvisoryStore, records: Iterator[StoredRecord | BadRecord]) -> tuple[Ingest, list[Any]]:
    progress: list[Any] = []
    with store.writing() as writer:
        ingest = Ingest(
            writer,
            source="PyPI",
            total=COUNT,
            on_progress=lambda done, total: progress.append((done, total)),
        )
        ingest.add_all(records)
    return ingest, progress


def test_batches_are_counted_and_progress_is_reported(store: AdvisoryStore) -> None:
    bad = parse_record("bad.json", b"{", origin="bad.json")
    ingest, progress = _ingest(store, iter([*_records(COUNT), bad]))
    withdrawn = sum(1 for number in range(COUNT) if number % 10 == 0)
    summary = ingest.summary("PyPI", "import")
    assert (summary.added, summary.withdrawn, summary.skipped, summary.changed) == (COUNT, withdrawn, 1, 0)
    assert progress == [(BATCH, COUNT), (2 * BATCH, COUNT), (COUNT, COUNT)]
    # Withdrawn records are stored but not indexed; every record has one alias.
    assert _rows(store) == (COUNT, COUNT - withdrawn, COUNT)


def test_a_second_pass_finds_unchanged_and_changed_records(store: AdvisoryStore) -> None:
    _ingest(store, _records(COUNT))
    again, _ = _ingest(store, _records(COUNT))
    assert (again.added, again.changed, again.unchanged) == (0, 0, COUNT)
    changed, _ = _ingest(store, _records(COUNT, version="2"))
    assert (changed.added, changed.changed, changed.unchanged) == (0, COUNT, 0)
    assert _rows(store)[0] == COUNT


def _failing_after(count: int) -> Iterator[StoredRecord | BadRecord]:
    yield from _records(count)
    raise RuntimeError("the source broke")


def test_a_failure_after_a_batch_was_written_rolls_everything_back(store: AdvisoryStore) -> None:
    _ingest(store, _records(3))
    before = _rows(store)
    with pytest.raises(RuntimeError, match="the source broke"):
        _ingest(store, _failing_after(BATCH + 1))  # one batch written by then
    assert _rows(store) == before


def test_a_failing_write_rolls_back_the_batches_before_it(store: AdvisoryStore) -> None:
    _ingest(store, _records(3))
    before = _rows(store)
    records = list(_records(BATCH + 5))
    first = records[0]
    assert isinstance(first, StoredRecord)
    # A record whose JSON is not bytes at all: storing the second batch fails.
    keys = replace(keys_of(first.advisory), id=AdvisoryId("T-broken"))
    broken = StoredRecord(advisory=keys, raw=None, source="")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _ingest(store, iter([*records, broken]))
    assert _rows(store) == before


def _whole(store: AdvisoryStore, count: int, source: str) -> Ingest:
    with store.writing() as writer:
        ingest = Ingest(writer, source=source, total=count, on_progress=None)
        ingest.add_all(
            StoredRecord(advisory=r.advisory, raw=r.raw, source=source)
            for r in _records(count)
            if isinstance(r, StoredRecord)
        )
        ingest.finish(removing_others=True)
    return ingest


def test_a_whole_source_replaces_what_it_no_longer_lists(store: AdvisoryStore) -> None:
    first = _whole(store, COUNT, "PyPI")  # into an empty store: nothing to compare or remove
    assert (first.added, first.removed) == (COUNT, 0)
    fewer = _whole(store, BATCH, "PyPI")
    assert (fewer.added, fewer.unchanged, fewer.removed) == (0, BATCH, COUNT - BATCH)
    assert _rows(store)[0] == BATCH


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "\ud800evil"), ("name", "nul\x00name"), ("id", "PYSEC-\udfff"), ("alias", "CVE-\x00")],
    ids=["lone surrogate name", "NUL in name", "lone surrogate id", "NUL in alias"],
)
def test_a_record_whose_keys_no_column_can_hold_is_a_bad_record(field: str, value: str) -> None:
    record = {
        "id": value if field == "id" else "PYSEC-1",
        "modified": "2024-01-01T00:00:00Z",
        "aliases": [value if field == "alias" else "CVE-1"],
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": value if field == "name" else "demo"},
                "versions": ["1.0"],
            }
        ],
    }
    data = json.dumps(record).encode()  # ensure_ascii: the JSON text holds `\ud800` and `\u0000` escapes
    parsed = parse_record("hostile.json", data, origin="hostile.json")
    assert isinstance(parsed, BadRecord)
    assert parsed.reason.startswith("hostile.json: ")
