"""Snapshots keep their inventory in full: each component as read, and the files it came from.

`snapshot_components.detail` and `snapshots.sources` (see `osswatch.monitor.stored_inventory`). Both are
nullable and left empty on existing rows: those are read back as before (identity from the purl).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the columns."""
    with op.batch_alter_table("snapshot_components") as batch:
        batch.add_column(sa.Column("detail", sa.JSON, nullable=True))
    with op.batch_alter_table("snapshots") as batch:
        batch.add_column(sa.Column("sources", sa.JSON, nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("snapshots") as batch:
        batch.drop_column("sources")
    with op.batch_alter_table("snapshot_components") as batch:
        batch.drop_column("detail")
