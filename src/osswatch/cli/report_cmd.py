"""`osswatch report`: the yearly progress report of the portfolio, as a self-contained HTML page or a PDF."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from osswatch.cli.db_cmd import DatabaseOption
from osswatch.errors import InputError


class ReportFormat(enum.StrEnum):
    """Output formats of the yearly report."""

    HTML = "html"
    PDF = "pdf"


def report(
    period: Annotated[
        str,
        typer.Option(
            "--period", help="A year (2026) or a range of days, both included (2026-01-01..2026-06-30)."
        ),
    ],
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="html: one self-contained page; pdf: A4, paged.")
    ] = ReportFormat.HTML,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write (default: osswatch-report-PERIOD.FORMAT in the current folder).",
            show_default=False,
        ),
    ] = None,
    team: Annotated[
        str | None,
        typer.Option("--team", help="Report on this team only (default: every team).", show_default=False),
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Write the progress report of a period: vulnerabilities found and fixed, staleness, policy, catalog."""
    from osswatch.cli.admin_cmd import team_id_of
    from osswatch.monitor.portfolio import Portfolio
    from osswatch.report.yearly.data import gather
    from osswatch.report.yearly.period import parse_period
    from osswatch.report.yearly.render import render_html, render_pdf
    from osswatch.settings import database_url as resolve_database_url

    chosen = parse_period(period)
    target = output or Path(f"osswatch-report-{chosen.label}.{output_format.value}")
    portfolio = Portfolio.open(resolve_database_url(database_url))
    try:
        team_id = None if team is None else team_id_of(portfolio, team)
        data = gather(portfolio, chosen, team_id=team_id, now=datetime.now(UTC))
    finally:
        portfolio.close()
    match output_format:
        case ReportFormat.HTML:
            content = render_html(data).encode()
        case ReportFormat.PDF:
            content = render_pdf(data)
    try:
        target.write_bytes(content)
    except OSError as e:
        raise InputError(f"cannot write the report to {target}: {e.strerror}") from e
    typer.echo(f"wrote the {chosen.label} report ({output_format.value}) to {target}", err=True)


__all__ = ["ReportFormat", "report"]
