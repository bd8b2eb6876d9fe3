"""Run a write into FOLDER and SIGKILL it just before its N-th change there.

Usage::

    python kill_at.py N FOLDER ARGS...                  # runs `apiforge ARGS...`
    python kill_at.py N FOLDER --trees PICKLE [--force]  # write_packages(FOLDER, trees)

A change is a call to ``os.rename``, ``os.replace``, ``os.mkdir``, ``os.rmdir`` or
``os.unlink`` on a path under FOLDER, except deeper than the top level of a staging folder
(``.apiforge-staging-*``): those build or delete whole trees that no recovery ever looks
inside. The N-th change kills the process with SIGKILL before it is made, as the OOM killer
or a cancelled CI job would: no exception, no ``finally``, no atexit. With N = 0 nothing is
killed and the number of changes is printed last on stderr (``changes: K``). Only this
script wraps ``os``: the code under test is the production code, unchanged.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

STAGING = ".apiforge-staging-"


def main() -> None:
    kill_at, folder, args = int(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3:]
    count = [0]

    def counted(real: Callable[..., Any]) -> Callable[..., Any]:
        def call(path: Any, *rest: Any, **kwargs: Any) -> Any:
            if kwargs.get("dir_fd") is None and _counts(os.fsdecode(path), folder):
                count[0] += 1
                if count[0] == kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)
            return real(path, *rest, **kwargs)

        return call

    for name in ("rename", "replace", "mkdir", "rmdir", "unlink"):
        setattr(os, name, counted(getattr(os, name)))
    code = 0
    if args[0] == "--trees":
        from apiforge.output.write import write_packages

        trees = pickle.loads(Path(args[1]).read_bytes())
        write_packages(Path(folder), trees, force="--force" in args)
    else:
        from apiforge.cli.main import main as apiforge

        try:
            apiforge(args, prog_name="apiforge")
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
    if kill_at == 0:
        print(f"changes: {count[0]}", file=sys.stderr)
    raise SystemExit(code)


def _counts(path: str, folder: str) -> bool:
    """True for a path under ``folder``, but not below a staging folder's own entries."""
    relative = os.path.relpath(os.path.abspath(path), folder)
    if relative == "." or relative.startswith(".."):
        return False
    parts = relative.split(os.sep)
    return not (parts[0].startswith(STAGING) and len(parts) > 2)


if __name__ == "__main__":
    main()
