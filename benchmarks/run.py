"""apiforge vs its peers, side by side on the same inputs, in one run (issue 7).

    python benchmarks/run.py                 # everything, median of 3
    python benchmarks/run.py --quick         # posthog + 250-op synthetic + no-op + runtime
    python benchmarks/run.py --runs 5 --only apiforge,opc,dmcg
    python benchmarks/run.py --skip-runtime --sizes 250,1000

Peers are installed from PyPI into their own venvs under benchmarks/.work/venvs/
on first use (see peers.py). Every subprocess has a timeout; a tool that fails
on an input is reported as "fails: <first line of its error>". Results are
printed, and saved as JSON and Markdown under benchmarks/.work/results/.

Timings are wall seconds including process start; apiforge runs with an empty
content cache (``APIFORGE_CACHE_DIR`` = a fresh folder each run), i.e. the
honest first-generation cost; the warm-cache ``--force`` time is shown beside
it, and at 1,000 operations the time to regenerate after one schema changed
(incremental.py). CPU time is user + system of the whole process tree; peak
memory is the largest ``ru_maxrss`` in it. Every target is printed as a ratio
against the peers measured in the same run, with a verdict that holds across the
runs' spread: INCONCLUSIVE when the spread straddles the goal (noise).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpus
import incremental
import measure
import peers
import synth

WORK = HERE / ".work"
SHARED_SPECS = Path(os.environ.get("APIFORGE_SPECS_DIR") or ROOT.parent / "shared" / "specs")
REAL_INPUTS = (
    ("posthog", ROOT / "spec" / "posthog.yaml"),
    ("spotify", SHARED_SPECS / "spotify-web-api" / "fixed-spotify-open-api.yml"),
    (
        "opc-baseline",
        SHARED_SPECS / "openapi-python-client" / "end_to_end_tests" / "baseline_openapi_3.0.json",
    ),
    ("twilio-studio", SHARED_SPECS / "twilio-oai" / "spec" / "json" / "twilio_studio_v2.json"),
    (
        "bbci",
        SHARED_SPECS / "openapi-directory-2020" / "APIs" / "bbci.co.uk" / "1.0" / "openapi.yaml",
    ),
)
CORPUS_SHORT = ("openapi-directory-2020/APIs/", "oad/")  # keeps corpus input names readable
SIZES = (250, 500, 1000, 2000)
TOOLS = ("apiforge", *(p.key for p in peers.PEERS))
CLIENT_PEERS = tuple(p.key for p in peers.PEERS if p.kind == "client")
LABELS = {"apiforge": "apiforge client+server", **{p.key: p.label for p in peers.PEERS}}

# Targets (issue 13; the runtime ones from issue 7)
T_VS_FASTEST = 2.0  # cold client+server vs the fastest peer's single target
T_CPU_VS_OPC = 1.0  # apiforge CPU seconds / OPC CPU seconds below this
T_INCREMENTAL = 0.10  # one-schema change at 1,000 operations, as a share of the cold run
INCREMENTAL_OPS = 1000
T_NOOP_S = 0.15
T_CALL_US = 50.0
T_SERVER_RATIO = 0.9


def log(*args: Any) -> None:
    print(*args, flush=True)


# --- apiforge invocation -------------------------------------------------------------------------


PROTOTYPES = HERE / "prototypes"


def _install_bytecode(python: Path, snap: Path, package: str) -> None:
    """Compile the snapshot as an installed apiforge is after install and its first run.

    pip compiles a package's modules at install time (so do the peers' venvs); apiforge
    keeps compiled templates beside them (``render/env.py``) and, from its first command
    line run on, the code its imports compile alike (``code_cache.py``). Without this, a
    session with ``PYTHONDONTWRITEBYTECODE`` set measures every apiforge run compiling all
    of its modules (~0.12 s of CPU), templates (~0.06 s) and dataclass methods, which no
    installed copy does. The first run is one of PostHog with the content cache off.
    """
    env = {**os.environ, "PYTHONPATH": str(snap)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["APIFORGE_CACHE_DIR"] = "off"
    first_run = [str(python), "-m", package, "generate", str(ROOT / "spec" / "posthog.yaml")]
    for argv in (
        [str(python), "-m", "compileall", "-q", str(snap / "generator")],
        [str(python), "-m", f"{package}.render.env"],
        [*first_run, "--output", str(snap / "first-run"), "--quiet", "--force"],
    ):
        # cwd=snap: ``-m`` puts the working folder first on sys.path, which must be the snapshot
        subprocess.run(argv, cwd=snap, env=env, capture_output=True, timeout=300, check=True)


def apiforge_command(ref: str, patch: Path | None = None) -> tuple[list[str], dict[str, str], str]:
    """How to run apiforge: (argv, extra environment, a note saying which code that is).

    ``ref`` ``worktree``: the live checkout (other people's uncommitted edits included).
    Any git ref (default ``HEAD``): ``git archive`` of its generator/ and templates/ into
    benchmarks/.work/apiforge-<sha>[-<patch>]/, run as ``python -m apiforge`` (a symlink
    ``apiforge`` -> generator/; ``-m generator`` for commits from before the rename) with
    that folder first on PYTHONPATH (the venv supplies the pinned dependencies). ``patch``: a
    prototype from benchmarks/prototypes/, applied to that snapshot with ``patch -p1``.
    """
    python = ROOT / ".venv" / "bin" / "python"
    python = python if python.exists() else Path(sys.executable)
    argv = [str(python), "-m", "apiforge"]
    if ref == "worktree" and patch is None:
        return argv, {}, "apiforge: the working tree as it was during the run"
    git_ref = "HEAD" if ref == "worktree" else ref
    sha = subprocess.run(
        ["git", "rev-parse", "--verify", f"{git_ref}^{{commit}}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    ).stdout.strip()
    snap = WORK / (f"apiforge-{sha[:12]}" + (f"-{patch.stem}" if patch else ""))
    fresh = not (snap / "generator" / "__main__.py").exists()
    if fresh:
        shutil.rmtree(snap, ignore_errors=True)
        snap.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "archive", "--format=tar", sha, "generator", "templates"],
            capture_output=True,
            cwd=ROOT,
            timeout=120,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(snap)], input=archive, check=True, timeout=120)
        if patch is not None:
            applied = subprocess.run(
                ["patch", "-p1", "-d", str(snap), "-i", str(patch)],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            if applied.returncode != 0:
                shutil.rmtree(snap, ignore_errors=True)
                raise RuntimeError(
                    f"{patch.name} does not apply to {sha[:12]}: {applied.stdout.strip()}"
                )
    if "apiforge" in (snap / "generator" / "__main__.py").read_text(encoding="utf-8"):
        if not (snap / "apiforge").exists():  # the folder generator/ imports as `apiforge`
            (snap / "apiforge").symlink_to("generator", target_is_directory=True)
    else:
        argv = [*argv[:-1], "generator"]  # commits from before the rename
    if fresh:
        _install_bytecode(python, snap, argv[-1])
    what = f"commit {sha[:12]} ({git_ref})" + (f" + prototype {patch.name}" if patch else "")
    return (
        argv,
        {"PYTHONPATH": str(snap)},
        f"{'apiforge+' + patch.stem if patch else 'apiforge'}: {what}",
    )


# --- results -------------------------------------------------------------------------------------


@dataclass
class Cell:
    summary: measure.Summary | None = None
    note: str = ""  # "skipped: ...", "(1 run)"

    @property
    def ok(self) -> bool:
        return self.summary is not None and self.summary.ok

    @property
    def median(self) -> float | None:
        return self.summary.median if self.ok else None  # type: ignore[union-attr]

    def text(self) -> str:
        if self.summary is None:
            return self.note or "n/a"
        if not self.ok:
            return f"fails: {self.summary.error}"
        return f"{self.summary.median:.2f}" + (f" {self.note}" if self.note else "")

    @property
    def cpu(self) -> float | None:
        return self.summary.cpu_median if self.ok else None  # type: ignore[union-attr]

    def spread(self, attr: str = "wall") -> tuple[float, float] | None:
        """(fastest, slowest) run, for verdicts that hold across the run-to-run noise."""
        if not self.ok:
            return None
        values = [getattr(r, attr) for r in self.summary.runs]  # type: ignore[union-attr]
        return min(values), max(values)

    def to_json(self) -> dict[str, Any]:
        if self.summary is None:
            return {"note": self.note}
        return {
            "ok": self.ok,
            "median_s": self.median,
            "cpu_median_s": self.cpu,
            "walls": [r.wall for r in self.summary.runs],
            "cpus": [r.cpu for r in self.summary.runs],
            "peak_mb": self.summary.peak_mb,
            "error": self.summary.error,
            "note": self.note,
        }


@dataclass
class Results:
    started: str
    machine: dict[str, Any]
    args: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {path, ops, kb}
    gen: dict[str, dict[str, Cell]] = field(default_factory=dict)  # input -> tool -> cell
    warm: dict[str, dict[str, Cell]] = field(
        default_factory=dict
    )  # input -> variant -> warm --force
    noop: dict[str, Cell] = field(default_factory=dict)
    incremental: dict[str, Cell] = field(default_factory=dict)  # input -> one-schema change
    client: dict[str, Any] | None = None
    server: dict[str, Any] | None = None
    targets: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # what, value, target, verdict


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    java = ""
    if shutil.which("java"):
        try:
            out = subprocess.run(
                ["java", "-version"], capture_output=True, text=True, timeout=60, check=False
            )
            java = (out.stderr or out.stdout).splitlines()[0]
        except (OSError, subprocess.TimeoutExpired, IndexError):
            java = "?"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=30,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "generator", "templates"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=30,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        commit, dirty = "?", ""
    try:
        generated = subprocess.run(
            ["git", "log", "-1", "--format=%h", "--", "generated"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=30,
            check=False,
        ).stdout.strip()
        generated_dirty = subprocess.run(
            ["git", "status", "--porcelain", "generated"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=30,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        generated, generated_dirty = "?", ""
    return {
        "generated_commit": generated + (" + uncommitted changes" if generated_dirty else ""),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "java": java or "not installed",
        "wrk": shutil.which("wrk") is not None,
        "apiforge_commit": commit
        + (" + uncommitted changes in generator/ or templates/" if dirty else ""),
    }


def count_ops(path: Path) -> int:
    try:
        if path.suffix == ".json":
            doc = json.loads(path.read_text(encoding="utf-8"))
        else:
            import yaml

            doc = yaml.load(
                path.read_text(encoding="utf-8"),
                Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
            )
        methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
        return sum(
            1
            for item in (doc.get("paths") or {}).values()
            if isinstance(item, dict)
            for m in item
            if m in methods
        )
    except Exception:  # noqa: BLE001 (only for the report)
        return -1


# --- the measurements ----------------------------------------------------------------------------


def fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


@dataclass
class Job:
    """One tool on one input: ``prepare(i)`` cleans up and returns (argv, env, output folder)."""

    key: str
    prepare: Any
    summary: measure.Summary = field(default_factory=measure.Summary)
    note: str = ""
    done: bool = False


def interleaved(jobs: list[Job], runs: int, timeout: float, slow: float, cwd: Path) -> None:
    """Round-robin: run 1 of every tool, then run 2 of every tool...

    Background load on a shared machine then hits every tool alike. A tool that
    fails stops (its error is kept); one slower than ``slow`` seconds is not run again.
    """
    for i in range(runs):
        for job in jobs:
            if job.done:
                continue
            argv, env, out = job.prepare(i)
            result = measure.run(argv, cwd=cwd, env=env, timeout=timeout, check_output=out)
            job.summary.runs.append(result)
            if not result.ok:
                job.done = True
            elif result.wall > slow and i + 1 < runs:
                job.note = f"({i + 1} run{'s' if i else ''}: > {slow:.0f} s)"
                job.done = True


def apiforge_job(key: str, spec: Path, scratch: Path) -> Job:
    """Cold generation: an empty content cache (a fresh APIFORGE_CACHE_DIR) and no output each run."""
    out = scratch / f"out-{key}"

    def prepare(i: int) -> tuple[list[str], dict[str, str], Path]:
        cache = fresh(scratch / "caches" / key / f"cold{i}")
        shutil.rmtree(out, ignore_errors=True)
        argv = [*AF_CMDS[key], "generate", str(spec), "--output", str(out), "--force", "--quiet"]
        return argv, cache_env(key, cache), out

    return Job(key, prepare)


AF_CMDS: dict[str, list[str]] = {}  # apiforge variant -> argv
AF_ENVS: dict[str, dict[str, str]] = {}  # apiforge variant -> extra environment
STOPS: dict[str, str] = {}  # resolved spec path -> why apiforge is expected to stop on it


def is_apiforge(tool: str) -> bool:
    return tool == "apiforge" or tool.startswith("apiforge+")


def cache_env(key: str, cache: Path) -> dict[str, str]:
    env = {**os.environ, **AF_ENVS[key]}
    env["APIFORGE_CACHE_DIR"] = str(cache)
    env["XDG_CACHE_HOME"] = str(cache / "xdg")
    return env


def time_warm(key: str, spec: Path, runs: int, timeout: float, scratch: Path) -> Cell:
    """``--force`` again with the cache the last cold run filled (formatting and models cached)."""
    caches = sorted((scratch / "caches" / key).glob("cold*"))
    if not caches:
        return Cell(note="n/a")
    out = scratch / f"out-{key}"
    argv = [*AF_CMDS[key], "generate", str(spec), "--output", str(out), "--force", "--quiet"]
    env = cache_env(key, caches[-1])
    return Cell(measure.repeat(argv, runs, cwd=scratch, env=env, timeout=timeout))


def time_noop(key: str, spec: Path, runs: int, timeout: float, scratch: Path) -> Cell:
    """``apiforge generate SPEC`` again on an up-to-date output: the whole process, start-up included."""
    out = scratch / f"out-{key}"
    env = {**os.environ, **AF_ENVS[key]}
    argv = [*AF_CMDS[key], "generate", str(spec), "--output", str(out)]
    check = measure.run(argv, cwd=scratch, env=env, timeout=timeout)
    if not check.ok:
        return Cell(measure.Summary([check]))
    return Cell(measure.repeat(argv, max(runs, 5), cwd=scratch, env=env, timeout=timeout))


def peer_job(peer: peers.Peer, spec: Path, scratch: Path) -> Job:
    out = scratch / f"out-{peer.key}"

    def prepare(i: int) -> tuple[list[str], dict[str, str] | None, Path]:
        shutil.rmtree(out, ignore_errors=True)
        if peer.kind == "models":
            out.mkdir(parents=True)
        return peer.command(spec, out), None, out

    return Job(peer.key, prepare)


def run_json(argv: list[str], timeout: float) -> dict[str, Any]:
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": measure.first_error_line(done.stderr + "\n" + done.stdout)}
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": "unreadable output: " + done.stdout[-200:]}


# --- reporting -----------------------------------------------------------------------------------


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    caps = [100, *[60] * (len(headers) - 1)]  # names stay whole; long notes are cut
    widths = [min(w, cap) for w, cap in zip(widths, caps)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c[:w].ljust(w) for c, w in zip(cells, widths)) + " |"

    return "\n".join(
        [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)]
    )


def ratio(peer: Cell, ours: Cell) -> str:
    if peer.median is None or ours.median is None:
        return "-"
    return f"{peer.median / ours.median:.2f}x"


def report(res: Results, tools: list[str]) -> str:
    parts: list[str] = []
    m = res.machine
    parts.append(f"apiforge benchmarks, {res.started}")
    parts.append(
        f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; {m['os']}; "
        f"Python {m['python']}; {m['java']}; apiforge @ {m['apiforge_commit']}"
    )
    parts.append(f"command: {res.args['command']}")
    for note in res.notes:
        parts.append(f"note: {note}")

    parts.append("\n## Generation: wall seconds, median of runs (lower is better)")
    headers = ["input", "ops", *[LABELS[t] for t in tools]]
    rows = []
    for name, cells in res.gen.items():
        rows.append(
            [
                name,
                str(res.inputs[name]["ops"]),
                *[cells.get(t, Cell(note="-")).text() for t in tools],
            ]
        )
    parts.append(table(headers, rows))

    if "apiforge" in tools:
        peer_tools = [t for t in tools if not is_apiforge(t)]
        for variant in [t for t in tools if is_apiforge(t)]:
            parts.append(
                f"\n## {LABELS[variant]}: cold vs warm cache, and speed-up"
                " (peer seconds / apiforge seconds)"
            )
            headers = [
                "input",
                "cold",
                "warm --force",
                *[f"vs {LABELS[t]}" for t in peer_tools],
            ]
            rows = []
            for name, cells in res.gen.items():
                ours = cells.get(variant, Cell())
                rows.append(
                    [
                        name,
                        ours.text(),
                        res.warm.get(name, {}).get(variant, Cell(note="-")).text(),
                        *[ratio(cells.get(t, Cell()), ours) for t in peer_tools],
                    ]
                )
            parts.append(table(headers, rows))

        parts.append("\n## Peak memory (MB, largest process of the tree)")
        headers = ["input", *[LABELS[t] for t in tools]]
        rows = []
        for name, cells in res.gen.items():
            rows.append(
                [
                    name,
                    *[
                        f"{c.summary.peak_mb:.0f}" if c.summary and c.summary.runs else "-"
                        for c in (cells.get(t, Cell()) for t in tools)
                    ],
                ]
            )
        parts.append(table(headers, rows))

        synth_rows = [
            (n, c["apiforge"])
            for n, c in res.gen.items()
            if n.startswith("synthetic-") and "apiforge" in c
        ]
        if synth_rows:
            parts.append("\n## apiforge cost vs spec size (synthetic)")
            rows = []
            for name, cell in synth_rows:
                ops = res.inputs[name]["ops"]
                per100 = f"{cell.median / ops * 100:.3f}" if cell.median else "-"
                peak = f"{cell.summary.peak_mb:.0f}" if cell.summary and cell.summary.runs else "-"
                rows.append([name, str(ops), cell.text(), per100, peak])
            parts.append(table(["input", "ops", "seconds", "s per 100 ops", "peak MB"], rows))

    if res.gen:
        parts.append(
            "\n## CPU seconds (user + system of the whole process tree), median of runs;"
            " apiforge / OPC (lower is better)"
        )
        headers = ["input", *[LABELS[t] for t in tools], "apiforge / OPC"]
        rows = []
        for name, cells in res.gen.items():
            ours, opc = cells.get("apiforge", Cell()), cells.get("opc", Cell())
            share = f"{ours.cpu / opc.cpu:.2f}x" if ours.cpu and opc.cpu else "-"
            rows.append(
                [
                    name,
                    *[
                        f"{c.cpu:.2f}" if c.cpu is not None else c.text()
                        for c in (cells.get(t, Cell(note="-")) for t in tools)
                    ],
                    share,
                ]
            )
        parts.append(table(headers, rows))

    if res.incremental:
        parts.append(
            "\n## Incremental: generate after one schema changed (warm cache, process start"
            " included)"
        )
        rows = []
        for name, cell in res.incremental.items():
            cold = res.gen[name].get("apiforge", Cell())
            share = f"{cell.median / cold.median:.1%}" if cell.median and cold.median else "-"
            rows.append([name, cold.text(), cell.text(), share])
        parts.append(table(["input", "cold", "one-schema change", "share of cold"], rows))

    if res.noop:
        parts.append("\n## No-op regeneration (spec unchanged, process start included)")
        rows = [
            [n, c.text(), f"{c.summary.peak_mb:.0f}" if c.summary and c.summary.runs else "-"]
            for n, c in res.noop.items()
        ]
        parts.append(table(["input", "seconds (median)", "peak MB"], rows))

    if res.client is not None:
        parts.append(f"\nRuntime benchmarks use generated/ as of {m.get('generated_commit', '?')}.")
        parts.append(
            "\n## Generated client: per-call cost on httpx.MockTransport (µs, median of repeats)"
        )
        c = res.client
        if "error" in c:
            parts.append(f"fails: {c['error']}")
        else:
            parts.append(
                table(
                    ["operation", "bare httpx", "generated client", "overhead"],
                    [
                        [
                            "dashboards.list (page of 3)",
                            f"{c['bare_list_us']:.1f}",
                            f"{c['generated_list_us']:.1f}",
                            f"{c['overhead_list_us']:.1f}",
                        ],
                        [
                            "dashboards.retrieve",
                            f"{c['bare_retrieve_us']:.1f}",
                            f"{c['generated_retrieve_us']:.1f}",
                            f"{c['overhead_retrieve_us']:.1f}",
                        ],
                    ],
                )
            )
            parts.append(f"({c['number']} calls per timing, {c['repeats']} repeats)")

    if res.server is not None:
        parts.append(
            "\n## Generated server vs hand-written FastAPI (dashboards retrieve, uvicorn, 127.0.0.1)"
        )
        s = res.server
        if "error" in s:
            parts.append(f"fails: {s['error']}")
        else:
            labels = {
                "generated": "generated posthog_server (create_app)",
                "handwritten": "hand-written, one route (baseline)",
                "handwritten-table": "hand-written route in the same 55-op route table",
                "generated-flat": "generated routes without include_router (prototype)",
            }
            parts.append(
                table(
                    ["app", "requests/s (median)", "all runs"],
                    [
                        [
                            labels.get(kind, kind),
                            f"{s['rps'][kind]:.0f}",
                            ", ".join(f"{x:.0f}" for x in s["all"][kind]),
                        ]
                        for kind in s["rps"]
                    ],
                )
            )
            load_desc = (
                f"{s['duration_s']:g} s per run"
                if s.get("duration_s")
                else f"{s['requests']} requests per run"
            )
            parts.append(
                f"generated / hand-written = {s['ratio']:.2f}; vs the same route table "
                f"{s['ratio_same_table']:.2f}; prototype without include_router "
                f"{s['ratio_flat']:.2f}. Load: {s['load_generator']}, "
                f"{s['connections']} connections, {load_desc}"
            )

    parts.append("\n## Targets")
    parts.append(table(["target", "measured", "goal", "verdict"], [list(t) for t in res.targets]))
    parts.append("\n## Verdicts per target kind")
    parts.append(table(["target", "verdicts"], verdict_counts(res.targets)))
    return "\n".join(parts)


INCONCLUSIVE = "INCONCLUSIVE (the runs straddle the goal: noise)"


def verdict_counts(targets: list[tuple[str, str, str, str]]) -> list[list[str]]:
    """How many inputs got each verdict, per kind of target (the text after the input name)."""
    counts: dict[str, dict[str, int]] = {}
    for target, _, _, verdict in targets:
        kind = target.split(": ", 1)[-1].split(" (")[0]
        word = verdict.split(" ")[0]
        per = counts.setdefault(kind, {})
        per[word] = per.get(word, 0) + 1
    return [
        [kind, ", ".join(f"{word} {n}" for word, n in sorted(per.items()))]
        for kind, per in counts.items()
    ]


def judged(holds_at_best: bool, holds_at_worst: bool, *cells: Cell) -> str:
    """PASS when the goal holds even for the least favourable pairing of runs, FAIL when it
    fails even for the most favourable one, else INCONCLUSIVE: the run-to-run spread of this
    (shared, noisy) machine straddles the goal, so the medians decide nothing. A verdict
    resting on a single run of any of ``cells`` says so (its noise is unknown)."""
    verdict = "PASS" if holds_at_worst else INCONCLUSIVE if holds_at_best else "FAIL"
    if any(c.summary is not None and len(c.summary.runs) < 2 for c in cells):
        verdict += " (1 run)"
    return verdict


def verdicts(res: Results) -> None:
    variants = sorted({k for cells in res.gen.values() for k in cells if is_apiforge(k)})
    for variant in variants:  # "apiforge" first, then the prototypes
        speed_verdicts(res, variant)
    t = res.targets
    for name, cell in res.incremental.items():
        cold = res.gen[name].get("apiforge", Cell())
        spread, cold_spread = cell.spread(), cold.spread()
        if spread is None or cold_spread is None or cold.median is None or cell.median is None:
            t.append(
                (
                    f"{name}: one-schema change",
                    cell.text(),
                    f"< {T_INCREMENTAL:.0%} of cold",
                    "FAIL",
                )
            )
            continue
        share = cell.median / cold.median
        best, worst = spread[0] / cold_spread[1], spread[1] / cold_spread[0]
        t.append(
            (
                f"{name}: one-schema change / cold",
                f"{share:.1%} ({cell.median:.2f} s / {cold.median:.2f} s; runs {best:.1%}–{worst:.1%})",
                f"< {T_INCREMENTAL:.0%}",
                judged(best < T_INCREMENTAL, worst < T_INCREMENTAL, cell, cold),
            )
        )
    for name, cell in res.noop.items():
        spread = cell.spread()
        t.append(
            (
                f"{name}: no-op regeneration",
                f"{cell.median:.3f} s (runs {spread[0]:.3f}–{spread[1]:.3f}; CPU {cell.cpu:.3f} s)"
                if spread
                else cell.text(),
                f"< {T_NOOP_S:g} s",
                judged(spread[0] < T_NOOP_S, spread[1] < T_NOOP_S, cell) if spread else "FAIL",
            )
        )
    big = res.gen.get("synthetic-2000", {})
    ours = big.get("apiforge")
    peers_peak = {k: c.spread("peak_mb") for k, c in big.items() if not is_apiforge(k) and c.ok}
    if ours is not None and ours.summary and ours.summary.runs:
        mine = ours.spread("peak_mb")
        if mine is None or not peers_peak:
            t.append(("synthetic-2000: peak memory below every peer", ours.text(), "below", "n/a"))
        else:
            lowest_key = min(peers_peak, key=lambda k: peers_peak[k][0])  # type: ignore[index]
            low, high = peers_peak[lowest_key]  # type: ignore[misc]
            t.append(
                (
                    "synthetic-2000: peak memory below every peer",
                    f"{mine[1]:.0f} MB vs {LABELS[lowest_key]} {low:.0f} MB",
                    "below the lowest peer",
                    judged(mine[0] < high, mine[1] < low, ours, big[lowest_key]),
                )
            )
    synth_cells = [
        (res.inputs[n]["ops"], c.get("apiforge"))
        for n, c in res.gen.items()
        if n.startswith("synthetic-")
    ]
    per100 = [c.median / ops * 100 for ops, c in synth_cells if c is not None and c.median]
    if len(per100) >= 2:
        spread_ = max(per100) / min(per100)
        t.append(
            (
                "synthetic: linearity (max/min s per 100 ops)",
                f"{spread_:.2f}",
                "<= 1.5 (informational)",
                "PASS" if spread_ <= 1.5 else "FAIL",
            )
        )
    if res.client is not None:
        value = res.client.get("overhead_list_us")
        paired = res.client.get("overhead_list_paired_us")
        t.append(
            (
                "client per-call overhead (list)",
                f"{value:.1f} µs (paired {paired:.1f})"
                if value is not None and paired is not None
                else "fails",
                f"< {T_CALL_US:g} µs",
                _overhead_verdict(value, paired),
            )
        )
    if res.server is not None:
        value = res.server.get("ratio")
        t.append(
            (
                "server req/s vs hand-written",
                f"{value:.2f}" if value is not None else "fails",
                f">= {T_SERVER_RATIO:g}",
                "PASS" if value is not None and value >= T_SERVER_RATIO else "FAIL",
            )
        )


def _overhead_verdict(value: float | None, paired: float | None) -> str:
    """PASS when both overhead estimates are under target; a negative one is noise, not a result."""
    if value is None or paired is None:
        return "FAIL"
    if value < 0 or paired < 0:
        return "NOISY (negative overhead: rerun on a quieter machine)"
    return "PASS" if max(value, paired) < T_CALL_US else "FAIL"


def speed_verdicts(res: Results, variant: str) -> None:
    """Cold wall time vs the fastest peer (any target), CPU time vs openapi-python-client."""
    t = res.targets
    prefix = "" if variant == "apiforge" else f"[{variant}] "
    for name, cells in res.gen.items():
        ours = cells.get(variant)
        if ours is None:
            continue
        name = prefix + name
        mine = ours.spread()
        stop = STOPS.get(str(Path(res.inputs[name.removeprefix(prefix)]["path"]).resolve()))
        if not ours.ok and stop:
            t.append((f"{name}: apiforge stops (broken spec)", stop, "a diagnostic", "n/a"))
            continue
        if not ours.ok or mine is None or ours.median is None:
            t.append((f"{name}: apiforge generates", ours.text(), "succeeds", "FAIL"))
            continue
        handled = {k: c for k, c in cells.items() if not is_apiforge(k) and c.ok and c.median}
        if handled:
            key = min(handled, key=lambda k: handled[k].median or 0.0)
            speed = (handled[key].median or 0.0) / ours.median
            # the fastest peer at its slowest vs our fastest run, and the other way round
            best = min(c.spread()[1] for c in handled.values()) / mine[0]  # type: ignore[index]
            worst = min(c.spread()[0] for c in handled.values()) / mine[1]  # type: ignore[index]
            t.append(
                (
                    f"{name}: vs fastest peer ({LABELS[key]})",
                    f"{speed:.2f}x (runs {worst:.2f}–{best:.2f}x)",
                    f">= {T_VS_FASTEST:g}x",
                    judged(best >= T_VS_FASTEST, worst >= T_VS_FASTEST, ours, handled[key]),
                )
            )
        elif any(not is_apiforge(k) for k in cells):
            t.append(
                (f"{name}: vs fastest peer", "every peer fails", f">= {T_VS_FASTEST:g}x", "n/a")
            )
        opc = cells.get("opc")
        if opc is None:
            continue
        cpu_ours, cpu_opc = ours.spread("cpu"), opc.spread("cpu")
        if cpu_ours is None or cpu_opc is None or not cpu_opc[0]:
            t.append((f"{name}: CPU time vs openapi-python-client", "OPC fails", "< 1.00x", "n/a"))
            continue
        share = (ours.cpu or 0.0) / (opc.cpu or 1.0)
        best, worst = cpu_ours[0] / cpu_opc[1], cpu_ours[1] / cpu_opc[0]
        t.append(
            (
                f"{name}: CPU time vs openapi-python-client",
                f"{share:.2f}x ({ours.cpu:.2f} s / {opc.cpu:.2f} s; runs {best:.2f}–{worst:.2f}x)",
                f"< {T_CPU_VS_OPC:.2f}x",
                judged(best < T_CPU_VS_OPC, worst < T_CPU_VS_OPC, ours, opc),
            )
        )


def corpus_inputs(directory: Path, taken: list[tuple[str, Path]]) -> list[tuple[str, Path]]:
    """Every root document of the corpus (``benchmarks/corpus.py``) not already an input."""
    seen = {p.resolve() for _, p in taken}
    found = []
    for path in corpus.root_documents(directory):
        if path.resolve() in seen:
            continue
        name = path.relative_to(directory).as_posix().replace(*CORPUS_SHORT)
        found.append((name, path))
    return found


def expected_stops(directory: Path) -> dict[str, str]:
    """Corpus spec path -> why apiforge stops on it (tests/realworld/corpus_exceptions.toml)."""
    return {
        str((directory / rel).resolve()): f"{entry.get('code', '')}: {entry.get('reason', '')}"
        for rel, entry in corpus.load_exceptions().items()
    }


# --- main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="posthog + 250-op synthetic + no-op + runtime"
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per measurement (median); default 3"
    )
    parser.add_argument(
        "--only", default=",".join(TOOLS), help=f"tools, comma-separated: {','.join(TOOLS)}"
    )
    parser.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="synthetic sizes (operations)"
    )
    parser.add_argument(
        "--inputs", default="", help="restrict to these input names (comma-separated)"
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds per subprocess")
    parser.add_argument(
        "--slow",
        type=float,
        default=120,
        help="a tool whose run takes longer than this is not run again on that input",
    )
    parser.add_argument(
        "--skip-runtime", action="store_true", help="no client/server runtime benchmarks"
    )
    parser.add_argument(
        "--corpus",
        nargs="?",
        const="",
        default=None,
        metavar="SUBSTR",
        help="also every root spec of ../shared/specs whose path contains SUBSTR (all when"
        " omitted); cold runs only, no warm timing",
    )
    parser.add_argument("--server-duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument("--client-number", type=int, default=2000, help="calls per timeit run")
    parser.add_argument(
        "--prototype",
        action="append",
        default=[],
        metavar="NAME",
        help="also measure apiforge with benchmarks/prototypes/NAME.patch applied (repeatable)",
    )
    parser.add_argument(
        "--apiforge-ref",
        default="HEAD",
        help="git ref of apiforge to measure (a snapshot of it), or 'worktree'; default HEAD",
    )
    args = parser.parse_args(argv)
    # Every tool runs as on a user's machine, where Python keeps bytecode: a session that sets
    # PYTHONDONTWRITEBYTECODE would stop apiforge keeping its code cache (code_cache.py).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

    tools = [t.strip() for t in args.only.split(",") if t.strip()]
    unknown = set(tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}; choose from {', '.join(TOOLS)}")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    real = list(REAL_INPUTS)
    if args.quick:
        real, sizes = real[:1], [250]
    if args.inputs:
        wanted = set(args.inputs.split(","))
        real = [(n, p) for n, p in real if n in wanted]
        sizes = [s for s in sizes if f"synthetic-{s}" in wanted]
    corpus_names: set[str] = set()
    if args.corpus is not None and SHARED_SPECS.is_dir():
        extra = [
            (n, p) for n, p in corpus_inputs(SHARED_SPECS, list(REAL_INPUTS)) if args.corpus in n
        ]
        corpus_names = {n for n, _ in extra}
        real += extra
        STOPS.update(expected_stops(SHARED_SPECS))

    started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    res = Results(started, machine_info(), {"command": command.strip(), **vars(args)})
    log(f"apiforge benchmarks, {started}; {res.machine['cores']} cores, runs={args.runs}")

    WORK.mkdir(exist_ok=True)
    scratch_root = Path(tempfile.mkdtemp(prefix="run-", dir=WORK))
    try:
        # Tools
        if "apiforge" in tools:
            AF_CMDS["apiforge"], AF_ENVS["apiforge"], note = apiforge_command(args.apiforge_ref)
            if "PYTHONPATH" in AF_ENVS["apiforge"]:  # a snapshot: name its commit
                snap = Path(AF_ENVS["apiforge"]["PYTHONPATH"]).name
                res.machine["apiforge_commit"] = snap.removeprefix("apiforge-")
            res.notes.append(note)
            log(note)
            for name in args.prototype:
                key = f"apiforge+{name}"
                try:
                    patch = PROTOTYPES / f"{name}.patch"
                    AF_CMDS[key], AF_ENVS[key], note = apiforge_command(args.apiforge_ref, patch)
                except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
                    note = f"{key}: skipped, {exc}"
                else:
                    tools.insert(tools.index("apiforge") + 1, key)
                    LABELS[key] = f"apiforge + {name} (prototype)"
                res.notes.append(note)
                log(note)
        peer_keys = {t for t in tools if not is_apiforge(t)}
        broken: dict[str, str] = {}
        if peer_keys:
            log("peers: checking venvs under benchmarks/.work/venvs ...")
            for venv, problem in peers.ensure_all(peer_keys, log).items():
                if problem:
                    broken[venv] = problem
                    res.notes.append(f"{venv}: {problem}")
                    log(f"  {venv}: {problem}")
            res.machine["peers"] = peers.versions()

        # Inputs
        inputs: list[tuple[str, Path]] = []
        for name, path in real:
            if path.exists():
                inputs.append((name, path))
            else:
                res.notes.append(f"{name}: {path} not found, skipped")
        for size in sizes:
            inputs.append((f"synthetic-{size}", synth.write(size, WORK / "specs")))
        for name, path in inputs:
            res.inputs[name] = {
                "path": str(path),
                "ops": count_ops(path),
                "kb": round(path.stat().st_size / 1024),
            }

        # Generation
        for name, path in inputs:
            log(f"\n[{name}] {res.inputs[name]['ops']} ops, {res.inputs[name]['kb']} KB")
            cells: dict[str, Cell] = {}
            res.gen[name] = cells
            scratch = fresh(scratch_root / name)
            jobs: list[Job] = []
            for tool in tools:
                if is_apiforge(tool):
                    jobs.append(apiforge_job(tool, path.resolve(), scratch))
                    continue
                peer = next(p for p in peers.PEERS if p.key == tool)
                if peer.venv in broken:
                    cells[tool] = Cell(note=broken[peer.venv])
                else:
                    jobs.append(peer_job(peer, path.resolve(), scratch))
            interleaved(jobs, args.runs, args.timeout, args.slow, scratch)
            for job in jobs:
                cells[job.key] = Cell(job.summary, job.note)
                log(f"  {job.key}: {cells[job.key].text()}")
            res.warm[name] = {}
            for key in [t for t in tools if is_apiforge(t) and name not in corpus_names]:
                if not cells[key].ok:
                    continue
                warm = time_warm(key, path.resolve(), args.runs, args.timeout, scratch)
                res.warm[name][key] = warm
                log(f"  {key}, warm cache --force: {warm.text()}")
            if (
                "apiforge" in cells
                and cells["apiforge"].ok
                and name == f"synthetic-{INCREMENTAL_OPS}"
            ):
                caches = sorted((scratch / "caches" / "apiforge").glob("cold*"))
                res.incremental[name] = Cell(
                    incremental.measure_incremental(
                        AF_CMDS["apiforge"],
                        INCREMENTAL_OPS,
                        cache_env("apiforge", caches[-1]),
                        args.runs,
                        args.timeout,
                        scratch,
                    )
                )
                log(f"  apiforge after a one-schema change: {res.incremental[name].text()}")
            noop_timed = name == "posthog" or name == f"synthetic-{max(sizes, default=0)}"
            if "apiforge" in cells and cells["apiforge"].ok and noop_timed:
                res.noop[name] = time_noop(
                    "apiforge", path.resolve(), args.runs, args.timeout, scratch
                )
                log(f"  apiforge no-op: {res.noop[name].text()}")
            shutil.rmtree(scratch, ignore_errors=True)

        # Runtime of the generated code
        if not args.skip_runtime:
            python = (
                str(ROOT / ".venv" / "bin" / "python")
                if (ROOT / ".venv").exists()
                else sys.executable
            )
            log("\n[runtime] generated client per-call overhead ...")
            res.client = run_json(
                [
                    python,
                    str(HERE / "runtime_client.py"),
                    "--number",
                    str(args.client_number),
                    "--repeats",
                    str(max(args.runs, 5)),
                ],
                timeout=args.timeout,
            )
            log("  ", res.client)
            log("[runtime] generated server vs hand-written FastAPI ...")
            res.server = run_json(
                [
                    python,
                    str(HERE / "runtime_server.py"),
                    "--duration",
                    str(args.server_duration),
                    "--repeats",
                    str(args.runs),
                ],
                timeout=args.timeout,
            )
            log("  ", {k: v for k, v in res.server.items() if k != "all"})
    finally:
        shutil.rmtree(scratch_root, ignore_errors=True)

    verdicts(res)
    text = report(res, tools)
    log("\n" + text)
    out_dir = WORK / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (out_dir / f"{stamp}.md").write_text(text + "\n", encoding="utf-8")
    payload = {
        "started": res.started,
        "machine": res.machine,
        "args": res.args,
        "notes": res.notes,
        "inputs": res.inputs,
        "generation": {
            n: {t: c.to_json() for t, c in cells.items()} for n, cells in res.gen.items()
        },
        "warm": {n: {k: c.to_json() for k, c in w.items()} for n, w in res.warm.items()},
        "noop": {n: c.to_json() for n, c in res.noop.items()},
        "incremental": {n: c.to_json() for n, c in res.incremental.items()},
        "client": res.client,
        "server": res.server,
        "targets": res.targets,
    }
    (out_dir / f"{stamp}.json").write_text(
        json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8"
    )
    log(f"\nsaved: {(out_dir / f'{stamp}.md').relative_to(ROOT)} (+ .json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
