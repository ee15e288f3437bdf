"""The config file: defaults for any command-line option, below flags and `OSSWATCH_*` variables.

Precedence is flag, then environment variable, then config file, then built-in default. The file is
`--config PATH`, else `$OSSWATCH_CONFIG`, else `osswatch.toml` in the current folder when it has a
`[settings]` table, else `config.toml` in the user config folder (`~/.config/osswatch/` on Linux).
Keys are option names with `_` for `-` (`max_file_size = 1000000`, `database_url = "…"`); a key
applies to every command that has that option. Click's `default_map` does the layering.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from osswatch.errors import InputError

CONFIG_ENV = "OSSWATCH_CONFIG"


def config_path(explicit: str | None) -> Path | None:
    """Which config file applies, or None."""
    if explicit:
        return Path(explicit)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    local = Path("osswatch.toml")
    if local.is_file() and "[settings]" in local.read_text(encoding="utf-8", errors="replace"):
        return local
    from platformdirs import user_config_dir

    user = Path(user_config_dir("osswatch")) / "config.toml"
    return user if user.is_file() else None


def load_settings(path: Path) -> dict[str, Any]:
    """The `[settings]` table of a config file; InputError naming the file when it is not valid."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(f"{path}: cannot read config file: {e.strerror or e}") from e
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{path}: invalid TOML in config file: {e}") from e
    settings = document.get("settings", {})
    if not isinstance(settings, dict):
        raise InputError(f"{path}: [settings] should be a table")
    return settings


def default_map(command: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """Click's nested default map: each setting under every (sub)command that has the option.

    `command` is typer's (vendored) click command; only `params` and, for groups, `commands` are used.
    """
    result: dict[str, Any] = {}
    names = {p.name for p in command.params if p.name}
    result.update({key: value for key, value in settings.items() if key in names})
    subcommands: dict[str, Any] = getattr(command, "commands", {}) or {}
    for name, sub in subcommands.items():
        nested = default_map(sub, settings)
        if nested:
            result[name] = nested
    return result
