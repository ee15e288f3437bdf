"""The standards catalog: standards and the open-source projects that implement or test them.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_ROLES = "role IN ('reference_implementation', 'conformance_suite', 'tool')"


def upgrade() -> None:
    """Create the catalog tables."""
    op.create_table(
        "standards",
        sa.Column("id", sa.String(255), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("body", sa.String(255), nullable=False),
        sa.Column("number", sa.String(255), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
    )
    op.create_table(
        "catalog_implementations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "standard_id", sa.String(255), sa.ForeignKey("standards.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("repository", sa.String(1024), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("project", sa.String(255), nullable=True),
        sa.Column("name", sa.String(255), nullable=True),
        sa.Column("notes", sa.Text, nullable=True),
        sa.CheckConstraint(_ROLES, name="ck_catalog_implementations_role"),
        sa.UniqueConstraint("standard_id", "repository", name="uq_catalog_implementations_repository"),
    )
    op.create_index("ix_catalog_implementations_project", "catalog_implementations", ["project"])


def downgrade() -> None:
    """Drop the catalog tables."""
    op.drop_table("catalog_implementations")
    op.drop_table("standards")
