"""Continuous monitoring: each snapshot's health and full verdict, keyed jobs, notification secrets.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_JOB_STATES = "status IN ('queued', 'running', 'done', 'failed')"


def upgrade() -> None:
    """Add the monitoring columns and the jobs table."""
    with op.batch_alter_table("snapshots") as batch:
        batch.add_column(sa.Column("health", sa.JSON, nullable=True))
        batch.add_column(sa.Column("verdict", sa.JSON, nullable=True))
        batch.add_column(sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("snapshot_components") as batch:
        batch.add_column(sa.Column("health", sa.JSON, nullable=True))
    with op.batch_alter_table("notification_rules") as batch:
        batch.add_column(sa.Column("secret", sa.String(255), nullable=True))
    with op.batch_alter_table("notification_deliveries") as batch:
        batch.add_column(sa.Column("project_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("payload", sa.JSON, nullable=True))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            "fk_notification_deliveries_project", "projects", ["project_id"], ["id"], ondelete="CASCADE"
        )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(255), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("result", sa.JSON, nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_JOB_STATES, name="ck_jobs_status"),
    )
    op.create_index("ix_jobs_status", "jobs", ["status", "id"])


def downgrade() -> None:
    """Drop the jobs table and the monitoring columns."""
    op.drop_table("jobs")
    with op.batch_alter_table("notification_deliveries") as batch:
        batch.drop_constraint("fk_notification_deliveries_project", type_="foreignkey")
        for column in ("next_attempt_at", "payload", "project_id"):
            batch.drop_column(column)
    with op.batch_alter_table("notification_rules") as batch:
        batch.drop_column("secret")
    with op.batch_alter_table("snapshot_components") as batch:
        batch.drop_column("health")
    with op.batch_alter_table("snapshots") as batch:
        for column in ("evaluated_at", "verdict", "health"):
            batch.drop_column(column)
