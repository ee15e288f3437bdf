"""Where osswatch keeps its data and fetches advisories from, when no flag says otherwise.

Order (DESIGN "Contracts"): a flag, then the `OSSWATCH_*` environment variable, then the config file
(the CLI applies those two through typer), then the defaults here.
"""

from __future__ import annotations

import os
from pathlib import Path

DATABASE_URL_ENV = "OSSWATCH_DATABASE_URL"
"""The environment variable naming the database (a SQLAlchemy URL)."""

OSV_URL_ENV = "OSSWATCH_OSV_URL"
"""The environment variable naming the OSV mirror (bucket layout)."""

DEFAULT_OSV_URL = "https://osv-vulnerabilities.storage.googleapis.com"
"""The public OSV bucket."""


def database_url(explicit: str | None = None) -> str:
    """The database URL: `explicit`, else `$OSSWATCH_DATABASE_URL`, else a SQLite file in the data dir."""
    if explicit:
        return explicit
    from_env = os.environ.get(DATABASE_URL_ENV)
    if from_env:
        return from_env
    return f"sqlite:///{default_database_path()}"


def default_database_path() -> Path:
    """The default SQLite file, `osswatch.db` in the user data directory."""
    import platformdirs

    return Path(platformdirs.user_data_dir("osswatch")) / "osswatch.db"


def osv_url(explicit: str | None = None) -> str:
    """The OSV source URL: `explicit`, else `$OSSWATCH_OSV_URL`, else the public bucket."""
    url = explicit or os.environ.get(OSV_URL_ENV) or DEFAULT_OSV_URL
    return url.rstrip("/")


__all__ = [
    "DATABASE_URL_ENV",
    "DEFAULT_OSV_URL",
    "OSV_URL_ENV",
    "database_url",
    "default_database_path",
    "osv_url",
]
