"""Stage 6, format: run the pinned black over every generated Python file.

Files are formatted in parallel worker processes when there are many of them
(black is CPU-bound and the output volume dominates generation time). A file
black cannot parse is a bug in a template or a view: it becomes a
``format-failed`` diagnostic naming the file and line, and the raw text is kept
so it can be inspected.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

from generator.diagnostics import Sink, SpecLocation

LINE_LENGTH = 100
_PARALLEL_THRESHOLD = 400_000  # characters of Python; below this a pool costs more than it saves


def _format_one(item: tuple[str, str]) -> tuple[str, str, str | None]:
    import black

    path, text = item
    mode = black.Mode(target_versions={black.TargetVersion.PY310}, line_length=LINE_LENGTH)
    try:
        return path, black.format_str(text, mode=mode), None
    except Exception as exc:  # black raises InvalidInput and others; report them all the same way
        return path, text, str(exc)


def sort_imports(files: dict[str, str]) -> dict[str, str]:
    """Sort the import blocks of every ``.py`` file with ruff's isort rules (pinned ruff, one process)."""
    import subprocess
    import tempfile
    from pathlib import Path

    from ruff.__main__ import find_ruff_bin

    python = {path: text for path, text in files.items() if path.endswith(".py") and text.strip()}
    with tempfile.TemporaryDirectory(prefix="apiforge-isort-") as tmp:
        root = Path(tmp)
        for i, text in enumerate(python.values()):
            (root / f"m{i}.py").write_text(text, encoding="utf-8")
        subprocess.run(
            [find_ruff_bin(), "check", "--isolated", "--select", "I", "--fix", "--exit-zero", "--quiet",
             "--target-version", "py310", "--line-length", str(LINE_LENGTH), "--no-cache", str(root)],
            check=False, capture_output=True,
        )
        result = dict(files)
        for i, path in enumerate(python):
            result[path] = (root / f"m{i}.py").read_text(encoding="utf-8")
    return result


def format_files(files: dict[str, str], sink: Sink) -> dict[str, str]:
    """Sort imports, then format every ``.py`` file; other files pass through unchanged."""
    files = sort_imports(files)
    python = [(path, text) for path, text in files.items() if path.endswith(".py") and text.strip()]
    size = sum(len(text) for _, text in python)
    workers = min(os.cpu_count() or 1, 4)
    if size > _PARALLEL_THRESHOLD and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_format_one, python, chunksize=max(1, len(python) // (workers * 4))))
    else:
        results = [_format_one(item) for item in python]
    formatted = dict(files)
    for path, text, error in results:
        formatted[path] = text
        if error is not None:
            sink.error("format-failed", f"generated file {path} is not valid Python: {error}", SpecLocation(path))
    return formatted
