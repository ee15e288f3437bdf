"""The OSV evaluation algorithm, per entry and per component, against hand-written records."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osswatch.advisories.base import Candidate, InMemoryAdvisories
from osswatch.advisories.finding_form import FindingDetails
from osswatch.advisories.match import is_affected, match_component, match_inventory, package_key
from osswatch.model import (
    Advisory,
    AdvisoryId,
    Affected,
    AffectedRange,
    Component,
    EcosystemName,
    Event,
    EventKind,
    Location,
    Package,
    RangeType,
    Reference,
    Severity,
)

WHEN = datetime(2024, 1, 1, tzinfo=UTC)


def events(*pairs: tuple[str, str]) -> tuple[Event, ...]:
    return tuple(Event(kind=EventKind(kind), version=version) for kind, version in pairs)


def entry(
    *ranges: tuple[Event, ...],
    versions: Sequence[str] = (),
    ecosystem: str = "PyPI",
    name: str = "demo",
    kind: RangeType = RangeType.ECOSYSTEM,
) -> Affected:
    return Affected(
        package=Package(ecosystem=EcosystemName(ecosystem), name=name),
        ranges=tuple(AffectedRange(type=kind, events=found) for found in ranges),
        versions=tuple(versions),
    )


def advisory(advisory_id: str, *affected: Affected, aliases: Sequence[str] = (), **extra: object) -> Advisory:
    return Advisory(
        id=AdvisoryId(advisory_id),
        modified=WHEN,
        aliases=tuple(AdvisoryId(a) for a in aliases),
        affected=affected,
        **extra,  # type: ignore[arg-type]
    )


def component(version: str | None, name: str = "demo", ecosystem: str | None = "PyPI") -> Component:
    return Component(
        name=name,
        version=version,
        ecosystem=None if ecosystem is None else EcosystemName(ecosystem),
        purl=None,
        location=Location(path="requirements.txt"),
    )


FIXED_102 = events(("introduced", "0"), ("fixed", "1.0.2"))
TWO_WINDOWS = events(("introduced", "1.0.0"), ("fixed", "1.0.2"), ("introduced", "3.0"), ("fixed", "3.2.5"))
LAST_214 = events(("introduced", "0"), ("last_affected", "2.1.214"))
SEMVER_FIX = events(("introduced", "0"), ("fixed", "1.2.3"))

CASES = [
    ("fixed: below", entry(FIXED_102), "1.0.1", True),
    ("fixed: the fix itself", entry(FIXED_102), "1.0.2", False),
    ("fixed: above", entry(FIXED_102), "1.1", False),
    ("introduced 0 is before 0.dev0", entry(FIXED_102), "0.dev0", True),
    ("two windows: first", entry(TWO_WINDOWS), "1.0.0", True),
    ("two windows: gap", entry(TWO_WINDOWS), "2.0", False),
    ("two windows: second", entry(TWO_WINDOWS), "3.2.4", True),
    ("two windows: after", entry(TWO_WINDOWS), "3.2.5", False),
    ("two windows: before", entry(TWO_WINDOWS), "0.9", False),
    ("last_affected: itself", entry(LAST_214), "2.1.214", True),
    ("last_affected: above", entry(LAST_214), "2.1.215", False),
    ("events out of order", entry(events(("fixed", "2.0"), ("introduced", "1.0"))), "1.5", True),
    ("events out of order: fix", entry(events(("fixed", "2.0"), ("introduced", "1.0"))), "2.0", False),
    ("unfixed", entry(events(("introduced", "1.0"))), "99", True),
    ("unfixed: before", entry(events(("introduced", "1.0"))), "0.9", False),
    ("PEP 440 equality in range", entry(events(("introduced", "1.0"), ("fixed", "2"))), "2.0.0", False),
    ("limit: below", entry(events(("introduced", "0"), ("limit", "2.0"))), "1.9", True),
    ("limit: at", entry(events(("introduced", "0"), ("limit", "2.0"))), "2.0", False),
    ("limit: star", entry(events(("introduced", "0"), ("limit", "*"))), "9.9", True),
    (
        "limit: any of several",
        entry(events(("introduced", "0"), ("limit", "1.0"), ("limit", "3.0"))),
        "2.0",
        True,
    ),
    (
        "limit with fixed",
        entry(events(("introduced", "0"), ("fixed", "1.0"), ("limit", "3.0"))),
        "2.0",
        False,
    ),
    ("second range matches", entry(events(("introduced", "5")), FIXED_102), "1.0", True),
    ("versions: exact", entry(versions=["1.4"]), "1.4", True),
    ("versions: PEP 440 equal", entry(versions=["1.4"]), "1.4.0", True),
    ("versions: other", entry(versions=["1.4"]), "1.5", False),
    ("versions or range", entry(FIXED_102, versions=["7.0"]), "7.0", True),
    ("GIT never matches", entry(events(("introduced", "0")), kind=RangeType.GIT), "1.0", False),
    ("invalid fixed is ignored", entry(events(("introduced", "1.0"), ("fixed", "2019-09-12"))), "3.0", True),
    (
        "invalid limit is ignored",
        entry(events(("introduced", "1.0"), ("limit", "not a version"))),
        "3.0",
        True,
    ),
    ("invalid introduced opens", entry(events(("introduced", "junk"), ("fixed", "2.0"))), "1.0", True),
    ("invalid installed, from 0", entry(FIXED_102), "not-a-version", True),
    ("invalid installed, later range", entry(TWO_WINDOWS), "not-a-version", False),
    ("empty events", entry(()), "1.0", False),
    ("semver: below fix", entry(SEMVER_FIX, kind=RangeType.SEMVER, ecosystem="Go"), "v1.2.2", True),
    ("semver: the fix", entry(SEMVER_FIX, kind=RangeType.SEMVER, ecosystem="Go"), "v1.2.3", False),
    (
        "semver: pre-release first",
        entry(SEMVER_FIX, kind=RangeType.SEMVER, ecosystem="Go"),
        "1.2.3-rc.1",
        True,
    ),
    ("semver: numeric order", entry(SEMVER_FIX, kind=RangeType.SEMVER, ecosystem="Go"), "1.10.0", False),
    (
        "semver: pseudo-version",
        entry(SEMVER_FIX, kind=RangeType.SEMVER, ecosystem="Go"),
        "v0.0.0-20200101000000-abcdef123456",
        True,
    ),
    (
        "semver: unknown ecosystem",
        entry(SEMVER_FIX, kind=RangeType.SEMVER, ecosystem="Nowhere"),
        "1.0.0",
        True,
    ),
    (
        "semver: npm",
        entry(
            events(("introduced", "2.0.0"), ("last_affected", "2.1.0")),
            kind=RangeType.SEMVER,
            ecosystem="npm",
        ),
        "2.1.0",
        True,
    ),
    ("unknown ecosystem: range", entry(FIXED_102, ecosystem="Nowhere"), "1.0", False),
    ("unknown ecosystem: exact text", entry(versions=["1.0"], ecosystem="Nowhere"), "1.0", True),
    ("unknown ecosystem: text only", entry(versions=["1.0"], ecosystem="Nowhere"), "1.0.0", False),
]


@pytest.mark.parametrize(
    ("affected", "version", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_is_affected(affected: Affected, version: str, expected: bool) -> None:
    assert is_affected(affected, version) is expected


def test_unknown_ecosystem_logs_instead_of_failing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="osswatch.advisories.match"):
        assert not is_affected(entry(FIXED_102, ecosystem="Elsewhere"), "1.0")
    assert "Elsewhere" in caplog.text


def test_every_affected_entry_counts_not_only_the_last() -> None:
    # pip-audit kept only the last `affected[]` entry's fixes; both entries must count here.
    record = advisory(
        "PYSEC-1",
        entry(events(("introduced", "0"), ("fixed", "1.0"))),
        entry(events(("introduced", "2.0"), ("fixed", "2.5"))),
    )
    (early,) = match_component(component("0.5"), [record])
    (late,) = match_component(component("2.1"), [record])
    assert early.fixed_in == ("1.0", "2.5")
    assert late.fixed_in == ("2.5",)
    assert match_component(component("1.5"), [record]) == []


FIXED_IN_CASES = [
    (
        "smallest first",
        [entry(events(("introduced", "0"), ("fixed", "3.0"), ("introduced", "0"), ("fixed", "2.0")))],
        "1.0",
        ("2.0", "3.0"),
    ),
    ("only above installed", [entry(TWO_WINDOWS)], "3.1", ("3.2.5",)),
    (
        "equal versions once",
        [
            entry(events(("introduced", "0"), ("fixed", "2.0"))),
            entry(events(("introduced", "0"), ("fixed", "2"))),
        ],
        "1",
        ("2",),
    ),
    ("none for last_affected", [entry(LAST_214)], "1.0", ()),
    (
        "no GIT commits",
        [entry(FIXED_102), entry(events(("introduced", "0"), ("fixed", "abc123")), kind=RangeType.GIT)],
        "1.0",
        ("1.0.2",),
    ),
]


@pytest.mark.parametrize(
    ("entries", "version", "expected"), [c[1:] for c in FIXED_IN_CASES], ids=[c[0] for c in FIXED_IN_CASES]
)
def test_fixed_in(entries: list[Affected], version: str, expected: tuple[str, ...]) -> None:
    (finding,) = match_component(component(version), [advisory("PYSEC-9", *entries)])
    assert finding.fixed_in == expected


def test_withdrawn_advisory_never_matches() -> None:
    record = advisory("PYSEC-2", entry(FIXED_102), withdrawn=WHEN)
    assert match_component(component("1.0"), [record]) == []


def test_entries_for_other_packages_are_ignored() -> None:
    record = advisory("PYSEC-3", entry(FIXED_102, name="other"), entry(events(("introduced", "9"))))
    assert match_component(component("1.0"), [record]) == []


def test_names_compare_normalized() -> None:
    record = advisory("PYSEC-4", entry(FIXED_102, name="Zope_Interface"))
    (finding,) = match_component(component("1.0", name="zope.interface"), [record])
    assert finding.sources == ("PYSEC-4",)


@pytest.mark.parametrize(
    ("installed", "advised", "expected"),
    [
        ("Debian:12", "Debian:12", True),
        ("Debian:12", "Debian:11", False),
        ("Debian", "Debian:11", True),
        ("Debian:12", "Debian", True),
    ],
    ids=["same release", "other release", "no suffix installed", "no suffix advised"],
)
def test_ecosystem_release_suffix(installed: str, advised: str, expected: bool) -> None:
    record = advisory("DSA-1", entry(versions=["1.0-1"], ecosystem=advised))
    assert bool(match_component(component("1.0-1", ecosystem=installed), [record])) is expected


def test_one_inventory_with_two_releases_of_a_distro_matches_each_by_its_own_release() -> None:
    record = advisory("DSA-2", entry(versions=["1.0-1"], ecosystem="Debian:12"))
    bookworm = component("1.0-1", ecosystem="Debian:12")
    bullseye = component("1.0-1", ecosystem="Debian:11")
    for ordered in ([bullseye, bookworm], [bookworm, bullseye]):
        findings = match_inventory(ordered, InMemoryAdvisories([record]))
        assert [f.component.ecosystem for f in findings] == ["Debian:12"]


@pytest.mark.parametrize("version", [None], ids=["unpinned"])
def test_unpinned_or_unidentified_components_have_no_findings(version: str | None) -> None:
    record = advisory("PYSEC-5", entry(events(("introduced", "0"))))
    assert match_component(component(version), [record]) == []
    assert match_component(component("1.0", ecosystem=None), [record]) == []


def test_aliases_merge_into_one_finding_with_every_source() -> None:
    records = [
        advisory(
            "PYSEC-7",
            entry(FIXED_102),
            aliases=["CVE-2020-1"],
            summary="py",
            severity=(Severity(type="CVSS_V3", score="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),),
        ),
        advisory(
            "GHSA-aaaa-bbbb-cccc",
            entry(events(("introduced", "0"), ("fixed", "1.0.1"))),
            aliases=["CVE-2020-1"],
            summary="gh",
            references=(Reference(type="WEB", url="https://example.org/x"),),
        ),
        advisory("PYSEC-8", entry(FIXED_102), summary="unrelated"),
    ]
    first, second = match_component(component("1.0"), records)
    assert first.id == "PYSEC-7"
    assert first.sources == ("PYSEC-7", "GHSA-aaaa-bbbb-cccc")
    assert first.advisory_ids == ("PYSEC-7", "GHSA-aaaa-bbbb-cccc", "CVE-2020-1")
    assert first.aliases == ("GHSA-aaaa-bbbb-cccc", "CVE-2020-1")
    assert first.fixed_in == ("1.0.1", "1.0.2")
    assert first.rating.level == "critical"
    assert first.summary == "py"
    assert first.references == ("https://example.org/x",)
    assert second.id == "PYSEC-8"


class CountingSource:
    """A real AdvisorySource over memory that also records what it was asked and what was read."""

    def __init__(self, advisories: Iterable[Advisory]) -> None:
        self.inner = InMemoryAdvisories(advisories)
        self.calls: list[set[Package]] = []
        self.records_asked: list[list[AdvisoryId]] = []
        self.details_read: list[AdvisoryId] = []

    def candidates_for(self, packages: Iterable[Package]) -> Mapping[Package, Sequence[Candidate]]:
        asked = set(packages)
        self.calls.append(asked)
        return {
            package: [replace(c, details=partial(self._read, c)) for c in found]
            for package, found in self.inner.candidates_for(asked).items()
        }

    def _read(self, candidate: Candidate) -> FindingDetails:
        self.details_read.append(candidate.id)
        return candidate.details()

    def advisories(self, ids: Iterable[AdvisoryId]) -> Mapping[AdvisoryId, Advisory]:
        asked = list(ids)
        self.records_asked.append(asked)
        return self.inner.advisories(asked)


def test_match_inventory_looks_up_once_and_reuses_results() -> None:
    source = CountingSource(
        [
            advisory("PYSEC-10", entry(FIXED_102, name="Demo")),
            advisory("PYSEC-11", entry(FIXED_102, name="other")),
            advisory("PYSEC-12", entry(events(("introduced", "3.0")), name="demo")),
        ]
    )
    here, there = component("1.0", name="demo"), component("1.0", name="DEMO")
    elsewhere = Component(
        name="demo",
        version="1.0",
        ecosystem=EcosystemName("PyPI"),
        purl=None,
        location=Location(path="b/requirements.txt"),
    )
    components = [
        here,
        there,
        elsewhere,
        component("2.0"),
        component(None),
        component("1.0", ecosystem=None),
        component("1.0", name="other"),
    ]
    findings = match_inventory(components, source)
    assert len(source.calls) == 1
    assert source.calls[0] == {
        Package(ecosystem=EcosystemName("PyPI"), name="demo"),
        Package(ecosystem=EcosystemName("PyPI"), name="other"),
    }
    # No whole record is read: the details of the advisories that match, once per package version.
    assert source.records_asked == []
    assert sorted(source.details_read) == ["PYSEC-10", "PYSEC-11"]
    assert [(f.component.name, f.component.location.path, f.id) for f in findings] == [
        ("demo", "requirements.txt", "PYSEC-10"),
        ("DEMO", "requirements.txt", "PYSEC-10"),
        ("demo", "b/requirements.txt", "PYSEC-10"),
        ("other", "requirements.txt", "PYSEC-11"),
    ]


def test_package_key_is_what_sources_index_by() -> None:
    assert package_key(component("1", name="Foo_Bar", ecosystem="pypi")) == Package(
        ecosystem=EcosystemName("PyPI"), name="foo-bar"
    )
    assert package_key(component("1", ecosystem=None)) is None


# --- the algorithm against a brute-force walk -------------------------------------------------

KINDS = ["introduced", "fixed", "last_affected", "limit"]


def reference_walk(found: Sequence[tuple[str, int]], version: int) -> bool:
    """The spec's pseudocode, over integer versions, written as plainly as possible."""
    limits = [v for kind, v in found if kind == "limit"]
    if limits and not any(version < v for v in limits):
        return False
    vulnerable = False
    for kind, v in sorted(found, key=lambda pair: pair[1]):
        if kind == "introduced" and version >= v:
            vulnerable = True
        elif kind == "fixed" and version >= v:  # noqa: SIM114 - one line per spec branch
            vulnerable = False
        elif kind == "last_affected" and version > v:
            vulnerable = False
    return vulnerable


