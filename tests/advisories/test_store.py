"""The advisory store on SQLite and PostgreSQL: indexed lookups, status, and all-or-nothing writes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text

from osswatch.advisories.base import InMemoryAdvisories
from osswatch.advisories.osv_record import parse_advisory
from osswatch.advisories.store import (
    CHUNK,
    COMPRESS_ABOVE,
    AdvisoryStore,
    StoredRecord,
    index_key,
    lookup_query,
)
from osswatch.errors import StoreError
from osswatch.model import EcosystemName, Package
from osswatch.store.schema import advisories, affected_packages, aliases


def _raw(
    advisory_id: str, *packages: tuple[str, str], withdrawn: bool = False, **extra: Any
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": advisory_id,
        "modified": "2024-01-01T00:00:00Z",
        "aliases": [f"CVE-{advisory_id}"],
        "affected": [
            {
                "package": {"ecosystem": e, "name": n},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}],
            }
            for e, n in packages
        ],
        **extra,
    }
    if withdrawn:
        record["withdrawn"] = "2024-02-01T00:00:00Z"
    return record


def _put(store: AdvisoryStore, *records: dict[str, Any], source: str = "PyPI") -> None:
    with store.writing() as writer:
        writer.put(
            [
                StoredRecord(
                    advisory=parse_advisory(r, origin="test"), raw=json.dumps(r).encode(), source=source
                )
                for r in records
            ]
        )


def _pkg(ecosystem: str, name: str) -> Package:
    return Package(ecosystem=EcosystemName(ecosystem), name=name)


@pytest.fixture
def store(database_url: str) -> Any:
    with AdvisoryStore.open(database_url) as opened:
        yield opened


def test_lookup_by_normalized_name_and_base_ecosystem(store: AdvisoryStore) -> None:
    _put(
        store,
        _raw("A-1", ("PyPI", "Django_Rest.Framework")),
        _raw("A-2", ("Debian:12", "openssl"), ("PyPI", "django-rest-framework")),
        _raw("A-3", ("PyPI", "django-rest-framework"), withdrawn=True),
        _raw("A-4", ("npm", "Left-Pad")),
    )
    found = store.advisories_for(
        [
            _pkg("PyPI", "django-rest-framework"),
            _pkg("Debian", "openssl"),
            _pkg("npm", "left-pad"),
            _pkg("Go", "x"),
        ]
    )
    assert {p: [a.id for a in found[p]] for p in found} == {
        _pkg("PyPI", "django-rest-framework"): ["A-1", "A-2"],  # A-3 is withdrawn
        _pkg("Debian", "openssl"): ["A-2"],
    }  # npm names are case-sensitive: `left-pad` is not `Left-Pad`
    assert found[_pkg("PyPI", "django-rest-framework")][1] is found[_pkg("Debian", "openssl")][0]


def test_lookup_agrees_with_the_in_memory_source_across_chunks(store: AdvisoryStore) -> None:
    records = [_raw(f"B-{i}", ("PyPI", f"pkg-{i % 700}"), ("npm", f"lib{i}")) for i in range(1500)]
    for start in range(0, len(records), 400):
        _put(store, *records[start : start + 400])
    wanted = [_pkg("PyPI", f"pkg-{i}") for i in range(CHUNK * 2 + 100)]  # three chunks, some absent
    expected = InMemoryAdvisories(parse_advisory(r, origin="t") for r in records).advisories_for(wanted)
    found = store.advisories_for(wanted)
    assert {p: sorted(a.id for a in v) for p, v in found.items()} == {
        p: sorted(a.id for a in v) for p, v in expected.items()
    }
    assert len(found) == 700


def test_lookup_uses_the_index_on_sqlite(tmp_path: Any) -> None:
    with AdvisoryStore.open(f"sqlite:///{tmp_path / 'plan.db'}") as store:
        _put(store, _raw("C-1", ("PyPI", "a")))
        query = lookup_query("PyPI", ["a", "b"]).compile(store.engine, compile_kwargs={"literal_binds": True})
        with store.engine.connect() as connection:
            plan = [str(row[-1]) for row in connection.execute(text(f"EXPLAIN QUERY PLAN {query}"))]
    assert not [step for step in plan if step.startswith("SCAN")], plan
    assert any("affected_packages USING" in step for step in plan), plan


def test_replacing_a_record_replaces_its_index_and_aliases(store: AdvisoryStore) -> None:
    _put(store, _raw("D-1", ("PyPI", "old-name")))
    _put(store, _raw("D-1", ("PyPI", "new-name"), aliases=["GHSA-d"]))
    assert store.advisories_for([_pkg("PyPI", "old-name")]) == {}
    assert [a.id for a in store.advisories_for([_pkg("PyPI", "new-name")])[_pkg("PyPI", "new-name")]] == [
        "D-1"
    ]
    with store.engine.connect() as connection:
        assert list(connection.execute(select(aliases.c.alias))) == [("GHSA-d",)]
        assert connection.scalar(select(func.count()).select_from(affected_packages)) == 1


def test_a_failed_write_leaves_the_previous_state(store: AdvisoryStore) -> None:
    _put(store, _raw("E-1", ("PyPI", "a")))

    def crash() -> None:
        with store.writing() as writer:
            writer.remove(["E-1"])
            raise RuntimeError("crash mid-transaction")

    with pytest.raises(RuntimeError):
        crash()
    assert store.get("E-1") is not None


def test_get_returns_withdrawn_records_too(store: AdvisoryStore) -> None:
    _put(store, _raw("F-1", ("PyPI", "a"), withdrawn=True))
    found = store.get("F-1")
    assert found is not None
    assert found.is_withdrawn
    assert store.get("F-2") is None


def test_status_counts_and_freshness(store: AdvisoryStore) -> None:
    assert store.status() == ()
    _put(store, _raw("G-1", ("PyPI", "a")), _raw("G-2", ("PyPI", "b"), withdrawn=True))
    _put(store, _raw("G-3", ("Go", "c")), source="Go")
    newest = datetime(2024, 3, 1, tzinfo=UTC)
    with store.writing() as writer:
        writer.record_sync(ecosystem="PyPI", source_url="https://mirror", newest_modified=newest, skipped=1)
    go, pypi = store.status()
    assert (pypi.ecosystem, pypi.advisories, pypi.withdrawn, pypi.skipped) == ("PyPI", 2, 1, 1)
    assert pypi.source_url == "https://mirror"
    assert pypi.newest_modified == newest
    assert pypi.last_sync is not None
    assert timedelta(0) <= pypi.age() < timedelta(minutes=5)  # type: ignore[operator]
    assert (go.ecosystem, go.advisories, go.last_sync, go.age()) == ("Go", 1, None, None)
    assert store.newest_modified("PyPI") == newest
    assert store.newest_modified("Go") is None


def test_index_rows_skip_withdrawn_and_duplicate_packages(store: AdvisoryStore) -> None:
    _put(store, _raw("H-1", ("PyPI", "A_b"), ("PyPI", "a-B")), _raw("H-2", ("PyPI", "x"), withdrawn=True))
    with store.engine.connect() as connection:
        rows = list(connection.execute(select(affected_packages)))
        total = connection.scalar(select(func.count()).select_from(advisories))
    # One row per package; its match-ready value holds both entries that name it, in record order.
    entries = (
        '[["PyPI","A_b",[["ECOSYSTEM",[["introduced","0"]]]],[]],'
        '["PyPI","a-B",[["ECOSYSTEM",[["introduced","0"]]]],[]]]'
    )
    # Its finding form: aliases, summary, published, urls, severity, word; one severity per entry.
    finding = '[[["CVE-H-1"],"",null,[],[],null],[[],[]]]'
    assert rows == [(*index_key("PyPI", "a_b"), "H-1", entries, finding)]
    assert total == 2


def test_unreachable_database_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="cannot open the database"):
        AdvisoryStore.open("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")


def test_large_records_are_stored_compressed(store: AdvisoryStore) -> None:
    _put(store, _raw("I-1", ("PyPI", "a"), details="x" * (COMPRESS_ABOVE + 1)), _raw("I-2", ("PyPI", "a")))
    with store.engine.connect() as connection:
        blobs = dict(connection.execute(select(advisories.c.id, advisories.c.raw)).all())
    assert bytes(blobs["I-1"])[:1] == b"\x78"
    assert len(blobs["I-1"]) < COMPRESS_ABOVE
    assert bytes(blobs["I-2"])[:1] == b"{"
    found = store.advisories_for([_pkg("PyPI", "a")])[_pkg("PyPI", "a")]
    assert [(a.id, len(a.details)) for a in found] == [("I-1", COMPRESS_ABOVE + 1), ("I-2", 0)]
