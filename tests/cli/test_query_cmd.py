"""`osswatch query`: advisories per purl, for a handful or for 100,000 at once."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.cli.test_app import run_cli


@pytest.fixture(scope="module")
def pypi_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database with the real PyPI advisories imported from the local archive."""
    from tests.conftest import SHARED_DATA

    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'db.sqlite'}"
    result = run_cli(
        "db", "import", str(SHARED_DATA / "osv" / "PyPI" / "all.zip"), env={"OSSWATCH_DATABASE_URL": url}
    )
    assert result.returncode == 0, result.stderr
    return url


def test_query_answers_in_the_documented_shape(pypi_database: str) -> None:
    result = run_cli(
        "query", "pkg:pypi/jinja2@2.11.2", "pkg:pypi/jinja2@3.1.4", "--format", "json", "--offline",
        env={"OSSWATCH_DATABASE_URL": pypi_database},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "osswatch/1"
    old, new = document["results"]
    assert old["purl"] == "pkg:pypi/jinja2@2.11.2"
    ids = {a["id"] for a in old["advisories"]} | {x for a in old["advisories"] for x in a["aliases"]}
    assert "CVE-2020-28493" in ids
    fixed = next(a["fixed"] for a in old["advisories"] if "CVE-2020-28493" in [a["id"], *a["aliases"]])
    assert fixed == ["2.11.3"]
    assert new["advisories"] == []


def test_bad_purls_are_reported_and_the_rest_answered(pypi_database: str) -> None:
    result = run_cli(
        "query", "pkg:pypi/jinja2@2.11.2", "not-a-purl", "pkg:pypi/jinja2", "--format", "json", "--offline",
        env={"OSSWATCH_DATABASE_URL": pypi_database},
    )  # fmt: skip
    assert result.returncode == 2
    results = json.loads(result.stdout)["results"]
    assert results[0]["advisories"]
    assert "not a valid purl" in results[1]["error"]
    assert "no version" in results[2]["error"]
    assert "not-a-purl: not a valid purl" in result.stderr


def test_query_handles_100000_purls_from_a_file(
    pypi_database: str, tmp_path: Path, shared_data: Path
) -> None:
    # Real package names at versions their advisories list, and packages no advisory names, to 100,000.
    vulnerable: list[str] = []
    with zipfile.ZipFile(shared_data / "osv" / "PyPI" / "all.zip") as archive:
        for member in archive.namelist():
            record = json.loads(archive.read(member))
            if record.get("withdrawn"):
                continue
            for affected in record.get("affected", []):
                for version in affected.get("versions", [])[:3]:
                    vulnerable.append(f"pkg:pypi/{affected['package']['name'].lower()}@{version}")
    clean = [f"pkg:pypi/osswatch-unlisted-{i}@1.0.{i % 7}" for i in range(100_000 - len(vulnerable))]
    purls = [p for pair in zip(vulnerable, clean, strict=False) for p in pair]
    purls += clean[len(vulnerable) :]
    assert len(purls) == 100_000
    listing = tmp_path / "purls.txt"
    listing.write_text("\n".join(purls) + "\n")
    result = run_cli(
        "query", "--from", str(listing), "--format", "json", "--offline",
        env={"OSSWATCH_DATABASE_URL": pypi_database},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    results = json.loads(result.stdout)["results"]
    assert [r["purl"] for r in results] == purls
    answered = {r["purl"]: bool(r["advisories"]) for r in results}
    # Every vulnerable purl was built from a version its advisory lists; no advisory names the others.
    assert all(answered[p] for p in vulnerable)
    assert not any(answered[p] for p in clean)


def test_stdin_is_read_with_dash(pypi_database: str) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("OSSWATCH_")}
    env |= {"OSSWATCH_DATABASE_URL": pypi_database, "OSSWATCH_CONFIG": os.devnull}
    result = subprocess.run(
        [sys.executable, "-m", "osswatch", "query", "--from", "-", "--format", "json", "--offline"],
        input="pkg:pypi/jinja2@2.11.2\n# a comment\n\n",
        capture_output=True, text=True, env=env, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["results"]) == 1
