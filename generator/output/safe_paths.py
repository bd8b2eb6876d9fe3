"""Which output paths are safe to write: relative POSIX, no ``..``, no absolute path, NUL,
backslash, control character, colon or Windows device name (checked before anything is written)."""

from __future__ import annotations

import functools
from collections.abc import Collection

from apiforge.naming.reserved import WINDOWS_DEVICE_NAMES


def path_problem(path: str) -> str | None:
    """Why ``path`` is not a safe relative POSIX output path, or None when it is."""
    if not path:
        return "is empty"
    if "\0" in path:
        return "contains a NUL character"
    if "\\" in path:
        return "contains a backslash"
    if min(path) < " ":  # any(ord(c) < 32 ...), without a Python step per character
        return "contains a control character"
    if path.startswith("/"):
        return "is absolute"
    if ":" in path:
        return "contains a colon (a drive letter or stream name)"
    return component_problem(path)


def plain(paths: Collection[str]) -> bool:
    """Whether no path is empty or absolute, or holds a NUL, backslash, control character or
    colon: :func:`path_problem`'s first checks, made on all paths at once. False may also
    mean only that one path needs those checks (each path then gets them all)."""
    joined = " ".join(paths)  # a space: allowed, so it adds no problem of its own
    return (
        all(paths)
        and (not joined or min(joined) >= " ")
        and not joined.startswith("/")
        and " /" not in joined
        and not any(mark in joined for mark in ("\0", "\\", ":"))
    )


def component_problem(path: str) -> str | None:
    """:func:`path_problem` of a path that :func:`plain` passed: its components' checks."""
    folder, _, name = path.rpartition("/")
    return (_folder_problem(folder) if folder else None) or _part_problem(name)


@functools.lru_cache(maxsize=1024)
def _folder_problem(folder: str) -> str | None:
    """The first problem of a folder's components (once per folder: its files share it)."""
    for part in folder.split("/"):
        problem = _part_problem(part)
        if problem:
            return problem
    return None


def _part_problem(part: str) -> str | None:
    if part in ("", "."):
        return "has an empty or '.' component"
    if part == "..":
        return "has a '..' component"
    if part.endswith((".", " ")):
        return f"has a component ending in a dot or space ({part!r})"
    if part.split(".")[0].upper() in WINDOWS_DEVICE_NAMES:
        return f"uses the Windows device name {part!r}"
    return None
