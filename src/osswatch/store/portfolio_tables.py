"""The tables of server mode: teams, API keys, projects, their snapshots, findings over time, and triage.

Every row a user can read hangs off a team (projects directly, everything else through its project), so a
read filtered by team id can never return another team's rows. `snapshot_components` is indexed on
(ecosystem, name, snapshot_id): "which projects use package X" is an index range scan, never a table scan.
`triage` is append-only: the newest row of a finding is its current state, older rows are the audit trail.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from osswatch.store.schema import metadata

ROLES = ("viewer", "editor", "admin")
"""API key roles, weakest first."""

TRIAGE_STATES = ("in_triage", "not_affected", "false_positive", "accepted_risk", "resolved")
"""The states a finding can be triaged to (CycloneDX analysis states, plus `accepted_risk`)."""


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


teams = Table(
    "teams",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("created", DateTime(timezone=True), nullable=False),
)
"""One row per team: the unit of isolation."""

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", Integer, ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(16), nullable=False),
    Column("name", String(255), nullable=False),
    Column("prefix", String(32), nullable=False, unique=True, doc="the public part of the key, for lookup"),
    Column("hash", String(255), nullable=False, doc="scrypt$n$r$p$salt$digest of the secret part"),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    CheckConstraint(_one_of("role", ROLES), name="ck_api_keys_role"),
    Index("ix_api_keys_team", "team_id"),
)
"""One row per API key: never the key itself, only a salted hash of its secret part."""

projects = Table(
    "projects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", Integer, ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("version", String(255), nullable=True),
    Column("tags", JSON, nullable=False, doc="a JSON list of strings"),
    Column("created", DateTime(timezone=True), nullable=False),
    UniqueConstraint("team_id", "name", name="uq_projects_team_name"),
)
"""One row per monitored project."""

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Column("source_kind", String(255), nullable=False, doc="the parsers that read it, comma-separated"),
    Column("component_count", Integer, nullable=False),
    Column("verdict_summary", JSON, nullable=False, doc="finding counts per severity, policy outcome"),
    Column("digest", LargeBinary(16), nullable=False, doc="BLAKE2b-128 of the content, to skip repeats"),
    Column("health", JSON, nullable=True, doc="the health summary (libyears, stale share), when assessed"),
    Column("verdict", JSON, nullable=True, doc="the policy verdict with every rule's result"),
    Column("evaluated_at", DateTime(timezone=True), nullable=True, doc="when findings were last matched"),
    Column("sources", JSON, nullable=True, doc="the files read, with their SBOM metadata"),
    Index("ix_snapshots_project", "project_id", "id"),
)
"""One row per inventory uploaded for a project; the highest id is the project's latest."""

snapshot_components = Table(
    "snapshot_components",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
    Column("ecosystem", String(255), nullable=True, doc="base OSV ecosystem; null when unidentified"),
    Column("name", String(1024), nullable=False, doc="normalized package name"),
    Column("version", String(255), nullable=True),
    Column("purl", Text, nullable=True, doc="the full identity, with qualifiers such as the distro"),
    Column("scope", String(16), nullable=False),
    Column("direct", Boolean, nullable=True),
    Column("source_path", Text, nullable=False),
    Column("health", JSON, nullable=True, doc="the component's health document, when assessed"),
    Column("detail", JSON, nullable=True, doc="the component as read (monitor.stored_inventory)"),
    Index("ix_snapshot_components_package", "ecosystem", "name", "snapshot_id"),
    Index("ix_snapshot_components_snapshot", "snapshot_id"),
)
"""The components of each snapshot."""

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("vulnerability_id", String(255), nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("component_purl", String(1024), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("fixed_in", JSON, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("fixed_at", DateTime(timezone=True), nullable=True, doc="null while the finding is open"),
    UniqueConstraint("project_id", "vulnerability_id", "component_purl", name="uq_findings_key"),
)
"""One row per vulnerability of a component of a project, over the project's whole history."""

triage = Table(
    "triage",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("finding_id", Integer, ForeignKey("findings.id", ondelete="CASCADE"), nullable=False),
    Column("state", String(32), nullable=False),
    Column("justification", String(64), nullable=True, doc="the VEX justification of not_affected"),
    Column("comment", Text, nullable=False),
    Column("author", String(255), nullable=False),
    Column("expires", DateTime(timezone=True), nullable=True, doc="when an accepted risk must be reviewed"),
    Column("at", DateTime(timezone=True), nullable=False),
    CheckConstraint(_one_of("state", TRIAGE_STATES), name="ck_triage_state"),
    Index("ix_triage_finding", "finding_id", "id"),
)
"""Append-only triage decisions; the newest row per finding is its current state."""

notification_rules = Table(
    "notification_rules",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", Integer, ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
    Column("project_id", Integer, ForeignKey("projects.id", ondelete="CASCADE"), nullable=True),
    Column("name", String(255), nullable=False),
    Column("channel", String(16), nullable=False, doc="webhook, slack or email"),
    Column("target", Text, nullable=False, doc="the URL or address"),
    Column("min_severity", String(16), nullable=False),
    Column(
        "events",
        JSON,
        nullable=False,
        doc="which changes notify: new_finding, reopened, fixed, verdict_changed, waiver_expired",
    ),
    Column("is_enabled", Boolean, nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("secret", String(255), nullable=True, doc="the HMAC-SHA256 key of webhook signatures"),
    Index("ix_notification_rules_team", "team_id"),
)
"""Who is told about what (a null project means every project of the team)."""

notification_deliveries = Table(
    "notification_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("rule_id", Integer, ForeignKey("notification_rules.id", ondelete="CASCADE"), nullable=False),
    Column("finding_id", Integer, ForeignKey("findings.id", ondelete="SET NULL"), nullable=True),
    Column("event", String(16), nullable=False),
    Column("key", String(255), nullable=False, unique=True, doc="idempotency key: a retried job sends once"),
    Column("status", String(16), nullable=False, doc="pending, sent or failed"),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
    Column(
        "project_id",
        Integer,
        ForeignKey("projects.id", ondelete="CASCADE", name="fk_notification_deliveries_project"),
        nullable=True,
    ),
    Column("payload", JSON, nullable=True, doc="the message, so that a retry sends the same bytes"),
    Column("next_attempt_at", DateTime(timezone=True), nullable=True, doc="when a failed send is retried"),
    Index("ix_notification_deliveries_rule", "rule_id"),
)
"""The log of notifications: one row per rule and event, with its delivery status."""

JOB_STATES = ("queued", "running", "done", "failed")
"""The life of a job: queued, running, then done or failed (a redelivered job runs again from queued)."""

jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(255), nullable=False, unique=True, doc="idempotency key: one row per logical job"),
    Column("kind", String(32), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("error", Text, nullable=True),
    Column("result", JSON, nullable=True),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    CheckConstraint(_one_of("status", JOB_STATES), name="ck_jobs_status"),
    Index("ix_jobs_status", "status", "id"),
)
"""Background jobs by key: a job enqueued twice or redelivered after a crash runs to one result."""

__all__ = [
    "JOB_STATES",
    "ROLES",
    "TRIAGE_STATES",
    "api_keys",
    "findings",
    "jobs",
    "notification_deliveries",
    "notification_rules",
    "projects",
    "snapshot_components",
    "snapshots",
    "teams",
    "triage",
]
