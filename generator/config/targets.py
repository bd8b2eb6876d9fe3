"""Configuration: what to generate from which spec, resolved into frozen values.

Contract: :class:`Target` is the resolved, frozen form the pipeline takes.
:func:`resolve_targets` produces the targets of one command line: one from a
SPEC argument (:meth:`Target.for_spec`), or every ``[[tool.apiforge.targets]]``
of the pyproject.toml found in the working directory or its parents. Command
line :class:`Overrides` win over the file. Problems raise :class:`ConfigError`
with diagnostics that name the file and the dotted key.

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
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

from apiforge import __version__
from apiforge.diagnostics import Diagnostic, Severity, SpecLocation
from apiforge.output.cache import cache_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

_PATH_FIELDS = ("spec", "output")


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

    output: Path | None = None
    strict: bool | None = None
    allow_remote_refs: bool | None = None
    client_package: str | Literal[False] | None = None
    server_package: str | Literal[False] | None = None
    api_key_env: str | None = None
    base_url_env: str | None = None
    formatter: str | None = None
    bump_version: bool | None = None

    def apply(self, target: Target) -> Target:
        """``target`` with every given override applied."""
        changes = {k: v for k, v in asdict(self).items() if v is not None}
        for name in ("client_package", "server_package"):
            if changes.get(name) is False:
                changes[name] = None
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
    try:
        data: Any = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError([config_diagnostic("config-unreadable", str(exc), pyproject, [], None)])
    for depth, key in enumerate(keys):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
        if not isinstance(data, dict):
            where = ".".join(keys[: depth + 1])
            diagnostic = config_diagnostic(
                "config-invalid", f"`{where}` must be a table", pyproject, keys[: depth + 1], None
            )
            raise ConfigError([diagnostic])
    table: dict[str, Any] = data
    return table


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
        ConfigError: the config table is invalid.
        ValueError: per-spec flags given without SPEC.
    """
    if spec is not None:
        return [overrides.apply(Target.for_spec(spec, Path("generated"), stem=default_stem(spec)))]
    flags = overrides.per_spec_flags()
    if flags:
        raise ValueError(f"{', '.join(flags)} need(s) a SPEC argument")
    cwd = Path.cwd()
    if overrides.output is not None:
        overrides = replace(overrides, output=cwd / overrides.output)
    pyproject = find_pyproject(cwd)
    if pyproject is None:
        where = SpecLocation(str(cwd))
        message = (
            "no pyproject.toml with a [tool.apiforge] table here or in any parent; pass a SPEC"
        )
        raise NoProjectConfig([Diagnostic("config-missing", Severity.ERROR, message, where)])
    return [
        replace(t, spec=near_path(t.spec, cwd), output=near_path(t.output, cwd))
        for t in load_project(pyproject, overrides)
    ]


def default_stem(spec: Path) -> str:
    """The stem of a SPEC's default names, from its ``info.title`` (``PostHog API`` -> ``posthog``).

    Empty when the title is missing, unreadable or generic (``OpenAPI``): the caller then
    falls back to the file name. Only the events up to ``info.title`` are parsed, so a
    large spec costs little, and the result is cached by the spec's content; a broken
    spec is left to the loader to report.
    """
    from apiforge.output import cache

    try:
        content = Path(spec).read_bytes()
    except OSError:
        return ""
    folder = cache.cache_dir("titles")  # a no-op run must not import yaml
    key = cache.digest("title 1", hashlib.sha256(content).hexdigest())
    stem = cache.read(folder, key)
    if stem is None:
        from apiforge.naming.schemas import package_stem

        title = read_title(spec)
        stem = package_stem(title) if title else ""
        cache.write(folder, key, stem)
    return stem


def read_title(spec: Path) -> str | None:
    """``info.title`` of a YAML or JSON spec, parsing no further than ``info``; None if absent."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    frames: list[list[Any]] = []  # per open collection: [is_mapping, current key, expecting a key]
    try:
        with open(spec, encoding="utf-8") as stream:
            for event in yaml.parse(stream, Loader=loader):
                top = frames[-1] if frames else None
                if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                    frames.append([isinstance(event, yaml.MappingStartEvent), None, True])
                elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                    frames.pop()
                    if frames and frames[-1][0]:
                        if len(frames) == 1 and frames[0][1] == "info":
                            return None  # info is over and had no title
                        frames[-1][2] = True
                elif top is not None and top[0] and top[2] and isinstance(event, yaml.ScalarEvent):
                    top[1], top[2] = event.value, False
                elif (
                    top is not None
                    and top[0]
                    and isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent))
                ):
                    keys = [frame[1] for frame in frames]
                    if keys == ["info", "title"] and isinstance(event, yaml.ScalarEvent):
                        return str(event.value)
                    top[2] = True
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
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


def load_project(pyproject: Path, overrides: Overrides) -> list[Target]:
    """Every target of ``pyproject``'s ``[tool.apiforge]`` table, with ``overrides`` applied.

    A table validated before (same content, same file, same flags, same apiforge
    version) is resolved from the cache without importing pydantic.
    """
    table = read_tool_table(pyproject)
    if table is None:
        raise NoProjectConfig(
            [config_diagnostic("config-missing", "no [tool.apiforge] table", pyproject, [], None)]
        )
    pyproject = pyproject.absolute()
    key = _cache_key(pyproject, table, overrides)
    cached = _read_cache(pyproject, key)
    if cached is not None:
        return cached
    from apiforge.config.schema import resolve_table

    targets = resolve_table(table, pyproject, overrides)
    _write_cache(pyproject, key, targets)
    return targets


def __getattr__(name: str) -> Any:
    """``apiforge.config.targets.ConfigFile`` and ``TargetConfig`` load the pydantic layer on first use."""
    if name in ("ConfigFile", "TargetConfig"):
        from apiforge.config import schema as config_file

        return getattr(config_file, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    return Target(**arguments)


def _cache_key(pyproject: Path, table: dict[str, Any], overrides: Overrides) -> str:
    specs = [t.get("spec") for t in table.get("targets") or () if isinstance(t, dict)]
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
