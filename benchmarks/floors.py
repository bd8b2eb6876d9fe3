"""What any regeneration pays before a stage runs: Python start, the imports, parsing the spec.

    python benchmarks/floors.py [--synthetic 1000 | SPEC] [--runs 3]

Each figure is the CPU time (user + system) of fresh processes, best of ``--runs``:
``python -c pass``; importing every module ``apiforge generate`` loads when it renders, as
its entry does (``cli/start.py``: the collector off, :mod:`apiforge.code_cache` installed,
after one run that kept the bytecode and the code cache; ``PYTHONDONTWRITEBYTECODE`` is
removed, as ``run.py`` does, so this is the floor of a user's machine, not of a checkout
that compiles every module each run);
reading and parsing the spec file the way the loader does (with the ``$ref`` holders, no
validation) with no content cache; and the same after one schema of it changed, with the
per-definition parse cache (``load/yaml_chunks.py``) holding the file as it was before.
Start + imports is the floor of an incremental regeneration that changes the spec file;
the whole-file parse is no longer part of it when the cache is warm (see README,
*Incremental regeneration*).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

MODULES = (
    "apiforge.cli.main",
    "apiforge.engine",
    "apiforge.pipeline",
    "apiforge.load.load",
    "apiforge.ir.build",
    "apiforge.ir.shapes",
    "apiforge.naming.names",
    "apiforge.models",
    "apiforge.render.client_views",
    "apiforge.render.server_views",
    "apiforge.render.client",
    "apiforge.render.server",
    "apiforge.output.format",
    "apiforge.output.write",
    "apiforge.diff.release_step",
)

PARSE = """
import os, sys, time
from apiforge.diagnostics import Sink
from apiforge.load.reading import Limits, Reporter
from apiforge.load.source import fetch_url, read_source
path = sys.argv[1]
start = time.process_time()
read_source(os.path.abspath(path), path, Limits(64 << 20, 256, 10_000_000), Reporter(Sink()), fetch_url)
print(time.process_time() - start)
"""


# What cli/start.py does before the command runs, then the render path's imports.
START = (
    "import gc\n"
    "gc.disable()\n"
    "from apiforge.code_cache import install, save\n"
    "install()\n"
    "import {modules}\n"
    "save()\n"
)


def _children_cpu(argv: list[str], runs: int) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    best = float("inf")
    for _ in range(runs):
        before = os.times()
        subprocess.run(argv, check=True, capture_output=True, env=env)
        after = os.times()
        used = (after.children_user - before.children_user) + (
            after.children_system - before.children_system
        )
        best = min(best, used)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("spec", nargs="?")
    parser.add_argument("--synthetic", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.spec:
        spec = Path(args.spec)
    else:
        import synth

        spec = synth.write(args.synthetic, HERE / ".work" / "specs")
    python = sys.executable
    start = _children_cpu([python, "-c", "pass"], args.runs)
    start_and_imports = [python, "-c", START.format(modules=", ".join(MODULES))]
    _children_cpu(start_and_imports, 1)  # keeps the bytecode and the code cache
    imports = _children_cpu(start_and_imports, args.runs)
    parse = _parse_cpu(python, spec, {"APIFORGE_CACHE_DIR": "off"}, args.runs)
    with tempfile.TemporaryDirectory() as scratch:
        env = {"APIFORGE_CACHE_DIR": str(Path(scratch) / "cache")}
        copy = Path(scratch) / spec.name
        text = spec.read_text(encoding="utf-8")
        copy.write_text(text, encoding="utf-8")
        _parse_cpu(python, copy, env, 1)  # the cache now holds the file as it was
        edited = _one_schema_edit(text)
        chunked = float("inf")
        for _ in range(args.runs):
            copy.write_text(text, encoding="utf-8")
            _parse_cpu(python, copy, env, 1)
            copy.write_text(edited, encoding="utf-8")
            chunked = min(chunked, _parse_cpu(python, copy, env, 1))
    print(f"{spec.name} ({spec.stat().st_size // 1024} KB), CPU seconds, best of {args.runs}:")
    print(f"  python -c pass                      {start:6.3f}")
    print(f"  start + imports of the render path  {imports:6.3f}")
    print(f"  read + parse the spec (in-process)  {parse:6.3f}")
    print(f"  the same after a one-schema edit    {chunked:6.3f}  (per-definition cache warm)")
    print(f"  floor of a regeneration             {imports + chunked:6.3f}")


def _parse_cpu(python: str, spec: Path, env: dict[str, str], runs: int) -> float:
    return min(
        float(
            subprocess.run(
                [python, "-c", PARSE, str(spec)],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, **env},
            ).stdout
        )
        for _ in range(runs)
    )


def _one_schema_edit(text: str) -> str:
    """``text`` with a description added to its first component schema (block YAML)."""
    start = text.index("\n  schemas:\n") + len("\n  schemas:\n")
    end = text.index("\n", start)
    return text[: end + 1] + "      description: Edited by floors.py.\n" + text[end + 1 :]


if __name__ == "__main__":
    main()
