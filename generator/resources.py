"""Files apiforge ships besides its code: where the templates live and what they hash to.

Contract: :func:`templates_dir` returns the templates directory of *this*
installation (``apiforge/templates`` in an installed wheel, ``<repo>/templates``
in a source checkout or editable install). :func:`templates_hash` fingerprints
every file under it, so a manifest can tell when a template changed even though
the apiforge version did not. Both run on the no-op path of ``apiforge generate``: the
hash re-reads only the files whose stat changed since a run recorded them
(:mod:`apiforge.output.file_stats`, as the no-op check does for the output's files).
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

from apiforge.output import file_stats
from apiforge.output.cache import cache_dir

_IGNORED_DIRS = frozenset({"__pycache__"})
_IGNORED_SUFFIXES = (".pyc", ".pyo")


def templates_dir() -> Path:
    """The templates directory: ``apiforge/templates`` when installed, else ``<repo>/templates``.

    Raises:
        FileNotFoundError: neither location exists (a broken installation).
    """
    package = Path(__file__).resolve().parent
    for candidate in (package / "templates", package.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"apiforge templates not found next to {package}")


@cache
def templates_hash(root: Path | None = None) -> str:
    """sha256 over every template file's relative POSIX path and bytes, in sorted order.

    Without ``root`` the generator's own ``.py`` files count too: a change to a
    view or a stage changes the output as surely as a template change, and an
    unchanged version number must not hide it. ``__pycache__`` directories and
    compiled Python files are skipped: importing a runtime helper must not
    change the hash.
    """
    base = os.fspath(root if root is not None else templates_dir())
    digest = hashlib.sha256()
    for relative, file_digest in _file_digests(base, package_files(base)):
        digest.update(relative.encode("utf-8") + b"\0")
        digest.update(file_digest)
    if root is None:
        package = os.path.dirname(os.path.realpath(__file__))
        names = [
            relative
            for relative in package_files(package)
            if relative.endswith(".py") and not relative.startswith("templates/")
        ]
        for relative, file_digest in _file_digests(package, names):
            digest.update(b"generator/" + relative.encode("utf-8") + b"\0")
            digest.update(file_digest)
    return digest.hexdigest()


def _file_digests(base: str, names: list[str]) -> list[tuple[str, bytes]]:
    """Each file's sha256, hashing again only the files whose stat changed (~4 ms a run saved)."""
    if cache_dir(file_stats.KIND) is None:  # nothing is remembered: no stat either
        return [(name, bytes.fromhex(_file_digest(os.path.join(base, name)))) for name in names]
    found = file_stats.digests(Path(base), names, _file_digest)
    return [(name, bytes.fromhex(_known(found[name], base, name))) for name in names]


def _file_digest(path: str | Path) -> str:
    with open(path, "rb") as handle:  # an unreadable file fails the hash, as it always did
        return hashlib.sha256(handle.read()).hexdigest()


def _known(hexdigest: str | None, base: str, name: str) -> str:
    """A recorded digest; a file that vanished meanwhile is an error, as reading it would be."""
    if hexdigest is None:
        raise FileNotFoundError(f"{os.path.join(base, name)} vanished while it was hashed")
    return hexdigest


def package_files(base: str | Path) -> list[str]:
    """Relative POSIX paths of every regular file under ``base``, sorted.

    String operations, not :class:`~pathlib.Path` ones: this runs on every ``generate``,
    the no-op included, over ~150 files.
    """
    root = os.fspath(base)
    found: list[str] = []
    for directory, dirnames, filenames in os.walk(root):
        # Tool caches (.ruff_cache, .mypy_cache) left by linting a checkout are not templates.
        dirnames[:] = [d for d in dirnames if d not in _IGNORED_DIRS and not d.startswith(".")]
        here = os.path.relpath(directory, root)
        prefix = "" if here == "." else here.replace(os.sep, "/") + "/"
        found += [prefix + name for name in filenames if not name.endswith(_IGNORED_SUFFIXES)]
    return sorted(found)
