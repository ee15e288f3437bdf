"""Reading what the policy judges with: the policy, waivers and VEX files, KEV and EPSS data."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from osswatch.cli.console import print_warning

if TYPE_CHECKING:
    from osswatch.advisories.freshness import DataPlan
    from osswatch.scan import PolicySetup

NO_DATA_AGE = timedelta(days=36_500)
"""The age given to advisory data that is missing altogether: no data is the stalest data."""


class FailOn(enum.StrEnum):
    """The lowest rule level that makes `scan` exit 1."""

    FAIL = "fail"
    WARN = "warn"


PolicyOption = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        envvar="OSSWATCH_POLICY",
        help="Policy file (osswatch.toml, pyproject.toml or YAML); default: the built-in baseline.",
        show_default=False,
    ),
]
WaiversOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--waivers", help="Waiver file(s): accepted risks with a reason, an approver and an expiry."
    ),
]
VexOption = Annotated[
    list[Path] | None,
    typer.Option("--vex", help="VEX document(s) (CycloneDX or OpenVEX): not_affected statements suppress."),
]
KevOption = Annotated[
    str | None,
    typer.Option(
        "--kev-url",
        envvar="OSSWATCH_KEV_URL",
        help="CISA Known Exploited Vulnerabilities catalog (JSON; a path, file:// or https://; `none` "
        "turns it off). Default: CISA's feed, cached for a day.",
        show_default=False,
    ),
]
EpssOption = Annotated[
    str | None,
    typer.Option(
        "--epss-url",
        envvar="OSSWATCH_EPSS_URL",
        help="EPSS scores (CSV, may be gzipped).",
        show_default=False,
    ),
]
FailOnOption = Annotated[
    FailOn,
    typer.Option("--fail-on", help="Exit 1 on `fail` rules only (default) or on `warn` rules too."),
]


def policy_setup(
    *,
    policy: Path | None,
    waivers: list[Path] | None,
    vex: list[Path] | None,
    kev_url: str | None,
    epss_url: str | None,
    plan: DataPlan,
    now: datetime,
    database_url: str | None,
    offline: bool,
) -> PolicySetup:
    """The policy (or the baseline), its waivers and VEX statements, and the threat data, read."""
    from osswatch.cli.threat_data import load_epss_scores, load_kev_catalog
    from osswatch.inventory.reading import ReadLimits, read_document
    from osswatch.policy.rules import baseline, load_policy
    from osswatch.policy.vex import load_vex
    from osswatch.policy.waivers import load_waivers
    from osswatch.scan import PolicySetup

    limits = ReadLimits()
    rules = load_policy(read_document(policy, limits)) if policy else baseline()
    waived = tuple(w for path in waivers or () for w in load_waivers(read_document(path, limits)))
    statements = tuple(s for path in vex or () for s in load_vex(read_document(path, limits)))
    kev = load_kev_catalog(kev_url, database_url=database_url, offline=offline)
    epss = load_epss_scores(epss_url, database_url=database_url, offline=offline)
    return PolicySetup(
        policy=rules,
        waivers=waived,
        vex=statements,
        known_exploited=kev.ids if kev else frozenset(),
        epss=epss.scores if epss else {},
        advisory_data_age=NO_DATA_AGE if plan.missing else _age(plan, now),
    )


def _age(plan: DataPlan, now: datetime) -> timedelta | None:
    return None if plan.oldest_sync is None else now - plan.oldest_sync


def warn_notes(notes: tuple[str, ...]) -> None:
    """The verdict's notes (expired waivers, missing threat data) on standard error."""
    for note in notes:
        print_warning(note)