# How an integer version is spelled per range type: PyPI `3.0` vs installed `3`; Go `3.0.0` vs `v3.0.0`.
SPELLINGS = {
    RangeType.ECOSYSTEM: ("PyPI", "{}.0", "{}"),
    RangeType.SEMVER: ("Go", "{}.0.0", "v{}.0.0"),
}


@given(
    found=st.lists(st.tuples(st.sampled_from(KINDS), st.integers(min_value=1, max_value=12)), max_size=8),
    from_zero=st.booleans(),
    version=st.integers(min_value=1, max_value=13),
    kind=st.sampled_from(list(SPELLINGS)),
)
def test_range_walk_agrees_with_brute_force(
    found: list[tuple[str, int]], from_zero: bool, version: int, kind: RangeType
) -> None:
    # Stable sort on both sides: `introduced: "0"` first (as -1 in the reference), ties in record order.
    ecosystem, bound, installed = SPELLINGS[kind]
    pairs = [("introduced", 0)] if from_zero else []
    pairs += found
    spelled = [(k, "0" if v == 0 else bound.format(v)) for k, v in pairs]
    record = entry(events(*spelled), kind=kind, ecosystem=ecosystem)
    expected = reference_walk([(k, -1 if v == 0 else v) for k, v in pairs], version)
    assert is_affected(record, installed.format(version)) is expected


@given(
    found=st.lists(st.tuples(st.sampled_from(KINDS), st.text(max_size=12)), max_size=6),
    version=st.text(max_size=12),
    kind=st.sampled_from([RangeType.ECOSYSTEM, RangeType.SEMVER]),
    ecosystem=st.sampled_from(["PyPI", "npm", "Go", "Maven", "Debian", "Nowhere"]),
)
def test_hostile_versions_never_crash(
    found: list[tuple[str, str]], version: str, kind: RangeType, ecosystem: str
) -> None:
    record = entry(events(*found), versions=[version[::-1]], kind=kind, ecosystem=ecosystem)
    assert isinstance(is_affected(record, version), bool)
    findings = match_component(component(version, ecosystem=ecosystem), [advisory("X-1", record)])
    fixes = {text for kind_of, text in found if kind_of == "fixed"}
    assert all(set(f.fixed_in) <= fixes for f in findings)


@pytest.mark.parametrize("enabled", [True, False], ids=["gc-on", "gc-off"])
def test_match_inventory_leaves_the_collector_as_it_found_it(enabled: bool) -> None:
    import gc

    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        match_inventory([], InMemoryAdvisories([]))
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()
