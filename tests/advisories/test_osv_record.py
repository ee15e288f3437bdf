"""Parsing OSV records: the real databases, a hand-written record, and every malformed shape."""

from __future__ import annotations

import copy
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.advisories.osv_record import keys_of, parse_advisory, parse_time, record_keys
from osswatch.errors import AdvisoryError
from osswatch.model import AffectedRange, Event, EventKind, Package, RangeType

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "advisories"


def _record() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ASSETS / "GHSA-test-0001.json").read_text())
    return loaded


@pytest.mark.parametrize("ecosystem", ["PyPI", "Go", "crates.io"], ids=["pypi", "go", "crates"])
def test_every_real_record_parses(shared_data: Path, ecosystem: str) -> None:
    with zipfile.ZipFile(shared_data / "osv" / ecosystem / "all.zip") as archive:
        names = [n for n in archive.namelist() if n.endswith(".json")]
        for name in names:
            raw = json.loads(archive.read(name))
            advisory = parse_advisory(raw, origin=name)
            assert advisory.id == raw["id"] == name.removesuffix(".json")
            assert advisory.is_withdrawn == ("withdrawn" in raw)
            assert len(advisory.affected) == sum(1 for a in raw.get("affected", []) if "package" in a)
            for affected in advisory.affected:
                assert affected.package.ecosystem.startswith(ecosystem)
    assert names


def test_hand_written_record() -> None:
    advisory = parse_advisory(_record(), origin="GHSA-test-0001.json")
    assert advisory.id == "GHSA-test-0001"
    # Nanoseconds are beyond datetime: they are truncated to microseconds.
    assert advisory.modified == datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)
    assert advisory.aliases == ("CVE-2024-0001", "PYSEC-2024-0001")
    assert advisory.related == ("GHSA-test-0002",)
    first, debian, unknown = advisory.affected  # the package-less GIT entry is left out
    assert first.package == Package(ecosystem="PyPI", name="Example_Pkg")  # type: ignore[arg-type]
    assert first.purl == "pkg:pypi/example-pkg"
    assert first.ranges[0] == AffectedRange(
        type=RangeType.ECOSYSTEM,
        events=(Event(kind=EventKind.INTRODUCED, version="0"), Event(kind=EventKind.FIXED, version="1.2.3")),
    )
    assert first.ranges[1].repo == "https://example.org/repo.git"
    assert first.versions == ("1.0", "1.1")
    assert first.ecosystem_specific is not None
    assert json.loads(first.ecosystem_specific) == {
        "database_specific": {"source": "test"},
        "ecosystem_specific": {"severity": "HIGH"},
    }
    assert debian.package.ecosystem == "Debian:12"
    assert debian.ranges[0].events[1].kind is EventKind.LAST_AFFECTED
    assert unknown.package.ecosystem == "Made-Up Ecosystem"
    assert advisory.database_specific == '{"severity":"HIGH","cwe_ids":["CWE-79"]}'
    assert advisory.references[0].url == "https://example.org/advisory"
    assert advisory.severity[0].type == "CVSS_V3"


def _set(path: str, value: object) -> dict[str, Any]:
    record = copy.deepcopy(_record())
    *parents, last = path.split(".")
    target: Any = record
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is _DELETE:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return record


class _Deleted:
    """Marks a key to remove from the record (its repr keeps test ids stable across processes)."""

    def __repr__(self) -> str:
        return "<deleted>"


_DELETE = _Deleted()
_KINDS = "introduced, fixed, last_affected, limit"

