"""Syncing from a real local HTTP mirror of the OSV bucket, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from osswatch.advisories.archive import open_archive
from osswatch.advisories.sources import Mirror
from osswatch.advisories.store import AdvisoryStore
from osswatch.advisories.sync import sync_ecosystem
from osswatch.errors import AdvisoryError, SourceUnavailable
from osswatch.model import EcosystemName, Package
from osswatch.store.schema import advisories, affected_packages, aliases
from tests.store_fixtures import OsvMirror

ECOSYSTEMS = ["PyPI", "Go", "crates.io"]


def _records(zip_path: Path) -> dict[str, dict[str, Any]]:
    with zipfile.ZipFile(zip_path) as archive:
        return {
            name.removesuffix(".json"): json.loads(archive.read(name))
            for name in archive.namelist()
            if name.endswith(".json")
        }


def _publish(root: Path, ecosystem: str, records: dict[str, dict[str, Any]], *, loose: bool = False) -> None:
    """Write a bucket folder: all.zip, modified_id.csv (newest first), and `<ID>.json` if `loose`."""
    folder = root / ecosystem
    folder.mkdir(exist_ok=True)
    with zipfile.ZipFile(folder / "all.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for advisory_id, record in records.items():
            archive.writestr(f"{advisory_id}.json", json.dumps(record, indent=1))
    rows = sorted(((r["modified"], i) for i, r in records.items()), reverse=True)
    (folder / "modified_id.csv").write_text("".join(f"{m},{i}\n" for m, i in rows))
    if loose:
        for advisory_id, record in records.items():
            (folder / f"{advisory_id}.json").write_text(json.dumps(record, indent=1))


def _consistency(store: AdvisoryStore) -> tuple[int, int, int]:
    """Advisory count, and the index and alias rows that point at no advisory (must be 0)."""
    with store.engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(advisories)) or 0
        orphans = []
        for table in (affected_packages, aliases):
            orphan = (
                select(func.count())
                .select_from(table.outerjoin(advisories, advisories.c.id == table.c.advisory_id))
                .where(advisories.c.id.is_(None))
            )
            orphans.append(connection.scalar(orphan) or 0)
    return count, orphans[0], orphans[1]


@pytest.fixture
def store(database_url: str) -> Any:
    with AdvisoryStore.open(database_url) as opened:
        yield opened


@pytest.mark.parametrize("ecosystem", ECOSYSTEMS, ids=ECOSYSTEMS)
def test_first_sync_stores_every_record_of_the_real_archive(
    store: AdvisoryStore, osv_mirror: OsvMirror, shared_data: Path, ecosystem: str
) -> None:
    source = shared_data / "osv" / ecosystem
    shutil.copytree(source, osv_mirror.root / ecosystem)
    with zipfile.ZipFile(source / "all.zip") as archive:
        members = [n for n in archive.namelist() if n.endswith(".json")]
        withdrawn = sum("withdrawn" in json.loads(archive.read(n)) for n in members)
    progress: list[tuple[int, int]] = []
    with Mirror(osv_mirror.url) as mirror:
        summary = sync_ecosystem(store, mirror, ecosystem, on_progress=lambda d, t: progress.append((d, t)))
    assert (summary.mode, summary.added, summary.skipped, summary.withdrawn) == (
        "full",
        len(members),
        0,
        withdrawn,
    )
    assert _consistency(store) == (len(members), 0, 0)
    (status,) = store.status()
    assert (status.ecosystem, status.advisories, status.withdrawn) == (ecosystem, len(members), withdrawn)
    assert status.source_url == osv_mirror.url
    assert progress[-1] == (len(members), len(members))
    assert osv_mirror.requests == [f"/{ecosystem}/all.zip"]


def test_incremental_sync_fetches_only_what_changed(
    store: AdvisoryStore, osv_mirror: OsvMirror, shared_data: Path
) -> None:
    newer = _records(shared_data / "osv" / "PyPI" / "all.zip")
    by_age = sorted(newer, key=lambda i: newer[i]["modified"])
    added, changed = by_age[-3:], by_age[-6:-3]
    older = {i: r for i, r in newer.items() if i not in added}
    for advisory_id in changed:  # as they were before their last modification
        older[advisory_id] = {**newer[advisory_id], "modified": "2000-01-01T00:00:00Z", "summary": "old"}
    older["PYSEC-0000-GONE"] = {"id": "PYSEC-0000-GONE", "modified": "2000-01-01T00:00:00Z"}
    _publish(osv_mirror.root, "PyPI", older)
    with Mirror(osv_mirror.url) as mirror:
        sync_ecosystem(store, mirror, "PyPI")
        assert store.get("PYSEC-0000-GONE") is not None
        shutil.rmtree(osv_mirror.root / "PyPI")
        _publish(osv_mirror.root, "PyPI", newer, loose=True)
        osv_mirror.requests.clear()
        summary = sync_ecosystem(store, mirror, "PyPI")
    fetched = sorted(osv_mirror.requested(".json"))
    assert fetched == sorted(f"/PyPI/{i}.json" for i in added + changed)
    assert osv_mirror.requests == ["/PyPI/modified_id.csv", *osv_mirror.requests[1:]]
    assert not osv_mirror.requested("all.zip")
    assert (summary.mode, summary.added, summary.changed, summary.removed) == ("incremental", 3, 3, 1)
    assert _consistency(store) == (len(newer), 0, 0)
    for advisory_id in changed:
        stored = store.get(advisory_id)
        assert stored is not None
        assert stored.summary == newer[advisory_id].get("summary", "")
    assert store.get("PYSEC-0000-GONE") is None
    newest = max(r["modified"] for r in newer.values())
    assert store.newest_modified("PyPI") == _utc(newest)


def _utc(text: str) -> Any:
    from osswatch.advisories.osv_record import parse_time

    return parse_time(text)


def test_new_ids_are_fetched_even_when_every_modified_time_is_the_same(
    store: AdvisoryStore, osv_mirror: OsvMirror
) -> None:
    # The real Go export stamps every record 0001-01-01T00:00:00Z.
    records = {f"GO-{i}": _go(f"GO-{i}") for i in range(4)}
    _publish(osv_mirror.root, "Go", dict(list(records.items())[:2]))
    with Mirror(osv_mirror.url) as mirror:
        sync_ecosystem(store, mirror, "Go")
        _publish(osv_mirror.root, "Go", records, loose=True)
        osv_mirror.requests.clear()
        summary = sync_ecosystem(store, mirror, "Go")
    assert sorted(osv_mirror.requested(".json")) == ["/Go/GO-2.json", "/Go/GO-3.json"]
    assert summary.added == 2
    found = store.advisories_for([Package(ecosystem=EcosystemName("Go"), name="example.org/GO-3")])
    assert [a.id for a in next(iter(found.values()))] == ["GO-3"]


def _go(advisory_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": advisory_id,
        "modified": "0001-01-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": "Go", "name": f"example.org/{advisory_id}"}}],
        **extra,
    }


def test_bad_records_are_skipped_and_counted(store: AdvisoryStore, osv_mirror: OsvMirror) -> None:
    folder = osv_mirror.root / "Go"
    folder.mkdir()
    with zipfile.ZipFile(folder / "all.zip", "w") as archive:
        archive.writestr("GO-1.json", json.dumps(_go("GO-1")))
        archive.writestr("GO-2.json", '{"id": "GO-2", "modified": ')  # truncated JSON
        archive.writestr("GO-3.json", json.dumps({"id": "GO-3"}))  # no `modified`
        archive.writestr("GO-4.json", b"\xff\xfe not text")
        archive.writestr("GO-5.json", json.dumps(_go("GO-1")))  # the same id twice
        archive.writestr("README.md", "not a record")
    with Mirror(osv_mirror.url) as mirror:
        summary = sync_ecosystem(store, mirror, "Go")
    assert (summary.added, summary.skipped) == (1, 4)
    assert store.status()[0].skipped == 4


def test_a_truncated_download_is_retried_once(store: AdvisoryStore, osv_mirror: OsvMirror) -> None:
    _publish(osv_mirror.root, "Go", {"GO-1": _go("GO-1")})
    osv_mirror.truncate["/Go/all.zip"] = 1
    with Mirror(osv_mirror.url) as mirror:
        summary = sync_ecosystem(store, mirror, "Go")
    assert summary.added == 1
    assert osv_mirror.requested("all.zip") == ["/Go/all.zip"] * 2


def test_a_download_truncated_twice_is_a_clear_error(store: AdvisoryStore, osv_mirror: OsvMirror) -> None:
    _publish(osv_mirror.root, "Go", {"GO-1": _go("GO-1")})
    osv_mirror.truncate["/Go/all.zip"] = 2
    with (
        Mirror(osv_mirror.url) as mirror,
        pytest.raises(SourceUnavailable, match="after downloading it twice"),
    ):
        sync_ecosystem(store, mirror, "Go")
    assert store.status() == ()


def test_an_archive_truncated_at_the_source_is_a_clear_error(
    store: AdvisoryStore, osv_mirror: OsvMirror
) -> None:
    _publish(osv_mirror.root, "Go", {f"GO-{i}": _go(f"GO-{i}") for i in range(50)})
    path = osv_mirror.root / "Go" / "all.zip"
    path.write_bytes(path.read_bytes()[:-100])
    with Mirror(osv_mirror.url) as mirror, pytest.raises(AdvisoryError, match="truncated or corrupt"):
        sync_ecosystem(store, mirror, "Go")
    assert len(osv_mirror.requested("all.zip")) == 2


def test_missing_ecosystem_is_source_unavailable(store: AdvisoryStore, osv_mirror: OsvMirror) -> None:
    with (
        Mirror(osv_mirror.url) as mirror,
        pytest.raises(SourceUnavailable, match=r"Nope/all\.zip: HTTP 404$"),
    ):
        sync_ecosystem(store, mirror, "Nope")
    assert osv_mirror.requests == ["/Nope/all.zip"]  # a missing file is not retried


@pytest.mark.parametrize(
    ("listing", "message"),
    [("", "lists no advisories"), ("garbage\n../../etc/passwd\n", "lists no advisories")],
    ids=["empty", "garbage"],
)
def test_an_unusable_listing_never_empties_the_store(
    store: AdvisoryStore, osv_mirror: OsvMirror, listing: str, message: str
) -> None:
    _publish(osv_mirror.root, "Go", {"GO-1": _go("GO-1")})
    with Mirror(osv_mirror.url) as mirror:
        sync_ecosystem(store, mirror, "Go")
        (osv_mirror.root / "Go" / "modified_id.csv").write_text(listing)
        with pytest.raises(AdvisoryError, match=message):
            sync_ecosystem(store, mirror, "Go")
    assert store.get("GO-1") is not None


def test_unsafe_ids_in_the_listing_are_never_requested(store: AdvisoryStore, osv_mirror: OsvMirror) -> None:
    _publish(osv_mirror.root, "Go", {"GO-1": _go("GO-1")})
    with Mirror(osv_mirror.url) as mirror:
        sync_ecosystem(store, mirror, "Go")
        csv = osv_mirror.root / "Go" / "modified_id.csv"
        csv.write_text(
            "2030-01-01T00:00:00Z,../../secret\n2030-01-01T00:00:00Z,/etc/passwd\n" + csv.read_text()
        )
        osv_mirror.requests.clear()
        summary = sync_ecosystem(store, mirror, "Go")
    assert osv_mirror.requests == ["/Go/modified_id.csv"]
    assert (summary.added, summary.removed) == (0, 0)


def test_a_record_missing_from_the_mirror_is_skipped_and_retried_next_time(
    store: AdvisoryStore, osv_mirror: OsvMirror
) -> None:
    first = {"GO-1": _go("GO-1", modified="2024-01-01T00:00:00Z")}
    _publish(osv_mirror.root, "Go", first)
    later = {**first, "GO-2": _go("GO-2", modified="2024-02-01T00:00:00Z")}
    with Mirror(osv_mirror.url) as mirror:
        sync_ecosystem(store, mirror, "Go")
        _publish(osv_mirror.root, "Go", later)  # the listing names GO-2, but GO-2.json is missing
        assert sync_ecosystem(store, mirror, "Go").skipped == 1
        _publish(osv_mirror.root, "Go", later, loose=True)
        assert sync_ecosystem(store, mirror, "Go").added == 1


def test_full_resync_reports_unchanged_records(store: AdvisoryStore, osv_mirror: OsvMirror) -> None:
    _publish(osv_mirror.root, "Go", {"GO-1": _go("GO-1"), "GO-2": _go("GO-2")})
    with Mirror(osv_mirror.url) as mirror:
        sync_ecosystem(store, mirror, "Go")
        _publish(osv_mirror.root, "Go", {"GO-1": _go("GO-1", withdrawn="2024-01-01T00:00:00Z")})
        summary = sync_ecosystem(store, mirror, "Go", full=True)
    assert (summary.changed, summary.withdrawn, summary.removed, summary.unchanged) == (1, 1, 1, 0)
    assert store.advisories_for([Package(ecosystem=EcosystemName("Go"), name="example.org/GO-1")]) == {}


def test_file_mirror(store: AdvisoryStore, shared_data: Path) -> None:
    with Mirror((shared_data / "osv").as_uri()) as mirror:
        summary = sync_ecosystem(store, mirror, "crates.io")
    assert summary.added == len(_records(shared_data / "osv" / "crates.io" / "all.zip"))


@pytest.mark.parametrize(
    "name",
    ["../evil.json", "/etc/evil.json", "a/../../evil.json", "C:\\evil.json"],
    ids=["parent", "absolute", "nested-parent", "drive"],
)
def test_hostile_member_names_refuse_the_archive(tmp_path: Path, name: str) -> None:
    path = tmp_path / "all.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("GO-1.json", json.dumps(_go("GO-1")))
        archive.writestr(name, "{}")
    with pytest.raises(AdvisoryError, match="unsafe name"), open_archive(path, origin="all.zip"):
        pass


def test_zip_bombs_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "all.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("GO-1.json", b" " * 2_000_000)
        archive.writestr("GO-2.json", b" " * 10)
    assert path.stat().st_size < 20_000
    with (
        pytest.raises(AdvisoryError, match="expands to 2000010 bytes"),
        open_archive(path, origin="all.zip", max_total=1_000_000),
    ):
        pass
    with open_archive(path, origin="all.zip", max_member=1_000_000) as archive:
        records = archive.records()
        with pytest.raises(AdvisoryError, match=r"'GO-1\.json' is larger than 1000000 bytes"):
            next(records)


def test_unsupported_url_scheme() -> None:
    with pytest.raises(SourceUnavailable, match="must be https://"):
        Mirror("ftp://example.org/osv")


def test_mirror_reads_and_limits(osv_mirror: OsvMirror, tmp_path: Path) -> None:
    _publish(osv_mirror.root, "Go", {"GO-1": _go("GO-1")})
    for url in (osv_mirror.url, osv_mirror.root.as_uri()):
        with Mirror(url) as mirror:
            assert mirror.read("Go", "missing.json", limit=10) is None
            assert mirror.read("Go", "GO-1.json", limit=10) is None  # only `loose` records exist
            listing = mirror.read("Go", "modified_id.csv", limit=1000)
            assert listing == (osv_mirror.root / "Go" / "modified_id.csv").read_bytes()
            with pytest.raises(SourceUnavailable, match=r"Go/nothing\.zip"):
                mirror.download("Go", "nothing.zip", tmp_path / "x.zip")
    with Mirror(osv_mirror.url) as mirror, pytest.raises(SourceUnavailable, match="larger than 10 bytes"):
        mirror.download("Go", "all.zip", tmp_path / "x.zip", limit=10)
    with Mirror(osv_mirror.url) as mirror:
        assert mirror.url_of("GitHub Actions", "all.zip").endswith("/GitHub%20Actions/all.zip")


def test_unreachable_mirror_is_source_unavailable(store: AdvisoryStore) -> None:
    with Mirror("http://127.0.0.1:1") as mirror, pytest.raises(SourceUnavailable, match=r"127\.0\.0\.1:1"):
        sync_ecosystem(store, mirror, "Go")
