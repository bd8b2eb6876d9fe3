"""Which targets a command means: a SPEC with defaults, or a project's ``[tool.apiforge]``.

Contract: :func:`resolve_targets` produces the targets of one command line: one
from a SPEC argument (:meth:`~apiforge.config.targets.Target.for_spec`), or every
``[[tool.apiforge.targets]]`` of the pyproject.toml found in the working directory
or its parents; command line :class:`~apiforge.config.targets.Overrides` win over
the file. Problems raise :class:`~apiforge.config.targets.ConfigError`.

The user-facing pydantic layer lives in :mod:`apiforge.config.schema`. Importing
it (and so pydantic) costs more than a whole no-op run, so :func:`load_project`
remembers each validated table in a small cache keyed by the table's content and
imports pydantic only when the table changed (``APIFORGE_CACHE_DIR=off`` turns
the cache off, see :mod:`apiforge.output.cache`). This module itself imports only the
standard library.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from apiforge import __version__
from apiforge.config import DEFAULT_OUTPUT
from apiforge.config.defaults import default_stem
from apiforge.config.targets import (
    ConfigError,
    NoProjectConfig,
    Overrides,
    Target,
    config_diagnostic,
    key_line,
    near_path,
    target_from_json,
    target_to_json,
)
from apiforge.diagnostics import Diagnostic, Severity, SpecLocation
from apiforge.output.cache import cache_dir


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml in ``start`` or its parents that has ``[tool.apiforge]``."""
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and read_tool_table(candidate) is not None:
            return candidate
    return None


def read_table(pyproject: Path, *keys: str) -> dict[str, Any] | None:
    """The table at ``keys`` (e.g. ``"tool", "apiforge"``) of a TOML file, or None when absent.

    Raises:
        ConfigError: the file is not valid TOML, or the key holds something else than a table.
    """
    # the TOML parser only when a pyproject.toml is read: a SPEC run reads none (~3 ms)
    if sys.version_info >= (3, 11):
        import tomllib  # only when a file is read (above)
    else:  # pragma: no cover - Python 3.10; the TOML parser only when a file is read
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([config_diagnostic("config-unreadable", str(exc), pyproject, [], None)])
    try:
        data: Any = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([_syntax_error(exc, text, pyproject)]) from None
    for depth, key in enumerate(keys):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
        if not isinstance(data, dict):
            where = keys[: depth + 1]
            message = f"`{'.'.join(where)}` must be a table"
            line = key_line(text, where)
            diagnostic = config_diagnostic("config-invalid", message, pyproject, where, line)
            raise ConfigError([diagnostic])
    table: dict[str, Any] = data
    return table


def _syntax_error(exc: ValueError, text: str, pyproject: Path) -> Diagnostic:
    """A TOML syntax error located at its line and column (the parser only says them in prose).

    The parser's message ends in ``(at line L, column C)`` or ``(at end of document)``;
    Python 3.14's parser also has them as attributes.
    """
    message = str(exc)
    line: int | None = getattr(exc, "lineno", None)
    column: int | None = getattr(exc, "colno", None)
    head, found, tail = message.rpartition(" (at line ")
    if found and tail.endswith(")"):
        line_text, _, column_text = tail[:-1].partition(", column ")
        if line_text.isdigit() and column_text.isdigit():
            message, line, column = head, int(line_text), int(column_text)
    elif message.endswith(" (at end of document)"):
        message = message.removesuffix(" (at end of document)") + " at the end of the file"
        line, column = len(text.splitlines()) or 1, None
    location = SpecLocation(str(pyproject), "", line, column)
    return Diagnostic("config-unreadable", Severity.ERROR, message, location)


def read_tool_table(pyproject: Path) -> dict[str, Any] | None:
    """The ``[tool.apiforge]`` table of ``pyproject``, or None when it has none."""
    return read_table(pyproject, "tool", "apiforge")


def resolve_targets(spec: Path | None, overrides: Overrides) -> list[Target]:
    """The targets of one command line: SPEC with defaults, or every target of the project.

    Relative paths (SPEC, ``--output``) are relative to the working directory; a
    SPEC writes into ``generated/`` there unless ``overrides.output`` says otherwise.
    Project targets come back relative to the working directory when inside it,
    so diagnostics show short paths.

    Raises:
        NoProjectConfig: no SPEC and no ``[tool.apiforge]`` here or in a parent directory.
        ConfigError: the config table is invalid, or names a spec that is not a file.
        ValueError: per-spec flags given without SPEC.
    """
    if spec is not None:
        target = Target.for_spec(spec, Path(DEFAULT_OUTPUT), stem=default_stem(spec))
        return [overrides.apply(target)]
    flags = overrides.per_spec_flags()
    if flags:
        raise ValueError(f"{', '.join(flags)} need(s) a SPEC argument")
    cwd = Path.cwd()
    if overrides.output is not None:
        overrides = replace(overrides, output=cwd / overrides.output)
    try:
        pyproject = find_pyproject(cwd)
    except ConfigError as exc:  # a pyproject.toml that does not read
        raise named_near(exc) from None
    if pyproject is None:
        where = SpecLocation(str(cwd))
        message = (
            "no pyproject.toml with a [tool.apiforge] table here or in any parent; pass a SPEC"
        )
        raise NoProjectConfig([Diagnostic("config-missing", Severity.ERROR, message, where)])
    return [
        replace(t, spec=near_path(t.spec, cwd), output=near_path(t.output, cwd))
        for t in project_targets(pyproject, overrides)
    ]


