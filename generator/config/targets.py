"""Configuration values: what to generate from which spec, resolved and frozen.

Contract: :class:`Target` is the resolved, frozen form the pipeline takes;
:class:`Overrides` are command line flags that win over the file; problems raise
:class:`ConfigError` with diagnostics that name the file and the dotted key.
Resolving them is :mod:`apiforge.config.project`'s job, validating a
``[tool.apiforge]`` table :mod:`apiforge.config.schema`'s. This module imports only
the standard library.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

from apiforge.diagnostics import Diagnostic, Severity, SpecLocation

_PATH_FIELDS = ("spec", "output")
HOOK_TABLE = ("tool", "hatch", "build", "hooks", "apiforge")
"""The TOML keys of the build hook's own table (the keys of one target)."""


@dataclass(frozen=True)
class Target:
    """One spec and the packages generated from it.

    Attributes:
        spec: the root OpenAPI document.
        output: the directory the packages are written into (``generated/``).
        client_package: import name of the client package, or None for no client.
        server_package: import name of the server package, or None for no server.
        api_key_env: environment variable the client reads its API key from.
        base_url_env: environment variable that overrides the client's base URL.
        strict: treat warnings as errors.
        allow_remote_refs: allow http(s) $refs while loading.
        format: run the pinned formatter over the output.
        formatter: which one: ``"ruff"`` (ruff format, the default) or ``"black"``.
        bump_version: bump each package's version from the one it had, by what the spec
            change does to its users, and add a CHANGELOG.md entry (``apiforge diff``).
        ignore_warnings: warning and information codes not shown nor counted by ``strict``
            (:data:`apiforge.warning_codes.WARNING_CODES`); they change no output.
    """

    spec: Path
    output: Path
    client_package: str | None
    server_package: str | None
    api_key_env: str | None = None
    base_url_env: str | None = None
    strict: bool = False
    allow_remote_refs: bool = False
    format: bool = True
    formatter: str = "ruff"
    bump_version: bool = False
    ignore_warnings: tuple[str, ...] = ()

    @staticmethod
    def for_spec(spec: Path, output: Path, *, stem: str = "", **overrides: object) -> Target:
        """Defaults derived from ``stem`` (see :func:`default_stem`), else from the spec file
        name: ``posthog.yaml`` -> ``posthog_client``, ``$POSTHOG_API_KEY``."""
        slug = (
            stem
            or "".join(c if c.isalnum() else "_" for c in spec.stem.lower()).strip("_")
            or "api"
        )
        if slug[0].isdigit():
            slug = "api_" + slug
        values: dict[str, object] = {
            "client_package": f"{slug}_client",
            "server_package": f"{slug}_server",
            "api_key_env": f"{slug.upper()}_API_KEY",
            "base_url_env": f"{slug.upper()}_BASE_URL",
        }
        values.update(overrides)
        return Target(spec=spec, output=output, **values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Overrides:
    """Command line flags that win over the config file; None means "not given".

    ``client_package``/``server_package`` take False for ``--no-client``/``--no-server``.
    Package and environment variable names only make sense for one spec, so
    :func:`resolve_targets` accepts them only together with a SPEC argument.
    """

    output: Path | str | None = None
    strict: bool | None = None
    allow_remote_refs: bool | None = None
    client_package: str | Literal[False] | None = None
    server_package: str | Literal[False] | None = None
    api_key_env: str | None = None
    base_url_env: str | None = None
    formatter: str | None = None
    bump_version: bool | None = None
    ignore_warnings: Sequence[str] = ()
    """Added to the target's own (``--ignore-warning``, repeatable)."""

    def __post_init__(self) -> None:
        if isinstance(self.output, str):  # library callers: Overrides(output="out")
            object.__setattr__(self, "output", Path(self.output))
        codes = self.ignore_warnings
        # Overrides(ignore_warnings="a-code") means that one code, not its letters
        object.__setattr__(
            self, "ignore_warnings", (codes,) if isinstance(codes, str) else tuple(codes)
        )
        if self.ignore_warnings:
            # only when codes are given: not on every no-op run
            from apiforge.warning_codes import unknown_codes

            problems = unknown_codes(self.ignore_warnings)
            if problems:
                raise ValueError("; ".join(problems))

    def apply(self, target: Target) -> Target:
        """``target`` with every given override applied."""
        changes = {k: v for k, v in asdict(self).items() if v is not None}
        for name in ("client_package", "server_package"):
            if changes.get(name) is False:
                changes[name] = None
        ignored = dict.fromkeys((*target.ignore_warnings, *changes.pop("ignore_warnings")))
        if tuple(ignored) != target.ignore_warnings:
            changes["ignore_warnings"] = tuple(ignored)
        return replace(target, **changes) if changes else target

    def per_spec_flags(self) -> list[str]:
        """The given flags that only apply to a single SPEC."""
        flags = []
        for name in ("client_package", "server_package", "api_key_env", "base_url_env"):
            value = getattr(self, name)
            if value is False:
                flags.append("--no-" + name.split("_")[0])
            elif value is not None:
                flags.append("--" + name.replace("_", "-"))
        return flags


class ConfigError(Exception):
    """The configuration is unusable; carries one diagnostic per problem."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.render() for d in diagnostics))


class NoProjectConfig(ConfigError):
    """No pyproject.toml with a ``[tool.apiforge]`` table in the directory or its parents."""


def config_diagnostic(
    code: str, message: str, file: Path, key: Sequence[str | int], line: int | None
) -> Diagnostic:
    """An error located at a TOML key (the pointer is ``/tool/apiforge/...``)."""
    pointer = "".join("/" + str(part) for part in key)
    return Diagnostic(code, Severity.ERROR, message, SpecLocation(str(file), pointer, line))


def key_line(text: str, loc: Sequence[str | int]) -> int | None:
    """Best-effort 1-based line of the key at ``loc`` in TOML ``text``: its table header, then the key.

    An entry of an array of tables (``tool.apiforge.targets[1]``) is found by its
    ``[[...]]`` header; an entry of an inline array (``targets = ["a"]``) by the
    array's key.
    """
    lines = text.splitlines()
    cut = next((i for i, part in enumerate(loc) if isinstance(part, int)), None)
    if cut is not None:
        header = "[[" + ".".join(str(p) for p in loc[:cut]) + "]]"
        occurrence, rest = int(loc[cut]), loc[cut + 1 :]
    else:  # a table's key, or a table alone (``("project",)``: its header)
        table = loc[:-1] if len(loc) > 1 else loc
        header = "[" + ".".join(str(p) for p in table) + "]"
        occurrence, rest = 0, loc[-1:] if len(loc) > 1 else ()
    starts = [i for i, line in enumerate(lines) if line.strip().startswith(header)]
    if occurrence >= len(starts):
        return key_line(text, loc[:cut]) if cut else None
    start = starts[occurrence]
    if not rest:
        return start + 1
    pattern = re.compile(rf"""\s*["']?{re.escape(str(rest[0]))}["']?\s*=""")
    for number in range(start + 1, len(lines)):
        if lines[number].lstrip().startswith("["):
            break
        if pattern.match(lines[number]):
            return number + 1
    return None


def near_path(path: Path, cwd: Path) -> Path:
    """``path`` relative to ``cwd`` (``../specs/x.yaml``) unless they only share the root."""
    absolute = os.path.abspath(path)
    try:
        shared = os.path.commonpath([absolute, os.path.abspath(cwd)])
        relative = os.path.relpath(absolute, cwd)
    except ValueError:  # another drive on Windows
        return Path(absolute)
    return Path(absolute) if shared == os.path.dirname(shared) else Path(relative)


def target_to_json(target: Target) -> dict[str, Any]:
    """A JSON-ready dict of every field (paths as strings)."""
    values = asdict(target)
    for name in _PATH_FIELDS:
        values[name] = str(values[name])
    return values


def target_from_json(values: dict[str, Any]) -> Target:
    """Inverse of :func:`target_to_json`; raises TypeError/KeyError on foreign data."""
    names = {f.name for f in fields(Target)}
    if set(values) != names:
        raise KeyError("fields differ")
    arguments: dict[str, Any] = {k: Path(v) if k in _PATH_FIELDS else v for k, v in values.items()}
    arguments["ignore_warnings"] = tuple(arguments["ignore_warnings"])
    return Target(**arguments)


def url_spec_problem(spec: str) -> str | None:
    """Why ``spec`` cannot name a spec when it is an http(s) URL (read as a path, it is not found
    as ``https:/host/...``); None for anything else."""
    if not spec.lower().startswith(("http://", "https://")):
        return None
    return (
        f"{spec!r} is a URL: apiforge reads a spec from a local file, it does not download "
        f"one; save it first (e.g. curl -o api.yaml {spec}) and name that file"
    )
