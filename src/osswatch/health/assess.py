"""Inventory components → `Health` per component, fetching each package's history once, concurrently.

Nothing here does I/O of its own: the `Fetch` (cache + HTTP, or cache only) and the sources are
passed in. A registry that fails degrades that component to `status: ["unknown"]` with the reason
recorded; deps.dev is tried when a registry fails and fills release dates a registry lacks (Maven).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from osswatch.errors import SourceUnavailable
from osswatch.health.base import (
    UNKNOWN,
    Fetch,
    Health,
    HealthThresholds,
    NotCached,
    ReleaseHistory,
    ReleaseHistorySource,
)
from osswatch.health.depsdev import SYSTEMS, DepsDevSource
from osswatch.health.endoflife import PRODUCTS, Cycle, end_of_life, fetch_cycles
from osswatch.health.metrics import HealthInput, assess_health
from osswatch.model import Component, Package

ProgressCallback = Callable[[int, int], None]
"""Called with (done, total) packages as histories arrive."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ComponentHealth:
    """One component and its health; `problem` says why it is unknown."""

    component: Component
    health: Health
    source: str | None = None
    problem: str | None = None
    scorecard: float | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class HealthReport:
    """The health of every component, the histories behind it, and what could not be fetched."""

    components: tuple[ComponentHealth, ...]
    histories: tuple[ReleaseHistory, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class AssessOptions:
    """The moment of judging, the thresholds, and which extra sources to ask."""

    now: datetime
    thresholds: HealthThresholds = field(default_factory=HealthThresholds)
    depsdev: DepsDevSource | None = None
    endoflife_url: str | None = None
    with_scorecard: bool = False


@dataclass(kw_only=True)
class _Outcome:
    history: ReleaseHistory | None = None
    problem: str | None = None
    scorecard: float | None = None


@dataclass(kw_only=True)
class _Progress:
    total: int
    callback: ProgressCallback | None
    done: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def step(self) -> None:
        async with self.lock:
            self.done += 1
            if self.callback is not None:
                self.callback(self.done, self.total)


async def assess(
    components: Iterable[Component],
    fetch: Fetch,
    sources: Callable[[str], ReleaseHistorySource | None],
    options: AssessOptions,
    *,
    on_progress: ProgressCallback | None = None,
    known: Mapping[Package, ReleaseHistory] | None = None,
) -> HealthReport:
    """The health of each component (unpinned and unidentified ones are reported as unknown).

    Histories in `known` (read from the store) are used as they are; only the others are fetched,
    and only those are returned in `HealthReport.histories`.
    """
    stored = known or {}
    listed = tuple(components)
    packages = sorted({p for c in listed if (p := c.package) is not None and c.version}, key=_key)
    progress = _Progress(total=len(packages), callback=on_progress)
    if on_progress is not None:
        on_progress(0, len(packages))

    async def one(package: Package) -> tuple[Package, _Outcome]:
        if package in stored:
            outcome = _Outcome(history=stored[package])
        else:
            outcome = await _history(package, fetch, sources, options)
        await progress.step()
        return package, outcome

    outcomes = dict(await asyncio.gather(*(one(p) for p in packages)))
    cycles = await _cycles(packages, fetch, options)
    results = tuple(_component_health(c, outcomes, cycles, options) for c in listed)
    problems = tuple(f"{p.ecosystem}/{p.name}: {o.problem}" for p, o in outcomes.items() if o.problem)
    histories = tuple(o.history for p, o in outcomes.items() if o.history is not None and p not in stored)
    return HealthReport(components=results, histories=histories, problems=problems)


def _key(package: Package) -> tuple[str, str]:
    return package.ecosystem, package.name


async def _history(
    package: Package,
    fetch: Fetch,
    sources: Callable[[str], ReleaseHistorySource | None],
    options: AssessOptions,
) -> _Outcome:
    fallback = options.depsdev if package.ecosystem in SYSTEMS else None
    chain = [s for s in (sources(package.ecosystem), fallback) if s is not None]
    if not chain:
        return _Outcome(problem=f"no release-history source for {package.ecosystem}")
    problems: list[str] = []
    for source in chain:
        try:
            history = await source.history(package, fetch)
        except NotCached as e:  # offline: other sources would be missing from the cache too
            return _Outcome(problem=str(e))
        except SourceUnavailable as e:
            problems.append(f"{source.name}: {e}")
            continue
        if fallback is not None and source is not fallback and _lacks_dates(history):
            history = await _with_dates(history, fallback, fetch)
        outcome = _Outcome(history=history, problem="; ".join(problems) or None)
        if options.with_scorecard and fallback is not None and history.repository:
            outcome.scorecard = await _scorecard(fallback, history.repository, fetch)
        return outcome
    return _Outcome(problem="; ".join(problems))


def _lacks_dates(history: ReleaseHistory) -> bool:
    return any(release.published is None for release in history.releases)


async def _with_dates(history: ReleaseHistory, depsdev: DepsDevSource, fetch: Fetch) -> ReleaseHistory:
    """`history` with publish times deps.dev knows filled in where the registry gave none."""
    try:
        known = await depsdev.history(history.package, fetch)
    except SourceUnavailable:
        return history  # dates stay unknown; the registry's answer still stands
    dates = {r.version: r.published for r in known.releases if r.published is not None}
    releases = tuple(
        r if r.published is not None else replace(r, published=dates.get(r.version)) for r in history.releases
    )
    return replace(history, releases=releases)


async def _scorecard(depsdev: DepsDevSource, repository: str, fetch: Fetch) -> float | None:
    try:
        return await depsdev.scorecard(repository, fetch)
    except SourceUnavailable:
        return None


async def _cycles(
    packages: list[Package], fetch: Fetch, options: AssessOptions
) -> dict[str, tuple[Cycle, ...]]:
    """The endoflife.date cycles of every product among `packages` (a failing product is skipped)."""
    if options.endoflife_url is None:
        return {}
    products = sorted({PRODUCTS[key] for p in packages if (key := _key(p)) in PRODUCTS})
    found: dict[str, tuple[Cycle, ...]] = {}
    for product in products:
        try:
            found[product] = await fetch_cycles(options.endoflife_url, product, fetch)
        except SourceUnavailable:
            continue  # no end-of-life data is not an error of the component
    return found


def _component_health(
    component: Component,
    outcomes: dict[Package, _Outcome],
    cycles: dict[str, tuple[Cycle, ...]],
    options: AssessOptions,
) -> ComponentHealth:
    package = component.package
    if package is None:
        return ComponentHealth(component=component, health=UNKNOWN, problem="unidentified component")
    if component.version is None:
        return ComponentHealth(component=component, health=UNKNOWN, problem="no version pinned")
    outcome = outcomes[package]
    if outcome.history is None:
        return ComponentHealth(component=component, health=UNKNOWN, problem=outcome.problem)
    product = PRODUCTS.get(_key(package))
    eol = end_of_life(cycles.get(product, ()), component.version) if product else None
    given = HealthInput(
        installed=component.version,
        now=options.now,
        thresholds=options.thresholds,
        end_of_life=eol.eol if eol else None,
        is_end_of_life=bool(eol and eol.is_eol),
    )
    return ComponentHealth(
        component=component,
        health=assess_health(outcome.history, given),
        source=outcome.history.source,
        problem=outcome.problem,
        scorecard=outcome.scorecard,
    )


__all__ = ["AssessOptions", "ComponentHealth", "HealthReport", "ProgressCallback", "assess"]
