"""Threat intelligence for the policy: the CISA KEV catalog (by default) and EPSS scores (when asked).

Remote feeds go through the same database cache as registry answers (24 h, revalidated with ETag;
only the cache when offline), so a scan a day costs one conditional request. A feed that cannot be
had is not fatal: the verdict's notes say which rules could not fire.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from osswatch.cli.console import print_warning
from osswatch.errors import OsswatchError

if TYPE_CHECKING:
    from osswatch.policy.kev import EpssScores, KevCatalog

DEFAULT_KEV_URL = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
"""CISA's Known Exploited Vulnerabilities catalog (JSON feed)."""

DISABLED = frozenset({"", "none", "off"})
"""Values of `--kev-url` / `--epss-url` that turn the feed off."""


def load_kev_catalog(url: str | None, *, database_url: str | None, offline: bool) -> KevCatalog | None:
    """The KEV catalog from `url` (default: CISA's feed), or None when off or unavailable."""
    from osswatch.policy.kev import parse_kev

    where = DEFAULT_KEV_URL if url is None else url
    data = _read(where, database_url=database_url, offline=offline, what="the CISA KEV catalog")
    return None if data is None else parse_kev(data, where)


def load_epss_scores(url: str | None, *, database_url: str | None, offline: bool) -> EpssScores | None:
    """EPSS scores from `url`, or None when no URL is given or it is unavailable."""
    from osswatch.policy.kev import parse_epss

    if url is None:
        return None
    data = _read(url, database_url=database_url, offline=offline, what="the EPSS scores")
    return None if data is None else parse_epss(data, url)


def _read(url: str, *, database_url: str | None, offline: bool, what: str) -> bytes | None:
    from osswatch.policy.kev import read_url

    if url.strip().lower() in DISABLED:
        return None
    if not url.startswith(("http://", "https://")):
        return read_url(url)  # a local file: an unreadable one is the user's input error
    try:
        return _fetch_cached(url, database_url=database_url, offline=offline)
    except OsswatchError as e:
        print_warning(f"{what} could not be loaded ({e}); rules that need it cannot fire")
        return None


def _fetch_cached(url: str, *, database_url: str | None, offline: bool) -> bytes:
    from osswatch.health.cache import CachedFetcher, ResponseCache
    from osswatch.health.http import HttpClient
    from osswatch.settings import database_url as resolve_database_url
    from osswatch.store.database import open_database

    engine = open_database(resolve_database_url(database_url))

    async def fetch() -> bytes:
        async with HttpClient(concurrency=1) as client:
            fetcher = CachedFetcher(
                cache=ResponseCache(engine), client=None if offline else client, offline=offline
            )
            try:
                return await fetcher(url)
            finally:
                fetcher.flush()

    try:
        return asyncio.run(fetch())
    finally:
        engine.dispose()
