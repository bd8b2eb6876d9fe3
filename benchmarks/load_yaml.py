"""apiforge's YAML reader against PyYAML's C loader on the same text (run on demand).

    python benchmarks/load_yaml.py [--schemas N] [--runs N]

Prints the median of each and their ratio; on a shared machine a ratio within 10% of
1.0 is reported as inconclusive.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "unit"))

from test_load_yaml import spec_with_schemas

from apiforge.diagnostics import Sink
from apiforge.load.reading import Limits, Reporter
from apiforge.load.yaml_reader import parse_yaml


def _median(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemas", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    text = spec_with_schemas(args.schemas)
    limits = Limits(1 << 26, 64, 50_000_000)
    pyyaml = _median(lambda: yaml.load(text, Loader=yaml.CSafeLoader), args.runs)
    ours = _median(lambda: parse_yaml(text, "bench.yaml", limits, Reporter(Sink())), args.runs)
    ratio = ours / pyyaml
    verdict = "inconclusive" if abs(ratio - 1) < 0.1 else ("PASS" if ratio < 1 else "FAIL")
    print(f"{len(text) / 1e6:.1f} MB YAML, median of {args.runs}")
    print(f"pyyaml CSafeLoader {pyyaml * 1000:8.1f} ms")
    print(f"apiforge reader    {ours * 1000:8.1f} ms  ratio {ratio:.2f}x  {verdict}")


if __name__ == "__main__":
    main()
