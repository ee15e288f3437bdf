"""`osswatch inventory`: list every component found in SBOMs and lockfiles."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from osswatch.cli.console import print_rich, print_warning, write_output


class InventoryFormat(enum.StrEnum):
    """Output formats of `osswatch inventory`."""

    TABLE = "table"
    JSON = "json"
    CYCLONEDX = "cyclonedx"


PathsArgument = Annotated[
    list[Path],
    typer.Argument(
        help="Files (SBOMs, lockfiles) or folders to read; folders are walked recursively.",
        show_default=False,
    ),
]
IncludeDevOption = Annotated[
    bool,
    typer.Option(
        "--include-dev/--no-dev",
        envvar="OSSWATCH_INCLUDE_DEV",
        help="Count development-only dependencies (where the file marks them).",
    ),
]
MaxFileSizeOption = Annotated[
    int,
    typer.Option(
        "--max-file-size",
        envvar="OSSWATCH_MAX_FILE_SIZE",
        help="Largest file to read, in bytes; larger files are reported and skipped.",
        min=1,
    ),
]
OutputOption = Annotated[
    str | None,
    typer.Option("--output", "-o", help="Write to this file instead of standard output."),
]


def inventory(
    paths: PathsArgument,
    output_format: Annotated[
        InventoryFormat,
        typer.Option("--format", "-f", help="table for people, json or cyclonedx for machines."),
    ] = InventoryFormat.TABLE,
    include_dev: IncludeDevOption = True,
    max_file_size: MaxFileSizeOption = 64 * 1024 * 1024,
    output: OutputOption = None,
) -> None:
    """List every open-source component in SBOMs (CycloneDX, SPDX) and lockfiles under PATH.

    Folders are walked recursively, skipping node_modules, .git, virtualenvs and vendored trees.
    A file that cannot be read is reported on standard error and the others are still listed;
    the exit code is then 2.

    Examples:

        osswatch inventory .

        osswatch inventory poetry.lock --format json

        osswatch inventory services/ --no-dev --format cyclonedx -o sbom.cdx.json
    """
    from osswatch.inventory.collect import CollectOptions, collect
    from osswatch.inventory.reading import ReadLimits

    options = CollectOptions(include_dev=include_dev, limits=ReadLimits(max_file_size=max_file_size))
    found = collect(paths, options)
    match output_format:
        case InventoryFormat.JSON:
            from osswatch.report.json_document import dumps, inventory_document

            write_output(dumps(inventory_document(found)), output)
        case InventoryFormat.CYCLONEDX:
            from osswatch.report.cyclonedx import inventory_to_cyclonedx_json

            write_output(inventory_to_cyclonedx_json(found), output)
        case InventoryFormat.TABLE:
            from osswatch.report.table import inventory_summary, inventory_table

            print_rich(output, inventory_table(found), inventory_summary(found))
    for problem in found.problems:
        print_warning(f"skipped {problem}")
    if found.problems:
        raise typer.Exit(2)
