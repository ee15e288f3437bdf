"""`osswatch policy`: write the baseline (`init`), validate a file (`check`), show the rules (`explain`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from osswatch.cli.console import print_error, print_rich

app = typer.Typer(
    help="Policy as data: start from the baseline, check your file, see which rules are active.",
    no_args_is_help=True,
)


@app.command()
def init(
    output: Annotated[Path, typer.Argument(help="Where to write the policy.")] = Path("osswatch.toml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write the built-in baseline policy to a file you can edit."""
    from osswatch.policy.rules import baseline_text

    if output.exists() and not force:
        print_error(f"{output}: already exists (use --force to overwrite)")
        raise typer.Exit(2)
    output.write_text(baseline_text(), encoding="utf-8")
    typer.echo(f"wrote the baseline policy to {output}")


def _load(path: Path) -> object:
    from osswatch.errors import InputError
    from osswatch.inventory.base import Document
    from osswatch.policy.rules import load_policy

    try:
        data = path.read_bytes()
    except OSError as e:
        print_error(f"{path}: cannot read: {e.strerror or e}")
        raise typer.Exit(2) from e
    try:
        return load_policy(Document(path=str(path), data=data))
    except InputError as e:
        print_error(str(e))
        raise typer.Exit(2) from e


@app.command()
def check(
    file: Annotated[Path, typer.Argument(help="The policy file (TOML, pyproject.toml or YAML).")],
) -> None:
    """Validate a policy file; errors name the file, line and key path (exit 2)."""
    from osswatch.policy.rules import Policy

    policy = _load(file)
    assert isinstance(policy, Policy)
    typer.echo(f"{file}: ok — policy '{policy.name}' with {len(policy.rules)} rules")


@app.command()
def explain(
    policy_file: Annotated[
        Path | None,
        typer.Option(
            "--policy",
            envvar="OSSWATCH_POLICY",
            help="Policy file (default: the baseline).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Print the active rules as a table: id, level, when, scope and guidance."""
    from rich.table import Table

    from osswatch.policy.rules import Policy, baseline

    policy = baseline() if policy_file is None else _load(policy_file)
    assert isinstance(policy, Policy)
    table = Table(title=f"policy '{policy.name}' ({policy.source})", show_lines=True)
    for column in ("rule", "level", "when (all hold)", "scope", "guidance"):
        table.add_column(column, overflow="fold")
    for rule in policy.rules:
        when = "\n".join(c.text() for c in rule.when) + ("\n(otherwise)" if rule.is_fallback else "")
        table.add_row(
            f"{rule.id}\n{rule.description}", rule.level.value, when, _scope_text(rule), rule.guidance or ""
        )
    print_rich(None, table)


def _scope_text(rule: object) -> str:
    from osswatch.policy.rules import Rule

    assert isinstance(rule, Rule)
    scope = rule.scope
    parts = [
        f"{label}: {', '.join(values)}"
        for label, values in (
            ("projects", scope.projects),
            ("ecosystems", scope.ecosystems),
            ("packages", scope.packages),
        )
        if values
    ]
    if not scope.include_dev:
        parts.append("runtime only")
    return "\n".join(parts) or "everything"