BAD = [
    ("id", _DELETE, "missing 'id' in '<top>'"),
    ("id", 7, "'id' should be a string, found a number"),
    ("modified", _DELETE, "missing 'modified' in '<top>'"),
    ("modified", "yesterday", "'modified' should be an RFC 3339 time, found 'yesterday'"),
    (
        "withdrawn",
        "2024-13-01T00:00:00Z",
        "'withdrawn' should be an RFC 3339 time, found '2024-13-01T00:00:00Z'",
    ),
    ("aliases", "CVE-1", "'aliases' should be a list, found a string"),
    ("aliases.1", 5, "'aliases[1]' should be a string"),
    ("affected", {}, "'affected' should be a list, found a table"),
    ("affected.0", "pkg", "expected a table at 'affected[0]', found a string"),
    ("affected.0.package.name", _DELETE, "missing 'name' in 'affected[0].package'"),
    ("affected.0.package", [], "'affected[0].package' should be a table, found a list"),
    ("affected.0.ranges.1.type", 3, "'affected[0].ranges[1].type' should be a string, found a number"),
    (
        "affected.0.ranges.1.type",
        "RANGE",
        "'affected[0].ranges[1].type' should be one of SEMVER, ECOSYSTEM, GIT, found 'RANGE'",
    ),
    ("affected.0.ranges.0.events", [], "'affected[0].ranges[0].events' should list at least one event"),
    (
        "affected.0.ranges.0.events.1",
        {"fixed": "1", "introduced": "0"},
        f"'affected[0].ranges[0].events[1]' should have exactly one of {_KINDS}",
    ),
    (
        "affected.0.ranges.0.events.1",
        {"patched": "1"},
        f"'affected[0].ranges[0].events[1]' should have exactly one of {_KINDS}",
    ),
    (
        "affected.0.ranges.0.events.1.fixed",
        1.5,
        "'affected[0].ranges[0].events[1].fixed' should be a string, found float",
    ),
    ("affected.0.versions.0", None, "'affected[0].versions[0]' should be a string"),
    (
        "affected.0.database_specific",
        "x",
        "'affected[0].database_specific' should be a table, found a string",
    ),
    ("severity.0.score", _DELETE, "missing 'score' in 'severity[0]'"),
    ("references.0", [], "expected a table at 'references[0]', found a list"),
    ("database_specific", [1], "'database_specific' should be a table, found a list"),
]


@pytest.mark.parametrize(("path", "value", "message"), BAD, ids=[f"{p}={v!r}"[:60] for p, v, _ in BAD])
def test_malformed_records_name_origin_and_key_path(path: str, value: object, message: str) -> None:
    with pytest.raises(AdvisoryError) as caught:
        parse_advisory(_set(path, value), origin="GHSA-x.json")
    assert str(caught.value) == f"GHSA-x.json: {message}"


@pytest.mark.parametrize(
    "raw",
    [None, [], "text", 3, {}],
    ids=["null", "list", "string", "number", "empty-table"],
)
def test_records_that_are_not_tables_or_empty(raw: object) -> None:
    with pytest.raises(AdvisoryError, match=r"^x\.json: "):
        parse_advisory(raw, origin="x.json")


def test_naive_times_are_utc() -> None:
    assert parse_time("2024-01-02T03:04:05") == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_time("2024-01-02T05:04:05+02:00") == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def _nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8), _nested, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {"id": st.text(min_size=1, max_size=5) | JSON, "modified": st.just("2024-01-01T00:00:00Z") | JSON},
        optional={"affected": JSON, "aliases": JSON, "severity": JSON, "withdrawn": JSON, "references": JSON},
    )
)
def test_any_json_parses_or_raises_advisory_error(raw: dict[str, object]) -> None:
    try:
        advisory = parse_advisory(raw, origin="fuzz.json")
    except AdvisoryError as error:
        message = str(error)
    else:
        message = f"fuzz.json: parsed {advisory.id}"
        assert advisory.id == raw["id"]
    assert message.startswith("fuzz.json: ")


# The fast path (plain `type(x) is ...` tests) must agree with the checked `Fields` path. A
# `MappingProxyType` is a Mapping but not a dict, so wrapping a record in one forces the checked path.


def _checked(raw: dict[str, Any]) -> object:
    """What the checked path makes of `raw`: the advisory, or its error message."""
    try:
        return parse_advisory(MappingProxyType(raw), origin="r.json")
    except AdvisoryError as error:
        return str(error)


def _fast(raw: object) -> object:
    try:
        return parse_advisory(raw, origin="r.json")
    except AdvisoryError as error:
        return str(error)


def _keys(raw: object) -> object:
    try:
        return record_keys(raw, origin="r.json")
    except AdvisoryError as error:
        return str(error)


@pytest.mark.parametrize("ecosystem", ["PyPI", "Go", "crates.io"], ids=["pypi", "go", "crates"])
def test_fast_path_builds_what_the_checked_path_builds(shared_data: Path, ecosystem: str) -> None:
    with zipfile.ZipFile(shared_data / "osv" / ecosystem / "all.zip") as archive:
        names = [n for n in archive.namelist() if n.endswith(".json")]
        for name in names:
            raw = json.loads(archive.read(name))
            checked = _checked(raw)
            assert _fast(raw) == checked, name
            assert _keys(raw) == keys_of(checked), name  # type: ignore[arg-type]
    assert names