def load_project(pyproject: Path, overrides: Overrides) -> list[Target]:
    """Every target of ``pyproject``'s ``[tool.apiforge]`` table, with ``overrides`` applied.

    A table validated before (same content, same file, same flags, same apiforge
    version) is resolved from the cache without importing pydantic.
    """
    try:
        table = read_tool_table(pyproject)
        if table is None:
            message = "no [tool.apiforge] table"
            raise NoProjectConfig(
                [config_diagnostic("config-missing", message, pyproject, [], None)]
            )
        pyproject = pyproject.absolute()
        key = _cache_key(pyproject, table, overrides)
        targets = _read_cache(pyproject, key)
        if targets is None:
            from apiforge.config.schema import resolve_table  # pydantic: only for a new table

            targets = resolve_table(table, pyproject, overrides)
            _write_cache(pyproject, key, targets)
    except ConfigError as exc:
        raise named_near(exc) from None
    return targets


def project_targets(pyproject: Path, overrides: Overrides) -> list[Target]:
    """:func:`load_project`, then :func:`check_specs`: every target's spec must be a file.

    Raises:
        ConfigError: the table is invalid, or names a spec that is not a file.
    """
    targets = load_project(pyproject, overrides)
    keys = [("tool", "apiforge", "targets", index, "spec") for index in range(len(targets))]
    check_specs(targets, near_path(pyproject, Path.cwd()), keys)
    return targets


def named_near(error: ConfigError) -> ConfigError:
    """``error`` again, its diagnostics naming their file as people type it: relative to the
    working directory (``pyproject.toml``, ``../pyproject.toml``), not from the root."""
    cwd = Path.cwd()
    found = []
    for diagnostic in error.diagnostics:
        location = diagnostic.location
        if location.file:
            shown = str(near_path(Path(location.file), cwd))
            diagnostic = replace(diagnostic, location=replace(location, file=shown))
        found.append(diagnostic)
    return type(error)(found)


def check_specs(
    targets: Sequence[Target], pyproject: Path, keys: Sequence[Sequence[str | int]]
) -> None:
    """Raise :class:`ConfigError` when a target's spec (named at ``keys``) is not a file.

    The problem is the configuration's: each diagnostic names the line of ``pyproject``
    that names the spec, and its key, not the spec's path (one ``stat`` per target).
    """
    problems: list[Diagnostic] = []
    text: str | None = None
    for target, key in zip(targets, keys):
        if os.path.isfile(target.spec):
            continue
        if text is None:
            try:
                text = pyproject.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):  # read a moment ago: no line then
                text = ""
        what = "is a folder, not a file" if os.path.isdir(target.spec) else "does not exist"
        spelt = near_path(target.spec, Path.cwd()).as_posix()
        message = f"the spec {spelt} {what} (paths here are relative to {pyproject.name}'s folder)"
        line = key_line(text, key)
        problems.append(config_diagnostic("config-spec-missing", message, pyproject, key, line))
    if problems:
        raise ConfigError(problems)


def __getattr__(name: str) -> Any:
    """``apiforge.config.targets.ConfigFile`` and ``TargetConfig`` load the pydantic layer on first use."""
    if name in ("ConfigFile", "TargetConfig"):
        from apiforge.config import schema as config_file  # pydantic, on first use only

        return getattr(config_file, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _cache_key(pyproject: Path, table: dict[str, Any], overrides: Overrides) -> str:
    entries = table.get("targets")  # anything but a list is the schema's error to report
    specs = (
        [t.get("spec") for t in entries if isinstance(t, dict)] if isinstance(entries, list) else []
    )
    material = {
        "version": __version__,
        "pyproject": str(pyproject),
        "table": table,
        "overrides": {k: str(v) for k, v in asdict(overrides).items()},
        # default names come from each spec's title: a new title must not reuse old targets
        "stems": [default_stem(pyproject.parent / s) if isinstance(s, str) else "" for s in specs],
    }
    blob = json.dumps(material, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def _cache_file(pyproject: Path) -> Path | None:
    """One file per pyproject.toml under ``apiforge.output.cache``'s folder (None: caching is off)."""
    folder = cache_dir("config")
    if folder is None:
        return None
    return folder / (hashlib.sha256(str(pyproject).encode("utf-8")).hexdigest()[:32] + ".json")


def _read_cache(pyproject: Path, key: str) -> list[Target] | None:
    path = _cache_file(pyproject)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        return [target_from_json(values) for values in data["targets"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _write_cache(pyproject: Path, key: str, targets: list[Target]) -> None:
    """Best effort: an unwritable cache only costs speed."""
    path = _cache_file(pyproject)
    if path is None:
        return
    data = {"key": key, "targets": [target_to_json(t) for t in targets]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass
