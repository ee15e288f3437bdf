"""`osswatch query`: which advisories affect these package versions (purls)?"""

from __future__ import annotations

import enum
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from osswatch.cli.advisory_data import (
    DatabaseOption,
    MaxAgeOption,
    OfflineOption,
    OsvUrlOption,
    advisory_store,
    ensure_advisories,
)
from osswatch.cli.console import print_rich, print_warning, write_output

if TYPE_CHECKING:
    from osswatch.model import Component, Finding


class QueryFormat(enum.StrEnum):
    """Output formats of `osswatch query`."""

    TABLE = "table"
    JSON = "json"


def _read_purls(purls: list[str], from_file: str | None) -> list[str]:
    """The purls named on the command line, then those in FILE (one a line; `-` is standard input)."""
    found = [p.strip() for p in purls if p.strip()]
    if from_file is None:
        return found
    lines: Iterable[str] = sys.stdin if from_file == "-" else _lines_of(Path(from_file))
    found.extend(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))
    return found


def _lines_of(path: Path) -> Iterator[str]:
    from osswatch.errors import InputError

    try:
        with path.open(encoding="utf-8") as stream:
            yield from stream
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from e


def _component_of(purl: str, number: int) -> Component | str:
    """The component a purl names, or why it cannot be queried."""
    from osswatch.ecosystems.identity import normalize_name, parse_purl
    from osswatch.model import Component, Location, Purl

    try:
        identity = parse_purl(purl)
    except ValueError as e:
        return f"not a valid purl: {e}"
    if identity.ecosystem is None:
        return "osswatch does not know this purl type"
    if identity.version is None:
        return "no version in the purl: osswatch answers for exact versions"
    return Component(
        name=normalize_name(identity.ecosystem, identity.name),
        version=identity.version,
        ecosystem=identity.ecosystem,
        purl=Purl(purl),
        location=Location(path="<query>", line=number),
    )


def _key(component: Component) -> tuple[str | None, str, str | None]:
    return (component.ecosystem, component.name, component.version)


def _advisory_json(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.id,
        "aliases": list(finding.aliases),
        "fixed": list(finding.fixed_in),
        "severity": finding.rating.level,
        "score": finding.rating.score,
        "summary": finding.summary,
    }


def query(
    purls: Annotated[
        list[str] | None,
        typer.Argument(help="Package URLs with versions, e.g. pkg:pypi/jinja2@2.11.2.", show_default=False),
    ] = None,
    *,
    from_file: Annotated[
        str | None,
        typer.Option("--from", help="Read more purls from FILE, one a line (`-` is standard input)."),
    ] = None,
    output_format: Annotated[
        QueryFormat, typer.Option("--format", "-f", help="table for people, json for machines.")
    ] = QueryFormat.TABLE,
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    offline: OfflineOption = False,
    database_url: DatabaseOption = None,
    osv_url: OsvUrlOption = None,
    max_data_age: MaxAgeOption = 24.0,
) -> None:
    """Answer which known vulnerabilities affect each package version, by purl.

    Examples:

        osswatch query pkg:pypi/jinja2@2.11.2 pkg:npm/lodash@4.17.20

        osswatch query --from purls.txt --format json
    """
    from osswatch.advisories.match import match_inventory
    from osswatch.ecosystems.identity import base_ecosystem
    from osswatch.errors import InputError
    from osswatch.model import Component

    wanted = _read_purls(purls or [], from_file)
    if not wanted:
        raise InputError("name at least one purl, or give --from FILE")
    outcomes = [_component_of(purl, number) for number, purl in enumerate(wanted, start=1)]
    # Match each distinct package version once, however often it is asked for.
    distinct: dict[tuple[str | None, str, str | None], Component] = {}
    for outcome in outcomes:
        if isinstance(outcome, Component):
            distinct.setdefault(_key(outcome), outcome)
    needed = {base_ecosystem(c.ecosystem) for c in distinct.values() if c.ecosystem}
    with advisory_store(database_url) as store:
        ensure_advisories(store, needed, offline=offline, osv_url=osv_url, max_age_hours=max_data_age)
        findings = match_inventory(list(distinct.values()), store)
    advisories: dict[tuple[str | None, str, str | None], list[dict[str, Any]]] = {}
    for finding in findings:
        advisories.setdefault(_key(finding.component), []).append(_advisory_json(finding))
    results = [
        {"purl": purl, "error": o, "advisories": []}
        if isinstance(o, str)
        else {"purl": purl, "advisories": advisories.get(_key(o), [])}
        for purl, o in zip(wanted, outcomes, strict=True)
    ]
    _render(results, output_format, output)
    errors = [r for r in results if "error" in r]
    for result in errors[:20]:
        print_warning(f"{result['purl']}: {result['error']}")
    if errors:
        raise typer.Exit(2)


def _render(results: list[dict[str, Any]], output_format: QueryFormat, output: str | None) -> None:
    if output_format is QueryFormat.JSON:
        from osswatch.report.json_document import dumps_with_list, envelope

        write_output(dumps_with_list(envelope(), "results", results), output)
        return
    from rich.table import Table

    table = Table("purl", "advisory", "aliases", "severity", "fixed in", header_style="bold")
    for result in results:
        for advisory in result["advisories"]:
            table.add_row(
                result["purl"],
                advisory["id"],
                ", ".join(advisory["aliases"]),
                advisory["severity"],
                ", ".join(advisory["fixed"]) or "-",
            )
    affected = sum(1 for r in results if r["advisories"])
    print_rich(output, table, f"{affected} of {len(results)} package versions have known vulnerabilities.")
