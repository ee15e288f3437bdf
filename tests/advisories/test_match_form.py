"""The match-ready form: what it keeps of an entry, both ways of writing it, and matching through it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from osswatch.advisories.base import InMemoryAdvisories
from osswatch.advisories.local import import_path
from osswatch.advisories.match import match_inventory
from osswatch.advisories.match_form import (
    MatchEntry,
    MatchRange,
    entry_of,
    joined,
    packed,
    packed_raw,
    unpacked,
)
from osswatch.advisories.osv_record import ecosystem_name, parse_advisory, record_keys
from osswatch.advisories.store import AdvisoryStore, StoredRecord
from osswatch.model import Advisory, Component, EcosystemName, Location

ENTRY: dict[str, Any] = {
    "package": {"ecosystem": "pypi", "name": "Demo_Pkg", "purl": "pkg:pypi/demo-pkg"},
    "ranges": [
        {"type": "GIT", "repo": "https://example.org/r", "events": [{"introduced": "0"}, {"fixed": "abc"}]},
        {"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"last_affected": "1.4"}, {"limit": "*"}]},
        {"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "2.0.1"}]},
    ],
    "versions": ["1.0", "1.4"],
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "ecosystem_specific": {"affected_functions": ["demo.f"]},
}


def _record(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"id": "PYSEC-1", "modified": "2024-01-01T00:00:00Z", "affected": list(entries)}


def test_it_keeps_package_ranges_but_git_and_versions() -> None:
    full = parse_advisory(_record(ENTRY), origin="t").affected[0]
    (entry,) = unpacked(joined([packed(full)]))
    assert entry == entry_of(full)
    assert entry == MatchEntry(
        "PyPI",  # spelled the OSV way, as the parsed record has it
        "Demo_Pkg",
        (
            MatchRange("ECOSYSTEM", (("introduced", "1.0"), ("last_affected", "1.4"), ("limit", "*"))),
            MatchRange("SEMVER", (("introduced", "0"), ("fixed", "2.0.1"))),
        ),
        ("1.0", "1.4"),
    )


def test_the_raw_form_is_the_parsed_form() -> None:
    full = parse_advisory(_record(ENTRY), origin="t").affected[0]
    assert packed_raw(ecosystem_name("pypi"), ENTRY) == packed(full)


@pytest.mark.parametrize(
    "name",
    ["démo", 'quote-"-and-\\', "tab-\t-newline-\n"],
    ids=["non-ascii", "escapes", "control"],
)
def test_names_survive_the_store(database_url: str, name: str) -> None:
    record = _record({**ENTRY, "package": {"ecosystem": "npm", "name": name}})
    raw = json.dumps(record).encode()  # ASCII-escaped, as OSV files may be
    with AdvisoryStore.open(database_url) as store:
        with store.writing() as writer:
            writer.put([StoredRecord(advisory=record_keys(record, origin="t"), raw=raw, source="npm")])
        component = Component(
            name=name, version="1.2", ecosystem=EcosystemName("npm"), purl=None, location=Location(path="x")
        )
        (finding,) = match_inventory([component], store)
    assert finding.id == "PYSEC-1"


def _versions(advisory: Advisory) -> set[str]:
    """Versions worth asking about: every event and listed version, and one past each."""
    found: set[str] = set()
    for entry in advisory.affected:
        for rng in entry.ranges:
            found.update(event.version for event in rng.events)
        found.update(entry.versions[:3] + entry.versions[-3:])
    return found | {f"{v}.1" for v in found} | {"0.0.1", "999"}


def _corpus(shared_data: Path, ecosystem: str) -> list[Advisory]:
    with zipfile.ZipFile(shared_data / "osv" / ecosystem / "all.zip") as archive:
        return [parse_advisory(json.loads(archive.read(n)), origin=n) for n in archive.namelist()]


@pytest.mark.parametrize("ecosystem", ["PyPI", "Go", "crates.io"], ids=["pypi", "go", "crates"])
def test_a_store_matches_real_data_as_memory_does(
    shared_data: Path, database_url: str, ecosystem: str
) -> None:
    records = _corpus(shared_data, ecosystem)
    components = [
        Component(
            name=entry.package.name,
            version=version,
            ecosystem=entry.package.ecosystem,
            purl=None,
            location=Location(path="lock"),
        )
        for advisory in records[::3]
        for entry in advisory.affected[:2]
        for version in sorted(_versions(advisory))[:12]
    ]
    with AdvisoryStore.open(database_url) as store:
        import_path(store, shared_data / "osv" / ecosystem / "all.zip")
        found = match_inventory(components, store)
    expected = match_inventory(components, InMemoryAdvisories(records))
    assert found == expected
    assert len(expected) > len(components) // 10  # the test asks about versions that matter
