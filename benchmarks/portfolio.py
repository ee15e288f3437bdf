"""Portfolio jobs at scale: ingest throughput on 1 and 2 workers, and re-evaluation after a sync.

Run: `.venv/bin/python benchmarks/portfolio.py [--projects 1000] [--components 200]
[--advisory-share 1.0] [--vulnerable-share 0.33] [--database-url postgresql+psycopg://…]
[--queue-url redis://127.0.0.1:6379/0]`.

The portfolio is synthetic but matched for real: each project is a `requirements.txt` of `--components`
PyPI packages: `--advisory-share` of them drawn from the names in the real PyPI OSV export
(`../shared/data/osv/PyPI`; by default all of them, the dense worst case), `--vulnerable-share` of those
pinned to a version an advisory lists (default a third), the rest names no advisory knows. The
advisories come through a `file://` mirror made from that
export with the `--changed` most recently modified advisories held back; the projects are uploaded as
`ingest_snapshot` jobs to real `osswatch worker` processes over Redis — the first half with one worker, the
second with two. Then
the held advisories are published and one `sync_advisories` job runs: the time until every re-evaluation
it fanned out is done is the figure (target under 5 s for 100 changed advisories).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import redis
from packaging.version import InvalidVersion, Version

from osswatch.monitor.job_records import job_record
from osswatch.monitor.jobs import ingest_job, sync_job
from osswatch.monitor.portfolio import Portfolio
from osswatch.monitor.redis_queue import BrokerSettings, RedisQueue
from osswatch.store.database import open_database

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "osv" / "PyPI"


def real_records() -> dict[str, bytes]:
    """The real PyPI export: id → OSV JSON."""
    with zipfile.ZipFile(DATA / "all.zip") as archive:
        return {name.removesuffix(".json"): archive.read(name) for name in archive.namelist()}


def publish(folder: Path, records: dict[str, bytes]) -> None:
    """A PyPI folder in the bucket layout: all.zip, one file per record, modified_id.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / "all.zip", "w") as archive:
        for advisory_id, data in records.items():
            archive.writestr(f"{advisory_id}.json", data)
    rows = []
    for advisory_id, data in records.items():
        (folder / f"{advisory_id}.json").write_bytes(data)
        rows.append((json.loads(data)["modified"], advisory_id))
    (folder / "modified_id.csv").write_text("".join(f"{m},{i}\n" for m, i in sorted(rows, reverse=True)))


def listed_versions(records: dict[str, bytes]) -> dict[str, list[str]]:
    """PyPI package name → versions some advisory lists (possibly none)."""
    names: dict[str, set[str]] = {}
    for data in records.values():
        for affected in json.loads(data).get("affected", []):
            package = affected.get("package", {})
            if package.get("ecosystem") == "PyPI" and package.get("name"):
                valid = (v for v in affected.get("versions", []) if _is_pep440(v))
                names.setdefault(package["name"].lower(), set()).update(valid)
    return {name: sorted(versions) for name, versions in names.items()}


def _is_pep440(version: str) -> bool:
    try:
        Version(version)
    except InvalidVersion:
        return False
    return True


def requirements(
    rng: random.Random,
    pool: dict[str, list[str]],
    count: int,
    *,
    advisory_share: float = 1.0,
    vulnerable_share: float = 1 / 3,
) -> bytes:
    """A requirements.txt of `count` distinct packages.

    `advisory_share` of them are packages some advisory names (the rest are names no advisory knows), and
    `vulnerable_share` of those are pinned to a version an advisory lists.
    """
    named = min(round(count * advisory_share), len(pool))
    lines = []
    for name in rng.sample(sorted(pool), named):
        versions = pool[name]
        vulnerable = versions and rng.random() < vulnerable_share
        version = rng.choice(versions) if vulnerable else f"{rng.randint(50, 99)}.0.0"
        lines.append(f"{name}=={version}")
    lines.extend(f"quiet-package-{rng.randrange(1_000_000)}-{n}==1.0.0" for n in range(count - named))
    return ("\n".join(lines) + "\n").encode()


def start_workers(count: int, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    """`count` real `osswatch worker` processes (one process, one thread each)."""
    command = [sys.executable, "-m", "osswatch", "worker", "--processes", "1", "--threads", "1"]
    return [
        subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL, start_new_session=True)
        for _ in range(count)
    ]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    """Stop the workers started here (SIGTERM to each one's own process group)."""
    for worker in workers:
        os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=60)


def wait_done(portfolio: Portfolio, keys: list[str]) -> None:
    """Block until every job in `keys` is finished; fail on a failed one."""
    pending = list(keys)
    while pending:
        record = job_record(portfolio, pending[-1])
        if record.status == "failed":
            raise SystemExit(f"job {record.key} failed: {record.error}")
        if record.is_finished:
            pending.pop()
        else:
            time.sleep(0.05)


