"""End-of-life dates of runtimes and frameworks, in endoflife.date's shape (`{base}/api/{product}.json`).

https://endoflife.date/docs/api — a product is a list of release cycles: `cycle` ("3.12"),
`releaseDate`, `eol` (a date, or true/false when the date is not known) and `latest`. The URL is
configurable (`OSSWATCH_ENDOFLIFE_URL`) so a mirror or a file server of the same shape works.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from osswatch.fields import Fields
from osswatch.health.base import BadRegistryData, Fetch
from osswatch.health.parsing import error_for, load_json

ENDOFLIFE_URL_ENV = "OSSWATCH_ENDOFLIFE_URL"
DEFAULT_ENDOFLIFE_URL = "https://endoflife.date"

PRODUCTS: dict[tuple[str, str], str] = {
    ("PyPI", "django"): "django",
    ("npm", "@angular/core"): "angular",
    ("npm", "react"): "react",
    ("npm", "vue"): "vue",
    ("npm", "next"): "nextjs",
    ("npm", "electron"): "electron",
    ("npm", "jquery"): "jquery",
    ("RubyGems", "rails"): "rails",
    ("Packagist", "laravel/framework"): "laravel",
    ("Packagist", "symfony/symfony"): "symfony",
    ("Maven", "org.springframework.boot:spring-boot"): "spring-boot",
    ("Maven", "org.springframework:spring-core"): "spring-framework",
}
"""(OSV ecosystem, normalized package name) → endoflife.date product, for packages that are frameworks."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Cycle:
    """One release cycle of a product and when it ends."""

    cycle: str
    eol: date | None
    is_eol: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class EndOfLife:
    """The end of life of the cycle an installed version belongs to."""

    eol: date | None
    is_eol: bool


def endoflife_url(explicit: str | None = None) -> str:
    """The endoflife.date base URL: `explicit`, else `$OSSWATCH_ENDOFLIFE_URL`, else the public site."""
    return (explicit or os.environ.get(ENDOFLIFE_URL_ENV) or DEFAULT_ENDOFLIFE_URL).rstrip("/")


async def fetch_cycles(base_url: str, product: str, fetch: Fetch) -> tuple[Cycle, ...]:
    """The release cycles of a product."""
    url = f"{base_url}/api/{quote(product, safe='')}.json"
    return parse_cycles(await fetch(url), url)


def parse_cycles(body: bytes, url: str) -> tuple[Cycle, ...]:
    """Release cycles from an endoflife.date product document."""
    data = load_json(body, url)
    if not isinstance(data, list):
        raise BadRegistryData(f"{url}: expected a list of release cycles")
    cycles = []
    for index, item in enumerate(data):
        entry = Fields(item, f"[{index}]", error=error_for(url))
        cycle = entry.raw("cycle")
        if not isinstance(cycle, str | int | float) or isinstance(cycle, bool):
            raise BadRegistryData(f"{url}: missing 'cycle' in '[{index}]'")
        cycles.append(_cycle(str(cycle), entry.raw("eol"), f"[{index}].eol", url))
    return tuple(cycles)


def _cycle(cycle: str, eol: object, context: str, url: str) -> Cycle:
    match eol:
        case bool():
            return Cycle(cycle=cycle, eol=None, is_eol=eol)
        case str():
            try:
                when = date.fromisoformat(eol)
            except ValueError as e:
                raise BadRegistryData(f"{url}: '{context}' is not a date: {eol!r}") from e
            return Cycle(cycle=cycle, eol=when, is_eol=False)  # the date is judged against "now" in metrics
        case None:
            return Cycle(cycle=cycle, eol=None, is_eol=False)
        case _:
            raise BadRegistryData(f"{url}: '{context}' should be a date or a boolean")


def end_of_life(cycles: tuple[Cycle, ...], version: str) -> EndOfLife | None:
    """The end of life of the longest cycle `version` belongs to ("3.8" holds "3.8.19"), or None."""
    matching = [c for c in cycles if version == c.cycle or version.startswith(f"{c.cycle}.")]
    if not matching:
        return None
    best = max(matching, key=lambda c: len(c.cycle))
    return EndOfLife(eol=best.eol, is_eol=best.is_eol)


__all__ = [
    "DEFAULT_ENDOFLIFE_URL",
    "ENDOFLIFE_URL_ENV",
    "PRODUCTS",
    "Cycle",
    "EndOfLife",
    "end_of_life",
    "endoflife_url",
    "fetch_cycles",
    "parse_cycles",
]
