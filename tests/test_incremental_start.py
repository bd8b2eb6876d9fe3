"""What the ``apiforge`` process does before and around an incremental run's stages.

Each case runs the command line's entry (:func:`apiforge.cli.start.run`, as the console
script and ``python -m apiforge`` do) in a fresh process and looks at it from an exit
handler: which modules it imported, and when the cyclic garbage collector ran.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "specs"

# Prints, at exit, which of the named modules the process imported.
IMPORTED = textwrap.dedent(
    """
    import atexit, json, sys
    atexit.register(lambda: print(json.dumps(sorted(m for m in sys.modules if m in {names!r}))))
    sys.argv = ['apiforge', *sys.argv[1:]]
    from apiforge.cli.start import run
    run()
    """
)


def _run(tmp_path: Path, code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "APIFORGE_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )


def _generate(tmp_path: Path, names: tuple[str, ...]) -> list[str]:
    """Generate ``spec.yaml`` into ``out``; the modules of ``names`` the process imported."""
    done = _run(
        tmp_path, IMPORTED.format(names=names), "generate", "spec.yaml", "-o", "out", "--quiet"
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout.splitlines()[-1]))


def test_a_run_whose_every_module_was_formatted_before_starts_no_formatter(
    tmp_path: Path,
) -> None:
    """subprocess (~2 ms of imports) loads only when ruff has something to format."""
    spec = tmp_path / "spec.yaml"
    original = (FIXTURES / "enums.yaml").read_text(encoding="utf-8")
    edited = original.replace("Values of several JSON types.", "Values of JSON types.")
    assert edited != original
    names = ("subprocess",)
    spec.write_text(original, encoding="utf-8")
    assert _generate(tmp_path, names) == ["subprocess"]  # cold: ruff formats every module
    first = {p: p.read_bytes() for p in sorted((tmp_path / "out").rglob("*")) if p.is_file()}
    spec.write_text(edited, encoding="utf-8")
    assert _generate(tmp_path, names) == ["subprocess"]  # the edited module is new to ruff
    spec.write_text(original, encoding="utf-8")
    assert _generate(tmp_path, names) == []  # back: every module's formatted text is cached
    again = {p: p.read_bytes() for p in sorted((tmp_path / "out").rglob("*")) if p.is_file()}
    assert again == first


# Counts the collector's passes that start while the command line's modules are imported.
COLLECTIONS = textwrap.dedent(
    """
    import atexit, gc, sys
    passes = []

    def importing():
        main = sys.modules.get('apiforge.cli.main')
        # from run()'s first import (code_cache) until the command's module is whole: passes
        # due to what start.py's own import allocated before run() was called do not count
        return 'apiforge.code_cache' in sys.modules and not hasattr(main, 'run')

    gc.callbacks.append(lambda phase, info: phase == 'start' and importing() and passes.append(1))
    atexit.register(lambda: print(len(passes), gc.isenabled(), gc.get_freeze_count() > 0))
    sys.argv = ['apiforge', '--version']
    from apiforge.cli.start import run
    run()
    """
)


def test_the_start_up_imports_run_without_the_collector_and_it_is_restored(
    tmp_path: Path,
) -> None:
    """Their passes only walk long-lived modules and classes (~5 ms); they are frozen instead."""
    done = _run(tmp_path, COLLECTIONS)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "0 True True"


def test_importing_the_package_loads_no_typing(tmp_path: Path) -> None:
    """``python -m apiforge`` imports the package before the entry turns the collector off."""
    code = (
        "import sys\n"
        "loaded = 'typing' in sys.modules  # by the interpreter's start-up, in some environments\n"
        "import apiforge\n"
        "print(loaded or 'typing' not in sys.modules)\n"
    )
    done = _run(tmp_path, code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "True"
