"""``apiforge diff`` on two 2,000-operation specs vs a cold generation of one (issue 17's speed target).

    .venv/bin/python benchmarks/diff.py                 # 2,000 operations, median of 1 run each
    .venv/bin/python benchmarks/diff.py --ops 500 --runs 3

The old spec is ``synth.py``'s (seed 7); the new one is the same spec after a
release's worth of edits spread over the whole document (every 10th resource
loses its delete operation, every 11th list gains a required filter, every 7th
resource model a field, every status enum a value, every 13th request body a
tighter ``maxLength``), so every rule family has work to do. Both commands run
cold (an empty content cache each run, so the spec validation cache is cold for
the diff as well) under :mod:`measure`'s launcher: wall time and peak RSS.
Target: the diff takes less than the generation. Run on demand, never in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import measure
import synth


def next_release(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of a synthetic spec with edits spread evenly over it (see the module docstring)."""
    new = json.loads(
        json.dumps(document)
    )  # no shared nodes: synth reuses property dicts (YAML aliases)
    items = [item for path, item in new["paths"].items() if path.endswith("{id}/")]
    lists = [
        item["get"]
        for path, item in new["paths"].items()
        if not path.endswith("{id}/") and "get" in item
    ]
    for index, item in enumerate(items):
        if index % 10 == 0:
            item.pop("delete", None)
    for index, listing in enumerate(lists):
        if index % 11 == 0:
            listing.setdefault("parameters", []).append(
                {"name": "owner", "in": "query", "required": True, "schema": {"type": "string"}}
            )
    requests = [s for name, s in new["components"]["schemas"].items() if name.endswith("Request")]
    for index, schema in enumerate(requests):
        if index % 13 == 0:
            for prop in schema.get("properties", {}).values():
                if prop.get("type") == "string":
                    prop["maxLength"] = 40
    models = [s for s in new["components"]["schemas"].values() if "properties" in s]
    for index, schema in enumerate(models):
        if index % 7 == 0:
            schema["properties"]["labels"] = {"type": "array", "items": {"type": "string"}}
    for schema in new["components"]["schemas"].values():
        if "enum" in schema:
            schema["enum"].append("superseded")
    return new


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["APIFORGE_CACHE_DIR"] = str(cache)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()

    work = HERE / ".work" / "diff"
    old = synth.write(args.ops, work)
    new = work / f"synthetic-{args.ops}-next.yaml"
    new.write_text(synth.dump(next_release(synth.generate(args.ops))), encoding="utf-8")
    python = sys.executable
    results: dict[str, measure.Summary] = {
        "diff": measure.Summary(),
        "generate (cold)": measure.Summary(),
    }
    report = work / "report.json"
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
            diff_argv = [python, "-m", "apiforge", "diff", str(old), str(new), "--format", "json"]
            run = measure.run(
                diff_argv, cwd=Path(out), env=_env(Path(cache) / "diff"), timeout=args.timeout
            )
            results["diff"].runs.append(run)
            generate_argv = [
                python,
                "-m",
                "apiforge",
                "generate",
                str(old),
                "--output",
                str(Path(out) / "gen"),
                "--force",
                "--quiet",
            ]
            results["generate (cold)"].runs.append(
                measure.run(
                    generate_argv,
                    cwd=Path(out),
                    env=_env(Path(cache) / "gen"),
                    timeout=args.timeout,
                    check_output=Path(out) / "gen",
                )
            )
    captured = _capture(python, old, new)
    report.write_text(captured, encoding="utf-8")
    counts = json.loads(captured)["reports"][0]["counts"] if captured.startswith("{") else {}
    print(f"| {args.ops}-operation specs | wall (median of {args.runs}) | peak RSS |")
    print("|---|---|---|")
    for name, summary in results.items():
        shown = f"{summary.median:.1f} s" if summary.ok else f"fails: {summary.error}"
        print(f"| {name} | {shown} | {summary.peak_mb:.0f} MB |")
    print(f"\nchanges found: {counts}; report in {report.relative_to(REPO)}")
    diff_time, gen_time = results["diff"], results["generate (cold)"]
    passed = diff_time.ok and gen_time.ok and diff_time.median < gen_time.median
    ratio = gen_time.median / diff_time.median if passed else 0.0
    print(
        f"{'PASS' if passed else 'FAIL'}: diff < cold generation"
        + (f" ({ratio:.1f}x faster)" if passed else "")
    )
    shutil.rmtree(work / "gen", ignore_errors=True)
    sys.exit(0 if passed else 1)


def _capture(python: str, old: Path, new: Path) -> str:
    """The JSON report itself (one more, untimed run)."""
    import subprocess

    with tempfile.TemporaryDirectory() as cache:
        done = subprocess.run(
            [python, "-m", "apiforge", "diff", str(old), str(new), "--format", "json"],
            env=_env(Path(cache)),
            capture_output=True,
            text=True,
            check=False,
        )
    return done.stdout


if __name__ == "__main__":
    main()
