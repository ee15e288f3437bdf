"""`osswatch admin`: create teams and API keys (the plaintext key is printed once, on the last line)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from osswatch.cli.db_cmd import DatabaseOption
from osswatch.errors import InputError
from osswatch.monitor.records import Role

if TYPE_CHECKING:
    from osswatch.monitor.portfolio import Portfolio

app = typer.Typer(help="Manage the portfolio server: teams and their API keys.", no_args_is_help=True)


@app.command("create-team")
def create_team(
    name: Annotated[str, typer.Argument(help="The new team's name.")],
    database_url: DatabaseOption = None,
) -> None:
    """Create a team."""
    portfolio = _open(database_url)
    try:
        team = portfolio.create_team(name, now=datetime.now(UTC))
    finally:
        portfolio.close()
    typer.echo(f"created team {team.name} (id {team.id})")


@app.command("create-key")
def create_key(
    team: Annotated[str, typer.Option("--team", help="The team's name.")],
    role: Annotated[Role, typer.Option("--role", help="viewer reads, editor also writes, admin manages.")],
    name: Annotated[
        str | None, typer.Option("--name", help="Who uses the key (recorded as triage author).")
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Create an API key; the key is shown this once, alone on the last line."""
    portfolio = _open(database_url)
    try:
        team_id = team_id_of(portfolio, team)
        key, plaintext = portfolio.create_key(
            team_id, role, name or f"{team}-{role.value}", now=datetime.now(UTC)
        )
    finally:
        portfolio.close()
    typer.echo(f"created {key.role.value} key {key.name!r} of team {team} (prefix {key.prefix}):")
    typer.echo(plaintext)


def team_id_of(portfolio: Portfolio, name: str) -> int:
    """The id of the team of that name; InputError if there is none."""
    from sqlalchemy import select

    from osswatch.store.portfolio_tables import teams

    with portfolio.reading() as connection:
        team_id = connection.execute(select(teams.c.id).where(teams.c.name == name)).scalar_one_or_none()
    if team_id is None:
        raise InputError(f"no team named {name!r}")
    return int(team_id)


def _open(database_url: str | None) -> Portfolio:
    from osswatch.monitor.portfolio import Portfolio
    from osswatch.settings import database_url as resolve_database_url

    return Portfolio.open(resolve_database_url(database_url))


__all__ = ["app", "create_key", "create_team", "team_id_of"]
