"""Alembic migrations of the osswatch database (run by `osswatch.store.database.upgrade`)."""
