"""A snapshot's inventory reads back exactly as it was judged, and re-evaluation judges the same facts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from osswatch.advisories.store import AdvisoryStore
from osswatch.model import (
    Component,
    EcosystemName,
    Inventory,
    Location,
    Purl,
    SbomMetadata,
    Scope,
    SourceFile,
)
from osswatch.monitor.analysis import Analyser, record_inventory, reevaluate, snapshot_inventory
from osswatch.monitor.portfolio import Portfolio
from osswatch.monitor.stored_inventory import component_row, sources_json, stored_component, stored_sources
from osswatch.scan import PolicySetup
from tests.monitor.conftest import T0
from tests.policy.builders import policy_of

DEBIAN_OPENSSL = Component(
    name="openssl",
    version="3.0.11-1~deb12u2",
    ecosystem=EcosystemName("Debian:12"),
    purl=Purl("pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=debian-12"),
    location=Location(path="image/sbom.cdx.json", line=42),
    is_direct=False,
    scope=Scope.RUNTIME,
    licenses=("Apache-2.0",),
    supplier="Debian",
    author="OpenSSL Project",
    hashes=("sha256:00ff",),
    ref="pkg-openssl",
    depends_on=("pkg-libc6",),
)
GPL_TOOL = Component(
    name="gpl-tool",
    version="1.0",
    ecosystem=EcosystemName("PyPI"),
    purl=Purl("pkg:pypi/gpl-tool@1.0"),
    location=Location(path="requirements.txt", line=3),
    is_direct=True,
    licenses=("GPL-3.0-only",),
)
SOURCES = (
    SourceFile(
        path="image/sbom.cdx.json",
        kind="cyclonedx-json",
        component_count=1,
        sbom=SbomMetadata(
            timestamp=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            authors=("Build Bot",),
            supplier="ITU-T SG12",
            subject="p1203-image",
            spec="CycloneDX 1.6",
        ),
    ),
    SourceFile(path="requirements.txt", kind="requirements.txt", component_count=1),
)


def test_a_component_reads_back_exactly_with_its_release_ecosystem() -> None:
    row = component_row(DEBIAN_OPENSSL)
    assert (row["ecosystem"], row["name"]) == ("Debian", "openssl")  # what the package index looks up
    assert stored_component(row) == DEBIAN_OPENSSL


def test_a_row_stored_before_details_reads_its_identity_from_the_purl() -> None:
    row = {**component_row(DEBIAN_OPENSSL), "detail": None}
    back = stored_component(row)
    assert (back.ecosystem, back.name, back.version) == ("Debian", "openssl", DEBIAN_OPENSSL.version)
    assert (back.licenses, back.ref) == ((), None)


def test_sources_read_back_with_their_sbom_metadata() -> None:
    assert stored_sources(sources_json(SOURCES)) == SOURCES
    assert stored_sources(None) == ()


def test_reevaluation_judges_licenses_and_sboms_as_the_upload_was(portfolio: Portfolio) -> None:
    policy = policy_of(
        """
        [[policy.rules]]
        id = "no-gpl"
        description = "GPL is not allowed"
        level = "fail"
        when = { license_in = ["GPL-3.0-only"] }

        [[policy.rules]]
        id = "sbom-timestamp"
        description = "SBOM has no timestamp"
        level = "warn"
        when = { sbom_missing = ["timestamp"] }
        """
    )
    team = portfolio.create_team("audio", now=T0)
    project_id = portfolio.create_project(team.id, "p1203", now=T0).id
    analyser = Analyser(advisories=AdvisoryStore(portfolio.engine), policy=PolicySetup(policy=policy))
    undated = replace(SOURCES[0], sbom=replace(SOURCES[0].sbom or SbomMetadata(), timestamp=None))
    inventory = Inventory(components=(DEBIAN_OPENSSL, GPL_TOOL), sources=(undated, SOURCES[1]))
    uploaded, outcome = record_inventory(
        portfolio, analyser, project_id=project_id, inventory=inventory, now=T0
    )
    assert snapshot_inventory(portfolio, outcome.snapshot_id)[0] == inventory
    again = reevaluate(portfolio, analyser, project_id, T0)
    assert again is not None
    assert again.passed is False
    (snapshot,) = portfolio.snapshots(team.id, project_id)
    assert uploaded.verdict is not None
    assert snapshot.verdict is not None
    assert [v.rule_id for v in uploaded.verdict.violations] == ["no-gpl", "sbom-timestamp"]
    assert [v["rule"] for v in snapshot.verdict["violations"]] == ["no-gpl", "sbom-timestamp"]
