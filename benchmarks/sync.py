"""Import speed and memory: the real OSV archives, and a synthetic 500,000-advisory archive.

Run: `.venv/bin/python benchmarks/sync.py [--real] [--synthetic 100000 250000 500000]` (SQLite files).

Real: for each `../shared/data/osv/<ECO>/all.zip`, the time `import_path` takes into a fresh
database against the time to merely unzip and `json.loads` every member (target: within 3x);
best of `--repeat` runs of each after a warm-up run of each, the two alternating (the machine is
shared: the load average is printed with the figures, and the CPU-time ratio, which load barely
moves, beside the wall-clock one).
Synthetic: PYSEC-like records (ranges, enumerated versions, aliases, references, a CVSS vector,
a paragraph of details) are streamed into an `all.zip`, then imported; each size runs in its own
process so its peak memory (ru_maxrss) is its own. Reports records/s, that the time per record
stays flat as the size grows (linear), and peak memory (target: < 1 GB).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from osswatch.advisories.local import import_path
from osswatch.advisories.store import AdvisoryStore

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "osv"
WORDS = (  # noqa: SIM905 - a word list reads better as one string
    "django flask requests json yaml http async core lib utils client server api auth jwt crypto "
    "sql orm redis cache queue task web rest graph test parse xml html image pdf data numpy cloud "
    "storage log metrics trace config cli rich time"
).split()


@dataclass(frozen=True, slots=True)
class Timing:
    """Wall-clock and CPU seconds of one run (CPU time moves much less with the load)."""

    wall: float
    cpu: float


@contextmanager
def timed(into: list[Timing]) -> Iterator[None]:
    """Append the wall-clock and process CPU time of the block to `into`."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    into.append(Timing(time.perf_counter() - wall, time.process_time() - cpu))


def baseline(archive: Path, into: list[Timing]) -> None:
    """Read and `json.loads` every member."""
    with timed(into), zipfile.ZipFile(archive) as opened:
        for info in opened.infolist():
            json.loads(opened.read(info))


def import_seconds(archive: Path, folder: Path, run: int, into: list[Timing]) -> None:
    """Import `archive` into a fresh SQLite database (opening and migrating it is not timed)."""
    with AdvisoryStore.open(f"sqlite:///{folder / f'bench-{run}.db'}") as store, timed(into):
        import_path(store, archive, ecosystem=f"bench-{run}")


def real(repeat: int) -> None:
    """The real archives: import against unzip + json.loads, with the load average they ran under."""
    print(f"load average before: {_load()}")
    with tempfile.TemporaryDirectory() as tmp:
        runs = iter(range(1_000_000))
        for archive in sorted(DATA.glob("*/all.zip")):
            # One warm-up of each (page cache, imports, SQLAlchemy's statement cache), then the
            # two alternate so a burst of load elsewhere hits both alike; best of `repeat` each.
            bases: list[Timing] = []
            imports: list[Timing] = []
            baseline(archive, [])
            import_seconds(archive, Path(tmp), next(runs), [])
            for _ in range(repeat):
                baseline(archive, bases)
                import_seconds(archive, Path(tmp), next(runs), imports)
            base, best = min(t.wall for t in bases), min(t.wall for t in imports)
            ratio, cpu_ratio = best / base, min(t.cpu for t in imports) / min(t.cpu for t in bases)
            verdict = "ok" if ratio <= 3 else "OVER TARGET"
            print(
                f"{archive.parent.name:10} unzip+loads {base:6.2f} s  import {best:6.2f} s  x{ratio:.2f}"
                f"  {verdict}  (CPU time x{cpu_ratio:.2f})"
            )
    print(f"load average after:  {_load()}")


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg()) + f" ({os.cpu_count()} cores)"


def record(number: int, rng: random.Random) -> dict[str, Any]:
    """One realistic PYSEC-like OSV record."""
    name = "-".join(rng.sample(WORDS, rng.choice((1, 2, 3)))) + str(number % 97)
    fixed = f"{rng.randrange(1, 9)}.{rng.randrange(20)}.{rng.randrange(10)}"
    versions = [
        f"{major}.{minor}.0" for major in range(int(fixed[0])) for minor in range(rng.randrange(2, 8))
    ]
    return {
        "id": f"PYSEC-BENCH-{number}",
        "modified": f"2024-{1 + number % 12:02d}-{1 + number % 28:02d}T00:00:00Z",
        "published": "2023-01-01T00:00:00Z",
        "aliases": [f"CVE-2024-{number}", f"GHSA-{number:04x}-bench"],
        "summary": f"{name}: {' '.join(rng.sample(WORDS, 6))}",
        "details": " ".join(rng.choices(WORDS, k=80)),
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": name, "purl": f"pkg:pypi/{name}"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}],
                "versions": versions,
            }
        ],
        "references": [{"type": "WEB", "url": f"https://example.org/advisories/{number}"}],
    }


def records(count: int) -> Iterator[tuple[str, bytes]]:
    """`count` records as (member name, JSON bytes), generated one at a time."""
    rng = random.Random(count)
    for number in range(count):
        yield f"PYSEC-BENCH-{number}.json", json.dumps(record(number, rng), indent=1).encode()


def synthetic_one(count: int) -> dict[str, float]:
    """Stream `count` records into a zip, import it, and report time and peak memory (child process)."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "all.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for name, data in records(count):
                out.writestr(name, data)
        timings: list[Timing] = []
        import_seconds(archive, Path(tmp), 0, timings)
        seconds = timings[0].wall
        size = archive.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    return {"count": count, "seconds": seconds, "peak_bytes": peak, "zip_bytes": size}


def synthetic(sizes: list[int]) -> None:
    """Each size in its own process; per-record time must stay flat, memory under 1 GB."""
    results = []
    for count in sizes:
        command = [sys.executable, __file__, "--one", str(count)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    first = results[0]["seconds"] / results[0]["count"]
    for result in results:
        count, seconds, peak = result["count"], result["seconds"], result["peak_bytes"]
        per = seconds / count
        print(
            f"{count:>8,} records  {seconds:7.1f} s  {count / seconds:7,.0f}/s"
            f"  {per * 1e6:6.0f} us/record (x{per / first:.2f} of the smallest)"
            f"  peak {peak / 2**20:6.0f} MiB  {'ok' if peak < 2**30 else 'OVER 1 GB'}"
        )


def main() -> None:
    """Parse arguments and run the chosen benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", action="store_true", help="import the real archives")
    parser.add_argument("--synthetic", type=int, nargs="*", help="synthetic archive sizes")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(synthetic_one(args.one)))
        return
    if args.real or not args.synthetic:
        real(args.repeat)
    if args.synthetic:
        print(f"load average: {_load()}")
        synthetic(args.synthetic)


if __name__ == "__main__":
    main()
