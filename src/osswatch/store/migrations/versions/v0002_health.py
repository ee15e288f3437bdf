"""Registry health: the HTTP response cache, and every version's publish time per package.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the health tables."""
    op.create_table(
        "http_cache",
        sa.Column("url", sa.String(2048), primary_key=True),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("etag", sa.String(1024), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "health_packages",
        sa.Column("ecosystem", sa.String(255), primary_key=True),
        sa.Column("name", sa.String(1024), primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("latest", sa.String(255), nullable=True),
        sa.Column("repository", sa.Text, nullable=True),
        sa.Column("deprecated", sa.Text, nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "health_versions",
        sa.Column("ecosystem", sa.String(255), primary_key=True),
        sa.Column("name", sa.String(1024), primary_key=True),
        sa.Column("version", sa.String(255), primary_key=True),
        sa.Column("published", sa.DateTime(timezone=True), nullable=True),
        sa.Column("yanked", sa.Boolean, nullable=False),
        sa.Column("deprecated", sa.Text, nullable=True),
        sa.ForeignKeyConstraint(
            ["ecosystem", "name"],
            ["health_packages.ecosystem", "health_packages.name"],
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    """Drop the health tables."""
    op.drop_table("health_versions")
    op.drop_table("health_packages")
    op.drop_table("http_cache")
