"""The catalog pages, and unknown health shown as "—" on every page, over a real portfolio of two teams.

On top of `conftest.UPLOADS` (uploaded through the API: the registry cache is empty, so their health is
stored with `assessed` 0) the example catalog is imported, and both teams get a project `bifold-wallet`
(linked from the example catalog) recorded from the real bifold-wallet yarn.lock: team A's with a health
assessor that knows every pinned package, team B's with none (`snapshots.health` null).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from osswatch.advisories.store import AdvisoryStore
from osswatch.catalog.load import example_catalog
from osswatch.catalog.store import CatalogStore
from osswatch.health.base import Behind, Health
from osswatch.inventory.collect import collect
from osswatch.model import Component
from osswatch.monitor.analysis import Analyser, HealthAssessor, record_inventory
from osswatch.monitor.portfolio import Portfolio
from osswatch.policy.rules import baseline
from osswatch.scan import PolicySetup
from tests.web.conftest import Keys, auth
from tests.web.dashboard.conftest import Site, signed_in

ITU = "https://github.com/itu-p1203/itu-p1203"
BIFOLD = "https://github.com/openwallet-foundation/bifold-wallet"
STL = "https://github.com/openitu/STL"


def _one_libyear_stale(components: Sequence[Component], now: datetime) -> Mapping[Component, Health]:
    """Every pinned component one libyear behind and stale."""
    health = Health(
        published=now - timedelta(days=400),
        latest="99.0",
        libyear=1.0,
        behind=Behind(major=1, releases=3),
        status=("outdated", "stale"),
    )
    return {c: health for c in components if c.is_pinned}


@dataclass(frozen=True, kw_only=True, slots=True)
class Catalogued:
    """The site with the example catalog and the two `bifold-wallet` projects (team A's, team B's)."""

    site: Site
    portfolio: Portfolio
    team_a: int
    team_b: int
    bifold_a: int
    bifold_b: int
    pinned: int
    """The pinned components of bifold-wallet's yarn.lock: team A's libyears."""


def _record(portfolio: Portfolio, team_id: int, health: HealthAssessor | None, lockfile: Path) -> int:
    project_id = portfolio.create_project(team_id, "bifold-wallet", now=datetime.now(UTC)).id
    analyser = Analyser(
        advisories=AdvisoryStore(portfolio.engine), policy=PolicySetup(policy=baseline()), health=health
    )
    inventory = collect([lockfile])
    record_inventory(portfolio, analyser, project_id=project_id, inventory=inventory, now=datetime.now(UTC))
    return project_id


@pytest.fixture(scope="module")
def catalogued(site: Site, shared_data: Path) -> Catalogued:
    """The example catalog and a `bifold-wallet` project in each team (this module's own site)."""
    portfolio: Portfolio = site.client.app.state.portfolio  # type: ignore[attr-defined]
    CatalogStore(portfolio.engine).replace(example_catalog())
    team_a, team_b = (portfolio.authenticate(k) for k in (site.keys.viewer, site.keys.other_team))
    assert team_a is not None
    assert team_b is not None
    lockfile = shared_data / "lockfiles" / "bifold-wallet" / "yarn.lock"
    return Catalogued(
        site=site,
        portfolio=portfolio,
        team_a=team_a.team_id,
        team_b=team_b.team_id,
        bifold_a=_record(portfolio, team_a.team_id, _one_libyear_stale, lockfile),
        bifold_b=_record(portfolio, team_b.team_id, None, lockfile),
        pinned=sum(1 for c in collect([lockfile]).components if c.is_pinned),
    )


def _row(page: str, repository: str) -> str:
    """The first table row of an implementation (a repository can be listed under several standards)."""
    return page.split(f'<tr data-repository="{repository}">')[1].split("</tr>", maxsplit=1)[0]


def _figures(row: str) -> list[str]:
    """The libyears, stale and unmaintained cells of a row, as shown."""
    return re.findall(r'<td class="num">([^<]*)</td>', row)


def test_catalog_shows_the_teams_linked_projects_with_their_figures(catalogued: Catalogued) -> None:
    site, built = catalogued.site, catalogued.site.built
    client = signed_in(site.client, site.keys.viewer)
    response = client.get("/catalog")
    assert response.status_code == 200
    page = response.text
    assert '<a href="/catalog" aria-current="page">Catalog</a>' in page
    assert page.count("<section") == len(example_catalog().standards)
    assert '<a href="/catalog/ITU-T%20P.1203">ITU-T P.1203</a>' in page

    itu = _row(page, ITU)
    assert f'<a href="/projects/{built.projects["itu-p1203"]}">itu-p1203</a>' in itu
    findings = client.get(
        f"/api/v1/projects/{built.projects['itu-p1203']}/findings", headers=auth(site.keys.viewer)
    ).json()["findings"]
    shown = {level: int(n) for level, n in re.findall(r'<span class="sev sev-(\w+)">\w+</span> (\d+)', itu)}
    expected: dict[str, int] = {}
    for item in findings:
        level = item["vulnerability"]["severity"]
        expected[level] = expected.get(level, 0) + 1
    assert shown == expected
    assert sum(shown.values()) >= 1
    assert re.search(r'<span class="badge (pass|fail)">', itu)

    bifold = _row(page, BIFOLD)
    assert f'<a href="/projects/{catalogued.bifold_a}">bifold-wallet</a>' in bifold
    assert _figures(bifold) == [f"{float(catalogued.pinned):.1f}", "100%", "0%"]
    assert "not monitored</td>" in _row(page, STL)
    assert f"/projects/{catalogued.bifold_b}" not in page


def test_another_teams_projects_show_as_unlinked(catalogued: Catalogued) -> None:
    site, built = catalogued.site, catalogued.site.built
    page = signed_in(site.client, site.keys.other_team).get("/catalog").text
    itu = _row(page, ITU)
    assert "not monitored by your team" in itu
    assert "/projects/" not in itu
    assert "badge" not in itu
    for name in ("itu-p1203", "acapy", "credo-ts"):
        assert f'/projects/{built.projects[name]}"' not in page, name
    assert f'/projects/{catalogued.bifold_a}"' not in page
    assert f'<a href="/projects/{catalogued.bifold_b}">bifold-wallet</a>' in _row(page, BIFOLD)


def test_one_standard_has_its_own_page(catalogued: Catalogued) -> None:
    site = catalogued.site
    client = signed_in(site.client, site.keys.viewer)
    page = client.get("/catalog/ITU-T%20P.1203").text
    assert "<h1>ITU-T P.1203</h1>" in page
    assert page.count("<tr data-repository=") == 1
    assert f'<a href="/projects/{site.built.projects["itu-p1203"]}">' in page
    missing = client.get("/catalog/ITU-T%20P.9999")
    assert missing.status_code == 404
    assert "text/html" in missing.headers["content-type"]


def test_an_empty_catalog_says_how_to_import_one(client: TestClient, keys: Keys) -> None:
    away = client.get("/catalog/ITU-T%20P.1203", follow_redirects=False)
    assert (away.status_code, away.headers["location"]) == (303, "/login?next=/catalog/ITU-T%20P.1203")
    page = signed_in(client, keys.viewer).get("/catalog").text
    assert "The catalog is empty" in page
    assert "<table" not in page


def test_unknown_health_is_a_dash_on_every_page(catalogued: Catalogued) -> None:
    site, portfolio = catalogued.site, catalogued.portfolio
    itu_id = site.built.projects["itu-p1203"]
    stored = portfolio.snapshots(catalogued.team_a, itu_id)[-1].health
    assert stored is not None
    assert stored["assessed"] == 0
    assert stored["total_libyears"] == 0.0
    assert portfolio.snapshots(catalogued.team_b, catalogued.bifold_b)[-1].health is None
    cases = [(site.keys.viewer, itu_id, ITU), (site.keys.other_team, catalogued.bifold_b, BIFOLD)]
    for key, project_id, repository in cases:
        client = signed_in(site.client, key)
        portfolio_page = client.get("/").text
        row = portfolio_page.split(f'<a href="/projects/{project_id}">')[1].split("</tr>")[0]
        assert re.findall(r'<td class="num" data-value="-1">([^<]*)</td>', row) == ["—", "—", "—"]
        project_page = client.get(f"/projects/{project_id}").text
        summary = project_page.split('<p class="health-summary">')[1].split("</p>")[0]
        assert "<strong>—</strong> · stale — · unmaintained —" in summary
        assert "not assessed" in summary
        assert _figures(_row(client.get("/catalog").text, repository)) == ["—", "—", "—"]
    known = signed_in(site.client, site.keys.viewer).get(f"/projects/{catalogued.bifold_a}").text
    assert "not assessed" not in known.split('<p class="health-summary">')[1].split("</p>")[0]
