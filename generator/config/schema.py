"""The user-facing configuration: ``[tool.apiforge]`` in pyproject.toml, validated by pydantic.

Contract: :func:`resolve_table` takes the raw TOML table and returns frozen
:class:`~apiforge.config.targets.Target` values, or raises
:class:`~apiforge.config.targets.ConfigError` carrying one diagnostic per problem
(unknown keys are named with their file, dotted key and line). Relative paths in
the file are relative to the directory holding pyproject.toml.

This module imports pydantic, which costs more than the whole no-op run of
``apiforge generate``; :mod:`apiforge.config.targets` imports it only when a config
table has not been validated before (see ``apiforge.config.targets.load_project``).

Example::

    [tool.apiforge]
    output = "generated"
    formatter = "black"                 # default "ruff" (ruff format)

    [[tool.apiforge.targets]]
    spec = "spec/posthog.yaml"
    client-package = "posthog_client"   # or false: no client
    server-package = false              # no server
    api-key-env = "POSTHOG_PERSONAL_API_KEY"
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from apiforge.config.defaults import default_stem
from apiforge.config.targets import (
    HOOK_TABLE,
    ConfigError,
    Overrides,
    Target,
    config_diagnostic,
    key_line,
    url_spec_problem,
)
from apiforge.diagnostics import Diagnostic
from apiforge.naming.reserved import package_name_problem
from apiforge.warning_codes import unknown_codes

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_KEBAB = ConfigDict(
    extra="forbid", strict=True, alias_generator=lambda name: name.replace("_", "-")
)


def _check_package(value: object) -> object:
    """One clear message for anything but a package name or ``false`` (runs before type checks)."""
    if value is None or value is False:
        return value
    if not isinstance(value, str):
        # pydantic turns only ValueError into a validation error, hence not TypeError.
        raise ValueError(f"expected a package name or false, got {value!r}")  # noqa: TRY004
    problem = package_name_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _check_codes(codes: list[str]) -> list[str]:
    """Only warning codes apiforge reports can be ignored; a typo is an error, not a no-op."""
    problems = unknown_codes(codes)
    if problems:
        raise ValueError(problems[0])
    return codes


def _check_spec(value: str) -> str:
    problem = url_spec_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _check_env(value: str | None) -> str | None:
    if value is not None and not _ENV_NAME.match(value):
        raise ValueError(f"{value!r} is not a valid environment variable name")
    return value


class TargetConfig(BaseModel):
    """One ``[[tool.apiforge.targets]]`` entry: a spec and the packages generated from it."""

    model_config = _KEBAB

    spec: str = Field(min_length=1, description="The OpenAPI document, relative to pyproject.toml.")
    output: str | None = Field(
        None,
        description="Directory for this target's packages; defaults to the top-level `output`.",
    )
    client_package: str | Literal[False] | None = Field(
        None,
        description="Import name of the httpx client package (default `<spec stem>_client`); "
        "`false` generates no client.",
    )
    server_package: str | Literal[False] | None = Field(
        None,
        description="Import name of the FastAPI server package (default `<spec stem>_server`); "
        "`false` generates no server.",
    )
    api_key_env: str | None = Field(
        None,
        description="Environment variable the client reads its API key from "
        "(default `<SPEC STEM>_API_KEY`).",
    )
    base_url_env: str | None = Field(
        None,
        description="Environment variable that overrides the client's base URL "
        "(default `<SPEC STEM>_BASE_URL`).",
    )
    strict: bool = Field(False, description="Treat warnings as errors.")
    allow_remote_refs: bool = Field(
        False, description="Allow http(s) `$ref`s; remote inputs make every run regenerate."
    )
    format: bool = Field(True, description="Run the pinned formatter over the output.")
    formatter: Literal["ruff", "black"] | None = Field(
        None,
        description="`ruff` (ruff format, the default) or `black`, for code bases formatted by "
        "black; defaults to the top-level `formatter`. Changing it regenerates.",
    )
    bump_version: bool = Field(
        False,
        description="Bump each generated package's version by what the spec change does to its "
        "users (major/minor/patch, see `apiforge diff`) and add a CHANGELOG.md entry.",
    )

    ignore_warnings: list[str] = Field(
        default_factory=list,
        description="Warning codes not to print nor count as errors under `strict` "
        '(`["missing-operation-id"]`; docs/diagnostics.md lists them). Changing it regenerates '
        "nothing.",
    )

    _packages = field_validator("client_package", "server_package", mode="before")(_check_package)
    _spec = field_validator("spec")(_check_spec)
    _envs = field_validator("api_key_env", "base_url_env")(_check_env)
    _codes = field_validator("ignore_warnings")(_check_codes)

    @model_validator(mode="after")
    def _generates_something(self) -> TargetConfig:
        if self.client_package is False and self.server_package is False:
            raise ValueError(
                "client-package and server-package are both false: nothing to generate"
            )
        if isinstance(self.client_package, str) and self.client_package == self.server_package:
            raise ValueError(
                f"client-package and server-package are both {self.client_package!r}: "
                "they would be written to the same folder"
            )
        return self

    def resolve(
        self, root: Path, default_output: str, overrides: Overrides, default_formatter: str = "ruff"
    ) -> Target:
        """The frozen target: paths made absolute against ``root``, defaults filled in."""
        values: dict[str, Any] = {
            "strict": self.strict,
            "allow_remote_refs": self.allow_remote_refs,
            "format": self.format,
            "formatter": self.formatter or default_formatter,
            "bump_version": self.bump_version,
            "ignore_warnings": tuple(dict.fromkeys(self.ignore_warnings)),
        }
        for name in ("client_package", "server_package"):
            chosen = getattr(self, name)
            if chosen is not None:
                values[name] = chosen or None
        for name in ("api_key_env", "base_url_env"):
            if getattr(self, name) is not None:
                values[name] = getattr(self, name)
        output = root / (self.output if self.output is not None else default_output)
        spec = root / self.spec
        target = Target.for_spec(spec, output, stem=default_stem(spec), **values)
        return overrides.apply(target)


class ConfigFile(BaseModel):
    """The ``[tool.apiforge]`` table."""

    model_config = _KEBAB

    output: str = Field(
        "generated",
        description="Directory the packages are written into, relative to pyproject.toml.",
    )
    formatter: Literal["ruff", "black"] = Field(
        "ruff",
        description="Formatter of the generated code: `ruff` (ruff format) or `black`, for code "
        "bases formatted by black. Either way, imports come in ruff's isort order.",
    )
    targets: list[TargetConfig] = Field(
        min_length=1, description="One entry per spec (`[[tool.apiforge.targets]]`)."
    )


def resolve_table(
    table: Mapping[str, Any],
    pyproject: Path,
    overrides: Overrides,
    prefix: Sequence[str] = ("tool", "apiforge"),
) -> list[Target]:
    """Validate ``[tool.apiforge]`` and resolve it into targets.

    Raises:
        ConfigError: with a diagnostic per unknown key, wrong type or clash of package dirs.
    """
    try:
        config = ConfigFile.model_validate(dict(table))
    except ValidationError as exc:
        raise ConfigError(validation_diagnostics(exc, pyproject, prefix, ConfigFile)) from None
    root = pyproject.parent
    targets = [t.resolve(root, config.output, overrides, config.formatter) for t in config.targets]
    clashes = _package_clashes(targets, pyproject, prefix)
    if clashes:
        raise ConfigError(clashes)
    return targets


def resolve_hook_table(
    table: Mapping[str, Any],
    pyproject: Path,
    overrides: Overrides,
    prefix: Sequence[str] = HOOK_TABLE,
) -> Target:
    """Validate a build hook's own table (the keys of one target, ``output`` included), found at
    ``prefix`` (``tool.hatch.build.targets.wheel.hooks.apiforge`` for one target's hook)."""
    try:
        config = TargetConfig.model_validate(dict(table))
    except ValidationError as exc:
        diagnostics = validation_diagnostics(exc, pyproject, prefix, TargetConfig)
        raise ConfigError(diagnostics) from None
    return config.resolve(pyproject.parent, "generated", overrides)


def validation_diagnostics(
    exc: ValidationError, pyproject: Path, prefix: Sequence[str], model: type[BaseModel]
) -> list[Diagnostic]:
    """One diagnostic per pydantic error, naming the dotted TOML key and (when found) its line."""
    text = _read_text(pyproject)
    found: list[Diagnostic] = []
    for error in exc.errors():
        loc: list[str | int] = [*prefix, *_toml_loc(error)]
        key = _dotted(loc)
        if error["type"] == "extra_forbidden":
            top_level = model is ConfigFile and len(error["loc"]) == 1
            message = f"unknown key `{key}`" + _unknown_key_hint(str(loc[-1]), top_level)
            code = "config-unknown-key"
        elif error["type"] == "model_type":  # pydantic would name the model class
            message, code = f"`{key}` must be a table", "config-invalid"
        else:
            message = f"`{key}`: {error['msg']}"
            code = "config-invalid"
        found.append(config_diagnostic(code, message, pyproject, loc, key_line(text, loc)))
    return sorted(found, key=lambda d: d.location.line or 1 << 30)


def _toml_loc(error: ErrorDetails) -> list[str | int]:
    """The error's TOML key path, without what pydantic appends inside a field (``str``)."""
    loc = list(error["loc"])
    if error["type"] == "extra_forbidden":
        return loc
    keys = {f.alias or n for m in (ConfigFile, TargetConfig) for n, f in m.model_fields.items()}
    while loc and not isinstance(loc[-1], int) and loc[-1] not in keys:
        loc.pop()
    return loc


def _known_keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


def _unknown_key_hint(name: str, top_level: bool) -> str:
    """What to write instead: a close key of the same table, or where a target's key belongs.

    ``top_level``: the key sits in ``[tool.apiforge]`` itself, not in a target entry.
    """
    own = _known_keys(ConfigFile if top_level else TargetConfig)
    close = difflib.get_close_matches(name, own, n=1)
    if close:
        return f" (did you mean `{close[0]}`?)"
    if top_level:
        per_target = difflib.get_close_matches(name, _known_keys(TargetConfig), n=1)
        if per_target:
            return (
                f" (`{per_target[0]}` is set per target: "
                "put it in each [[tool.apiforge.targets]] entry)"
            )
    return ""


def _package_clashes(
    targets: list[Target], pyproject: Path, prefix: Sequence[str]
) -> list[Diagnostic]:
    text = _read_text(pyproject)
    seen: dict[Path, int] = {}
    clashes: list[Diagnostic] = []
    for index, target in enumerate(targets):
        for package in (target.client_package, target.server_package):
            if package is None:
                continue
            where = target.output / package
            if where in seen:
                loc: list[str | int] = [*prefix, "targets", index]
                message = f"targets {seen[where]} and {index} both generate `{package}` into {target.output}"
                line = key_line(text, loc)
                clashes.append(
                    config_diagnostic("config-package-clash", message, pyproject, loc, line)
                )
            seen[where] = index
    return clashes


def _dotted(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""
