"""A scan result as one self-contained HTML page: inline CSS, no script, no external asset.

Built with plain strings and `html.escape` rather than a template engine, so the core does not
need Jinja2 at run time and every interpolation is visibly escaped. The only URLs are anchors to
advisories (`<a href>` to osv.dev), never `src=` or stylesheet links, so the page renders the same
offline and leaks nothing when opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from html import escape

from osswatch import __version__
from osswatch.model import Finding, Verdict, Violation
from osswatch.remediation import fix_plan
from osswatch.report.base import PolicyIndex, ReportOptions, active, advisory_url
from osswatch.report.table import closing_line, fix_text, severity_groups
from osswatch.scan import ScanResult

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#1f2328;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
.verdict{font-size:1.1rem;font-weight:600;padding:.75rem 1rem;border-radius:6px;background:#f6f8fa}
.failed{background:#ffebe9;border-left:4px solid #cf222e}
.passed{background:#dafbe1;border-left:4px solid #1a7f37}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#f6f8fa}
.critical{color:#fff;background:#a40e26}.high{color:#cf222e}.medium{color:#9a6700}.low{color:#0969da}
.fail{color:#cf222e;font-weight:600}.warn{color:#9a6700}.info,.muted{color:#656d76}
code{background:#f6f8fa;padding:1px 4px;border-radius:4px}
"""


def render_html(result: ScanResult, options: ReportOptions, /) -> str:
    """The whole page."""
    moment = (options.now or datetime.now(UTC)).astimezone(UTC)
    verdict = result.verdict
    state = "" if verdict is None else ("passed" if verdict.is_passed else "failed")
    body = "\n".join(
        [
            "<h1>osswatch scan report</h1>",
            f'<p class="muted">Generated {escape(moment.isoformat(timespec="seconds"))} by osswatch '
            f"{escape(__version__)} · {len(result.inventory.components)} components · "
            f"{len(result.findings)} known vulnerabilities</p>",
            f'<p class="verdict {state}">{escape(closing_line(result))}</p>',
            *_notes(verdict),
            *_fixes(result),
            *_findings(result),
            *_violations(verdict),
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>osswatch scan report</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _notes(verdict: Verdict | None) -> Iterator[str]:
    for note in verdict.notes if verdict else ():
        yield f'<p class="warn">{escape(note)}</p>'


def _fixes(result: ScanResult) -> Iterator[str]:
    plan = fix_plan(result)
    if not plan.upgrades and not plan.unfixable:
        return
    yield "<h2>Fixes</h2>\n<ul>"
    for upgrade in plan.upgrades:
        yield f"<li><code>{escape(upgrade.action)}</code> — clears {escape(', '.join(upgrade.clears))}</li>"
    for finding in plan.unfixable:
        component = finding.component
        yield (
            f"<li>no fix yet: {_advisory_link(finding.id)} in "
            f"{escape(component.name)} {escape(component.version or '')}</li>"
        )
    yield "</ul>"


def _advisory_link(advisory_id: str) -> str:
    return f'<a href="{escape(advisory_url(advisory_id))}">{escape(advisory_id)}</a>'


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]]) -> Iterator[str]:
    """A table whose cells are already-escaped HTML."""
    yield (
        "<table>\n<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in headers) + "</tr></thead>\n<tbody>"
    )
    for row in rows:
        yield "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
    yield "</tbody>\n</table>"


def _findings(result: ScanResult) -> Iterator[str]:
    index = PolicyIndex(result.verdict)
    for level, findings in severity_groups(result.findings):
        yield f'<h2 class="{escape(level)}">{escape(level.capitalize())} ({len(findings)})</h2>'
        headers = ("Package", "Installed", "Vulnerability", "Policy", "Fix", "Summary", "Source")
        yield from _table(headers, (_finding_row(f, index) for f in findings))


def _finding_row(finding: Finding, index: PolicyIndex) -> list[str]:
    component = finding.component
    level = index.level(finding)
    policy = f'<span class="{level.value}">{escape(level.value)}</span>' if level else ""
    suppression = index.suppression(finding)
    if suppression is not None:
        policy = f'<span class="muted">{escape(suppression.kind)}: {escape(suppression.reason)}</span>'
    score = f" {finding.rating.score:.1f}" if finding.rating.score is not None else ""
    aliases = escape(", ".join(finding.aliases))
    where = component.location.path + (f":{component.location.line}" if component.location.line else "")
    return [
        escape(component.name),
        escape(component.version or ""),
        f'{_advisory_link(finding.id)}{score}<br><span class="muted">{aliases}</span>',
        policy,
        f"<code>{escape(fix_text(finding))}</code>",
        escape(finding.summary),
        escape(where),
    ]


def _violations(verdict: Verdict | None) -> Iterator[str]:
    if verdict is None:
        return
    yield f"<h2>Policy {escape(verdict.policy_name)}</h2>"
    shown = active(verdict) + [v for v in verdict.violations if not v.is_active]
    if not shown:
        yield "<p>No violations.</p>"
        return
    yield from _table(("Level", "Rule", "Component", "Message", "Action"), map(_violation_row, shown))


def _violation_row(violation: Violation) -> list[str]:
    component = violation.component or (violation.finding.component if violation.finding else None)
    name = f"{component.name} {component.version or ''}" if component else ""
    level = f'<span class="{violation.level.value}">{escape(violation.level.value)}</span>'
    action = escape(violation.remediation or "")
    if violation.suppressed is not None:
        level = f'<span class="muted">{escape(violation.level.value)} (suppressed)</span>'
        action = escape(f"{violation.suppressed.kind}: {violation.suppressed.reason}")
    return [level, escape(violation.rule_id), escape(name), escape(violation.message), action]
