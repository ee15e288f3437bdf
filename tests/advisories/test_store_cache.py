"""The advisory store's read cache: warm lookups reuse parsed records, rewrites are re-read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import update

from osswatch.advisories.osv_record import parse_advisory
from osswatch.advisories.store import AdvisoryStore, LruCache, StoredRecord, digest
from osswatch.model import EcosystemName, Package
from osswatch.store.database import open_database
from osswatch.store.schema import advisories

PACKAGE = Package(ecosystem=EcosystemName("PyPI"), name="flask")


def _raw(advisory_id: str, summary: str) -> dict[str, Any]:
    return {
        "id": advisory_id,
        "modified": "2024-01-01T00:00:00Z",
        "summary": summary,
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "Flask"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}],
            }
        ],
    }


def _put(store: AdvisoryStore, *records: dict[str, Any]) -> None:
    with store.writing() as writer:
        writer.put(
            [
                StoredRecord(
                    advisory=parse_advisory(r, origin="t"), raw=json.dumps(r).encode(), source="PyPI"
                )
                for r in records
            ]
        )


@pytest.fixture
def store(database_url: str) -> Iterator[AdvisoryStore]:
    with AdvisoryStore.open(database_url) as opened:
        yield opened


def test_a_second_lookup_reuses_the_parsed_records(store: AdvisoryStore) -> None:
    _put(store, _raw("A-1", "one"), _raw("A-2", "two"))
    first = store.advisories_for([PACKAGE])[PACKAGE]
    second = store.advisories_for([PACKAGE])[PACKAGE]
    assert [a.id for a in first] == ["A-1", "A-2"]
    assert all(a is b for a, b in zip(first, second, strict=True))
    assert store.get("A-1") is first[0]


def test_a_rewritten_record_is_read_again(store: AdvisoryStore) -> None:
    _put(store, _raw("A-1", "old"))
    assert store.advisories_for([PACKAGE])[PACKAGE][0].summary == "old"
    _put(store, _raw("A-1", "new"))
    assert store.advisories_for([PACKAGE])[PACKAGE][0].summary == "new"
    found = store.get("A-1")
    assert found is not None
    assert found.summary == "new"


def test_a_record_changed_by_another_writer_is_read_again(store: AdvisoryStore) -> None:
    """The cache is keyed by content digest: a write not made through this store object still shows."""
    _put(store, _raw("A-1", "old"))
    assert store.advisories_for([PACKAGE])[PACKAGE][0].summary == "old"
    changed = json.dumps(_raw("A-1", "elsewhere")).encode()
    with store.engine.begin() as connection:
        connection.execute(update(advisories).values(raw=changed, digest=digest(changed)))
    assert store.advisories_for([PACKAGE])[PACKAGE][0].summary == "elsewhere"


def test_a_removed_record_is_gone_despite_the_cache(store: AdvisoryStore) -> None:
    _put(store, _raw("A-1", "one"))
    assert store.get("A-1") is not None
    with store.writing() as writer:
        writer.remove(["A-1"])
    assert store.get("A-1") is None
    assert store.advisories_for([PACKAGE]) == {}


def test_the_cache_is_bounded(database_url: str) -> None:
    with AdvisoryStore(open_database(database_url), cache_size=2) as small:
        _put(small, *(_raw(f"A-{n}", str(n)) for n in range(5)))
        first = small.advisories_for([PACKAGE])[PACKAGE]
        second = small.advisories_for([PACKAGE])[PACKAGE]
    assert first == second
    # Read in id order, each record pushed the oldest out before it was read again.
    assert not any(a is b for a, b in zip(first, second, strict=True))


@pytest.mark.parametrize(
    ("reads", "kept"),
    [(("a",), {"a", "c"}), (("b",), {"b", "c"}), ((), {"b", "c"})],
    ids=["read-a-keeps-a", "read-b-keeps-b", "no-read-evicts-oldest"],
)
def test_lru_evicts_the_least_recently_used(reads: tuple[str, ...], kept: set[str]) -> None:
    cache = LruCache[str, int](2)
    cache["a"], cache["b"] = 1, 2
    for key in reads:
        cache.get(key)
    cache["c"] = 3
    assert {key for key in "abc" if cache.get(key) is not None} == kept
