"""The command line's entry point (``apiforge`` and ``python -m apiforge``).

It installs :mod:`apiforge.code_cache` before the command's modules are imported, so their
``@dataclass`` methods and regexes come from its tables. Only this entry installs it: the
library, the hatchling build hook and tests that import the command run as Python alone.
"""

from __future__ import annotations

from apiforge.code_cache import install


def run() -> None:
    """Install the compiled-code tables, then run the command line (:func:`apiforge.cli.main.run`)."""
    install()
    # imported after install(): the command's imports compile their dataclasses through it
    from apiforge.cli.main import run as run_command

    run_command()
