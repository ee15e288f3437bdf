"""The database: SQLAlchemy schema, Alembic migrations, and opening an engine from a URL."""
