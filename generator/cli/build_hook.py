"""A hatchling build hook: regenerate a project's client/server while its wheel is built.

Contract: a front end over :func:`apiforge.generate` (it never imports the command
line). Registered through the ``hatch`` entry point (``apiforge =
"apiforge.cli.build_hook"``) as the build hook ``apiforge``. Enabled by a
``[tool.hatch.build.hooks.apiforge]`` table (or ``[tool.hatch.build.targets.wheel.hooks.apiforge]``),
it runs for the wheel target (``pip install .``, ``python -m build``) and the sdist
target, before hatchling collects files:

* the targets come from the hook's own table when it names a ``spec`` (the keys
  of one ``[[tool.apiforge.targets]]`` entry, ``output`` included), otherwise
  from the project's ``[tool.apiforge]``;
* each target is regenerated exactly as ``apiforge generate`` would (a no-op
  when the manifests say it is up to date; hand-edited files stop the build);
* every generated package found at ``<output>/<package>/<package>/`` is added
  to the wheel under its import name (``include-in-wheel = false`` turns that off);
* the sdist carries the spec and every local file it $refs, whatever the project's
  file selection, so that the wheel built from the sdist can regenerate (a spec
  outside the project fails the sdist build instead);
* any diagnostic error fails the build with :class:`BuildFailed`, whose message
  lists the diagnostics;
* the writers' staging folders (``<output>/.apiforge-staging-*/``) never enter a build;
* a wheel whose ``requires-python`` admits a Python older than the generated packages
  run on (:data:`GENERATED_PYTHON`) is warned about (``requires-python-too-low``).

See docs/build-hook.md for a complete example.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hatchling.builders.config import BuilderConfig
from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from hatchling.plugin import hookimpl

from apiforge.api import GenerateFailed, generate
from apiforge.config.project import check_specs, named_near, project_targets, read_table
from apiforge.config.targets import (
    HOOK_TABLE,
    ConfigError,
    NoProjectConfig,
    Overrides,
    Target,
    key_line,
    near_path,
)
from apiforge.diagnostics import Diagnostic, Severity, SpecLocation, render_text
from apiforge.engine import RenderFn, pipeline_render
from apiforge.output.manifest import STAGING_PREFIX, input_paths
from apiforge.progress import Reporter

# Keys hatchling itself reads from every build hook table.
_HATCH_KEYS = frozenset(
    {
        "dependencies",
        "require-runtime-dependencies",
        "require-runtime-features",
        "enable-by-default",
    }
)
_INCLUDE = "include-in-wheel"
# The oldest Python the generated packages run on (their pyproject.toml's requires-python):
# pydantic evaluates their ``X | None`` annotations at run time.
GENERATED_PYTHON = "3.10"
# The Pythons older than that a requires-python may admit, oldest first ("3.9" is 3.9.0).
_OLDER = [
    f"{major}.{minor}" + (f".{patch}" if patch else "")
    for major, minor in [(2, 7)] + [(3, m) for m in range(10)]
    for patch in range(40)
]


class BuildFailed(Exception):
    """Generation failed during a build; the message holds the diagnostics."""


class ApiforgeBuildHook(BuildHookInterface[BuilderConfig]):
    """Regenerates the configured targets and puts their packages in the wheel."""

    PLUGIN_NAME = "apiforge"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Hatchling calls this before collecting the wheel's files."""
        if self.target_name not in ("wheel", "sdist"):
            return
        options = {k: v for k, v in self.config.items() if k not in _HATCH_KEYS}
        include = options.pop(_INCLUDE, True)
        if not isinstance(include, bool):
            raise BuildFailed(
                f"[tool.hatch.build.hooks.apiforge] `{_INCLUDE}` must be true or false"
            )
        root = Path(self.root)
        targets = hook_targets(root, options, hook_table(root / "pyproject.toml", self.target_name))
        regenerate(targets)
        exclude_scratch(self.build_config)
        if self.target_name == "sdist":
            build_data.setdefault("force_include", {}).update(sdist_inputs(targets, self.root))
        elif include and version == "standard":
            build_data.setdefault("force_include", {}).update(wheel_packages(targets))
            shipped_untracked(targets)
        if self.target_name == "wheel":
            floor = python_floor(self.metadata.core.requires_python, root / "pyproject.toml")
            if floor and not all(floor.code in t.ignore_warnings for t in targets):
                print(render_text([floor]), file=sys.stderr)  # the build goes on