def ingest_phase(
    portfolio: Portfolio,
    queue: RedisQueue,
    uploads: list[tuple[int, int, bytes]],
    workers: int,
    env: dict[str, str],
) -> float:
    """Snapshots per second of `uploads` on `workers` workers."""
    started_workers = start_workers(workers, env)
    try:
        time.sleep(8)  # let the workers boot before the clock starts
        start = time.perf_counter()
        keys = []
        for team_id, project_id, data in uploads:
            job = ingest_job(
                team_id=team_id, project_id=project_id, filename="requirements.txt", data=data, after=None
            )
            keys.append(queue.submit(job).key)
        wait_done(portfolio, keys)
        return len(uploads) / (time.perf_counter() - start)
    finally:
        stop_workers(started_workers)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--components", type=int, default=200)
    parser.add_argument("--changed", type=int, default=100)
    parser.add_argument(
        "--advisory-share",
        type=float,
        default=1.0,
        help="share of each project's packages that some advisory names (1.0: the dense worst case; the "
        "real acapy poetry.lock has 18 of 106, about 0.17)",
    )
    parser.add_argument(
        "--vulnerable-share",
        type=float,
        default=1 / 3,
        help="share of those pinned to a version an advisory lists (the real lockfiles: 3 of 121)",
    )
    parser.add_argument("--database-url")
    parser.add_argument("--queue-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    rng = random.Random(6)
    records = real_records()
    pool = listed_versions(records)
    with tempfile.TemporaryDirectory(prefix="osswatch-bench-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'osswatch.db'}"
        namespace = f"osswatch-bench-{uuid.uuid4().hex}"
        env = {**os.environ, "OSSWATCH_DATABASE_URL": url, "OSSWATCH_QUEUE_URL": args.queue_url}
        env |= {"OSSWATCH_QUEUE_NAMESPACE": namespace, "OSSWATCH_OSV_URL": f"file://{folder}/mirror"}
        os.environ.update(env)
        # The changes of a sync are the most recently modified records.
        newest = sorted(records, key=lambda i: json.loads(records[i])["modified"], reverse=True)
        held = set(newest[: args.changed])
        publish(Path(folder) / "mirror" / "PyPI", {i: d for i, d in records.items() if i not in held})
        portfolio = Portfolio(open_database(url))
        queue = RedisQueue(args.queue_url, portfolio, None, BrokerSettings(namespace=namespace))
        try:
            run(args, portfolio, queue, env, rng, pool, records, Path(folder))
        finally:
            queue.close()
            portfolio.close()
            client = redis.Redis.from_url(args.queue_url)
            keys = list(client.scan_iter(f"{namespace}:*"))
            if keys:
                client.delete(*keys)
            client.close()


def run(
    args: argparse.Namespace,
    portfolio: Portfolio,
    queue: RedisQueue,
    env: dict[str, str],
    rng: random.Random,
    pool: dict[str, list[str]],
    records: dict[str, bytes],
    folder: Path,
) -> None:
    now = datetime.now(UTC)
    workers = start_workers(1, env)
    try:
        time.sleep(8)
        first = queue.submit(sync_job(["PyPI"], key="bench-first"))
        wait_done(portfolio, [first.key])
    finally:
        stop_workers(workers)
    team = portfolio.create_team("bench", now=now)
    uploads = [
        (
            team.id,
            portfolio.create_project(team.id, f"p{n}", now=now).id,
            requirements(
                rng,
                pool,
                args.components,
                advisory_share=args.advisory_share,
                vulnerable_share=args.vulnerable_share,
            ),
        )
        for n in range(args.projects)
    ]
    half = len(uploads) // 2
    one = ingest_phase(portfolio, queue, uploads[:half], 1, env)
    two = ingest_phase(portfolio, queue, uploads[half:], 2, env)
    print(f"ingest, {args.components} components per snapshot: {one:.1f} snapshots/s on 1 worker")
    print(f"ingest, {args.components} components per snapshot: {two:.1f} snapshots/s on 2 workers")

    publish(folder / "mirror" / "PyPI", records)
    workers = start_workers(2, env)
    try:
        time.sleep(8)
        start = time.perf_counter()
        sync = queue.submit(sync_job(["PyPI"], key="bench-second"))
        wait_done(portfolio, [sync.key])
        result = job_record(portfolio, sync.key).result or {}
        wait_done(portfolio, list(result.get("jobs", [])))
        seconds = time.perf_counter() - start
    finally:
        stop_workers(workers)
    projects = len(result.get("projects", []))
    touched = len(result.get("touched", []))
    print(
        f"sync of {args.changed} changed advisories → {touched} of {args.projects} projects touched, "
        f"{projects} re-evaluated, on 2 workers: {seconds:.2f} s (target < 5 s)"
    )


if __name__ == "__main__":
    main()
