"""Components that probe a set of records: each package at the versions its records name."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from osswatch.model import Advisory, Component, EcosystemName, Location


def probe_components(
    records: Sequence[Advisory], *, listed: int, others: Collection[str] = ()
) -> list[Component]:
    """Each package of the records at every event version, its first `listed` listed versions and `others`."""
    wanted: dict[tuple[str, str, str], None] = {}
    for record in records:
        for entry in record.affected:
            versions = {e.version for r in entry.ranges for e in r.events} | set(entry.versions[:listed])
            for version in sorted(versions | set(others)):
                wanted[entry.package.ecosystem, entry.package.name, version] = None
    return [
        Component(
            name=name, version=version, ecosystem=EcosystemName(eco), purl=None, location=Location(path="x")
        )
        for eco, name, version in wanted
    ]
