"""The server's pipeline for one project: match, health, policy, record — and re-evaluation later.

Uploads (the API, `osswatch project upload`, `osswatch demo`) and the background jobs all come here, so a
snapshot is judged the same way whoever triggers it:

- `record_inventory`: a new inventory → scan against the advisory store → health (when an assessor is
  configured) → the policy's verdict → `ingest` as the project's newest snapshot.
- `reevaluate_all` (`reevaluate` for one): projects' latest snapshots, rebuilt from their stored components,
  judged again — after an advisory sync (new matches, no network) or a health refresh (`refresh_health`:
  fresh registry data). It updates each snapshot's findings and verdict; it never adds a snapshot. A batch
  is analysed at once (`Analyser.analyse_all`): one read of all the snapshots, one match of all their
  components (each distinct package version once), one health call; then one transaction per project.

Health is pluggable (`HealthAssessor`): the request path uses the registry cache only (`cached_health`,
offline: an upload never waits on a registry), the daily refresh job fetches (`online`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Text, cast, func, select

from osswatch.advisories.freshness import DEFAULT_MAX_AGE, plan_refresh
from osswatch.advisories.match import match_inventory
from osswatch.advisories.store import AdvisoryStore, EcosystemStatus
from osswatch.health.base import Health, health_from_json
from osswatch.model import Component, Finding, Inventory
from osswatch.monitor.ingest import IngestOutcome, OutcomeHook, ingest
from osswatch.monitor.portfolio import Portfolio, UnknownRecord
from osswatch.monitor.stored_inventory import component_of_columns, stored_columns, stored_sources
from osswatch.scan import PolicySetup, ScanResult, ecosystems_needed, judge, matchable
from osswatch.store.json_text import decoded
from osswatch.store.portfolio_tables import projects, snapshot_components, snapshots

_CHUNK = 500  # ids per IN list

NO_DATA_AGE = timedelta(days=36_500)
"""The age given to advisory data that is missing altogether (as the CLI does): no data is the stalest."""


class HealthAssessor(Protocol):
    """Tells the health of components (from a cache, registries, or anything else)."""

    def __call__(self, components: Sequence[Component], now: datetime) -> Mapping[Component, Health]:
        """The health of each component it could assess."""
        ...


@dataclass(frozen=True, kw_only=True, slots=True)
class RegistryHealth:
    """Health through the registry response cache in the database; online fetches unless `offline`."""

    engine: Engine
    offline: bool

    def __call__(self, components: Sequence[Component], now: datetime) -> Mapping[Component, Health]:
        """The health of the identified, pinned components (the others are left out)."""
        from osswatch.health.scan import ScanSettings, scan_health

        wanted = [c for c in components if c.is_identified and c.is_pinned]
        if not wanted:
            return {}
        settings = ScanSettings(offline=self.offline)
        assessed = asyncio.run(scan_health(wanted, self.engine, settings, None, now))
        return {r.component: r.health for r in assessed.report.components}


@dataclass(frozen=True, kw_only=True, slots=True)
class Subject:
    """One inventory to judge: the project it belongs to, and its health when already known."""

    project: str
    inventory: Inventory
    known_health: Mapping[Component, Health] | None = None
    """Health to judge with as it is (stored health on re-evaluation); None: ask the assessor."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Analyser:
    """Everything a snapshot is judged with: the advisory store, the policy, and how health is told."""

    advisories: AdvisoryStore
    policy: PolicySetup
    health: HealthAssessor | None = None

    def analyse(
        self,
        inventory: Inventory,
        *,
        project: str,
        now: datetime,
        known_health: Mapping[Component, Health] | None = None,
    ) -> ScanResult:
        """Match, assess health (or take `known_health`) and judge one inventory."""
        subject = Subject(project=project, inventory=inventory, known_health=known_health)
        return self.analyse_all([subject], now)[0]

    def analyse_all(self, subjects: Sequence[Subject], now: datetime) -> list[ScanResult]:
        """Judge several inventories, each as `analyse` would, with one match and one health call for all.

        A batch shares its work: each distinct package version is matched once whichever inventories hold
        it, the health of every component still to assess is asked in one call, and the advisory data's
        age is read once.
        """
        matched = _matched_per_inventory([s.inventory for s in subjects], self.advisories)
        unknown = [c for s in subjects if s.known_health is None for c in s.inventory.components]
        assessed = self.health(unknown, now) if self.health is not None and unknown else {}
        status = self.advisories.status()
        results: list[ScanResult] = []
        for subject, found in zip(subjects, matched, strict=True):
            health = subject.known_health
            if health is None:
                health = {c: assessed[c] for c in subject.inventory.components if c in assessed}
            scanned = ScanResult(inventory=subject.inventory, findings=found, health=health)
            results.append(self._judged(scanned, subject.project, status, now))
        return results

    def _judged(
        self, result: ScanResult, project: str, status: Sequence[EcosystemStatus], now: datetime
    ) -> ScanResult:
        plan = plan_refresh(ecosystems_needed(result.inventory), status, now=now, max_age=DEFAULT_MAX_AGE)
        age = NO_DATA_AGE if plan.missing else (None if plan.oldest_sync is None else now - plan.oldest_sync)
        setup = replace(self.policy, project=project, advisory_data_age=age)
        return replace(judge(result, setup, now=now), missing_advisories=plan.missing)