def exclude_scratch(config: BuilderConfig) -> None:
    """Leave out of the build what apiforge writes beside the packages that is no part of them.

    That is the writers' staging folders (``generated/.apiforge-staging-*/``): a write in
    progress in another process (``apiforge watch``), or what a write killed mid-way kept for
    the next run to put back. Packed, it would ship the old package's copy in the sdist.
    Hatchling gives hooks no exclusion of their own, so the hook adds its pattern to the
    target's (``exclude``, ``.gitignore``), read before any file is collected.
    """
    import pathspec  # hatchling's own dependency: only in a build

    scratch = pathspec.GitIgnoreSpec.from_lines([f"{STAGING_PREFIX}*/"])
    found = config.exclude_spec
    config.exclude_spec = scratch if found is None else found + scratch


def hook_table(pyproject: Path, target_name: str) -> tuple[str, ...]:
    """The keys of the table the hook's options come from: the build target's own
    (``[tool.hatch.build.targets.wheel.hooks.apiforge]``), else the build's."""
    own = ("tool", "hatch", "build", "targets", target_name, "hooks", "apiforge")
    try:
        found = read_table(pyproject, *own)
    except ConfigError:  # not a table: hatchling says so itself
        found = None
    return own if found is not None else HOOK_TABLE


def hook_targets(
    root: Path, options: dict[str, Any], table: Sequence[str] = HOOK_TABLE
) -> list[Target]:
    """The hook table's own target when it names a ``spec``, else the project's ``[tool.apiforge]``.

    ``table``: the keys of the hook's table in pyproject.toml, which diagnostics name.

    Raises:
        BuildFailed: the configuration is missing or invalid.
    """
    pyproject = root / "pyproject.toml"
    if options and "spec" not in options:
        keys = ", ".join(f"`{key}`" for key in sorted(options))
        raise BuildFailed(
            f"apiforge: [{'.'.join(table)}] sets {keys} but no `spec`: the hook's "
            "own keys describe one target and need its `spec`; to build every target of "
            "[tool.apiforge], set these there instead"
        )
    try:
        if options:
            from apiforge.config.schema import resolve_hook_table  # pydantic: only for this table

            try:
                target = resolve_hook_table(options, pyproject, Overrides(), table)
            except ConfigError as exc:
                raise named_near(exc) from None
            check_specs([target], near_path(pyproject, Path.cwd()), [(*table, "spec")])
            return [target]
        return project_targets(pyproject, Overrides())
    except NoProjectConfig as exc:
        hint = "configure [tool.apiforge] or give `spec` in [tool.hatch.build.hooks.apiforge]"
        raise BuildFailed(f"apiforge: {hint}:\n{render_text(exc.diagnostics)}") from None
    except ConfigError as exc:
        message = f"apiforge: invalid configuration:\n{render_text(exc.diagnostics)}"
        raise BuildFailed(message) from None


def regenerate(targets: list[Target], render: RenderFn | None = None) -> None:
    """Bring every target up to date (:func:`apiforge.generate`), or raise :class:`BuildFailed`.

    ``render`` defaults to the pipeline.
    """
    reporter = Reporter(quiet=False, progress=False, echo_diagnostics=False)
    try:
        generate(targets=targets, reporter=reporter, render=render or pipeline_render)
    except GenerateFailed as exc:
        raise BuildFailed(
            f"apiforge: generating {', '.join(str(t.spec) for t in exc.failed)} failed:\n"
            + render_text(exc.diagnostics)
        ) from None
    except ValueError as exc:
        raise BuildFailed(f"apiforge: {exc}") from None
    if reporter.collected:
        print(render_text(reporter.collected), file=sys.stderr)  # warnings: the build goes on


