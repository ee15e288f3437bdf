"""On SQLite, `affected_packages` becomes a `WITHOUT ROWID` table: each package's rows stored together.

A lookup reads every index row of the packages it asks about. In a rowid table a row sits where it was
inserted, so the dozen rows of one package lie on a dozen pages scattered over the file; clustered by the
primary key (ecosystem, name, advisory id) they share one or two. Measured with benchmarks/match.py
(10,000 components, 500,000 records, 16 KiB pages, a 2-vCPU Intel machine): cold 0.51 → 0.43 s, warm
0.33 → 0.25 s, and with the store's file out of the operating system's cache 1.50 → 0.63 s. The price is
at import, where rows arrive in any order: the real Go archive went from 2.79× to 2.85× of the time to
merely unzip and parse it (benchmarks/sync.py; the target is 3×).

The rows are copied in key order into the new table, so an upgraded store is as tightly packed as it can
be. PostgreSQL has no such kind of table (and `CLUSTER` does not last): nothing changes there.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_COLUMNS = ("ecosystem", "name", "advisory_id", "match", "finding")


def upgrade() -> None:
    """Rebuild `affected_packages` without rowids (SQLite only)."""
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(with_rowid=False)


def downgrade() -> None:
    """Rebuild `affected_packages` as an ordinary rowid table (SQLite only)."""
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(with_rowid=True)


def _rebuild(*, with_rowid: bool) -> None:
    """Copy the table, in key order, into a new one of the wanted kind, then put it in the old one's place."""
    op.create_table(
        "affected_packages_rebuilt",
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
        sqlite_with_rowid=with_rowid,
    )
    old = sa.table("affected_packages", *(sa.column(name) for name in _COLUMNS))
    new = sa.table("affected_packages_rebuilt", *(sa.column(name) for name in _COLUMNS))
    in_key_order = sa.select(*old.c).order_by(old.c.ecosystem, old.c.name, old.c.advisory_id)
    op.execute(sa.insert(new).from_select(list(_COLUMNS), in_key_order))
    op.drop_index("ix_affected_packages_advisory", table_name="affected_packages")
    op.drop_table("affected_packages")
    op.rename_table("affected_packages_rebuilt", "affected_packages")
    op.create_index("ix_affected_packages_advisory", "affected_packages", ["advisory_id"])
