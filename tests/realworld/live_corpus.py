"""The live round trip over a folder of specs: ``python -m tests.realworld.live_roundtrip DIR``.

Runs :func:`live_roundtrip.run_spec` on every root document under DIR (as
``benchmarks.corpus`` finds them; the specs ``corpus_exceptions.toml`` expects to stop are
skipped), then prints one row per spec, the failures (``-v``: every one, otherwise the
first per spec) and the totals: specs, operations called, passed, failed by cause,
unbuildable. Exit status 1 when any operation failed or any spec did not get as far as
calling.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from live_roundtrip import SpecResult, run_spec

from benchmarks.corpus import load_exceptions, package_name, root_documents


def run_folder(
    directory: Path, only: str | None, out: Path, verbose: bool = False
) -> list[SpecResult]:
    """Every selected root document of ``directory``, run one after the other."""
    expected_stops = load_exceptions()
    results: list[SpecResult] = []
    for spec in root_documents(directory):
        relative = spec.relative_to(directory).as_posix()
        if (only and only not in relative) or relative in expected_stops:
            continue
        started = time.monotonic()
        try:
            result = run_spec(spec, out, f"lv_{package_name(relative)}")
        except Exception:  # noqa: BLE001 -- a row reports whatever stopped the spec
            result = SpecResult(relative, error=traceback.format_exc(limit=3).splitlines()[-1])
        result.spec = relative
        print(_row(result, time.monotonic() - started), flush=True)
        if verbose:
            for outcome in result.outcomes:
                if outcome.status != "passed":
                    print(
                        f"    {outcome.operation_id}: {outcome.status} {outcome.cause}: {outcome.detail}"
                    )
        results.append(result)
    return results


def _row(result: SpecResult, seconds: float) -> str:
    counts = f"{len(result.outcomes):>4} {result.count('passed'):>4} {result.count('failed'):>4} "
    counts += f"{result.count('unbuildable'):>4}"
    return f"{result.spec[:70]:<70} {counts} {seconds:6.1f}s {result.error[:80]}"


def summary(results: list[SpecResult], verbose: bool) -> list[str]:
    """The failure lines and the totals."""
    lines: list[str] = []
    causes: Counter[str] = Counter()
    for result in results:
        failed = [o for o in result.outcomes if o.status != "passed"]
        for outcome in failed if verbose else failed[:1]:
            lines.append(
                f"{result.spec}: {outcome.operation_id}: {outcome.status} {outcome.cause}: {outcome.detail}"
            )
        causes.update(f"{o.status}:{o.cause}" for o in failed)
    outcomes = [o for r in results for o in r.outcomes]
    lines.append(
        f"specs {len(results)} (did not run: {sum(bool(r.error) for r in results)}), operations "
        f"{len(outcomes)}, passed {sum(o.status == 'passed' for o in outcomes)}, failed "
        f"{sum(o.status == 'failed' for o in outcomes)}, unbuildable "
        f"{sum(o.status == 'unbuildable' for o in outcomes)}"
    )
    lines.extend(f"  {count:>5} {cause}" for cause, count in causes.most_common())
    return lines


def main(argv: list[str]) -> int:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m tests.realworld.live_roundtrip")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--only", help="run only the specs whose path contains this")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every failure")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="apiforge-live-") as out:
        results = run_folder(args.directory.resolve(), args.only, Path(out), args.verbose)
    for line in summary(results, verbose=False):
        print(line)
    failed = any(r.error or r.count("failed") for r in results)
    return 1 if failed else 0
