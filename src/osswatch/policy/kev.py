"""Threat intelligence: parsing the CISA KEV catalog (JSON) and EPSS scores (CSV), and reading local copies.

KEV: https://www.cisa.gov/known-exploited-vulnerabilities-catalog — the JSON feed
(`known_exploited_vulnerabilities.json`: `catalogVersion`, `dateReleased`, `vulnerabilities[].cveID`,
`dateAdded`, `dueDate`, …), the list behind CISA BOD 22-01. EPSS: https://www.first.org/epss/data_stats —
`epss_scores-current.csv(.gz)`: a `#model_version:…,score_date:…` line, then `cve,epss,percentile`.
Remote feeds are fetched at the edge (`osswatch.cli.threat_data`, through the database cache); this
module does no network I/O.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlparse

from osswatch.errors import InputError, ParseError
from osswatch.fields import Fields
from osswatch.inventory.base import Document
from osswatch.inventory.loaders import load_json

MAX_BYTES = 64 * 1024 * 1024
"""The largest feed accepted (the KEV JSON is about 1 MB, the EPSS CSV about 10 MB unpacked)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class KevEntry:
    """One known exploited vulnerability."""

    cve: str
    vendor: str
    product: str
    date_added: date
    due_date: date | None = None
    ransomware: str | None = None
    """`knownRansomwareCampaignUse`: `Known` or `Unknown`."""


@dataclass(frozen=True, kw_only=True, slots=True)
class KevCatalog:
    """The CISA KEV catalog."""

    version: str | None
    released: str | None
    entries: tuple[KevEntry, ...]

    @property
    def ids(self) -> frozenset[str]:
        """Every CVE id in the catalog, upper case."""
        return frozenset(e.cve.upper() for e in self.entries)


@dataclass(frozen=True, kw_only=True, slots=True)
class EpssScores:
    """EPSS scores for one day: probability of exploitation in the next 30 days, and percentile."""

    model_version: str | None
    score_date: str | None
    scores: dict[str, float] = field(default_factory=dict)
    percentiles: dict[str, float] = field(default_factory=dict)


def _date(fields: Fields, key: str, origin: str, *, required: bool) -> date | None:
    text = fields.str(key) if required else fields.opt_str(key)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as e:
        raise ParseError(origin, f"'{fields.context}.{key}' should be a date, found '{text}'") from e


def parse_kev(data: bytes, origin: str) -> KevCatalog:
    """The catalog in a KEV JSON feed; ParseError naming the origin and key path if malformed."""
    root = Fields(load_json(Document(path=origin, data=data)), "", error=lambda m: ParseError(origin, m))
    entries = []
    for item in root.tables("vulnerabilities"):
        entries.append(
            KevEntry(
                cve=item.str("cveID"),
                vendor=item.opt_str("vendorProject") or "",
                product=item.opt_str("product") or "",
                date_added=_date(item, "dateAdded", origin, required=True) or date.min,
                due_date=_date(item, "dueDate", origin, required=False),
                ransomware=item.opt_str("knownRansomwareCampaignUse"),
            )
        )
    return KevCatalog(
        version=root.opt_str("catalogVersion"), released=root.opt_str("dateReleased"), entries=tuple(entries)
    )


def _epss_header(line: str) -> dict[str, str]:
    pairs = (part.split(":", 1) for part in line.lstrip("#").split(",") if ":" in part)
    return {key.strip(): value.strip() for key, value in pairs}


def _epss_text(data: bytes, origin: str) -> str:
    if data[:2] == b"\x1f\x8b":  # the published file is gzip-compressed
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as e:
            raise ParseError(origin, f"invalid gzip data: {e}") from e
    return Document(path=origin, data=data).text()


def parse_epss(data: bytes, origin: str) -> EpssScores:
    """The scores in an EPSS CSV (plain or gzip); ParseError naming the origin and line if malformed."""
    lines = _epss_text(data, origin).splitlines()
    meta = _epss_header(lines[0]) if lines and lines[0].startswith("#") else {}
    offset = 1 if meta or (lines and lines[0].startswith("#")) else 0
    reader = csv.reader(io.StringIO("\n".join(lines[offset:])))
    header = next(reader, None)
    if header is None or [h.strip() for h in header[:3]] != ["cve", "epss", "percentile"]:
        raise ParseError(origin, "expected the header 'cve,epss,percentile'", line=offset + 1)
    scores, percentiles = {}, {}
    for number, row in enumerate(reader, start=offset + 2):
        try:
            cve, epss, percentile = row[0].strip().upper(), float(row[1]), float(row[2])
        except (IndexError, ValueError) as e:
            raise ParseError(origin, f"expected 'CVE-…,score,percentile', found {row!r}", line=number) from e
        if not (0.0 <= epss <= 1.0 and 0.0 <= percentile <= 1.0):
            raise ParseError(origin, f"scores must be between 0 and 1, found {row!r}", line=number)
        scores[cve], percentiles[cve] = epss, percentile
    return EpssScores(
        model_version=meta.get("model_version"),
        score_date=meta.get("score_date"),
        scores=scores,
        percentiles=percentiles,
    )


def read_url(url: str) -> bytes:
    """The bytes at a path or `file://` URL (at most MAX_BYTES)."""
    parsed = urlparse(url)
    path = Path(unquote(parsed.path)) if parsed.scheme == "file" else Path(url)
    if parsed.scheme not in {"", "file"}:
        raise InputError(f"{url}: unsupported URL scheme '{parsed.scheme}' (use a path or file://)")
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as e:
        raise InputError(f"{url}: cannot read: {e.strerror or e}") from e
    if len(data) > MAX_BYTES:
        raise InputError(f"{url}: larger than {MAX_BYTES} bytes")
    return data


__all__ = [
    "MAX_BYTES",
    "EpssScores",
    "KevCatalog",
    "KevEntry",
    "parse_epss",
    "parse_kev",
    "read_url",
]
