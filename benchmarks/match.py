"""Matching speed: 10,000 components against a synthetic 500,000-advisory corpus.

Run: `.venv/bin/python benchmarks/match.py [--advisories N] [--components N] [--store]`.

The corpus is OSV JSON made here (PYSEC-like records over realistic PyPI names, one or two
introduced/fixed windows, some enumerated versions, a CVE alias and a CVSS vector), parsed with
`parse_advisory`. Advisories fall on packages by a Pareto-like weight, so a few packages carry
hundreds. Two inventories by default: every component a package that has advisories (the worst
case), and only a fifth of them so (`--covered 1 0.2`), closer to a real inventory.
Reports the time to match after loading (target: under one second) and, with `--store`, the same
through the SQLite `AdvisoryStore` (load time reported separately).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from osswatch.advisories.base import AdvisorySource, InMemoryAdvisories
from osswatch.advisories.match import match_inventory
from osswatch.advisories.osv_record import parse_advisory
from osswatch.model import Advisory, Component, EcosystemName, Location

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
    """One PYSEC-like OSV record as JSON data."""
    ranges = []
    for _ in range(rng.choice((1, 1, 2))):
        low, high = sorted((version(rng), version(rng)), key=numeric)
        opening = "0" if rng.random() < 0.4 else low
        ranges.append({"type": "ECOSYSTEM", "events": [{"introduced": opening}, {"fixed": high}]})
    year = 2000 + number % 25
    return {
        "id": f"PYSEC-{year}-{number}",
        "modified": "2024-10-10T00:00:00Z",
        "aliases": [f"CVE-{year}-{number}"],
        "summary": f"synthetic advisory {number}",
        "severity": [{"type": "CVSS_V3", "score": VECTOR}],
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": name},
                "ranges": ranges,
                "versions": sorted({version(rng) for _ in range(rng.randrange(12))}, key=numeric),
            }
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
    with timed(f"{label}: match {len(wanted):,} components"):
        findings = match_inventory(wanted, source)
    with timed(f"{label}: match them again"):
        match_inventory(wanted, source)
    print(f"{label}: {len(findings):,} findings", flush=True)


def through_store(
    raws: list[dict[str, Any]], advisories: list[Advisory], inventories: dict[str, list[Component]]
) -> None:
    """Load the corpus into a SQLite `AdvisoryStore`, then match each inventory through it."""
    from osswatch.advisories.store import AdvisoryStore, StoredRecord

    with (
        tempfile.TemporaryDirectory() as folder,
        AdvisoryStore.open(f"sqlite:///{Path(folder) / 'bench.db'}") as store,
    ):
        with timed(f"store: load {len(raws):,} advisories"), store.writing() as writer:
            batch = 5000
            for start in range(0, len(raws), batch):
                writer.put(
                    [
                        StoredRecord(advisory=a, raw=json.dumps(r).encode(), source="PyPI")
                        for r, a in zip(
                            raws[start : start + batch], advisories[start : start + batch], strict=True
                        )
                    ]
                )
        for label, wanted in inventories.items():
            match_twice(f"store, {label}", wanted, store)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--advisories", type=int, default=500_000)
    parser.add_argument("--components", type=int, default=10_000)
    parser.add_argument("--packages", type=int, default=40_000)
    parser.add_argument(
        "--covered",
        type=float,
        nargs="+",
        default=[1.0, 0.2],
        help="shares of components whose package has advisories, one run each",
    )
    parser.add_argument("--store", action="store_true", help="also match through the SQLite store")
    parser.add_argument("--no-freeze", action="store_true", help="leave the loaded corpus to the GC")
    args = parser.parse_args()
    rng = random.Random(20241010)
    names = package_names(args.packages, rng)
    with timed(f"generate {args.advisories:,} OSV records"):
        raws = corpus(args.advisories, names, rng)
    with timed("parse them (parse_advisory)"):
        advisories = [parse_advisory(raw, origin="bench") for raw in raws]
    with timed("index in memory (InMemoryAdvisories)"):
        source = InMemoryAdvisories(advisories)
    # Loaded data lives as long as the process: keep the cyclic GC from re-scanning it on every
    # collection (what a server should do after loading, too). `--no-freeze` shows the cost.
    if not args.no_freeze:
        gc.freeze()
    inventories = {f"{c:.0%} covered": components(args.components, names, c, rng) for c in args.covered}
    for label, wanted in inventories.items():
        match_twice(f"memory, {label}", wanted, source)
    if args.store:
        through_store(raws, advisories, inventories)


if __name__ == "__main__":
    main()
