"""One vulnerability per alias group: advisories that name each other, transitively, are merged.

Two advisory records describe the same vulnerability when one's id or `aliases` share an id with the
other's (https://ossf.github.io/osv-schema/#aliases-field); the relation is closed transitively with a
union-find, so `A ~ CVE-1` and `B ~ CVE-1` put A and B together even when neither names the other.
`related` ids are *not* aliases and never merge groups.

The primary id of a group is always the id of a record that was matched (so it can be looked up in
the store and carries ranges), chosen by a fixed order that does not depend on input order:
ecosystem databases' own ids (`PYSEC-`, `GO-`, `RUSTSEC-`, …) first, then `GHSA-`, then `CVE-`, then
anything else, and by id within a kind. The ecosystem's own database is preferred because it is
the record that was written for this package (with its fix versions), whereas GHSA and CVE records
are often broader or later copies; listing every id keeps CVE and GHSA searchable all the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, Protocol, TypeVar

from osswatch.model import AdvisoryId

# Prefixes of general-purpose databases, ranked after ecosystem databases (rank 0).
_GENERAL_PREFIXES = ("GHSA-", "CVE-")


class Aliased(Protocol):
    """A record with an id and aliases: a parsed `Advisory`, or what a finding shows of one."""

    @property
    def id(self) -> AdvisoryId:
        """The record's own id."""
        ...

    @property
    def aliases(self) -> tuple[AdvisoryId, ...]:
        """The other ids it says it is known by."""
        ...


_R = TypeVar("_R", bound=Aliased)


@dataclass(frozen=True, kw_only=True, slots=True)
class AliasGroup(Generic[_R]):
    """The matched records of one vulnerability and every id it is known by, primary first."""

    records: tuple[_R, ...]
    """The records that matched, primary record first."""
    ids: tuple[AdvisoryId, ...]
    """The records' ids (primary first) followed by alias-only ids, each part in `id_order`."""

    @property
    def primary(self) -> _R:
        """The record whose id names the vulnerability."""
        return self.records[0]

    @property
    def aliases(self) -> tuple[AdvisoryId, ...]:
        """Every id but the primary one."""
        return self.ids[1:]

    @property
    def sources(self) -> tuple[AdvisoryId, ...]:
        """The ids of the matched records, for attribution."""
        return tuple(record.id for record in self.records)


@lru_cache(maxsize=65536)  # a scan orders the same ids for every component they affect
def id_order(advisory_id: str) -> tuple[int, str]:
    """The sort key that picks primary ids: ecosystem database ids, then GHSA, CVE, then others."""
    upper = advisory_id.upper()
    for rank, prefix in enumerate(_GENERAL_PREFIXES, start=1):
        if upper.startswith(prefix):
            return (rank, advisory_id)
    has_database_prefix = "-" in advisory_id
    return (0 if has_database_prefix else len(_GENERAL_PREFIXES) + 1, advisory_id)


def group_by_alias(advisories: Iterable[_R]) -> list[AliasGroup[_R]]:
    """The records grouped transitively by shared ids, groups ordered by primary id."""
    records = _unique(advisories)
    if _share_no_id(records):  # the common case: each record is a group of its own
        groups = [_alone(record) for record in records]
    else:
        groups = [_group_of(found) for found in _merged(records)]
    return sorted(groups, key=lambda group: id_order(group.primary.id))


def _unique(advisories: Iterable[_R]) -> list[_R]:
    """One record per id (the first seen), so a record offered twice is not counted twice."""
    by_id: dict[str, _R] = {}
    for advisory in advisories:
        by_id.setdefault(advisory.id, advisory)
    return list(by_id.values())


def _share_no_id(records: Sequence[_R]) -> bool:
    """True when no id or alias of a record is also an id or alias of another."""
    owners: dict[str, int] = {}
    for index, record in enumerate(records):
        if owners.setdefault(record.id, index) != index:
            return False
        for alias in record.aliases:
            if owners.setdefault(alias, index) != index:
                return False
    return True


def _merged(records: Sequence[_R]) -> list[list[_R]]:
    """The records in transitive groups of shared ids (union-find)."""
    parents = _UnionFind()
    for record in records:
        for alias in record.aliases:
            parents.union(record.id, alias)
    members: dict[str, list[_R]] = {}
    for record in records:
        members.setdefault(parents.find(record.id), []).append(record)
    return list(members.values())


def _alone(record: _R) -> AliasGroup[_R]:
    """The group of a record that shares no id with another (what `_group_of` makes of it)."""
    others = set(record.aliases)
    others.discard(record.id)
    ordered = sorted(others, key=id_order) if len(others) > 1 else others  # most have one alias
    return AliasGroup(records=(record,), ids=(record.id, *ordered))


def _group_of(records: Sequence[_R]) -> AliasGroup[_R]:
    ordered = tuple(sorted(records, key=lambda record: id_order(record.id)))
    own = [record.id for record in ordered]
    others = {alias for record in ordered for alias in record.aliases} - set(own)
    return AliasGroup(records=ordered, ids=(*own, *sorted(others, key=id_order)))


class _UnionFind:
    """Disjoint sets of ids with path halving (https://en.wikipedia.org/wiki/Disjoint-set_data_structure)."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        parent = self._parent.setdefault(item, item)
        while parent != item:
            grandparent = self._parent[parent]
            self._parent[item] = grandparent
            item, parent = grandparent, self._parent[grandparent]
        return item

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            # The smaller id becomes the root, so the result does not depend on input order.
            low, high = sorted((root_a, root_b))
            self._parent[high] = low
