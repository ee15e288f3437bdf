"""Matching speed: 10,000 components through a SQLite store of 500,000 synthetic OSV records.

Run: `.venv/bin/python benchmarks/match.py [--advisories N] [--components N] [--covered S ...] [--memory]`.

The corpus is OSV JSON made here: PYSEC-like records (ECOSYSTEM ranges, some `versions` lists) and
GHSA-like ones (SEMVER ranges, some `last_affected`), each with a CVE alias, a CVSS vector, details
and references, over realistic PyPI names; a few packages carry hundreds (a Pareto-like pick).
The store is written once through `StoreWriter` and cached under /tmp, so reruns skip the build.
Each inventory is matched in a fresh process (cold: nothing parsed yet), then again in it (warm).
Inventories: 10% of components on packages with advisories (realistic: most dependencies have
none — of PyPI's ~600k projects a few thousand have any), and 100% (the worst case).
Target: the 10% inventory in under one second after loading. Prints the load average: on a shared
machine wall time also counts other processes' turns, CPU time does not.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from osswatch.advisories.base import AdvisorySource, InMemoryAdvisories
from osswatch.advisories.match import match_inventory
from osswatch.advisories.osv_record import parse_advisory
from osswatch.model import Component, EcosystemName, Location

CORPUS_VERSION = 2
"""Bump when the generated records change, so a cached store is rebuilt."""

# A word list reads better as one string than as 66 lines of a formatted list.
WORDS = (  # noqa: SIM905
    "django flask requests py json yaml http async aio core lib utils tools client server api "
    "auth oauth jwt crypto ssl sql db orm redis mongo cache queue task celery web rest graph "
    "test mock lint format parse xml html css image pdf data frame numpy torch ml cloud aws "
    "azure gcp s3 storage log metrics trace config env cli click rich term color time date"
).split()
VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


def package_names(count: int, rng: random.Random) -> list[str]:
    """Distinct, realistic-looking PyPI names (`flask-jwt`, `aio_redis-client2`, …)."""
    names: set[str] = set()
    while len(names) < count:
        parts = rng.sample(WORDS, rng.choice((1, 2, 2, 3)))
        suffix = str(rng.randrange(9)) if rng.random() < 0.3 else ""
        names.add(rng.choice(("-", "_", "-")).join(parts) + suffix)
    return sorted(names)


def version(rng: random.Random) -> str:
    return f"{rng.randrange(6)}.{rng.randrange(20)}.{rng.randrange(15)}"


def numeric(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def raw_record(number: int, name: str, rng: random.Random) -> dict[str, Any]:
    """One OSV record as JSON data: PYSEC-like ECOSYSTEM ranges, or GHSA-like SEMVER ones."""
    semver = rng.random() < 0.25
    ranges = []
    for _ in range(rng.choice((1, 1, 2))):
        low, high = sorted((version(rng), version(rng)), key=numeric)
        opening = "0" if rng.random() < 0.4 else low
        closing = {"last_affected": high} if rng.random() < 0.1 else {"fixed": high}
        ranges.append(
            {"type": "SEMVER" if semver else "ECOSYSTEM", "events": [{"introduced": opening}, closing]}
        )
    year = 2000 + number % 25
    listed = [] if semver else sorted({version(rng) for _ in range(rng.randrange(12))}, key=numeric)
    return {
        "id": f"{'GHSA' if semver else 'PYSEC'}-{year}-{number}",
        "modified": "2024-10-10T00:00:00Z",
        "published": f"{year}-03-01T00:00:00Z",
        "aliases": [f"CVE-{year}-{number}"],
        "summary": f"synthetic advisory {number}",
        "details": "A longer description of the issue, as real records carry. " * 4,
        "severity": [{"type": "CVSS_V3", "score": VECTOR}],
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": name},
                "ranges": ranges,
                "versions": listed,
                "database_specific": {"source": "https://example.org/advisories.json"},
            }
        ],
        "references": [
            {"type": "ADVISORY", "url": f"https://nvd.nist.gov/vuln/detail/CVE-{year}-{number}"},
            {"type": "WEB", "url": f"https://github.com/example/{name}/issues/{number}"},
        ],
    }


def corpus(count: int, names: list[str], rng: random.Random) -> list[dict[str, Any]]:
    # A few packages carry many advisories (as Django or TensorFlow do): a Pareto-like pick.
    weights = [1.0 / (rank + 1) ** 0.6 for rank in range(len(names))]
    picks = rng.choices(names, weights=weights, k=count)
    return [raw_record(number, name, rng) for number, name in enumerate(picks)]


def components(count: int, names: list[str], covered: float, rng: random.Random) -> list[Component]:
    """Components; a `covered` share are packages with advisories, the rest packages without."""
    return [
        Component(
            name=rng.choice(names) if rng.random() < covered else f"clean-package-{n}",
            version=version(rng),
            ecosystem=EcosystemName("PyPI"),
            purl=None,
            location=Location(path=f"project-{n % 50}/poetry.lock"),
        )
        for n in range(count)
    ]


@contextmanager
def timed(label: str) -> Iterator[None]:
    # CPU time too: on a shared machine the wall clock also counts other processes' turns.
    start, cpu = time.perf_counter(), time.process_time()
    yield
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    print(f"{label:<44} {wall:8.3f} s wall {used:8.3f} s cpu", flush=True)


def match_twice(label: str, wanted: list[Component], source: AdvisorySource) -> None:
    """Match twice in this process: the first call is cold (when the process is), the second warm."""
    with timed(f"{label}: match {len(wanted):,} components"):
        findings = match_inventory(wanted, source)
    with timed(f"{label}: match them again (warm)"):
        again = match_inventory(wanted, source)
    assert again == findings, "a warm match must find exactly what the cold one found"
    print(f"{label}: {len(findings):,} findings", flush=True)


def store_path(count: int) -> Path:
    """Where the store of a `count`-record corpus is cached (under /tmp: reruns skip the build).

    The name carries the schema revision too: a store written by older code is never reused (opening
    it would migrate it in place, and time the migration as loading).
    """
    from osswatch.store.database import head_revision

    name = f"osswatch-bench-match-{count}-v{CORPUS_VERSION}-r{head_revision()}.db"
    return Path(tempfile.gettempdir()) / name


def build_store(raws: list[dict[str, Any]], path: Path) -> None:
    """The SQLite store of the corpus at `path`, written through `StoreWriter`, unless it exists."""
    from osswatch.advisories.store import AdvisoryStore, StoredRecord

    if path.exists():
        return
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    with (
        timed(f"store: build {len(raws):,} advisories"),
        AdvisoryStore.open(f"sqlite:///{building}") as store,
        store.writing() as writer,
    ):
        for start in range(0, len(raws), 5000):
            writer.put(
                [
                    StoredRecord(
                        advisory=parse_advisory(raw, origin="bench"),
                        raw=json.dumps(raw).encode(),
                        source="PyPI",
                    )
                    for raw in raws[start : start + 5000]
                ]
            )
    building.rename(path)  # only a complete store is ever reused


def cold_and_warm(path: Path, covered: float, args: argparse.Namespace) -> None:
    """In this (fresh) process: open the store and match one inventory twice."""
    from osswatch.advisories.store import AdvisoryStore

    rng = random.Random(20241010)
    names = package_names(args.packages, rng)
    wanted = components(args.components, names, covered, random.Random(covered))
    with AdvisoryStore.open(f"sqlite:///{path}") as store:
        store.advisories_for([])  # open the connection and check the schema: loading, not matching
        match_twice(f"store, {covered:.0%} covered", wanted, store)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--advisories", type=int, default=500_000)
    parser.add_argument("--components", type=int, default=10_000)
    parser.add_argument("--packages", type=int, default=40_000)
    parser.add_argument(
        "--covered",
        type=float,
        nargs="+",
        default=[0.1, 1.0],
        help="shares of components whose package has advisories, one run each",
    )
    parser.add_argument("--memory", action="store_true", help="also match an in-memory corpus")
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    rng = random.Random(20241010)
    names = package_names(args.packages, rng)
    if args.child is not None:
        cold_and_warm(store_path(args.advisories), args.child, args)
        return
    print(f"load average {os.getloadavg()}", flush=True)
    path = store_path(args.advisories)
    if args.memory or not path.exists():
        with timed(f"generate {args.advisories:,} OSV records"):
            raws = corpus(args.advisories, names, rng)
        build_store(raws, path)
        if args.memory:
            in_memory(raws, names, args)
        del raws
    for covered in args.covered:
        # A fresh process per inventory: the first match in it is truly cold.
        command = [sys.executable, __file__, *sys.argv[1:], "--child", str(covered)]
        subprocess.run(command, check=True)
    print(f"load average {os.getloadavg()}", flush=True)


def in_memory(raws: list[dict[str, Any]], names: list[str], args: argparse.Namespace) -> None:
    """The same inventories against the corpus parsed and indexed in memory."""
    with timed("parse them (parse_advisory)"):
        source = InMemoryAdvisories(parse_advisory(raw, origin="bench") for raw in raws)
    gc.freeze()  # loaded data lives as long as the process: keep the GC from re-scanning it
    for covered in args.covered:
        wanted = components(args.components, names, covered, random.Random(covered))
        match_twice(f"memory, {covered:.0%} covered", wanted, source)


if __name__ == "__main__":
    main()
