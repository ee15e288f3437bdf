"""The tables osswatch keeps (SQLAlchemy Core); Alembic migrations in `migrations/` create them.

Advisories are kept as their original OSV JSON (zlib-compressed when large), and parsed only when a lookup
returns them; `affected_packages` is the index lookups use (its primary key starts with
(ecosystem, name), so a lookup is an index range scan, never a table scan); each of its rows also holds
the match-ready and finding forms of that package's entries, so matching never parses whole records.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()
"""Every osswatch table."""

advisories = Table(
    "advisories",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("source", String(255), nullable=False, doc="the ecosystem folder or import it came from"),
    Column("modified", DateTime(timezone=True), nullable=False),
    Column("withdrawn", DateTime(timezone=True), nullable=True),
    Column("raw", LargeBinary, nullable=False, doc="the OSV JSON record (zlib-compressed when large)"),
    Column("digest", LargeBinary(16), nullable=False, doc="BLAKE2b-128 of the JSON, to skip rewrites"),
    Index("ix_advisories_source", "source"),
)
"""One row per OSV record."""

affected_packages = Table(
    "affected_packages",
    metadata,
    Column("ecosystem", String(255), primary_key=True, doc="base OSV ecosystem, no suffix"),
    Column("name", String(1024), primary_key=True, doc="normalized package name"),
    Column(
        "advisory_id",
        String(255),
        ForeignKey("advisories.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "match",
        Text,
        nullable=False,
        doc="the advisory's entries for this package, match-ready (osswatch.advisories.match_form)",
    ),
    Column(
        "finding",
        Text,
        nullable=False,
        doc="what a finding shows of the advisory for this package (osswatch.advisories.finding_form)",
    ),
    Index("ix_affected_packages_advisory", "advisory_id"),
    sqlite_with_rowid=False,  # stored in key order on SQLite: a package's rows share pages (migration 0015)
)
"""Which advisories name which package, with what matching and findings need (withdrawn: not indexed)."""

aliases = Table(
    "aliases",
    metadata,
    Column(
        "advisory_id",
        String(255),
        ForeignKey("advisories.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("alias", String(255), primary_key=True),
    Index("ix_aliases_alias", "alias"),
)
"""The `aliases` of each advisory, for lookups by CVE or GHSA id."""

sync_state = Table(
    "sync_state",
    metadata,
    Column("ecosystem", String(255), primary_key=True),
    Column("source_url", Text, nullable=False),
    Column("last_sync", DateTime(timezone=True), nullable=False),
    Column("newest_modified", DateTime(timezone=True), nullable=True),
    Column("advisory_count", Integer, nullable=False, default=0),
    Column("skipped_count", Integer, nullable=False, default=0),
)
"""Per ecosystem: where it was synced from, when, and the newest `modified` seen."""

__all__ = ["advisories", "affected_packages", "aliases", "metadata", "sync_state"]
