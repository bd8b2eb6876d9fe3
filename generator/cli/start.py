"""The command line's entry point (``apiforge`` and ``python -m apiforge``).

It installs :mod:`apiforge.code_cache` before the command's modules are imported, so their
``@dataclass`` methods and regexes come from its tables. Only this entry installs it: the
library, the hatchling build hook and tests that import the command run as Python alone.

The start-up imports run without the cyclic garbage collector: they make only long-lived
objects (modules, classes, functions), yet its passes over them cost ~5 ms of every run.
They are then frozen (never walked by a later pass) and the collector is turned back on,
so each command starts as before (``generate`` turns it off itself, see its command).
"""

from __future__ import annotations

import gc
import sys


def run() -> None:
    """Install the compiled-code tables, then run the command line (:func:`apiforge.cli.main.run`).

    A Ctrl-C during start-up ends the process as one during the command does (click's
    ``Aborted!``, exit 1), not with a traceback of whichever import it interrupted.
    """
    try:
        _start()
    except KeyboardInterrupt:
        sys.stderr.write("Aborted!\n")
        raise SystemExit(1) from None


def _start() -> None:
    collecting = gc.isenabled()
    gc.disable()
    # imported with the collector off (module docstring): dataclasses and inspect come with it
    from apiforge.code_cache import install

    install()
    # imported after install(): the command's imports compile their dataclasses through it
    from apiforge.cli.main import run as run_command

    gc.freeze()  # what start-up made lives as long as the process: no pass walks it again
    if collecting:
        gc.enable()
    run_command()
