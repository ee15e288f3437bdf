"""Where the command line writes: results to standard output, messages to standard error."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


def stderr_console() -> Console:
    """A rich console on standard error."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def stdout_console() -> Console:
    """A rich console on standard output."""
    from rich.console import Console

    return Console(highlight=False)


def print_error(message: str) -> None:
    """One line on standard error, marked as an error."""
    sys.stderr.write(f"osswatch: error: {message}\n")


def print_warning(message: str) -> None:
    """One line on standard error, marked as a warning."""
    sys.stderr.write(f"osswatch: warning: {message}\n")


def write_output(text: str, output: str | None) -> None:
    """Text to a file (`--output`) or to standard output."""
    if output is None or output == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from pathlib import Path

    Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def print_rich(output: str | None, *renderables: RenderableType) -> None:
    """Rich renderables to the terminal, or as plain text to a file (`--output`)."""
    if output is None or output == "-":
        stdout_console().print(*renderables)
        return
    from rich.console import Console

    with open(output, "w", encoding="utf-8") as stream:
        Console(file=stream, width=160, highlight=False, no_color=True).print(*renderables)
