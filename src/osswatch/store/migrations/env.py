"""Alembic environment: runs on the connection `osswatch.store.database.upgrade` passes in.

There is no alembic.ini: the configuration is built in code, so the migrations ship in the wheel.
"""

from __future__ import annotations

from alembic import context

from osswatch.store.schema import metadata


def _run() -> None:
    connection = context.config.attributes["connection"]
    # render_as_batch: SQLite alters tables by copying them (https://alembic.sqlalchemy.org/en/latest/batch.html)
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


_run()
