"""``apiforge generate``: regenerate a spec or every target of a project, only when needed.

Contract: :func:`run_generate` resolves the targets (a SPEC with defaults, or the
``[tool.apiforge]`` table of the nearest pyproject.toml) and hands them to
:func:`apiforge.generate`, which prints ``<target>: up to date`` (the manifests
match: nothing rendered, nothing written) or renders and writes each one through
the command's :class:`~apiforge.progress.Reporter`. Diagnostics go to stderr; any
failed target raises :class:`~apiforge.diagnostics.DiagnosticsError` (exit 1, see
:mod:`apiforge.cli.main`) after every target was tried.

The no-op path imports neither the pipeline nor pydantic, jinja2, black or yaml,
nor the writer (see :mod:`apiforge.engine`). :func:`load_targets` is shared with
``check``, ``watch`` and ``diff``.
"""

from __future__ import annotations

from pathlib import Path

import click

from apiforge.api import generate
from apiforge.config.project import resolve_targets
from apiforge.config.targets import ConfigError, NoProjectConfig, Overrides, Target
from apiforge.diagnostics import DiagnosticsError
from apiforge.engine import RenderFn, display_name, pipeline_render
from apiforge.progress import Reporter


def load_targets(spec: Path | None, overrides: Overrides, reporter: Reporter) -> list[Target]:
    """The command line's targets; config problems are reported and end the command.

    Raises:
        click.UsageError: per-spec flags without SPEC, or no SPEC and no project config.
        DiagnosticsError: the config is invalid (its diagnostics were reported).
    """
    try:
        targets = resolve_targets(spec, overrides)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    except NoProjectConfig as exc:
        raise click.UsageError(exc.diagnostics[0].message) from None
    except ConfigError as exc:
        reporter.diagnostics(exc.diagnostics)
        reporter.finish()
        raise DiagnosticsError("apiforge: invalid configuration") from None
    for target in targets:
        if target.client_package and target.client_package == target.server_package:
            raise click.UsageError(
                f"{display_name(target)}: the client and the server cannot both be named "
                f"{target.client_package!r} (they are written to the same folder); "
                "choose another --client-package or --server-package"
            )
    return targets


def run_generate(
    spec: Path | None,
    overrides: Overrides,
    *,
    force: bool = False,
    quiet: bool = False,
    output_format: str = "text",
    render: RenderFn = pipeline_render,
) -> None:
    """``apiforge generate [SPEC]``: every target, then exit 1 if any failed.

    Args:
        spec: one spec to generate with defaults; None for every target of the project.
        overrides: command line flags that win over the config file.
        force: regenerate up-to-date targets and overwrite hand-edited files.
        quiet: no status or progress lines.
        output_format: ``"text"`` or ``"json"`` diagnostics.
        render: the pipeline (default: :func:`pipeline_render`, which imports it on first use).
    """
    reporter = Reporter(output_format=output_format, quiet=quiet)
    targets = load_targets(spec, overrides, reporter)
    try:
        generate(targets=targets, force=force, reporter=reporter, render=render)
    finally:
        reporter.finish()
