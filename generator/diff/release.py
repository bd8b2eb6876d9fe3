"""Semantic version arithmetic and the two files a release touches: pyproject.toml and CHANGELOG.md.

Versions are PEP 440 release numbers (``1.4.2``; a pre-release or local suffix
is dropped when bumping). Below 1.0 the minor number is the breaking one, as
Cargo and npm read semver: ``0.3.1`` + major -> ``0.4.0``, + minor -> ``0.3.2``.
"""

from __future__ import annotations

import json
import sys

from apiforge.diff.model import Bump

CHANGELOG_TITLE = "# Changelog\n"


def release_numbers(version: str) -> list[int] | None:
    """``[1, 4, 2]`` for ``1.4.2`` (or ``1.4.2rc1``, ``v1.4``); None when it starts with no number."""
    text = version.strip().lstrip("vV")
    numbers: list[int] = []
    for part in text.split("."):
        digits = ""
        for char in part:
            if not char.isdigit():
                break
            digits += char
        if not digits:
            break
        numbers.append(int(digits))
        if digits != part:
            break
    return numbers or None


def next_version(version: str, bump: Bump) -> str:
    """``version`` bumped; unchanged for :attr:`Bump.NONE`; ``0.1.0`` when it is no version at all."""
    numbers = release_numbers(version)
    if numbers is None:
        return "0.1.0"
    major, minor, patch = (numbers + [0, 0, 0])[:3]
    if bump is Bump.NONE:
        return f"{major}.{minor}.{patch}"
    if major == 0:
        bump = {Bump.MAJOR: Bump.MINOR, Bump.MINOR: Bump.PATCH}.get(bump, bump)
    if bump is Bump.MAJOR:
        return f"{major + 1}.0.0"
    if bump is Bump.MINOR:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def project_version(pyproject: str) -> str | None:
    """``[project] version`` of a pyproject.toml text, or None."""
    if sys.version_info >= (3, 11):
        import tomllib  # here: every generate's change summary imports this module (~4 ms)
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

    try:
        value = tomllib.loads(pyproject).get("project", {}).get("version")
    except tomllib.TOMLDecodeError:
        return None
    return value if isinstance(value, str) else None


def set_project_version(pyproject: str, version: str) -> str:
    """``pyproject`` with its ``[project]`` table's ``version = ...`` line set to ``version``.

    Raises:
        ValueError: the text has no such line, or the result does not read back as ``version``.
    """
    lines = pyproject.splitlines(keepends=True)
    section = ""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped
        elif section == "[project]" and stripped.split("=", 1)[0].strip() == "version":
            ending = line[len(line.rstrip("\r\n")) :]
            lines[index] = f"version = {json.dumps(version)}{ending}"
            result = "".join(lines)
            if project_version(result) != version:
                raise ValueError("the version line did not read back")
            return result
    raise ValueError("no version line in [project]")


def add_changelog_entry(existing: str | None, entry: str) -> str:
    """CHANGELOG.md text with ``entry`` (a ``## version`` section) placed above older entries."""
    body = (existing or "").removeprefix(CHANGELOG_TITLE).lstrip("\n")
    return CHANGELOG_TITLE + "\n" + entry.rstrip("\n") + "\n" + ("\n" + body if body else "")