def _matched_per_inventory(
    inventories: Sequence[Inventory], advisories: AdvisoryStore
) -> list[tuple[Finding, ...]]:
    """The findings of each inventory, from one `match_inventory` call over all of them."""
    owner: dict[int, int] = {}
    wanted: list[Component] = []
    for index, inventory in enumerate(inventories):
        for component in matchable(inventory.components):
            owner[id(component)] = index
            wanted.append(component)
    found: list[list[Finding]] = [[] for _ in inventories]
    for finding in match_inventory(wanted, advisories):  # findings carry the very component objects
        found[owner[id(finding.component)]].append(finding)
    return [tuple(f) for f in found]


def server_analyser(
    engine: Engine, *, policy_path: Path | None = None, online_health: bool = False
) -> Analyser:
    """The analyser a server or worker uses: its database's advisories and registry cache, and a policy.

    `policy_path` is a policy file (as `osswatch scan --policy`); the built-in baseline without one.
    """
    from osswatch.inventory.reading import ReadLimits, read_document
    from osswatch.policy.rules import baseline, load_policy

    rules = load_policy(read_document(policy_path, ReadLimits())) if policy_path else baseline()
    return Analyser(
        advisories=AdvisoryStore(engine),
        policy=PolicySetup(policy=rules),
        health=RegistryHealth(engine=engine, offline=not online_health),
    )


def record_inventory(
    portfolio: Portfolio,
    analyser: Analyser,
    *,
    project_id: int,
    inventory: Inventory,
    now: datetime,
    then: OutcomeHook | None = None,
) -> tuple[ScanResult, IngestOutcome]:
    """Judge an inventory and record it as the project's newest snapshot (system-wide: no team check).

    `then` runs in the recording transaction with its outcome (notifications are planned so).
    """
    name = _project_name(portfolio, project_id)
    result = analyser.analyse(inventory, project=name, now=now)
    return result, ingest(portfolio, project_id, result, now, then=then)


def reevaluate(
    portfolio: Portfolio,
    analyser: Analyser,
    project_id: int,
    now: datetime,
    *,
    refresh_health: bool = False,
    then: OutcomeHook | None = None,
) -> IngestOutcome | None:
    """Judge the project's latest snapshot again; None when it has no snapshot yet (or no longer exists)."""
    again = reevaluate_all(portfolio, analyser, [project_id], now, refresh_health=refresh_health, then=then)
    return dict(again)[project_id]


def reevaluate_all(
    portfolio: Portfolio,
    analyser: Analyser,
    project_ids: Sequence[int],
    now: datetime,
    *,
    refresh_health: bool = False,
    then: OutcomeHook | None = None,
) -> Iterator[tuple[int, IngestOutcome | None]]:
    """Judge each project's latest snapshot again, all in one analysis; None for a project with none.

    The stored health is reused unless `refresh_health` (then the analyser's assessor tells it anew, and
    the new health is stored). Each project's outcome is recorded in its own transaction as it is yielded
    (`then` runs in it), so a failure part-way keeps the projects done before it. A project deleted
    meanwhile yields None.
    """
    stored = stored_snapshots(portfolio, project_ids)
    fresh = refresh_health and analyser.health is not None
    subjects = [
        Subject(project=s.project, inventory=s.inventory, known_health=None if fresh else s.health)
        for s in stored.values()
    ]
    results = dict(zip(stored, analyser.analyse_all(subjects, now), strict=True))
    for project_id in project_ids:
        snapshot = stored.get(project_id)
        if snapshot is None:
            yield project_id, None
            continue
        try:
            outcome = ingest(
                portfolio,
                project_id,
                results[project_id],
                now,
                snapshot_id=snapshot.snapshot_id,
                store_health=fresh,
                then=then,
            )
        except UnknownRecord:
            yield project_id, None  # deleted since it was read
            continue
        yield project_id, outcome


