"""`osswatch catalog`: import a standards catalog, list its standards, show one with its projects' health."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from osswatch.cli.console import print_rich, write_output
from osswatch.cli.db_cmd import DatabaseOption, FormatOption, OutputFormat

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

    from osswatch.catalog.view import ImplementationView, StandardView
    from osswatch.monitor.portfolio import Portfolio

app = typer.Typer(
    help=(
        "The standards catalog: which open source implements, tests or references which standard "
        "(an ITU-T Recommendation and its reference software, a W3C Recommendation and the projects that "
        "implement it), with the health of the monitored projects it links to.\n\n"
        "Start with `osswatch catalog import` (loads the example shipped with osswatch), then "
        "`osswatch catalog list`. The file format is described in docs/catalog.md."
    ),
    no_args_is_help=True,
)

FileArgument = Annotated[
    Path | None,
    typer.Argument(
        help="A catalog YAML file (default: the example catalog shipped with osswatch).", show_default=False
    ),
]


@app.command(name="import")
def import_(path: FileArgument = None, database_url: DatabaseOption = None) -> None:
    """Replace the stored catalog with the one in FILE (all of it, in one transaction).

    The catalog is organization-wide: every team sees the same standards, each with the health of its own
    projects. Importing the same file again changes nothing.

    Examples:

        osswatch catalog import

        osswatch catalog import standards.yaml --database-url postgresql+psycopg://osswatch@db/osswatch
    """
    from osswatch.catalog.load import EXAMPLE_NAME, example_catalog, load_catalog
    from osswatch.catalog.store import CatalogStore

    catalog = example_catalog() if path is None else load_catalog(path)
    portfolio = _open(database_url)
    try:
        summary = CatalogStore(portfolio.engine).replace(catalog)
    finally:
        portfolio.close()
    source = EXAMPLE_NAME + " (the example shipped with osswatch)" if path is None else str(path)
    typer.echo(
        f"imported {summary.standards} standards and {summary.implementations} implementations from {source}",
        err=True,
    )


@app.command(name="list")
def list_(database_url: DatabaseOption = None, output_format: FormatOption = OutputFormat.TABLE) -> None:
    """List every standard with its implementations and, for linked projects, their health.

    Health is that of the linked project's latest snapshot: policy verdict, open findings by severity,
    total libyears and the share of stale components. A project name is looked up in every team; when
    several teams have a project of that name, the one with the newest snapshot is shown.
    """
    from osswatch.catalog.store import CatalogStore
    from osswatch.catalog.view import standard_json, view_catalog

    portfolio = _open(database_url)
    try:
        views = view_catalog(portfolio, CatalogStore(portfolio.engine).standards(), team_id=None)
    finally:
        portfolio.close()
    if output_format is OutputFormat.JSON:
        write_output(json.dumps({"standards": [standard_json(view) for view in views]}, indent=2), None)
        return
    if not views:
        print_rich(
            None, "The catalog is empty: run `osswatch catalog import` (the example) or `… import FILE`."
        )
        return
    print_rich(None, _table(views))


@app.command()
def show(
    standard_id: Annotated[str, typer.Argument(metavar="ID", help="The standard's id, e.g. 'ITU-T P.1203'.")],
    database_url: DatabaseOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """Show one standard, its implementations, and the health of the projects they link to."""
    from osswatch.catalog.store import CatalogStore
    from osswatch.catalog.view import standard_json, view_catalog

    portfolio = _open(database_url)
    try:
        (view,) = view_catalog(
            portfolio, [CatalogStore(portfolio.engine).standard(standard_id)], team_id=None
        )
    finally:
        portfolio.close()
    if output_format is OutputFormat.JSON:
        write_output(json.dumps(standard_json(view), indent=2), None)
        return
    print_rich(None, *_details(view))


@app.command()
def validate(path: Annotated[Path, typer.Argument(help="The catalog YAML file to check.")]) -> None:
    """Check a catalog file against the format (docs/catalog.schema.json) without importing it."""
    from osswatch.catalog.load import load_catalog

    catalog = load_catalog(path)
    count = sum(len(standard.implementations) for standard in catalog.standards)
    typer.echo(f"{path}: valid, {len(catalog.standards)} standards and {count} implementations", err=True)


def _details(view: StandardView) -> list[RenderableType]:
    from rich.markup import escape

    standard = view.standard
    heading = (
        f"[bold]{escape(standard.id)}[/bold] — {escape(standard.title)}\n"
        f"{escape(standard.body)} {escape(standard.number)}: {escape(standard.url)}"
    )
    notes = [
        escape(f"{item.implementation.name or item.implementation.repository}: {item.implementation.notes}")
        for item in view.implementations
        if item.implementation.notes
    ]
    return [heading, _table([view]), *notes]


def _table(views: Sequence[StandardView]) -> Table:
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        "standard", "implementation", "role", "project", "verdict", "open findings", "libyears", "stale"
    )
    for view in views:
        if not view.implementations:
            table.add_row(escape(view.standard.id), "-", "", "", "", "", "", "")
        for i, item in enumerate(view.implementations):
            table.add_row(escape(view.standard.id) if i == 0 else "", *map(escape, _cells(item)))
    return table


def _cells(item: ImplementationView) -> tuple[str, ...]:
    implementation, health = item.implementation, item.health
    listed = (implementation.name or implementation.repository, implementation.role.value.replace("_", " "))
    if health is None:
        unlinked = "-" if implementation.project is None else f"{implementation.project} (not monitored)"
        return (*listed, unlinked, "", "", "", "")
    open_counts = ", ".join(f"{n} {level}" for level, n in health.open_findings.items() if n) or "none"
    return (
        *listed,
        implementation.project or "",
        health.verdict or ("no upload" if health.snapshot_id is None else "no policy"),
        open_counts,
        "-" if health.total_libyears is None else f"{health.total_libyears:.1f}",
        "-" if health.stale_share is None else f"{health.stale_share:.0%}",
    )


def _open(database_url: str | None) -> Portfolio:
    from osswatch.monitor.portfolio import Portfolio
    from osswatch.settings import database_url as resolve_database_url

    return Portfolio.open(resolve_database_url(database_url))


__all__ = ["app"]
