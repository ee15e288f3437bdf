"""The tables of registry health: cached HTTP answers, and the publish time of every version of a package.

Every version's publish time is kept (not only the latest's), so the installed version's age is
never judged by another version's date (DESIGN "Lessons from the peers").
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from osswatch.store.schema import metadata

http_cache = Table(
    "http_cache",
    metadata,
    Column("url", String(2048), primary_key=True),
    Column("status", Integer, nullable=False, doc="200, or 404/410 for a package the registry lacks"),
    Column("etag", String(1024), nullable=True),
    Column("fetched_at", DateTime(timezone=True), nullable=False, doc="when the answer was last confirmed"),
    Column("body", LargeBinary, nullable=False, doc="the response body, zlib-compressed"),
)
"""One row per registry URL: the last answer, when it was fetched, and its ETag."""

health_packages = Table(
    "health_packages",
    metadata,
    Column("ecosystem", String(255), primary_key=True),
    Column("name", String(1024), primary_key=True, doc="normalized package name"),
    Column("source", String(64), nullable=False),
    Column("latest", String(255), nullable=True, doc="the registry's own latest marker"),
    Column("repository", Text, nullable=True),
    Column("deprecated", Text, nullable=True),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
)
"""One row per package whose release history was fetched."""

health_versions = Table(
    "health_versions",
    metadata,
    Column("ecosystem", String(255), primary_key=True),
    Column("name", String(1024), primary_key=True),
    Column("version", String(255), primary_key=True),
    Column("published", DateTime(timezone=True), nullable=True),
    Column("yanked", Boolean, nullable=False, default=False),
    Column("deprecated", Text, nullable=True),
    ForeignKeyConstraint(
        ["ecosystem", "name"], ["health_packages.ecosystem", "health_packages.name"], ondelete="CASCADE"
    ),
)
"""One row per published version of a package, with its own publish time."""

__all__ = ["health_packages", "health_versions", "http_cache"]
