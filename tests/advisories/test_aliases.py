"""Grouping matched advisories into vulnerabilities by alias, transitively, with a stable primary id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osswatch.advisories.aliases import group_by_alias, id_order
from osswatch.model import Advisory, AdvisoryId


def record(advisory_id: str, *aliases: str, related: Sequence[str] = ()) -> Advisory:
    return Advisory(
        id=AdvisoryId(advisory_id),
        modified=datetime(2024, 1, 1, tzinfo=UTC),
        aliases=tuple(AdvisoryId(a) for a in aliases),
        related=tuple(AdvisoryId(r) for r in related),
    )


def test_shared_alias_groups_two_records() -> None:
    (group,) = group_by_alias([record("GHSA-1", "CVE-1"), record("PYSEC-1", "CVE-1")])
    assert group.primary.id == "PYSEC-1"
    assert group.sources == ("PYSEC-1", "GHSA-1")
    assert group.ids == ("PYSEC-1", "GHSA-1", "CVE-1")
    assert group.aliases == ("GHSA-1", "CVE-1")


def test_grouping_is_transitive() -> None:
    # A~B through CVE-1, B~C through CVE-2: one group, though A and C share nothing.
    records = [record("PYSEC-A", "CVE-1"), record("GHSA-B", "CVE-1", "CVE-2"), record("OSV-C", "CVE-2")]
    (group,) = group_by_alias(records)
    assert set(group.sources) == {"PYSEC-A", "GHSA-B", "OSV-C"}
    assert set(group.ids) == {"PYSEC-A", "GHSA-B", "OSV-C", "CVE-1", "CVE-2"}


def test_direct_alias_of_a_record_id() -> None:
    (group,) = group_by_alias([record("CVE-9"), record("GO-2022-1", "CVE-9")])
    assert group.sources == ("GO-2022-1", "CVE-9")
    assert group.ids == ("GO-2022-1", "CVE-9")


def test_related_does_not_merge() -> None:
    groups = group_by_alias([record("PYSEC-1", related=["PYSEC-2"]), record("PYSEC-2")])
    assert [g.primary.id for g in groups] == ["PYSEC-1", "PYSEC-2"]


def test_duplicate_records_count_once() -> None:
    (group,) = group_by_alias([record("PYSEC-1", "CVE-1"), record("PYSEC-1", "CVE-1")])
    assert group.sources == ("PYSEC-1",)


def test_no_records_no_groups() -> None:
    assert group_by_alias([]) == []


@pytest.mark.parametrize(
    ("ids", "primary"),
    [
        (["CVE-2020-1", "GHSA-x", "PYSEC-2020-1"], "PYSEC-2020-1"),
        (["CVE-2020-1", "GHSA-x"], "GHSA-x"),
        (["CVE-2020-1", "weird"], "CVE-2020-1"),
        (["RUSTSEC-2020-1", "GO-2020-1"], "GO-2020-1"),
    ],
    ids=["ecosystem db first", "ghsa before cve", "cve before unprefixed", "by id within a kind"],
)
def test_primary_id_order(ids: list[str], primary: str) -> None:
    assert min(ids, key=id_order) == primary


ids = st.sampled_from(["PYSEC-1", "PYSEC-2", "GHSA-1", "GHSA-2", "CVE-1", "CVE-2", "GO-1"])


@given(st.dictionaries(ids, st.lists(ids, max_size=3), max_size=6), st.randoms())
def test_groups_do_not_depend_on_input_order(spec: dict[str, list[str]], rng: Random) -> None:
    records = [record(i, *aliases) for i, aliases in spec.items()]
    shuffled = list(records)
    rng.shuffle(shuffled)
    assert [g.ids for g in group_by_alias(records)] == [g.ids for g in group_by_alias(shuffled)]


@given(st.lists(st.tuples(ids, st.lists(ids, max_size=3)), max_size=6))
def test_groups_partition_and_are_closed(spec: list[tuple[str, list[str]]]) -> None:
    records = [record(i, *aliases) for i, aliases in spec]
    groups = group_by_alias(records)
    sources = [s for g in groups for s in g.sources]
    assert sorted(sources) == sorted({r.id for r in records})
    # No id appears in two groups: otherwise the two would be one vulnerability.
    every = [i for g in groups for i in g.ids]
    assert len(every) == len(set(every))
