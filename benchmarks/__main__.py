"""Run every benchmark in turn: ``python -m benchmarks [--smoke]`` (``make bench``)."""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = ["benchmarks.first_paint", "benchmarks.record_latency", "benchmarks.scale", "benchmarks.formation",
              "benchmarks.phones", "benchmarks.locked_ledger", "benchmarks.seasons"]


def main() -> int:
    failed = []
    for module in BENCHMARKS:
        print(f"\n=== {module} ===", flush=True)
        # One process each: a benchmark's memory and browser never weigh on the next.
        if subprocess.call([sys.executable, "-m", module, *sys.argv[1:]]) != 0:
            failed.append(module)
    if failed:
        print(f"\nFailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
