"""Files in a generated package folder that its manifest does not name: a user's, or a tool's.

``generate`` carries such files over untouched and never deletes them (:mod:`apiforge.output.write`),
so a module dropped into the importable package (``extra.py``) survives every regeneration
and ships in every wheel. ``apiforge check`` lists them (:func:`untracked_files`):

* inside the importable package: a **warning** (``untracked-file``). It ships in the
  wheel and can be imported, yet nothing generates or checks it; ``--strict`` fails on it.
* elsewhere in the package folder (``NOTES.md`` beside ``pyproject.toml``): **information**.
  Notes there are allowed (docs/vendoring.md) and only the sdist carries them.

Neither is deleted, and neither fails ``check`` without ``--strict``: ``check`` answers
whether the generated files are current, and a user's file is not one of them. What
tools leave behind (``__pycache__``, ``*.pyc``, type checker and test caches, build
output beside ``pyproject.toml``) is not listed: no wheel takes it, nobody wrote it.
"""

from __future__ import annotations

import os
from pathlib import Path

from apiforge.config.targets import near_path
from apiforge.diagnostics import Diagnostic, Severity, SpecLocation
from apiforge.output.manifest import MANIFEST_NAME, ManifestError, read_manifest

_TOOL_DIRS = frozenset(
    {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", ".tox", ".nox"}
)
_BUILD_DIRS = frozenset({"build", "dist", ".venv", "venv"})  # beside pyproject.toml only
_TOOL_SUFFIXES = (".pyc", ".pyo")
_TOOL_FILES = frozenset({".DS_Store", "Thumbs.db"})

IN_PACKAGE = "is in the package but not generated: it ships in the wheel and survives regeneration"
BESIDE = "is not generated (kept by regeneration; only the sdist carries it)"


def untracked_files(dest: Path, package: str) -> list[Diagnostic]:
    """One diagnostic per file under ``dest`` that its manifest does not name (see above).

    ``package`` is the importable package's folder name inside ``dest``. A folder without a
    readable manifest lists nothing (``check`` reports the manifest itself).
    """
    try:
        manifest = read_manifest(dest)
    except ManifestError:
        return []
    if manifest is None:
        return []
    listed = set(manifest.files) | {MANIFEST_NAME}
    found: list[Diagnostic] = []
    for name in _files(dest):
        if name in listed:
            continue
        inside = name.startswith(package + "/")
        severity = Severity.WARNING if inside else Severity.INFO
        where = near_path(dest / name, Path.cwd()).as_posix()
        found.append(
            Diagnostic(
                "untracked-file", severity, IN_PACKAGE if inside else BESIDE, SpecLocation(where)
            )
        )
    return found


def _files(root: Path) -> list[str]:
    """Files and symlinks under ``root`` (relative POSIX, sorted), tools' leavings left out."""
    found: list[str] = []
    for directory, dirnames, filenames in os.walk(root):
        here = Path(directory)
        at_root = here == root
        kept = []
        for name in dirnames:
            if (here / name).is_symlink():
                filenames.append(name)  # listed itself, not followed
            elif not _is_tools(name, at_root):
                kept.append(name)
        dirnames[:] = kept
        found += [
            (here / name).relative_to(root).as_posix()
            for name in filenames
            if not name.endswith(_TOOL_SUFFIXES) and name not in _TOOL_FILES
        ]
    return sorted(found)


def _is_tools(directory: str, at_root: bool) -> bool:
    if directory in _TOOL_DIRS:
        return True
    return at_root and (directory in _BUILD_DIRS or directory.endswith(".egg-info"))
