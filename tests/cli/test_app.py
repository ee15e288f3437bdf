"""The command line as users meet it: exit codes, one-line errors, --version, settings precedence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from osswatch import __version__

KEV_ASSET = Path(__file__).resolve().parent.parent / "assets" / "policy" / "kev.json"


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m osswatch ARGS` in a child process, as a user would run it."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("OSSWATCH_")}
    full_env["OSSWATCH_CONFIG"] = (
        os.devnull if env is None or "OSSWATCH_CONFIG" not in env else env["OSSWATCH_CONFIG"]
    )
    # Tests never reach the internet: the KEV catalog comes from a recorded copy unless a test says otherwise.
    full_env["OSSWATCH_KEV_URL"] = str(KEV_ASSET)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "osswatch", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=120,
    )


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"osswatch {__version__}"


def test_help_lists_commands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "inventory" in result.stdout


def test_unknown_option_is_a_usage_error() -> None:
    result = run_cli("inventory", "--no-such-flag", ".")
    assert result.returncode == 2
    assert "No such option" in result.stderr


def test_missing_path_is_an_input_error_without_traceback(tmp_path: Path) -> None:
    result = run_cli("inventory", str(tmp_path / "absent"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"osswatch: error: {tmp_path / 'absent'}: no such file or folder"
    assert "Traceback" not in result.stderr


def test_unknown_file_kind_names_the_file(tmp_path: Path) -> None:
    odd = tmp_path / "notes.md"
    odd.write_text("# hello\n")
    result = run_cli("inventory", str(odd))
    assert result.returncode == 2
    assert f"{odd}: not a recognised SBOM or lockfile" in result.stderr


def test_malformed_file_gives_one_line_with_position(tmp_path: Path) -> None:
    lock = tmp_path / "poetry.lock"
    lock.write_text('[[package]]\nname = "a"\nversion = \n')
    result = run_cli("inventory", str(lock))
    assert result.returncode == 2
    assert result.stderr.startswith(f"osswatch: error: {lock}:3: invalid TOML")
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    lock = tmp_path / "poetry.lock"
    lock.write_text("[[package]\n")
    result = run_cli("--debug", "inventory", str(lock))
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_bad_file_in_a_folder_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "requirements.txt").write_text("requests==2.31.0\n")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "Pipfile.lock").write_text('{"default": {')
    result = run_cli("inventory", str(tmp_path), "--format", "json")
    assert result.returncode == 2
    document = json.loads(result.stdout)
    assert document["schema"] == "osswatch/1"
    assert [(c["name"], c["version"]) for c in document["components"]] == [("requests", "2.31.0")]
    assert [p["path"] for p in document["problems"]] == [str(tmp_path / "bad" / "Pipfile.lock")]
    assert f"skipped {tmp_path / 'bad' / 'Pipfile.lock'}:1:" in result.stderr


def _oversized_setup(tmp_path: Path) -> Path:
    (tmp_path / "requirements.txt").write_text("requests==2.31.0\n" * 10)
    return tmp_path / "requirements.txt"


@pytest.mark.parametrize(
    ("flag", "env", "config", "refused"),
    [
        (None, None, None, False),
        (None, None, "max_file_size = 10", True),
        (None, "10", None, True),
        (None, "100000", "max_file_size = 10", False),
        ("100000", "10", "max_file_size = 10", False),
        ("10", "100000", None, True),
    ],
    ids=["default", "config", "env", "env-beats-config", "flag-beats-env", "flag-beats-env-2"],
)
def test_settings_precedence_flag_env_config(
    tmp_path: Path, flag: str | None, env: str | None, config: str | None, refused: bool
) -> None:
    target = _oversized_setup(tmp_path)
    environment: dict[str, str] = {}
    if env is not None:
        environment["OSSWATCH_MAX_FILE_SIZE"] = env
    if config is not None:
        config_file = tmp_path / "config.toml"
        config_file.write_text(f"[settings]\n{config}\n")
        environment["OSSWATCH_CONFIG"] = str(config_file)
    args = ["inventory", str(target)] + (["--max-file-size", flag] if flag else [])
    result = run_cli(*args, env=environment)
    if refused:
        assert result.returncode == 2
        assert "over the" in result.stderr
    else:
        assert result.returncode == 0, result.stderr


def test_broken_config_file_is_an_input_error(tmp_path: Path) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text("[settings\n")
    result = run_cli("inventory", str(tmp_path), env={"OSSWATCH_CONFIG": str(config_file)})
    assert result.returncode == 2
    assert f"{config_file}: invalid TOML in config file" in result.stderr


def test_a_command_whose_extra_is_not_installed_says_which_extra(tmp_path: Path) -> None:
    # `None` in sys.modules makes `import uvicorn` fail as it does where the server extra is not installed.
    code = (
        "import sys; sys.modules['uvicorn'] = None; from osswatch.cli.app import main; "
        f"main(['serve', '--port', '0', '--database-url', 'sqlite:///{tmp_path / 'db.sqlite'}'])"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OSSWATCH_")}
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 2, result.stderr
    assert "needs the `server` extra (the uvicorn module is missing)" in result.stderr
    assert "pip install 'osswatch[server]'" in result.stderr