def wheel_packages(targets: list[Target]) -> dict[str, str]:
    """``force_include`` entries: ``<output>/<pkg>/<pkg>`` (absolute) -> ``<pkg>`` in the wheel."""
    included: dict[str, str] = {}
    for target in targets:
        for package in (target.client_package, target.server_package):
            if package is None:
                continue
            source = target.output / package / package
            if (source / "__init__.py").is_file():
                included[str(source.absolute())] = package
    return included


def shipped_untracked(targets: list[Target]) -> None:
    """Warn on stderr about files the wheel takes from a generated package that no manifest names.

    They were not generated (a user's ``extra.py``, a module a hand left behind), yet every
    wheel ships them; :mod:`apiforge.output.untracked` says which. The build goes on.
    """
    from apiforge.output.untracked import untracked_files  # wheels only

    found = [
        d
        for target in targets
        for package in (target.client_package, target.server_package)
        if package is not None
        for d in untracked_files(target.output / package, package)
        if d.severity is Severity.WARNING and d.code not in target.ignore_warnings
    ]
    if found:
        print(render_text(found), file=sys.stderr)


def python_floor(requires_python: str, pyproject: Path) -> Diagnostic | None:
    """A ``requires-python-too-low`` warning when ``requires_python`` (the project's, checked
    by hatchling) admits a Python older than :data:`GENERATED_PYTHON`, else None: the
    wheel installs there, and importing the generated packages fails."""
    from packaging.specifiers import SpecifierSet  # hatchling's own dependency: only in a build

    constraint = SpecifierSet(requires_python)
    older = next((v for v in _OLDER if constraint.contains(v, prereleases=True)), None)
    if older is None:
        return None
    if requires_python.strip():
        said = f'requires-python "{requires_python}" admits Python {older}'
        key: tuple[str, ...] = ("project", "requires-python")
    else:
        said = "requires-python is not set, so the wheel installs on any Python"
        key = ("project",)
    message = (
        f"{said}, but the generated packages need Python {GENERATED_PYTHON}+ (installed on an "
        f'older one, importing them fails); set requires-python = ">={GENERATED_PYTHON}"'
    )
    try:
        line = key_line(pyproject.read_text(encoding="utf-8"), key)
    except (OSError, UnicodeDecodeError):  # hatchling read it a moment ago
        line = None
    pointer = "".join("/" + part for part in key)
    where = SpecLocation(near_path(pyproject, Path.cwd()).as_posix(), pointer, line)
    return Diagnostic("requires-python-too-low", Severity.WARNING, message, where)


def sdist_inputs(targets: list[Target], root: str) -> dict[str, str]:
    """``force_include`` entries: each target's spec and local $ref'd files -> the same path.

    Raises:
        BuildFailed: one of them lies outside the project, where an sdist cannot carry it.
    """
    included: dict[str, str] = {}
    for target in targets:
        for path in sorted(input_paths(target)):
            try:
                relative = Path(os.path.relpath(path, os.path.abspath(root)))
            except ValueError:  # another drive on Windows
                relative = Path("..")
            if relative.parts[:1] == ("..",):
                raise BuildFailed(
                    f"apiforge: {path} is outside the project ({root}), so the sdist cannot "
                    "carry it and a wheel built from the sdist could not regenerate; move the "
                    "spec into the project, or build the wheel alone (python -m build --wheel)"
                )
            included[str(path)] = relative.as_posix()
    return included


@hookimpl
def hatch_register_build_hook() -> type[BuildHookInterface[BuilderConfig]]:
    """Hatchling's entry point: the ``apiforge`` build hook class."""
    return ApiforgeBuildHook
