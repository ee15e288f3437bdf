"""The osswatch portfolio server: a thin FastAPI adapter over `osswatch.monitor` and the advisory store."""
