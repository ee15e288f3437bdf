"""A scan result as GitHub-flavoured Markdown for a pull-request comment.

The summary comes first (verdict, counts, the next action), then the fixes, then the details
folded in `<details>` blocks so the comment stays short on screen. Every text taken from a file or
an advisory is escaped (a package name must not open HTML or a table cell). GitHub rejects
comments over 65,536 characters, so the output is cut at whole lines below `limit` with a note.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator

from osswatch.model import Finding, Level, Verdict, Violation
from osswatch.remediation import fix_plan
from osswatch.report.base import PolicyIndex, ReportOptions, active, advisory_url
from osswatch.report.table import closing_line, fix_text, severity_groups
from osswatch.scan import ScanResult

GITHUB_COMMENT_LIMIT = 65_536
"""The largest comment body GitHub accepts, in characters."""
_TRUNCATED = (
    "\n\n> ⚠️ This report was cut to fit a comment; run `osswatch scan --format html` for all of it.\n"
)
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
"""Inline markup characters; `<`, `>` and `&` are HTML-escaped, and no escaped text starts a line."""
_ICONS = {Level.FAIL: "❌", Level.WARN: "⚠️", Level.INFO: "ℹ️"}


def render_markdown(result: ScanResult, options: ReportOptions, /) -> str:
    """The whole comment, within GitHub's limit."""
    return truncated("\n".join(markdown_lines(result)), GITHUB_COMMENT_LIMIT)


def md(text: str) -> str:
    """Text safe inside Markdown and HTML: markup characters escaped, newlines flattened."""
    return _SPECIAL.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))


def truncated(text: str, limit: int) -> str:
    """`text`, or its longest prefix of whole lines that fits `limit` with the truncation note."""
    if len(text) <= limit:
        return text
    budget = limit - len(_TRUNCATED) - len("\n</details>")
    cut = text.rfind("\n", 0, budget)
    head = text[: cut if cut > 0 else budget]
    # An open <details> would swallow the note; close it.
    closer = "\n</details>" if head.count("<details>") > head.count("</details>") else ""
    return head + closer + _TRUNCATED


def markdown_lines(result: ScanResult) -> Iterator[str]:
    """Every line of the comment, in order."""
    yield from _summary(result)
    yield from _fixes(result)
    index = PolicyIndex(result.verdict)
    for level, findings in severity_groups(result.findings):
        yield from _folded(f"{level.capitalize()} ({len(findings)})", _findings_table(findings, index))
    if result.verdict is not None:
        yield from _violations(result.verdict)


def _summary(result: ScanResult) -> Iterator[str]:
    verdict = result.verdict
    title = "osswatch scan"
    if verdict is not None:
        title += ": ✅ passed" if verdict.is_passed else ": ❌ failed"
    yield f"## {title}"
    yield ""
    yield f"**{md(closing_line(result))}**"
    yield ""
    components = len(result.inventory.components)
    yield f"{components} components, {len(result.findings)} known vulnerabilities."
    if verdict is not None:
        counts = ", ".join(f"{verdict.count(level)} {level}" for level in Level)
        suppressed = sum(1 for v in verdict.violations if not v.is_active)
        yield f"Policy `{md(verdict.policy_name)}`: {counts}, {suppressed} suppressed."
        for note in verdict.notes:
            yield f"> {md(note)}"
    yield ""


def _fixes(result: ScanResult) -> Iterator[str]:
    plan = fix_plan(result)
    if not plan.upgrades and not plan.unfixable:
        return
    yield "### Fixes"
    yield ""
    for upgrade in plan.upgrades:
        ids = ", ".join(md(i) for i in upgrade.clears)
        yield f"- [ ] {md(upgrade.action)} — clears {ids}"
    for finding in plan.unfixable:
        component = finding.component
        yield f"- no fix yet: {md(finding.id)} in {md(component.name)} {md(component.version or '')}"
    yield ""


def _folded(summary: str, lines: Iterable[str]) -> Iterator[str]:
    yield "<details>"
    yield f"<summary>{md(summary)}</summary>"
    yield ""
    yield from lines
    yield ""
    yield "</details>"
    yield ""


def _findings_table(findings: list[Finding], index: PolicyIndex) -> Iterator[str]:
    yield "| Package | Installed | Vulnerability | Policy | Fix | Summary |"
    yield "|---|---|---|---|---|---|"
    for finding in findings:
        suppression = index.suppression(finding)
        level = index.level(finding)
        policy = f"{_ICONS[level]} {level}" if level else ""
        if suppression is not None:
            policy = f"suppressed ({md(suppression.kind)}: {md(suppression.reason)})"
        score = f" {finding.rating.score:.1f}" if finding.rating.score is not None else ""
        cells = (
            md(finding.component.name),
            md(finding.component.version or ""),
            f"[{md(finding.id)}]({advisory_url(finding.id)}){score}",
            policy,
            md(fix_text(finding)),
            md(finding.summary),
        )
        yield "| " + " | ".join(cells) + " |"


def _violations(verdict: Verdict) -> Iterator[str]:
    shown = [v for v in active(verdict) if v.finding is None]
    if shown:
        yield from _folded(f"Policy violations ({len(shown)})", _violation_rows(shown))
    suppressed = [v for v in verdict.violations if not v.is_active]
    if suppressed:
        yield from _folded(f"Suppressed ({len(suppressed)})", _violation_rows(suppressed))


def _violation_rows(violations: list[Violation]) -> Iterator[str]:
    yield "| Level | Rule | Component | Message | Action |"
    yield "|---|---|---|---|---|"
    for violation in violations:
        component = violation.component or (violation.finding.component if violation.finding else None)
        name = f"{component.name} {component.version or ''}" if component else ""
        action = violation.remediation or ""
        if violation.suppressed is not None:
            action = f"{violation.suppressed.kind}: {violation.suppressed.reason}"
        cells = (violation.level.value, violation.rule_id, name, violation.message, action)
        yield "| " + " | ".join(md(cell) for cell in cells) + " |"
