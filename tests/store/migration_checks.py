"""What migration tests share: the Alembic config, a migrating connection, schema differences, records."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

import osswatch.store.database as database
from osswatch.store.database import WRITE_OPTION
from osswatch.store.schema import metadata

MIGRATIONS = Path(database.__file__).resolve().parent / "migrations"
"""The Alembic script folder."""


def alembic_config() -> Config:
    """An Alembic config of osswatch's migrations (no ini file)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@contextmanager
def migrating(engine: Engine) -> Iterator[Config]:
    """A config whose `command.upgrade`/`downgrade` run in one write transaction on `engine`."""
    config = alembic_config()
    with engine.connect() as connection, connection.execution_options(**{WRITE_OPTION: True}).begin():
        config.attributes["connection"] = connection
        yield config


def table_names(engine: Engine) -> set[str]:
    """The tables the database has."""
    with engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def differences(engine: Engine, tables: Collection[str]) -> list[Any]:
    """Where the migrated database differs from the table definitions, for `tables` (empty: none)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return [d for d in compare_metadata(context, metadata) if _table_of(d) in tables]


def _table_of(difference: Any) -> str | None:
    step = difference[0] if isinstance(difference, list) else difference
    for part in step[1:]:
        name = getattr(part, "table", None)
        name = getattr(name, "name", name) if name is not None else getattr(part, "name", None)
        if isinstance(name, str):
            return name
    return None


def pypi_records(shared_data: Path, count: int = 1500) -> list[dict[str, Any]]:
    """The first `count` records of the real PyPI OSV export, as JSON data (what older stores held)."""
    with zipfile.ZipFile(shared_data / "osv" / "PyPI" / "all.zip") as archive:
        return [json.loads(archive.read(name)) for name in archive.namelist()[:count]]
