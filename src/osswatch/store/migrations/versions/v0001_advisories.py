"""Advisories, their package index, aliases and per-ecosystem sync state.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the advisory tables."""
    op.create_table(
        "advisories",
        sa.Column("id", sa.String(255), primary_key=True),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("modified", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", sa.LargeBinary, nullable=False),
        sa.Column("digest", sa.LargeBinary(16), nullable=False),
    )
    op.create_index("ix_advisories_source", "advisories", ["source"])
    op.create_table(
        "affected_packages",
        sa.Column("ecosystem", sa.String(255), primary_key=True),
        sa.Column("name", sa.String(1024), primary_key=True),
        sa.Column(
            "advisory_id",
            sa.String(255),
            sa.ForeignKey("advisories.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_affected_packages_advisory", "affected_packages", ["advisory_id"])
    op.create_table(
        "aliases",
        sa.Column(
            "advisory_id",
            sa.String(255),
            sa.ForeignKey("advisories.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("alias", sa.String(255), primary_key=True),
    )
    op.create_index("ix_aliases_alias", "aliases", ["alias"])
    op.create_table(
        "sync_state",
        sa.Column("ecosystem", sa.String(255), primary_key=True),
        sa.Column("source_url", sa.Text, nullable=False),
        sa.Column("last_sync", sa.DateTime(timezone=True), nullable=False),
        sa.Column("newest_modified", sa.DateTime(timezone=True), nullable=True),
        sa.Column("advisory_count", sa.Integer, nullable=False),
        sa.Column("skipped_count", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    """Drop the advisory tables."""
    op.drop_table("sync_state")
    op.drop_table("aliases")
    op.drop_table("affected_packages")
    op.drop_table("advisories")
