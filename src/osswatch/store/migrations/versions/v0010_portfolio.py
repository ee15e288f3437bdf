"""Server mode: teams, API keys, projects, snapshots and their components, findings, triage, notifications.

Revision ID: 0010
Revises: 0003
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0003"
branch_labels = None
depends_on = None

_ROLES = "role IN ('viewer', 'editor', 'admin')"
_STATES = "state IN ('in_triage', 'not_affected', 'false_positive', 'accepted_risk', 'resolved')"


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _fk(name: str, target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> sa.Column[int]:
    return sa.Column(name, sa.Integer, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable)


def _time(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create the portfolio tables."""
    _create_owners()
    _create_snapshots()
    _create_findings()
    _create_notifications()


def _create_owners() -> None:
    op.create_table(
        "teams",
        _id(),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        _time("created"),
    )
    op.create_table(
        "api_keys",
        _id(),
        _fk("team_id", "teams.id"),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("prefix", sa.String(32), nullable=False, unique=True),
        sa.Column("hash", sa.String(255), nullable=False),
        _time("created"),
        _time("revoked_at", nullable=True),
        sa.CheckConstraint(_ROLES, name="ck_api_keys_role"),
    )
    op.create_index("ix_api_keys_team", "api_keys", ["team_id"])
    op.create_table(
        "projects",
        _id(),
        _fk("team_id", "teams.id"),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("version", sa.String(255), nullable=True),
        sa.Column("tags", sa.JSON, nullable=False),
        _time("created"),
        sa.UniqueConstraint("team_id", "name", name="uq_projects_team_name"),
    )


def _create_snapshots() -> None:
    op.create_table(
        "snapshots",
        _id(),
        _fk("project_id", "projects.id"),
        _time("uploaded_at"),
        sa.Column("source_kind", sa.String(255), nullable=False),
        sa.Column("component_count", sa.Integer, nullable=False),
        sa.Column("verdict_summary", sa.JSON, nullable=False),
        sa.Column("digest", sa.LargeBinary(16), nullable=False),
    )
    op.create_index("ix_snapshots_project", "snapshots", ["project_id", "id"])
    op.create_table(
        "snapshot_components",
        _id(),
        _fk("snapshot_id", "snapshots.id"),
        sa.Column("ecosystem", sa.String(255), nullable=True),
        sa.Column("name", sa.String(1024), nullable=False),
        sa.Column("version", sa.String(255), nullable=True),
        sa.Column("purl", sa.Text, nullable=True),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("direct", sa.Boolean, nullable=True),
        sa.Column("source_path", sa.Text, nullable=False),
    )
    op.create_index(
        "ix_snapshot_components_package", "snapshot_components", ["ecosystem", "name", "snapshot_id"]
    )
    op.create_index("ix_snapshot_components_snapshot", "snapshot_components", ["snapshot_id"])


def _create_findings() -> None:
    op.create_table(
        "findings",
        _id(),
        _fk("project_id", "projects.id"),
        sa.Column("vulnerability_id", sa.String(255), nullable=False),
        sa.Column("aliases", sa.JSON, nullable=False),
        sa.Column("component_purl", sa.String(1024), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("fixed_in", sa.JSON, nullable=False),
        _time("first_seen"),
        _time("last_seen"),
        _time("fixed_at", nullable=True),
        sa.UniqueConstraint("project_id", "vulnerability_id", "component_purl", name="uq_findings_key"),
    )
    op.create_table(
        "triage",
        _id(),
        _fk("finding_id", "findings.id"),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("justification", sa.String(64), nullable=True),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        _time("expires", nullable=True),
        _time("at"),
        sa.CheckConstraint(_STATES, name="ck_triage_state"),
    )
    op.create_index("ix_triage_finding", "triage", ["finding_id", "id"])


def _create_notifications() -> None:
    op.create_table(
        "notification_rules",
        _id(),
        _fk("team_id", "teams.id"),
        _fk("project_id", "projects.id", nullable=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("min_severity", sa.String(16), nullable=False),
        sa.Column("events", sa.JSON, nullable=False),
        sa.Column("is_enabled", sa.Boolean, nullable=False),
        _time("created"),
    )
    op.create_index("ix_notification_rules_team", "notification_rules", ["team_id"])
    op.create_table(
        "notification_deliveries",
        _id(),
        _fk("rule_id", "notification_rules.id"),
        _fk("finding_id", "findings.id", nullable=True, ondelete="SET NULL"),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("key", sa.String(255), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        _time("created"),
        _time("delivered_at", nullable=True),
    )
    op.create_index("ix_notification_deliveries_rule", "notification_deliveries", ["rule_id"])


def downgrade() -> None:
    """Drop the portfolio tables, dependents first."""
    for table in (
        "notification_deliveries",
        "notification_rules",
        "triage",
        "findings",
        "snapshot_components",
        "snapshots",
        "projects",
        "api_keys",
        "teams",
    ):
        op.drop_table(table)
