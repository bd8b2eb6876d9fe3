"""Run one command with a timeout and measure wall time and peak RSS of its process tree.

Peak RSS comes from ``os.wait4`` on the child: the kernel's ``ru_maxrss`` for that
child and every descendant it waited for (what ``resource.getrusage(RUSAGE_CHILDREN)``
and ``/usr/bin/time -v`` report), i.e. the largest single process of the tree;
memory of concurrently running workers is not added up.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
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
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(
                argv,
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
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # Ctrl-C or SIGTERM of the harness: take the tool down with it
            kill()
            raise
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        # Children that outlive the main process (daemons) are ended too.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        peak_mb = usage.ru_maxrss / 1024  # KiB on Linux
        if timed_out.is_set():
            return Run(False, wall, peak_mb, None, f"timed out after {timeout:.0f} s")
        if proc.returncode != 0:
            err.seek(0)
            out.seek(0)
            text = err.read().decode(errors="replace") + "\n" + out.read().decode(errors="replace")
            return Run(False, wall, peak_mb, proc.returncode, first_error_line(text))
        if check_output is not None and not (
            check_output.exists() and any(p.is_file() for p in check_output.rglob("*"))
        ):
            return Run(False, wall, peak_mb, proc.returncode, "exit 0 but no output written")
        return Run(True, wall, peak_mb, 0)


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
