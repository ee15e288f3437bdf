"""The verdict as an OpenVEX document: one statement per vulnerability and component, with the action
taken (ISO/IEC 18974 §4.3.2 asks for it, even when it is "none required")."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from osswatch.policy.vex_formats import export_openvex

if TYPE_CHECKING:
    from osswatch.report.base import ReportOptions
    from osswatch.scan import ScanResult

AUTHOR_ENV = "OSSWATCH_VEX_AUTHOR"
"""Who the statements are from (default `osswatch`)."""


def render_openvex(result: ScanResult, options: ReportOptions, /) -> str:
    """OpenVEX v0.2.0 JSON of the scan's verdict (an empty document when no policy was evaluated)."""
    from osswatch.model import Verdict

    verdict = result.verdict or Verdict()
    author = os.environ.get(AUTHOR_ENV) or "osswatch"
    document = export_openvex(verdict, author=author, now=options.now or datetime.now(UTC))
    return json.dumps(document, indent=2, ensure_ascii=False)
