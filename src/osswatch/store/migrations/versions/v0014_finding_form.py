"""Finding forms on the package index: `affected_packages.finding`, rebuilt from the stored records.

Each index row gains what a finding shows of its advisory for that package
(`osswatch.advisories.finding_form`), so matching builds findings without parsing whole records. As
migration 0003 did, the index is rebuilt by the code a sync writes it with
(`osswatch.advisories.store.index_rows`), so an upgraded store matches exactly as one synced afresh; a
record that no longer validates is left unindexed, with a warning naming it.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import json
import logging
import zlib

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_BATCH = 1000
_COLUMNS = ("ecosystem", "name", "advisory_id", "match", "finding")
_log = logging.getLogger(__name__)


def upgrade() -> None:
    """Recreate `affected_packages` with the `finding` column and fill it from `advisories`."""
    op.drop_table("affected_packages")
    table = op.create_table(
        "affected_packages",
        sa.Column("ecosystem", sa.String(255), primary_key=True),
        sa.Column("name", sa.String(1024), primary_key=True),
        sa.Column(
            "advisory_id",
            sa.String(255),
            sa.ForeignKey("advisories.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("match", sa.Text, nullable=False),
        sa.Column("finding", sa.Text, nullable=False),
    )
    assert table is not None
    _fill(op.get_bind(), table)
    op.create_index("ix_affected_packages_advisory", "affected_packages", ["advisory_id"])


def _fill(connection: sa.Connection, table: sa.Table) -> None:
    """Index rows for every non-withdrawn stored record, read `_BATCH` at a time in id order."""
    from osswatch.advisories.osv_record import record_keys
    from osswatch.advisories.store import index_rows
    from osswatch.errors import AdvisoryError

    advisories = sa.table("advisories", sa.column("id"), sa.column("withdrawn"), sa.column("raw"))
    last = ""
    while True:
        batch = connection.execute(
            sa.select(advisories.c.id, advisories.c.raw)
            .where(advisories.c.id > last, advisories.c.withdrawn.is_(None))
            .order_by(advisories.c.id)
            .limit(_BATCH)
        ).all()
        if not batch:
            return
        rows = []
        for advisory_id, blob in batch:
            # The stored form (osswatch.advisories.store.encode): zlib streams start with 0x78.
            data = zlib.decompress(blob) if bytes(blob[:1]) == b"\x78" else bytes(blob)
            try:
                keys = record_keys(json.loads(data), origin=f"store:{advisory_id}")
            except (AdvisoryError, ValueError) as e:
                _log.warning("not indexed (invalid record): %s", e)
                continue
            rows.extend(index_rows(keys))
        if rows:
            connection.execute(sa.insert(table), [dict(zip(_COLUMNS, row, strict=True)) for row in rows])
        last = batch[-1][0]


def downgrade() -> None:
    """Drop the `finding` column."""
    with op.batch_alter_table("affected_packages") as batch:
        batch.drop_column("finding")