def test_hand_written_record_keys() -> None:
    keys = record_keys(_record(), origin="GHSA-test-0001.json")
    assert keys == keys_of(parse_advisory(_record(), origin="GHSA-test-0001.json"))
    assert keys.id == "GHSA-test-0001"
    assert not keys.is_withdrawn
    assert [p.ecosystem for p in keys.packages] == ["PyPI", "Debian:12", "Made-Up Ecosystem"]


@pytest.mark.parametrize(("path", "value", "message"), BAD, ids=[f"{p}={v!r}"[:60] for p, v, _ in BAD])
def test_record_keys_rejects_what_parse_advisory_rejects(path: str, value: object, message: str) -> None:
    with pytest.raises(AdvisoryError) as caught:
        record_keys(_set(path, value), origin="GHSA-x.json")
    assert str(caught.value) == f"GHSA-x.json: {message}"


# Shapes near the fast path's edges: `None` read as absent, package-less entries left unread,
# events with extra keys (accepted by the checked path only), non-dict tables.
EDGES = [
    ("summary", None),
    ("aliases", None),
    ("affected", None),
    ("affected.0.ranges", None),
    ("affected.0.versions", None),
    ("affected.0.package.purl", None),
    ("affected.0.package", None),
    ("affected.0.ecosystem_specific", None),
    ("affected.3.ranges", "not even a list"),
    ("affected.0.ranges.0.events.0", {"introduced": "0", "note": 1}),
    ("affected.0.ranges.0.events.0", {"introduced": None}),
    ("affected.0.ranges.0.repo", 1),
    ("affected.0.severity", [{"type": "CVSS_V3"}]),
    ("database_specific", None),
    ("published", "2024-01-01"),
    ("modified", "2024-01-01T00:00:00+05:00"),
    ("id", None),
    ("modified", "0001-01-01T00:00:00+01:00"),  # before year 1 in UTC: once an OverflowError
    ("withdrawn", "9999-12-31T23:00:00-05:00"),  # after year 9999 in UTC
]


@pytest.mark.parametrize(("path", "value"), EDGES, ids=[f"{p}={v!r}"[:60] for p, v in EDGES])
def test_fast_path_agrees_at_the_edges(path: str, value: object) -> None:
    raw = _set(path, value)
    checked = _checked(raw)
    assert _fast(raw) == checked
    assert _keys(raw) == (checked if isinstance(checked, str) else keys_of(checked))  # type: ignore[arg-type]


RECORDS = st.fixed_dictionaries(
    {"id": st.text(min_size=1, max_size=5) | JSON, "modified": st.just("2024-01-01T00:00:00Z") | JSON},
    optional={
        "affected": st.lists(
            st.fixed_dictionaries(
                {"package": st.fixed_dictionaries({"ecosystem": st.just("PyPI") | JSON, "name": JSON})},
                optional={
                    "ranges": st.lists(
                        st.fixed_dictionaries(
                            {"type": st.sampled_from(["ECOSYSTEM", "GIT", "X"]) | JSON, "events": JSON}
                        ),
                        max_size=2,
                    )
                    | JSON,
                    "versions": JSON,
                    "ecosystem_specific": JSON,
                },
            )
            | JSON,
            max_size=2,
        )
        | JSON,
        "aliases": JSON,
        "summary": JSON,
        "severity": JSON,
        "withdrawn": st.just("2024-02-01T00:00:00Z") | JSON,
        "references": JSON,
        "database_specific": JSON,
    },
)


@settings(max_examples=500, deadline=None)
@given(RECORDS)
def test_fast_path_agrees_with_the_checked_path_on_any_json(raw: dict[str, Any]) -> None:
    checked = _checked(raw)
    assert _fast(raw) == checked
    assert _keys(raw) == (checked if isinstance(checked, str) else keys_of(checked))  # type: ignore[arg-type]


def test_times_out_of_range_in_utc_are_advisory_errors() -> None:
    for raw in (
        {"id": "x", "modified": "0001-01-01T00:00:00+01:00"},
        {"id": "x", "modified": "9999-12-31T23:00:00-05:00"},
    ):
        with pytest.raises(AdvisoryError, match=r"^x\.json: 'modified' should be an RFC 3339 time"):
            parse_advisory(raw, origin="x.json")
        with pytest.raises(AdvisoryError, match=r"^x\.json: 'modified' should be an RFC 3339 time"):
            record_keys(raw, origin="x.json")
