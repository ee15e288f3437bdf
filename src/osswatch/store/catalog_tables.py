"""The tables of the standards catalog: standards, and the open-source projects linked to each.

The catalog is organization-wide, not per team: it says which software implements which standard, which is
public knowledge. An implementation names a monitored project only by `project` name; whose project that is
gets resolved when health is shown (within the caller's team for the API), so no team's row is referenced.
`position` keeps the order of the imported file.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from osswatch.store.schema import metadata

IMPLEMENTATION_ROLES = ("reference_implementation", "conformance_suite", "tool")
"""What an open-source project can be to a standard."""

standards = Table(
    "standards",
    metadata,
    Column("id", String(255), primary_key=True, doc="the catalog key, such as 'ITU-T P.1203'"),
    Column("position", Integer, nullable=False, doc="its place in the imported file"),
    Column("body", String(255), nullable=False),
    Column("number", String(255), nullable=False),
    Column("title", Text, nullable=False),
    Column("url", Text, nullable=False),
)
"""One row per standard of the imported catalog."""

catalog_implementations = Table(
    "catalog_implementations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("standard_id", String(255), ForeignKey("standards.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False, doc="its place in the standard's list"),
    Column("repository", String(1024), nullable=False),
    Column("role", String(32), nullable=False),
    Column("project", String(255), nullable=True, doc="the name of the monitored project it links to"),
    Column("name", String(255), nullable=True),
    Column("notes", Text, nullable=True),
    CheckConstraint(
        f"role IN ({', '.join(map(repr, IMPLEMENTATION_ROLES))})", name="ck_catalog_implementations_role"
    ),
    UniqueConstraint("standard_id", "repository", name="uq_catalog_implementations_repository"),
    Index("ix_catalog_implementations_project", "project"),
)
"""The open-source projects of each standard, in file order."""

__all__ = ["IMPLEMENTATION_ROLES", "catalog_implementations", "standards"]