@dataclass(frozen=True, kw_only=True, slots=True)
class StoredSnapshot:
    """A project's latest snapshot as stored: its inventory again, with the health stored for it."""

    project: str
    snapshot_id: int
    inventory: Inventory
    health: dict[Component, Health]


def latest_snapshot_id(portfolio: Portfolio, project_id: int) -> int | None:
    """The id of the project's newest snapshot (system-wide: no team check)."""
    with portfolio.reading() as connection:
        found: int | None = connection.scalar(
            select(func.max(snapshots.c.id)).where(snapshots.c.project_id == project_id)
        )
    return found


def stored_snapshots(portfolio: Portfolio, project_ids: Sequence[int]) -> dict[int, StoredSnapshot]:
    """The latest snapshot of each of the projects that has one, by project id (a few queries for all)."""
    latest = (
        select(snapshots.c.project_id, func.max(snapshots.c.id).label("snapshot_id"))
        .group_by(snapshots.c.project_id)
        .subquery()
    )
    heads: dict[int, Any] = {}  # rows of (project_id, name, id, sources)
    with portfolio.reading() as connection:
        for chunk in _chunks(sorted(set(project_ids))):
            query = (
                select(
                    projects.c.id.label("project_id"), projects.c.name, snapshots.c.id, snapshots.c.sources
                )
                .join(latest, latest.c.project_id == projects.c.id)
                .join(snapshots, snapshots.c.id == latest.c.snapshot_id)
                .where(projects.c.id.in_(chunk))
            )
            heads.update((row.project_id, row) for row in connection.execute(query))
        rows = _component_rows(connection, [head.id for head in heads.values()])
    return {
        project_id: _stored_snapshot(head.name, head.id, head.sources, rows.get(head.id, []))
        for project_id, head in heads.items()
    }


def _component_rows(connection: Connection, snapshot_ids: Sequence[int]) -> dict[int, list[Any]]:
    """The component rows of each snapshot, in stored order: `stored_columns()`, the health's JSON text."""
    health_text = cast(snapshot_components.c.health, Text).label("health_text")
    found: dict[int, list[Any]] = {}
    for chunk in _chunks(sorted(snapshot_ids)):
        query = (
            select(*stored_columns(), health_text, snapshot_components.c.snapshot_id)
            .where(snapshot_components.c.snapshot_id.in_(chunk))
            .order_by(snapshot_components.c.snapshot_id, snapshot_components.c.id)
        )
        for row in connection.execute(query):
            found.setdefault(row.snapshot_id, []).append(row)
    return found


def _stored_snapshot(
    project: str, snapshot_id: int, sources: Sequence[Mapping[str, Any]] | None, rows: Sequence[Any]
) -> StoredSnapshot:
    components: list[Component] = []
    health: dict[Component, Health] = {}
    for row in rows:
        component = component_of_columns(row)
        components.append(component)
        stored = None if row.health_text is None else _health_of(row.health_text)
        if stored is not None:
            health[component] = stored
    inventory = Inventory(components=tuple(components), sources=stored_sources(sources))
    return StoredSnapshot(project=project, snapshot_id=snapshot_id, inventory=inventory, health=health)


@lru_cache(maxsize=65536)
def _health_of(text: str) -> Health | None:
    """A stored health document (None for JSON `null`), decoded once per distinct text (immutable: shared).

    Every project using a package version stores the same document (and every unassessed one the same
    `unknown`), so a batch of projects decodes each once.
    """
    document = decoded(text)
    return None if document is None else health_from_json(document)


def snapshot_inventory(portfolio: Portfolio, snapshot_id: int) -> tuple[Inventory, dict[Component, Health]]:
    """A stored snapshot as an inventory again, with the health stored for its components."""
    with portfolio.reading() as connection:
        sources = connection.scalar(select(snapshots.c.sources).where(snapshots.c.id == snapshot_id))
        rows = _component_rows(connection, [snapshot_id]).get(snapshot_id, [])
    snapshot = _stored_snapshot("", snapshot_id, sources, rows)
    return snapshot.inventory, snapshot.health


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _project_name(portfolio: Portfolio, project_id: int) -> str:
    with portfolio.reading() as connection:
        name: str | None = connection.scalar(select(projects.c.name).where(projects.c.id == project_id))
    if name is None:
        raise UnknownRecord(f"no project {project_id}")
    return name


__all__ = [
    "Analyser",
    "HealthAssessor",
    "RegistryHealth",
    "StoredSnapshot",
    "Subject",
    "latest_snapshot_id",
    "record_inventory",
    "reevaluate",
    "reevaluate_all",
    "server_analyser",
    "snapshot_inventory",
    "stored_snapshots",
]
