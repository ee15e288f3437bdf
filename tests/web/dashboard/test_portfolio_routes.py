"""The portfolio, search, vulnerability and trends pages over a real portfolio of two teams."""

from __future__ import annotations

import re
from urllib.parse import quote

from tests.web.conftest import auth
from tests.web.dashboard.conftest import UPLOADS, Site, signed_in

TEAM_A = sorted(name for team, name, _ in UPLOADS if team == "team-a")


def _row_names(page: str) -> list[str]:
    return re.findall(r'<tr data-name="([^"]+)"', page)


def test_portfolio_lists_the_teams_projects_only(site: Site) -> None:
    keys = site.keys
    page = signed_in(site.client, keys.viewer).get("/").text
    assert _row_names(page) == TEAM_A
    assert "team-b-service" not in page
    assert page.count('class="sparkline"') == len(TEAM_A)
    assert page.count('<span class="badge pass">') + page.count('<span class="badge fail">') == len(TEAM_A)


def test_portfolio_counts_match_the_api(site: Site) -> None:
    keys, built = site.keys, site.built
    client = signed_in(site.client, keys.viewer)
    page = client.get("/?sort=name").text
    totals: dict[str, int] = {}
    for name in TEAM_A:
        found = client.get(
            f"/api/v1/projects/{built.projects[name]}/findings", headers=auth(keys.viewer)
        ).json()
        row = page.split(f'<tr data-name="{name}"')[1].split("</tr>")[0]
        shown = sum(int(n) for n in re.findall(r'<td class="num[^"]*" data-value="(\d+)">\d+</td>', row))
        assert shown == len(found["findings"]), name
        totals[name] = shown
    assert totals["itu-p1203"] >= 1  # py 1.11.0 is open there


def test_portfolio_sorts_server_side(site: Site) -> None:
    keys = site.keys
    client = signed_in(site.client, keys.viewer)
    assert _row_names(client.get("/?sort=name&dir=desc").text) == TEAM_A[::-1]
    page = client.get("/?sort=name&dir=asc").text
    assert _row_names(page) == TEAM_A
    assert 'data-sort="name" data-natural="asc"\n      aria-sort="ascending"' in page
    assert _row_names(client.get("/?sort=bogus").text) == TEAM_A


def test_portfolio_filters_server_side(site: Site) -> None:
    keys = site.keys
    client = signed_in(site.client, keys.viewer)
    assert _row_names(client.get("/?q=ITU").text) == ["itu-p1203", "itu-p1203-slim"]
    nothing = client.get("/?q=zzz").text
    assert _row_names(nothing) == []
    assert "No project matches" in nothing


def test_search_a_vulnerability_id_goes_to_its_page(site: Site) -> None:
    keys = site.keys
    client = signed_in(site.client, keys.viewer)
    response = client.get("/search?q=PYSEC-2022-42969", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/vulnerabilities/PYSEC-2022-42969"


def test_search_a_package_lists_projects_and_versions(site: Site) -> None:
    keys = site.keys
    page = signed_in(site.client, keys.viewer).get("/search?q=NumPy").text
    listed = re.findall(
        r'<a href="/projects/(\d+)">([^<]+)</a></th>\s*<td>(\w+)</td><td>(\S+)</td><td>([^<]+)</td>', page
    )
    names = {name for _, name, _, _, _ in listed}
    assert {"itu-p1203", "itu-p1203-slim"} <= names
    assert "team-b-service" not in page
    assert ("PyPI", "numpy") in {(eco, pkg) for _, _, eco, pkg, _ in listed}
    assert all(version != "—" for *_, version in listed)


def test_vulnerability_page_by_id_and_alias(site: Site) -> None:
    keys = site.keys
    client = signed_in(site.client, keys.viewer)
    for ident in ["PYSEC-2022-42969", "CVE-2022-42969", "GHSA-w596-4wvx-j9j6"]:
        page = client.get(f"/vulnerabilities/{quote(ident)}").text
        projects = set(re.findall(r'<th scope="row"><a href="/projects/\d+#finding-\d+">([^<]+)</a>', page))
        assert projects == {"itu-p1203", "itu-p1203-slim"}, ident
        assert "ReDoS" in page  # the advisory's details, from the real record
    slim = client.get("/vulnerabilities/CVE-2022-42969").text.split(">itu-p1203-slim<")[1].split("</tr>")[0]
    assert '<span class="state">fixed</span>' in slim


def test_vulnerability_page_for_an_unknown_id(site: Site) -> None:
    keys = site.keys
    page = signed_in(site.client, keys.viewer).get("/vulnerabilities/CVE-1999-0001").text
    assert "No project of your team has (or had) a finding of CVE-1999-0001." in page


def test_trends_page_charts(site: Site) -> None:
    keys, built = site.keys, site.built
    client = signed_in(site.client, keys.viewer)
    page = client.get("/trends?days=30").text
    assert page.count('<svg class="chart" role="img"') == 3
    assert 'aria-current="page">30 days' in page
    rows = re.findall(r"<tr><th scope=\"row\">[\d-]+</th>((?:<td class=\"num\">[^<]*</td>)+)", page)
    assert len(rows) == 12
    last_open = sum(int(n) for n in re.findall(r">(\d+)<", rows[-1])[:5])
    open_now = sum(
        len(
            client.get(f"/api/v1/projects/{built.projects[name]}/findings", headers=auth(keys.viewer)).json()[
                "findings"
            ]
        )
        for name in TEAM_A
    )
    assert last_open == open_now
    assert "<polyline" in page
