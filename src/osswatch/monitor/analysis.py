"""The server's pipeline for one project: match, health, policy, record — and re-evaluation later.

Uploads (the API, `osswatch project upload`, `osswatch demo`) and the background jobs all come here, so a
snapshot is judged the same way whoever triggers it:

- `record_inventory`: a new inventory → scan against the advisory store → health (when an assessor is
  configured) → the policy's verdict → `ingest` as the project's newest snapshot.
- `reevaluate`: the project's latest snapshot, rebuilt from its stored components, judged again — after an
  advisory sync (new matches, no network) or a health refresh (`refresh_health`: fresh registry data). It
  updates that snapshot's findings and verdict; it never adds a snapshot.

Health is pluggable (`HealthAssessor`): the request path uses the registry cache only (`cached_health`,
offline: an upload never waits on a registry), the daily refresh job fetches (`online`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, func, select

from osswatch.advisories.freshness import DEFAULT_MAX_AGE, plan_refresh
from osswatch.advisories.store import AdvisoryStore
from osswatch.ecosystems.identity import parse_purl
from osswatch.health.base import Health, health_from_json
from osswatch.model import Component, EcosystemName, Inventory, Location, Purl, Scope
from osswatch.monitor.ingest import IngestOutcome, ingest
from osswatch.monitor.portfolio import Portfolio, UnknownRecord
from osswatch.scan import PolicySetup, ScanResult, ecosystems_needed, judge, scan
from osswatch.store.portfolio_tables import projects, snapshot_components, snapshots

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
        result = scan(inventory, self.advisories)
        if known_health is not None:
            result = replace(result, health=known_health)
        elif self.health is not None:
            result = replace(result, health=self.health(inventory.components, now))
        plan = plan_refresh(
            ecosystems_needed(inventory), self.advisories.status(), now=now, max_age=DEFAULT_MAX_AGE
        )
        age = NO_DATA_AGE if plan.missing else (None if plan.oldest_sync is None else now - plan.oldest_sync)
        setup = replace(self.policy, project=project, advisory_data_age=age)
        return replace(judge(result, setup, now=now), missing_advisories=plan.missing)


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
    portfolio: Portfolio, analyser: Analyser, *, project_id: int, inventory: Inventory, now: datetime
) -> tuple[ScanResult, IngestOutcome]:
    """Judge an inventory and record it as the project's newest snapshot (system-wide: no team check)."""
    name = _project_name(portfolio, project_id)
    result = analyser.analyse(inventory, project=name, now=now)
    return result, ingest(portfolio, project_id, result, now)


def reevaluate(
    portfolio: Portfolio,
    analyser: Analyser,
    project_id: int,
    now: datetime,
    *,
    refresh_health: bool = False,
) -> IngestOutcome | None:
    """Judge the project's latest snapshot again; None when it has no snapshot yet.

    The stored health is reused unless `refresh_health` (then the analyser's assessor tells it anew).
    """
    latest = latest_snapshot_id(portfolio, project_id)
    if latest is None:
        return None
    inventory, stored_health = snapshot_inventory(portfolio, latest)
    name = _project_name(portfolio, project_id)
    known = None if refresh_health and analyser.health is not None else stored_health
    result = analyser.analyse(inventory, project=name, now=now, known_health=known)
    return ingest(portfolio, project_id, result, now, snapshot_id=latest)


def latest_snapshot_id(portfolio: Portfolio, project_id: int) -> int | None:
    """The id of the project's newest snapshot (system-wide: no team check)."""
    with portfolio.reading() as connection:
        found: int | None = connection.scalar(
            select(func.max(snapshots.c.id)).where(snapshots.c.project_id == project_id)
        )
    return found


def snapshot_inventory(portfolio: Portfolio, snapshot_id: int) -> tuple[Inventory, dict[Component, Health]]:
    """A stored snapshot as an inventory again, with the health stored for its components."""
    query = (
        select(snapshot_components)
        .where(snapshot_components.c.snapshot_id == snapshot_id)
        .order_by(snapshot_components.c.id)
    )
    with portfolio.reading() as connection:
        rows = connection.execute(query).all()
    components: list[Component] = []
    health: dict[Component, Health] = {}
    for row in rows:
        component = stored_component(row._mapping)
        components.append(component)
        if row.health is not None:
            health[component] = health_from_json(dict(row.health))
    return Inventory(components=tuple(components)), health


def stored_component(row: Mapping[Any, Any]) -> Component:
    """A component rebuilt from its stored row: identity from its purl, else from the stored columns."""
    ecosystem: str | None = row["ecosystem"]
    name: str = row["name"]
    version: str | None = row["version"]
    if row["purl"]:
        try:
            identity = parse_purl(row["purl"])
        except ValueError:
            pass
        else:
            ecosystem = identity.ecosystem or ecosystem
            name = identity.name
            version = identity.version or version
    return Component(
        name=name,
        version=version,
        ecosystem=EcosystemName(ecosystem) if ecosystem else None,
        purl=Purl(row["purl"]) if row["purl"] else None,
        location=Location(path=row["source_path"]),
        is_direct=row["direct"],
        scope=Scope(row["scope"]),
    )


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
    "latest_snapshot_id",
    "record_inventory",
    "reevaluate",
    "server_analyser",
    "snapshot_inventory",
    "stored_component",
]
