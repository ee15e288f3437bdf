"""The range algorithm against real data: osv.dev's enumerated PyPI versions, and Go's SEMVER fixes.

osv.dev enumerates every released version each PyPI range covers (`affected[].versions`). Evaluating
the ranges alone must agree with that list. The universe of versions per entry is the union of its
listed versions and its `ECOSYSTEM` event versions (the `introduced: "0"` sentinel is not a version).
Expected membership is decided here independently, with `packaging` directly.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from packaging.version import InvalidVersion, Version

from osswatch.advisories.match import is_affected, match_component
from osswatch.advisories.osv_record import parse_advisory
from osswatch.model import Advisory, Affected, Component, EventKind, Location, RangeType

AGREEMENT = 0.999


def corpus(shared_data: Path, ecosystem: str) -> Iterator[Advisory]:
    with zipfile.ZipFile(shared_data / "osv" / ecosystem / "all.zip") as archive:
        for name in archive.namelist():
            yield parse_advisory(json.loads(archive.read(name)), origin=name)


@pytest.fixture(scope="module")
def pypi(shared_data: Path) -> list[Advisory]:
    return list(corpus(shared_data, "PyPI"))


@pytest.fixture(scope="module")
def go(shared_data: Path) -> list[Advisory]:
    return list(corpus(shared_data, "Go"))


@cache
def pep440(version: str) -> Version | str:
    try:
        return Version(version)
    except InvalidVersion:
        return version


def universe(entry: Affected) -> set[str]:
    events = {
        event.version
        for rng in entry.ranges
        if rng.type is RangeType.ECOSYSTEM
        for event in rng.events
        if not (event.kind is EventKind.INTRODUCED and event.version == "0")
    }
    return set(entry.versions) | events


def test_ranges_agree_with_enumerated_versions(pypi: list[Advisory]) -> None:
    agree, disagree = 0, []
    for advisory in pypi:
        for entry in advisory.affected:
            if not entry.versions:
                continue
            listed = {pep440(v) for v in entry.versions}
            ranges_only = replace(entry, versions=())
            for version in sorted(universe(entry)):
                got = is_affected(ranges_only, version)
                if got == (pep440(version) in listed):
                    agree += 1
                else:
                    disagree.append(f"{advisory.id} {version}: ranges say {got}")
    total = agree + len(disagree)
    assert total > 0
    assert agree / total >= AGREEMENT, "\n".join(disagree)


def component(ecosystem: str, name: str, version: str) -> Component:
    return Component(name=name, version=version, ecosystem=ecosystem, purl=None, location=Location(path="x"))  # type: ignore[arg-type]


def fixes(advisory: Advisory) -> Iterator[tuple[Affected, str]]:
    """Each entry and `fixed` version, except one the entry also `introduced` (a stated re-opening)."""
    for entry in advisory.affected:
        events = [e for rng in entry.ranges if rng.type is not RangeType.GIT for e in rng.events]
        reopened = {e.version for e in events if e.kind is EventKind.INTRODUCED}
        yield from (
            (entry, e.version) for e in events if e.kind is EventKind.FIXED and e.version not in reopened
        )


def fixed_but_affected(advisories: list[Advisory], prefix: str = "") -> list[str]:
    """Every (advisory, fixed version) where the advisory's ranges still cover the version it fixed.

    The ranges, not osv.dev's enumerated lists: those are derived data, and a few PyPI records list
    their own fix (PYSEC-2023-177 lists gevent 23.9.0, its `fixed`), which a list match must then
    report, as the record says.
    """
    wrong = []
    for advisory in advisories:
        for entry, fixed in fixes(advisory):
            ranges_only = replace(advisory, affected=(replace(entry, versions=()),))
            package = component(entry.package.ecosystem, entry.package.name, prefix + fixed)
            if match_component(package, [ranges_only]):
                wrong.append(f"{advisory.id} {entry.package.name} {prefix + fixed}")
    return wrong


def test_no_pypi_fix_is_affected_by_its_advisory(pypi: list[Advisory]) -> None:
    assert any(True for advisory in pypi for _ in fixes(advisory))
    assert fixed_but_affected(pypi) == []


@pytest.mark.parametrize("prefix", ["", "v"], ids=["bare", "go-style v"])
def test_no_go_fix_is_affected_by_its_advisory(go: list[Advisory], prefix: str) -> None:
    assert any(True for advisory in go for _ in fixes(advisory))
    assert fixed_but_affected(go, prefix) == []


def test_go_versions_below_a_fix_from_zero_are_affected(go: list[Advisory]) -> None:
    # The converse, so the test above cannot pass by matching nothing: `0.0.0-…` sorts first in SemVer.
    opened = [
        (advisory, entry)
        for advisory in go
        if not advisory.is_withdrawn
        for entry in advisory.affected
        for rng in entry.ranges
        if rng.type is RangeType.SEMVER and any(e.version == "0" for e in rng.events)
    ]
    assert opened
    missed = [a.id for a, e in opened if not is_affected(e, "v0.0.0-00010101000000-000000000000")]
    assert missed == []


def test_withdrawn_records_never_match(pypi: list[Advisory], go: list[Advisory]) -> None:
    withdrawn = [a for a in pypi + go if a.is_withdrawn]
    assert withdrawn
    for advisory in withdrawn:
        for entry in advisory.affected:
            versions = [*entry.versions, *(e.version for r in entry.ranges for e in r.events)]
            for version in versions:
                package = component(entry.package.ecosystem, entry.package.name, version)
                assert match_component(package, [advisory]) == []
