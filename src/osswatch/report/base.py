"""The seam between a scan result and its outputs: the `Reporter` protocol and the table of formats.

Each format is one module with one render function; the table names them by module path so that
only the format asked for is imported (`osswatch --help` stays instant). Facts every format needs
(a finding's suppression, a location relative to the scanned root) are computed here once, so the
formats cannot disagree about them.
"""

from __future__ import annotations

import contextlib
import enum
import importlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast
from urllib.parse import quote

from osswatch.model import Finding, Level, Location, Suppression, Verdict, Violation

if TYPE_CHECKING:
    from osswatch.scan import ScanResult


class ReportFormat(enum.StrEnum):
    """Output formats of `osswatch scan --format`."""

    TABLE = "table"
    JSON = "json"
    SARIF = "sarif"
    MARKDOWN = "markdown"
    HTML = "html"
    CYCLONEDX = "cyclonedx"
    VEX = "vex"
    OPENVEX = "openvex"


@dataclass(frozen=True, kw_only=True, slots=True)
class ReportOptions:
    """What a renderer needs besides the result: where the scan started, and the time to stamp."""

    root: Path | None = None
    """The scanned folder: SARIF and the documents show lockfile paths relative to it."""
    now: datetime | None = None
    """The generation time to write (defaults to now; fixed in tests for stable output)."""


class Reporter(Protocol):
    """A render function: a scan result to the text of one output format."""

    def __call__(self, result: ScanResult, options: ReportOptions, /) -> str:
        """The whole output document as text."""
        ...


RENDERERS: Mapping[ReportFormat, str] = {
    ReportFormat.TABLE: "osswatch.report.table:render_scan_text",
    ReportFormat.JSON: "osswatch.report.json_document:render_scan_json",
    ReportFormat.SARIF: "osswatch.report.sarif:render_sarif",
    ReportFormat.MARKDOWN: "osswatch.report.markdown:render_markdown",
    ReportFormat.HTML: "osswatch.report.html:render_html",
    ReportFormat.CYCLONEDX: "osswatch.report.cyclonedx:render_cyclonedx",
    ReportFormat.VEX: "osswatch.report.cyclonedx:render_vex",
    ReportFormat.OPENVEX: "osswatch.report.openvex:render_openvex",
}
"""Every format and the function that renders it, as `module:function`."""


def reporter_for(output_format: ReportFormat) -> Reporter:
    """The render function of a format, imported on first use."""
    module_name, _, function = RENDERERS[output_format].partition(":")
    return cast("Reporter", getattr(importlib.import_module(module_name), function))


def render(result: ScanResult, output_format: ReportFormat, options: ReportOptions | None = None) -> str:
    """The result in one format."""
    return reporter_for(output_format)(result, options or ReportOptions())


# --- facts shared by every format -------------------------------------------------------------


class PolicyIndex:
    """The verdict's violations by finding, indexed once per render so lookups stay linear."""

    def __init__(self, verdict: Verdict | None) -> None:
        self._about: dict[Finding, list[Violation]] = defaultdict(list)
        for violation in verdict.violations if verdict else ():
            if violation.finding is not None:
                self._about[violation.finding].append(violation)

    def suppression(self, finding: Finding) -> Suppression | None:
        """The suppression of a finding when every violation about it is suppressed (else None)."""
        about = self._about.get(finding, [])
        if not about or any(v.is_active for v in about):
            return None
        return about[0].suppressed

    def level(self, finding: Finding) -> Level | None:
        """The worst active level a violation gives this finding (None: none, or no policy)."""
        levels = {v.level for v in self._about.get(finding, ()) if v.is_active}
        return next((level for level in Level if level in levels), None)


def active(verdict: Verdict | None) -> list[Violation]:
    """The verdict's active violations, fail first, then warn, then info."""
    if verdict is None:
        return []
    order = list(Level)
    return sorted((v for v in verdict.violations if v.is_active), key=lambda v: order.index(v.level))


def relative_path(location: Location, root: Path | None) -> str:
    """The location's file relative to `root` with forward slashes (as given if outside it)."""
    path = Path(location.path.replace("\\", "/"))  # a Windows path read elsewhere
    if root is not None:
        with contextlib.suppress(ValueError):  # outside the root: keep the path as given
            path = path.resolve().relative_to(root.resolve())
    return path.as_posix()


def advisory_url(advisory_id: str) -> str:
    """The public page of an advisory id on osv.dev (which knows every id OSV aggregates)."""
    return f"https://osv.dev/vulnerability/{quote(advisory_id, safe='')}"
