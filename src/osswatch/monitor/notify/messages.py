"""What a notification says: one event document, and its rendering for each channel (pure, no I/O).

The event document (`schema: osswatch/notification/1`) is the body of a generic webhook. Slack gets
`{"text", "blocks"}` (https://api.slack.com/messaging/webhooks; mrkdwn escaped as Slack asks:
https://api.slack.com/reference/surfaces/formatting#escaping), email a subject and a plain-text body.
The rendering is stored with the delivery, so a retry sends the very same message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, assert_never

from osswatch.monitor.findings import StoredFinding
from osswatch.monitor.notify.rules import ChannelKind, Event, Rule
from osswatch.monitor.triage import TriageEntry

SCHEMA = "osswatch/notification/1"
"""The version of the event document."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Notice:
    """One event of one project, as a rule is told about it."""

    event: Event
    occurred_at: datetime
    rule: Rule
    project_id: int
    project_name: str
    finding: StoredFinding | None = None
    previous_passed: bool | None = None
    passed: bool | None = None
    snapshot_id: int | None = None
    waiver: TriageEntry | None = None


def document(notice: Notice) -> dict[str, Any]:
    """The event document: what happened, to which project and finding, for which rule."""
    body: dict[str, Any] = {
        "schema": SCHEMA,
        "event": notice.event.value,
        "occurred_at": notice.occurred_at.isoformat(),
        "summary": headline(notice),
        "rule": {"id": notice.rule.id, "name": notice.rule.name},
        "project": {"id": notice.project_id, "name": notice.project_name},
    }
    if notice.finding is not None:
        body["finding"] = _finding(notice.finding)
    if notice.event is Event.VERDICT_CHANGED:
        body["verdict"] = {
            "snapshot_id": notice.snapshot_id,
            "previous_passed": notice.previous_passed,
            "passed": notice.passed,
        }
    if notice.waiver is not None:
        body["waiver"] = {
            "state": notice.waiver.state.value,
            "expires": None if notice.waiver.expires is None else notice.waiver.expires.isoformat(),
            "comment": notice.waiver.comment,
            "author": notice.waiver.author,
            "decided_at": notice.waiver.at.isoformat(),
        }
    return body


def _finding(item: StoredFinding) -> dict[str, Any]:
    return {
        "id": item.id,
        "vulnerability_id": item.vulnerability_id,
        "aliases": list(item.aliases),
        "component_purl": item.component_purl,
        "severity": item.severity,
        "fixed_in": list(item.fixed_in),
        "first_seen": item.first_seen.isoformat(),
        "fixed_at": None if item.fixed_at is None else item.fixed_at.isoformat(),
    }


def headline(notice: Notice) -> str:
    """One line saying what happened (the email subject, Slack's fallback text)."""
    project = notice.project_name
    item = notice.finding
    about = "" if item is None else f"{item.vulnerability_id} ({item.severity}) in {item.component_purl}"
    match notice.event:
        case Event.NEW_FINDING:
            return f"[{project}] new finding: {about}"
        case Event.REOPENED:
            return f"[{project}] finding reopened: {about}"
        case Event.FIXED:
            return f"[{project}] finding fixed: {about}"
        case Event.WAIVER_EXPIRED:
            return f"[{project}] accepted risk expired: {about}"
        case Event.VERDICT_CHANGED:
            outcome = "passes" if notice.passed else "fails"
            return f"[{project}] the policy now {outcome}"
        case _:
            assert_never(notice.event)


def render(channel: ChannelKind, notice: Notice) -> dict[str, Any]:
    """The message as `channel` sends it (stored as the delivery's payload)."""
    match channel:
        case ChannelKind.WEBHOOK:
            return document(notice)
        case ChannelKind.SLACK:
            return slack_message(notice)
        case ChannelKind.EMAIL:
            return email_message(notice)
        case _:
            assert_never(channel)


def slack_message(notice: Notice) -> dict[str, Any]:
    """A Slack incoming-webhook body: the headline as text, and blocks with the details."""
    lines = [f"*{_escape(headline(notice))}*"]
    lines += [f"{_escape(label)}: {_escape(value)}" for label, value in details(notice)]
    return {
        "text": headline(notice),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}},
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": _escape(f"osswatch rule “{notice.rule.name}”")}],
            },
        ],
    }


def email_message(notice: Notice) -> dict[str, Any]:
    """An email: subject (one line) and plain-text body; the recipients come from the rule's target."""
    body = [headline(notice), ""]
    body += [f"{label}: {value}" for label, value in details(notice)]
    body += ["", f"Sent by osswatch for the notification rule “{notice.rule.name}”."]
    return {"subject": " ".join(headline(notice).split()), "text": "\n".join(body) + "\n"}


def details(notice: Notice) -> list[tuple[str, str]]:
    """The facts of a notice as (label, value) lines."""
    rows = [("Project", notice.project_name), ("Event", notice.event.value)]
    item = notice.finding
    if item is not None:
        rows += [
            ("Vulnerability", item.vulnerability_id),
            ("Severity", item.severity),
            ("Component", item.component_purl),
            ("Fixed in", ", ".join(item.fixed_in) or "no fixed version known"),
        ]
        if item.aliases:
            rows.append(("Aliases", ", ".join(item.aliases)))
    if notice.event is Event.VERDICT_CHANGED:
        rows.append(("Policy", f"{_outcome(notice.previous_passed)} → {_outcome(notice.passed)}"))
    if notice.waiver is not None and notice.waiver.expires is not None:
        rows.append(("Accepted until", notice.waiver.expires.isoformat()))
        rows.append(("Reason", notice.waiver.comment))
    return rows


def _outcome(passed: bool | None) -> str:
    return "unknown" if passed is None else "pass" if passed else "fail"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["SCHEMA", "Notice", "details", "document", "email_message", "headline", "render", "slack_message"]
