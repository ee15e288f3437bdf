"""The root `osswatch` command, its global options, and the one place errors become exit codes.

Exit codes: 0 ok; 1 the policy failed; 2 usage or input error; 3 internal error.
Heavy modules are imported inside the commands so that `osswatch --help` stays instant.
"""

from __future__ import annotations

import logging
import sys
from typing import Annotated, NoReturn

import typer

from osswatch import __version__
from osswatch.cli import (
    admin_cmd,
    catalog_cmd,
    db_cmd,
    demo_cmd,
    health_cmd,
    inventory_cmd,
    policy_cmd,
    project_cmd,
    query_cmd,
    report_cmd,
    scan_cmd,
    serve_cmd,
    worker_cmd,
)
from osswatch.cli.console import print_error
from osswatch.errors import InputError, OsswatchError

EXIT_OK = 0
EXIT_POLICY_FAILED = 1
EXIT_INPUT_ERROR = 2
EXIT_INTERNAL_ERROR = 3

SERVER_EXTRA_MODULES = frozenset(
    {
        "dramatiq",
        "fastapi",
        "jinja2",
        "matplotlib",
        "multipart",
        "psycopg",
        "redis",
        "starlette",
        "uvicorn",
        "weasyprint",
    }
)
"""Top-level modules of the `server` extra: a command that needs one says which extra to install."""

app = typer.Typer(
    name="osswatch",
    help=(
        "Watch the open source your projects ship: what is in them, which of it has known "
        "vulnerabilities or has gone unmaintained, and whether it meets your rules.\n\n"
        "Start with `osswatch inventory PATH` to see what is there."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command(name="scan")(scan_cmd.scan)
app.command(name="inventory")(inventory_cmd.inventory)
app.command(name="health")(health_cmd.health)
app.command(name="query")(query_cmd.query)
app.add_typer(db_cmd.app, name="db")
app.add_typer(policy_cmd.app, name="policy")
app.command(name="serve")(serve_cmd.serve)
app.command(name="worker")(worker_cmd.worker)
app.add_typer(admin_cmd.app, name="admin")
app.add_typer(project_cmd.app, name="project")
app.add_typer(catalog_cmd.app, name="catalog")
app.command(name="demo")(demo_cmd.demo)
app.command(name="report")(report_cmd.report)

_state = {"debug": False}


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"osswatch {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    context: typer.Context,
    debug: Annotated[
        bool,
        typer.Option("--debug", envvar="OSSWATCH_DEBUG", help="Show tracebacks and debug logging."),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit."),
    ] = False,
    config: Annotated[
        str | None,
        typer.Option(
            "--config",
            envvar="OSSWATCH_CONFIG",
            help="Config file whose [settings] give defaults for any option (see docs/user-guide.md).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Global options."""
    from osswatch.cli.config import config_path, default_map, load_settings

    path = config_path(config)
    if path is not None:
        context.default_map = default_map(context.command, load_settings(path))
    _state["debug"] = debug
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def _exit_code_of(error: OsswatchError) -> int:
    return EXIT_INPUT_ERROR if isinstance(error, InputError) else EXIT_INTERNAL_ERROR


def main(argv: list[str] | None = None) -> NoReturn:
    """Run the command line and exit with its code.

    Typer (standalone mode) turns usage errors into exit 2 and `typer.Exit` into its code; what
    escapes it is ours to map: OsswatchError by kind, anything else as an internal error.
    """
    try:
        app(args=argv, prog_name="osswatch")
    except OsswatchError as e:
        if _state["debug"]:
            raise
        print_error(str(e))
        sys.exit(_exit_code_of(e))
    except KeyboardInterrupt:
        print_error("interrupted")
        sys.exit(130)
    except Exception as e:  # the last line of defence maps any bug to exit 3
        if _state["debug"]:
            raise
        if isinstance(e, ModuleNotFoundError) and (e.name or "").split(".")[0] in SERVER_EXTRA_MODULES:
            print_error(
                f"this command needs the `server` extra (the {e.name} module is missing): "
                "pip install 'osswatch[server]'"
            )
            sys.exit(EXIT_INPUT_ERROR)
        print_error(f"internal error: {type(e).__name__}: {e} (run with --debug for details)")
        sys.exit(EXIT_INTERNAL_ERROR)
    sys.exit(EXIT_OK)
