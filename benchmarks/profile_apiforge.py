"""Where apiforge's time goes: wall time per pipeline stage, plus a cProfile of the parent process.

    python benchmarks/profile_apiforge.py SPEC [--warm] [--cprofile out.prof] [--top 25]
    python benchmarks/profile_apiforge.py --synthetic 2000
    python benchmarks/profile_apiforge.py --synthetic 1000 --incremental --no-cprofile
    PYTHONPATH=benchmarks/.work/apiforge-<sha> python ...   # profile the snapshot run.py measured

Runs ``apiforge generate SPEC --force`` in-process (through the CLI, so writing is
included) with an empty content cache unless ``--warm``, timing each stage by
wrapping the stage functions the pipeline imports at call time. ruff (or black,
with ``--formatter black`` in the target) formats in ``format._ruff``/``format._black``;
ruff runs as two subprocesses, which cProfile does not follow, so its share shows as
that function's wall time. ``--incremental`` profiles the regeneration after one
schema of a synthetic spec changed (the first generation runs in another process,
so the profiled one still pays every import). Afterwards it times the formatters
on the very same unformatted output, in a scratch folder: black in one process,
``ruff format`` (one process, all files), and the import sort alone.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

STAGES = (
    ("apiforge.load.load", "load"),
    ("apiforge.ir.build", "build"),
    ("apiforge.ir.shapes", "build_shapes"),
    ("apiforge.model_cache", "known_refs"),
    ("apiforge.naming.names", "resolve_names"),
    ("apiforge.models", "render_models"),
    ("apiforge.view_reuse", "project"),
    ("apiforge.view_reuse", "Reuse.parts"),  # includes the four below when not reused
    ("apiforge.view_reuse", "Reuse.keep"),
    ("apiforge.render.client_views", "client_view"),
    ("apiforge.render.client", "client_parts"),
    ("apiforge.render.server_views", "server_view"),
    ("apiforge.render.server", "server_parts"),
    ("apiforge.output.format", "format_files"),
    ("apiforge.output.format", "_ruff"),
    ("apiforge.output.format", "_black"),
    ("apiforge.output.write", "write_packages"),
    ("apiforge.output.write", "package_trees"),
    ("apiforge.engine", "release_step"),
    ("apiforge.diff.incremental", "compare_stored"),  # inside release_step
    ("apiforge.output.spec_json", "spec_json"),
    ("apiforge.model_cache", "component_digests"),  # inside render_models
    ("apiforge.view_reuse", "_spelling"),  # inside Reuse.parts
)

timings: dict[str, float] = defaultdict(float)
captured: dict[str, Any] = {}
clock = (
    time.perf_counter
)  # --cpu: time.process_time (this process only: not ruff, not the validating child)


def wrap(module_name: str, attr: str) -> None:
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return
    owner: Any = module
    *classes, attr = attr.split(".")  # "Class.method": a method
    for name in classes:
        owner = getattr(owner, name, None)
    real = getattr(owner, attr, None)
    if real is None:
        return
    label = f"{module_name.removeprefix('apiforge.')}.{'.'.join([*classes, attr])}"

    @functools.wraps(real)
    def timed(*args: Any, **kwargs: Any) -> Any:
        if attr == "format_files" and args:
            captured["unformatted"] = dict(args[0])
        start = clock()
        try:
            return real(*args, **kwargs)
        finally:
            timings[label] += clock() - start

    setattr(owner, attr, timed)
    if classes:
        return
    # Modules that did ``from x import attr`` at import time keep the old reference: patch them too.
    for other in list(sys.modules.values()):
        name = getattr(other, "__name__", "")
        if name.startswith("apiforge") and getattr(other, attr, None) is real:
            setattr(other, attr, timed)


def alternatives(files: dict[str, str], with_black: bool, timeout: float = 900) -> dict[str, float]:
    """Format the same unformatted output three ways, in a scratch folder."""
    from ruff.__main__ import find_ruff_bin

    py = {p: t for p, t in files.items() if p.endswith(".py") and t.strip()}
    out: dict[str, float] = {
        "files": len(py),
        "lines": sum(t.count("\n") for t in py.values()),
        "chars": sum(len(t) for t in py.values()),
    }
    with tempfile.TemporaryDirectory(prefix="apiforge-fmt-") as tmp:
        root = Path(tmp)

        def lay_out() -> None:
            shutil.rmtree(root / "src", ignore_errors=True)
            for i, text in enumerate(py.values()):
                path = root / "src" / f"m{i}.py"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")

        ruff = find_ruff_bin()
        lay_out()
        start = time.perf_counter()
        subprocess.run(
            [
                ruff,
                "check",
                "--isolated",
                "--select",
                "I",
                "--fix",
                "--exit-zero",
                "--quiet",
                "--no-cache",
                str(root / "src"),
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        out["ruff isort (1 process)"] = time.perf_counter() - start
        start = time.perf_counter()
        subprocess.run(
            [ruff, "format", "--isolated", "--line-length", "100", "--no-cache", str(root / "src")],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        out["ruff format (1 process)"] = time.perf_counter() - start
        if with_black:
            lay_out()
            start = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "black",
                    "-q",
                    "--line-length",
                    "100",
                    "--target-version",
                    "py310",
                    "--workers",
                    "1",
                    str(root / "src"),
                ],
                capture_output=True,
                timeout=timeout,
                env={**os.environ, "BLACK_CACHE_DIR": str(root / "bc")},
                check=False,
            )
            out["black (1 process, incl. start)"] = time.perf_counter() - start
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("spec", nargs="?")
    parser.add_argument(
        "--synthetic", type=int, help="profile the synthetic spec of this many operations"
    )
    parser.add_argument(
        "--warm", action="store_true", help="keep the content cache (default: empty)"
    )
    parser.add_argument("--cprofile", help="also save the cProfile stats here")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--no-cprofile",
        action="store_true",
        help="stage wall times only (cProfile inflates Python-heavy stages)",
    )
    parser.add_argument(
        "--incremental",
        action="store_true",
        help="with --synthetic: generate once (another process), change one schema, profile the regeneration",
    )
    parser.add_argument("--no-alternatives", action="store_true")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="stage CPU seconds of this process instead of wall seconds (steadier on a shared machine)",
    )
    parser.add_argument(
        "--no-black", action="store_true", help="skip the slow single-process black timing"
    )
    args = parser.parse_args()
    global clock
    if args.cpu:
        clock = time.process_time
    if args.synthetic:
        import synth

        spec = synth.write(args.synthetic, HERE / ".work" / "specs")
    elif args.spec:
        spec = Path(args.spec)
    else:
        parser.error("SPEC or --synthetic N")
    spec = spec.resolve()

    scratch = Path(
        tempfile.mkdtemp(
            prefix="profile-", dir=HERE / ".work" if (HERE / ".work").exists() else None
        )
    )
    if not args.warm:
        os.environ["APIFORGE_CACHE_DIR"] = str(scratch / "cache")
    os.chdir(scratch)
    generate = ["generate", str(spec), "--output", str(scratch / "out"), "--force", "--quiet"]
    if args.incremental:
        if not args.synthetic:
            parser.error("--incremental needs --synthetic N")
        import incremental

        spec = scratch / spec.name
        shutil.copyfile(HERE / ".work" / "specs" / spec.name, spec)
        generate = ["generate", str(spec), "--output", str(scratch / "out"), "--quiet"]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        subprocess.run([sys.executable, "-m", "apiforge", *generate], check=True, env=env)
        spec.write_text(incremental.edited(args.synthetic, 0), encoding="utf-8")

    import apiforge.pipeline  # noqa: F401  (so the stage modules exist to be wrapped)

    for module_name, attr in STAGES:
        wrap(module_name, attr)
    from apiforge.cli.main import main as cli

    profiler = cProfile.Profile()
    start, cpu_start = time.perf_counter(), time.process_time()
    if not args.no_cprofile:
        profiler.enable()
    try:
        cli(generate, standalone_mode=False)
    finally:
        profiler.disable()
    total = time.perf_counter() - start
    cpu = time.process_time() - cpu_start

    what = "after one schema changed" if args.incremental else "--force"
    cache_state = "warm" if args.warm or args.incremental else "empty"
    print(
        f"\n{spec.name}: apiforge generate {what}, {cache_state} cache: {total:.2f} s wall, "
        f"{cpu:.2f} s CPU in this process"
    )
    whole = cpu if args.cpu else total
    unit = "CPU s" if args.cpu else "seconds"
    print(f"\nstage                               {unit:>7}   share")
    for label, seconds in sorted(timings.items(), key=lambda kv: -kv[1]):
        print(f"{label:35} {seconds:7.2f}  {seconds / whole:6.1%}")
    if args.no_cprofile:
        shutil.rmtree(scratch, ignore_errors=True)
        return
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("tottime").print_stats(args.top)
    text = stream.getvalue()
    print(
        "\ncProfile, parent process, by own time:\n" + text[text.find("ncalls") - 6 :]
        if "ncalls" in text
        else text
    )
    if args.cprofile:
        stats.dump_stats(args.cprofile)
    if not args.no_alternatives and "unformatted" in captured:
        print("\nformatting the same unformatted output in a scratch folder:")
        for key, value in alternatives(captured["unformatted"], not args.no_black).items():
            print(
                f"  {key:35} {value:,.2f}" if isinstance(value, float) else f"  {key:35} {value:,}"
            )
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
