"""`osswatch scan`: inventory, known vulnerabilities and health of every component, in one pass."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
from osswatch.cli.inventory_cmd import IncludeDevOption, MaxFileSizeOption, OutputOption, PathsArgument
from osswatch.cli.policy_setup import (
    EpssOption,
    FailOn,
    FailOnOption,
    KevOption,
    PolicyOption,
    VexOption,
    WaiversOption,
)
from osswatch.report.base import ReportFormat

if TYPE_CHECKING:
    from rich.console import RenderableType

    from osswatch.scan import ScanResult


def scan(
    paths: PathsArgument,
    *,
    output_format: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            help="table for people; json, sarif (code scanning), markdown (PR comments), html, "
            "cyclonedx (SBOM with vulnerabilities), vex (CycloneDX VEX) or openvex for machines.",
        ),
    ] = ReportFormat.TABLE,
    output: OutputOption = None,
    offline: OfflineOption = False,
    health: Annotated[
        bool, typer.Option("--health/--no-health", help="Assess each component's health (registry data).")
    ] = True,
    policy: PolicyOption = None,
    waivers: WaiversOption = None,
    vex: VexOption = None,
    fail_on: FailOnOption = FailOn.FAIL,
    fix_plan: Annotated[
        bool,
        typer.Option(
            "--fix-plan", help="Print the fewest upgrades that clear every fixable failing vulnerability."
        ),
    ] = False,
    kev_url: KevOption = None,
    epss_url: EpssOption = None,
    include_dev: IncludeDevOption = True,
    database_url: DatabaseOption = None,
    osv_url: OsvUrlOption = None,
    max_data_age: MaxAgeOption = 24.0,
    max_file_size: MaxFileSizeOption = 64 * 1024 * 1024,
) -> None:
    """Find every component under PATH, its known vulnerabilities and health, and judge it by policy.

    Advisory data comes from OSV: the ecosystems a scan needs are synced into the local database
    first (or, with --offline, osswatch says which are missing and how to get them). The policy is
    the built-in baseline unless --policy names one (see `osswatch policy explain`).

    Exit codes: 0 the policy passed; 1 a `fail` rule fired (or a `warn` rule with --fail-on warn);
    2 bad input (a file that could not be read, a malformed policy); 3 internal error.

    Examples:

        osswatch scan .

        osswatch scan poetry.lock --format json --offline

        osswatch scan . --policy osswatch.toml --waivers waivers.toml --format sarif -o osswatch.sarif

        osswatch scan services/ --no-dev --fix-plan
    """
    from dataclasses import replace
    from datetime import UTC, datetime

    from osswatch.cli.policy_setup import policy_setup, warn_notes
    from osswatch.inventory.collect import CollectOptions, collect
    from osswatch.inventory.reading import ReadLimits
    from osswatch.scan import ecosystems_needed, judge
    from osswatch.scan import scan as run_scan

    now = datetime.now(UTC)
    options = CollectOptions(include_dev=include_dev, limits=ReadLimits(max_file_size=max_file_size))
    found = collect(paths, options)
    with advisory_store(database_url) as store:
        plan = ensure_advisories(
            store, ecosystems_needed(found), offline=offline, osv_url=osv_url, max_age_hours=max_data_age
        )
        result = replace(run_scan(found, store), missing_advisories=plan.missing)
    setup = policy_setup(
        policy=policy,
        waivers=waivers,
        vex=vex,
        kev_url=kev_url,
        epss_url=epss_url,
        plan=plan,
        now=now,
        database_url=database_url,
        offline=offline,
    )
    if health:
        result = _with_health(result, database_url, offline=offline)
    result = judge(result, setup, now=now)
    if fix_plan:
        _render_fix_plan(result, output_format, output)
    else:
        _render(result, output_format, output, root=_common_root(paths))
    for problem in found.problems:
        print_warning(f"skipped {problem}")
    assert result.verdict is not None
    if fix_plan or output_format is not ReportFormat.TABLE or output not in (None, "-"):
        warn_notes(result.verdict.notes)  # the terminal report shows them itself
    raise typer.Exit(_exit_code(result, fail_on, has_problems=bool(found.problems)))


def _exit_code(result: ScanResult, fail_on: FailOn, *, has_problems: bool) -> int:
    """2 when input could not be read (the answer is incomplete), else 1 when the policy failed."""
    from osswatch.model import Level

    if has_problems:
        return 2
    verdict = result.verdict
    if verdict is None:
        return 0
    failed = not verdict.is_passed or (fail_on is FailOn.WARN and verdict.count(Level.WARN) > 0)
    return 1 if failed else 0


def _render_fix_plan(result: ScanResult, output_format: ReportFormat, output: str | None) -> None:
    from osswatch.remediation import fix_plan
    from osswatch.report.fix_plan import fix_plan_json, fix_plan_renderables

    plan = fix_plan(result)
    if output_format is ReportFormat.JSON:
        from osswatch.report.json_document import dumps, envelope

        write_output(dumps({**envelope(), "fix_plan": fix_plan_json(plan)}), output)
        return
    print_rich(output, *fix_plan_renderables(plan))


def _with_health(result: ScanResult, database_url: str | None, *, offline: bool) -> ScanResult:
    import asyncio
    from dataclasses import replace

    from osswatch.cli.health_cmd import progress_bar
    from osswatch.health.scan import ScanSettings, scan_health
    from osswatch.settings import database_url as resolve_database_url
    from osswatch.store.database import open_database

    engine = open_database(resolve_database_url(database_url))
    try:
        with progress_bar() as on_progress:
            assessed = asyncio.run(
                scan_health(result.inventory.components, engine, ScanSettings(offline=offline), on_progress)
            )
    finally:
        engine.dispose()
    for problem in assessed.report.problems:
        print_warning(problem)
    if assessed.missing:
        print_warning(
            f"offline: {len(assessed.missing)} registry answers are not cached; their health is unknown"
        )
    health = {r.component: r.health for r in assessed.report.components}
    return replace(result, health=health)


def _render(result: ScanResult, output_format: ReportFormat, output: str | None, *, root: Path) -> None:
    from osswatch.report.base import ReportOptions, render

    if output_format is ReportFormat.TABLE and (output is None or output == "-"):
        from osswatch.report.table import scan_renderables

        print_rich(None, *_health_renderables(result), *scan_renderables(result, root))
        return
    write_output(render(result, output_format, ReportOptions(root=root)), output)


def _common_root(paths: list[Path]) -> Path:
    """The folder the scanned paths share: SARIF and reports show file paths relative to it."""
    import os

    folders = [str((p if p.is_dir() else p.parent).resolve()) for p in paths]
    return Path(os.path.commonpath(folders)) if folders else Path.cwd()


def _health_renderables(result: ScanResult) -> list[RenderableType]:
    """A health table of the components at risk, and the project's health in one line."""
    if not result.health:
        return []
    from osswatch.cli.health_cmd import health_table, summary_line
    from osswatch.health.assess import ComponentHealth

    pairs = [ComponentHealth(component=c, health=h) for c, h in result.health.items()]
    at_risk = [p for p in pairs if set(p.health.status) - {"current", "outdated"}]
    renderables: list[RenderableType] = [health_table(at_risk)] if at_risk else []
    renderables.append(summary_line(pairs))
    return renderables
