"""The `osswatch` command line: a thin typer adapter over the library."""
