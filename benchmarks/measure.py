"""Run one command with a timeout and measure wall time and peak RSS of its process tree.

Each command runs under a tiny launcher (``python -S -I``, ~8 MB) that forks and
execs the tool, times it from fork to exit, and reports the CPU time (user + system)
of the tool's whole tree and ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``: the largest RSS of any process
of the tool's tree (what ``/usr/bin/time -v`` reports; memory of concurrently
running workers is not added up). The launcher is needed because Linux carries a
process's RSS high-water mark across exec: forking the harness itself, whose RSS
grows with the specs it has read, would put a floor under every tool's figure.
The launcher's own start-up is not in the wall time.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Run:
    ok: bool
    wall: float
    peak_mb: float
    returncode: int | None
    error: str = ""  # first meaningful line of the failure
    cpu: float = 0.0  # user + system CPU seconds of the whole process tree


@dataclass
class Summary:
    runs: list[Run] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.ok for r in self.runs)

    @property
    def median(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu_median(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(r.peak_mb for r in self.runs)

    @property
    def error(self) -> str:
        return next((r.error for r in self.runs if not r.ok), "")


_NOISE = ("warning", "deprecat", "userwarning", "  warnings.warn", "picked up java_tool_options")


def first_error_line(text: str) -> str:
    """The line that best says what went wrong: the last exception line, else the first non-noise line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        head = line.split(":", 1)[0]
        if head.endswith(("Error", "Exception", "Exit")) and " " not in head:
            return line[:200]
    for line in lines:
        if line.startswith(("Traceback", "File ")) or line.lower().startswith(_NOISE):
            continue
        if "error" in line.lower() or "fail" in line.lower() or "exception" in line.lower():
            return line[:200]
    return (lines[-1] if lines else "no output")[:200]


def run(
    argv: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 600,
    check_output: Path | None = None,
) -> Run:
    """Run ``argv``; never raises for a failing or hanging tool (the process group is killed on timeout).

    ``check_output``: a folder that must exist and contain at least one file afterwards
    (some tools exit 0 having written nothing).
    """
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r", suffix=".rusage") as report,
    ):
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-S", "-I", "-c", _LAUNCHER, report.name, *argv],
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as exc:
            return Run(False, 0.0, 0.0, None, f"cannot start: {exc}")
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            proc.wait()
        except BaseException:  # Ctrl-C or SIGTERM of the harness: take the tool down with it
            kill()
            raise
        finally:
            timer.cancel()
        outer_wall = time.perf_counter() - started
        # Children that outlive the tool (daemons) are ended too.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        fields = report.read().split()
        complete = len(fields) == 3
        wall = float(fields[0]) if complete else outer_wall
        peak_mb = int(fields[1]) / 1024 if complete else 0.0  # ru_maxrss is in KiB
        cpu = float(fields[2]) if complete else 0.0
        if timed_out.is_set():
            return Run(False, outer_wall, peak_mb, None, f"timed out after {timeout:.0f} s", cpu)
        if proc.returncode != 0:
            err.seek(0)
            out.seek(0)
            text = err.read().decode(errors="replace") + "\n" + out.read().decode(errors="replace")
            return Run(False, wall, peak_mb, proc.returncode, first_error_line(text), cpu)
        if check_output is not None and not (
            check_output.exists() and any(p.is_file() for p in check_output.rglob("*"))
        ):
            return Run(False, wall, peak_mb, proc.returncode, "exit 0 but no output written", cpu)
        return Run(True, wall, peak_mb, 0, cpu=cpu)


_LAUNCHER = """
import os, resource, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    except OSError as exc:
        sys.stderr.write(f"cannot start {sys.argv[2]}: {exc}\\n")
        os._exit(127)
_, status = os.waitpid(pid, 0)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as report:
    report.write(f"{wall} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
code = os.waitstatus_to_exitcode(status)
os._exit(code if code >= 0 else 128 - code)
"""


def repeat(make_argv, runs: int, *, before=None, stop_on_failure: bool = True, **kwargs) -> Summary:
    """``runs`` measurements; ``before(i)`` prepares each (e.g. empties the output folder)."""
    summary = Summary()
    for i in range(runs):
        if before is not None:
            before(i)
        result = run(make_argv(i) if callable(make_argv) else make_argv, **kwargs)
        summary.runs.append(result)
        if not result.ok and stop_on_failure:
            break
    return summary
