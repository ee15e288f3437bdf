"""Micro-benchmark: compares/second and sort_key/second per ecosystem, ours against univers.

Run: `.venv/bin/python benchmarks/versions.py [--rounds N]`. Versions come from the ordering
vectors in ../shared/data/versions (real version strings); "cold" clears our parse caches before
every round, "warm" reuses them (the common case: a scan compares the same versions many times).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from osswatch.ecosystems import VersionScheme, get

VERSIONS = Path(__file__).resolve().parents[2] / "shared" / "data" / "versions"
# ecosystem → (vector file prefix, univers class name or None)
CASES = {
    "Alpine": ("alpine", "AlpineLinuxVersion"),
    "CRAN": ("cran", None),
    "Debian": ("debian", "DebianVersion"),
    "Hackage": ("hackage", None),
    "Maven": ("maven", "MavenVersion"),
    "NuGet": ("nuget", "NugetVersion"),
    "Packagist": ("packagist", "ComposerVersion"),
    "Pub": ("pub", "SemverVersion"),
    "PyPI": ("pypi", "PypiVersion"),
    "Red Hat": ("redhat", "RpmVersion"),
    "RubyGems": ("rubygems", "RubygemsVersion"),
    "npm": ("semver", "SemverVersion"),
}


def pairs_of(prefix: str) -> list[tuple[str, str]]:
    """The (left, right) pairs of every vector file of one ecosystem."""
    pairs = []
    for path in sorted(VERSIONS.glob(f"{prefix}-versions*.txt")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            parts = raw.split()
            if len(parts) == 3 and not raw.startswith(("#", "//")):
                pairs.append((parts[0], parts[2]))
    return pairs


def clear_caches() -> None:
    """Empty every lru_cache of osswatch.ecosystems, so the next round parses from scratch."""
    for name, module in list(sys.modules.items()):
        if name.startswith("osswatch.ecosystems"):
            for value in vars(module).values():
                if hasattr(value, "cache_clear"):
                    value.cache_clear()


def rate(count: int, run: Callable[[], object], rounds: int, cold: bool) -> float:
    """Best operations/second over `rounds` runs."""
    best = float("inf")
    for _ in range(rounds):
        if cold:
            clear_caches()
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return count / best if best else float("inf")


def univers_rate(class_name: str | None, pairs: list[tuple[str, str]]) -> str:
    """compares/second of univers on the pairs it can parse, or '-'."""
    if class_name is None:
        return "-"
    try:
        from univers import versions  # optional: only for the comparison column
    except ImportError:
        return "n/a"

    cls = getattr(versions, class_name)
    parsed = []
    for a, b in pairs:
        try:
            parsed.append((a, b, cls(a), cls(b)))
        except Exception:  # noqa: BLE001 - univers raises many types on versions it rejects
            continue

    def run() -> None:
        for a, b, _, _ in parsed:
            x, y = cls(a), cls(b)
            _ = (x > y) - (x < y)

    return f"{rate(len(parsed), run, 1, cold=False):,.0f}"


def main() -> None:
    """Print one row per ecosystem."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-univers", action="store_true")
    args = parser.parse_args()
    columns = ("pairs", "cmp/s cold", "cmp/s warm", "key/s cold", "key/s warm", "univers cmp/s")
    print(f"{'ecosystem':10} {columns[0]:>6} " + " ".join(f"{c:>13}" for c in columns[1:]))
    for ecosystem, (prefix, univers_class) in CASES.items():
        scheme, pairs = get(ecosystem), pairs_of(prefix)
        versions = [v for pair in pairs for v in pair]

        def compare_all(scheme: VersionScheme = scheme, pairs: list[tuple[str, str]] = pairs) -> None:
            for a, b in pairs:
                scheme.compare(a, b)

        def key_all(scheme: VersionScheme = scheme, versions: list[str] = versions) -> None:
            for v in versions:
                scheme.sort_key(v)

        cells = [
            rate(len(pairs), compare_all, args.rounds, cold=True),
            rate(len(pairs), compare_all, args.rounds, cold=False),
            rate(len(versions), key_all, args.rounds, cold=True),
            rate(len(versions), key_all, args.rounds, cold=False),
        ]
        other = "skipped" if args.no_univers else univers_rate(univers_class, pairs)
        print(f"{ecosystem:10} {len(pairs):>6} " + " ".join(f"{c:>13,.0f}" for c in cells) + f" {other:>13}")


if __name__ == "__main__":
    main()
