"""The dashboard in a real Chromium (Debian's, driven by Playwright) against a real `osswatch serve`.

One server per module over a SQLite file holding the real portfolio of `conftest.UPLOADS` (real lockfiles,
the real PyPI advisories, uploaded through the REST API over HTTP). The browser signs in, loads every page,
sorts and filters the portfolio, triages a finding through its form (checked back through the REST API),
tabs to the search box, opens the standards catalog (the example, imported), and takes screenshots that
must show a rendered page (many distinct colours).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from osswatch.catalog.load import example_catalog
from osswatch.catalog.store import CatalogStore
from osswatch.monitor.portfolio import Portfolio
from tests.live_server import free_port, wait_ready
from tests.web.conftest import Keys, auth, import_pypi, make_keys
from tests.web.dashboard.conftest import Built, build_portfolio
from tests.web.dashboard.png import distinct_colours

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]

if not CHROMIUM.exists():  # `make install-dev` installs it; a missing browser must fail, not skip
    pytest.fail(f"{CHROMIUM} is missing: run `make install-dev` (apt-get install chromium)", pytrace=False)

from playwright.sync_api import Browser, FloatRect, Page, expect, sync_playwright  # noqa: E402


@dataclass(frozen=True, kw_only=True, slots=True)
class Server:
    """A running `osswatch serve` with the real portfolio."""

    base: str
    keys: Keys
    built: Built


def _import_example_catalog(url: str) -> None:
    portfolio = Portfolio.open(url)
    try:
        CatalogStore(portfolio.engine).replace(example_catalog())
    finally:
        portfolio.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Server]:
    """`osswatch serve` on a random port of 127.0.0.1 over a SQLite file with the real portfolio."""
    url = f"sqlite:///{tmp_path_factory.mktemp('dashboard') / 'osswatch.db'}"
    port = free_port()
    code = "import typer; from osswatch.cli.serve_cmd import serve; typer.run(serve)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OSSWATCH_")} | {
        "OSSWATCH_CONFIG": os.devnull
    }
    args = ["--host", "127.0.0.1", "--port", str(port), "--database-url", url]
    process = subprocess.Popen([sys.executable, "-c", code, *args], env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process)
        keys = make_keys(url)
        import_pypi(url, shared_data)
        _import_example_catalog(url)
        with httpx.Client(base_url=base, timeout=120) as client:
            built = build_portfolio(client.post, keys, shared_data)
        yield Server(base=base, keys=keys, built=built)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _page(browser: Browser, server: Server, key: str, *, width: int = 1280, height: int = 800) -> Page:
    page = browser.new_context(base_url=server.base, viewport={"width": width, "height": height}).new_page()
    page.goto("/")
    expect(page).to_have_url(f"{server.base}/login")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{server.base}/")
    return page


def _assert_rendered(page: Page, name: str, tmp_path: Path) -> None:
    page.screenshot(path=tmp_path / f"{name}.png", full_page=True)  # kept for a person to look at
    viewport = page.viewport_size
    assert viewport is not None
    top: FloatRect = {
        "x": 0,
        "y": 0,
        "width": min(viewport["width"], 640),
        "height": min(viewport["height"], 480),
    }
    shot = page.screenshot(clip=top)  # the decoder is pure Python: check the top of the page only
    assert distinct_colours(shot) > 12, f"the {name} screenshot looks blank"


def test_every_page_renders(browser: Browser, server: Server, tmp_path: Path) -> None:
    page = _page(browser, server, server.keys.viewer)
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
    expect(page.locator("#projects tbody tr")).to_have_count(4)
    _assert_rendered(page, "portfolio", tmp_path)

    page.get_by_role("link", name="itu-p1203", exact=True).click()
    expect(page.get_by_role("heading", name="itu-p1203")).to_be_visible()
    expect(page.locator("a", has_text="PYSEC-2022-42969")).to_be_visible()
    _assert_rendered(page, "project", tmp_path)

    page.locator("a", has_text="PYSEC-2022-42969").click()
    expect(page).to_have_url(f"{server.base}/vulnerabilities/PYSEC-2022-42969")
    expect(page.locator("main table tbody tr")).to_have_count(2)
    _assert_rendered(page, "vulnerability", tmp_path)

    page.get_by_role("link", name="Trends").click()
    expect(page.locator("svg.chart")).to_have_count(3)
    _assert_rendered(page, "trends", tmp_path)

    page.get_by_role("link", name="Catalog").click()
    expect(page.get_by_role("heading", name="Catalog", exact=True)).to_be_visible()
    linked = page.locator(
        'tr[data-repository="https://github.com/itu-p1203/itu-p1203"] a[href^="/projects/"]'
    )
    expect(linked).to_have_attribute("href", f"/projects/{server.built.projects['itu-p1203']}")
    _assert_rendered(page, "catalog", tmp_path)
    page.get_by_role("link", name="ITU-T P.1203", exact=True).click()
    expect(page).to_have_url(f"{server.base}/catalog/ITU-T%20P.1203")
    expect(page.locator("main table tbody tr")).to_have_count(1)
    blank = page.context.new_page()
    blank.set_content("<html><body></body></html>")
    assert distinct_colours(blank.screenshot()) <= 2  # the check above can fail


def test_sort_and_filter_in_the_browser(browser: Browser, server: Server) -> None:
    page = _page(browser, server, server.keys.viewer)
    names = page.locator("#projects tbody tr:visible")
    expect(names).to_have_count(4)
    page.get_by_role("link", name="Project").click()  # name: ascending → descending
    first = page.locator("#projects tbody tr").first
    expect(first).to_have_attribute("data-name", "itu-p1203-slim")
    expect(page.locator('th[data-sort="name"]')).to_have_attribute("aria-sort", "descending")
    page.get_by_label("Filter projects by name or tag").fill("acapy")
    expect(names).to_have_count(1)
    expect(names.first).to_have_attribute("data-name", "acapy")


def test_editor_triages_a_finding(browser: Browser, server: Server) -> None:
    page = _page(browser, server, server.keys.editor)
    project_id = server.built.projects["itu-p1203"]
    found = httpx.get(
        f"{server.base}/api/v1/projects/{project_id}/findings", headers=auth(server.keys.editor)
    ).json()["findings"]
    finding_id = next(f["id"] for f in found if f["vulnerability"]["id"] == "PYSEC-2022-42969")
    page.goto(f"/projects/{project_id}")
    row = page.locator(f"#finding-{finding_id}")
    row.locator("summary").click()
    expect(row.get_by_label("Justification (for not affected)")).to_be_hidden()
    row.get_by_label("Decision").select_option("not_affected")
    row.get_by_label("Justification (for not affected)").select_option("vulnerable_code_not_present")
    row.get_by_label("Why").fill("py's svn module is not shipped")
    row.get_by_role("button", name="Record").click()
    expect(page.get_by_role("status")).to_have_text(f"Triage of finding {finding_id} recorded.")
    after = httpx.get(
        f"{server.base}/api/v1/projects/{project_id}/findings", headers=auth(server.keys.viewer)
    ).json()["findings"]
    assert {f["id"]: f["state"] for f in after}[finding_id] == "not_affected"


def test_keyboard_reaches_the_search_box(browser: Browser, server: Server) -> None:
    page = _page(browser, server, server.keys.viewer)
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "search":
            break
    assert page.evaluate("document.activeElement.id") == "search"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.keyboard.type("numpy")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Projects using “numpy”")).to_be_visible()
    expect(page.get_by_role("link", name="itu-p1203-slim")).to_be_visible()


def test_phone_width_has_no_page_overflow(browser: Browser, server: Server, tmp_path: Path) -> None:
    page = _page(browser, server, server.keys.editor, width=390, height=844)
    for path in ["/", f"/projects/{server.built.projects['acapy']}", "/trends", "/catalog"]:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path
    _assert_rendered(page, "phone-trends", tmp_path)
