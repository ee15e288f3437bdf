"""The finding form: stored beside the match-ready entries, it makes the findings whole records would."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from osswatch.advisories import finding_form
from osswatch.advisories.aliases import group_by_alias
from osswatch.advisories.base import InMemoryAdvisories
from osswatch.advisories.finding_form import details_of
from osswatch.advisories.local import import_path
from osswatch.advisories.match import match_inventory
from osswatch.advisories.osv_record import parse_advisory, record_keys
from osswatch.advisories.severity import highest, rating_of
from osswatch.advisories.store import AdvisoryStore, StoredRecord, index_key, index_rows
from osswatch.model import Advisory, AdvisoryId, Affected, Component, EcosystemName, Finding, Location
from tests.advisories.probes import probe_components

V3_CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
V3_LOW = "CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"


def _raws(shared_data: Path, ecosystem: str) -> list[dict[str, Any]]:
    with zipfile.ZipFile(shared_data / "osv" / ecosystem / "all.zip") as archive:
        return [json.loads(archive.read(name)) for name in archive.namelist()]


@pytest.mark.parametrize("ecosystem", ["PyPI", "Go"], ids=["pypi", "go"])
def test_a_stored_form_holds_the_parsed_records_details(shared_data: Path, ecosystem: str) -> None:
    for raw in _raws(shared_data, ecosystem):
        whole = details_of(parse_advisory(raw, origin="t"))
        packages = [_key(entry) for entry in parse_advisory(raw, origin="t").affected]
        for ecosystem_name, name, advisory_id, _, finding in index_rows(record_keys(raw, origin="t")):
            # A row holds the severity of the entries for its package only, in record order.
            own = tuple(
                s for s, p in zip(whole.entry_severity, packages, strict=True) if p == (ecosystem_name, name)
            )
            assert finding_form.unpacked(advisory_id, finding) == whole._replace(entry_severity=own)


def _key(entry: Affected) -> tuple[str, str]:
    return index_key(entry.package.ecosystem, entry.package.name)


def _as_whole_records_show(finding: Finding, records: dict[AdvisoryId, Advisory]) -> Finding:
    """`finding` with what it shows of its advisories taken from their whole parsed records."""
    matched = [records[i] for i in finding.sources]
    (group,) = group_by_alias(matched)
    package = index_key(finding.component.ecosystem or "", finding.component.name)
    return Finding(
        component=finding.component,
        advisory_ids=group.ids,
        aliases=group.aliases,
        summary=next((r.summary for r in group.records if r.summary), ""),
        rating=highest(rating_of(r, [e for e in r.affected if _key(e) == package]) for r in group.records),
        fixed_in=finding.fixed_in,
        references=tuple(dict.fromkeys(ref.url for r in group.records for ref in r.references)),
        published=min((r.published for r in group.records if r.published), default=None),
        sources=tuple(r.id for r in group.records),
    )


@pytest.mark.parametrize("ecosystem", ["PyPI", "Go"], ids=["pypi", "go"])
def test_store_findings_are_those_of_the_whole_records(
    shared_data: Path, database_url: str, ecosystem: str
) -> None:
    records = [parse_advisory(raw, origin="t") for raw in _raws(shared_data, ecosystem)]
    components = probe_components(records[::2], listed=3)
    with AdvisoryStore.open(database_url) as store:
        import_path(store, shared_data / "osv" / ecosystem / "all.zip")
        found = match_inventory(components, store)
    assert found == match_inventory(components, InMemoryAdvisories(records))
    by_id = {r.id: r for r in records}
    assert found == [_as_whole_records_show(finding, by_id) for finding in found]
    # Introduced and listed versions match, fixed ones not: the test asks about versions that matter.
    assert len(found) > len(components) // 2
    if ecosystem == "PyPI":  # Go records carry no severity
        assert {f.rating.level for f in found} > {"unknown"}


def _entry(ecosystem: str, *severity: str) -> dict[str, Any]:
    return {
        "package": {"ecosystem": ecosystem, "name": "openssl"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0"}]}],
        "severity": [{"type": "CVSS_V3", "score": score} for score in severity],
    }


HAND_WRITTEN: list[dict[str, Any]] = [
    {  # only the entries of the component's release count: Debian:11's critical vector does not
        "id": "DSA-1",
        "modified": "2024-01-01T00:00:00Z",
        "published": "2024-01-01T12:00:00+02:00",
        "summary": "entry severity",
        "affected": [_entry("Debian:11", V3_CRITICAL), _entry("Debian:12", V3_LOW), _entry("Debian")],
        "references": [{"type": "WEB", "url": "https://example.org/1"}],
    },
    {  # no vector scores: GitHub's word is the rating
        "id": "DSA-2",
        "modified": "2024-01-01T00:00:00Z",
        "severity": [{"type": "CVSS_V3", "score": "not a vector"}],
        "affected": [_entry("Debian:12")],
        "database_specific": {"severity": "HIGH", "other": [1]},
    },
    {  # an unknown word rates nothing
        "id": "DSA-3",
        "modified": "2024-01-01T00:00:00Z",
        "affected": [_entry("Debian:12")],
        "database_specific": {"severity": "Whatever"},
    },
]


def test_entry_severity_and_the_database_word_as_whole_records_give(database_url: str) -> None:
    records = [parse_advisory(raw, origin="t") for raw in HAND_WRITTEN]
    component = Component(
        name="openssl",
        version="2.0",
        ecosystem=EcosystemName("Debian:12"),
        purl=None,
        location=Location(path="x"),
    )
    with AdvisoryStore.open(database_url) as store:
        with store.writing() as writer:
            writer.put(
                [
                    StoredRecord(
                        advisory=record_keys(raw, origin="t"), raw=json.dumps(raw).encode(), source="Debian"
                    )
                    for raw in HAND_WRITTEN
                ]
            )
        found = match_inventory([component], store)
    assert found == match_inventory([component], InMemoryAdvisories(records))
    assert [(f.id, f.rating.level, f.rating.vector) for f in found] == [
        ("DSA-1", "low", V3_LOW),
        ("DSA-2", "high", None),
        ("DSA-3", "unknown", None),
    ]
    assert found[0].published == records[0].published
    assert found[0].references == ("https://example.org/1",)
