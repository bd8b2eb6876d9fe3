"""``apiforge generate``: regenerate a spec or every target of a project, only when needed.

Contract: :func:`run_generate` resolves the targets (a SPEC with defaults, or the
``[tool.apiforge]`` table of the nearest pyproject.toml), and for each one
either prints ``<target>: up to date`` (the manifests match: nothing rendered,
nothing written) or renders it and writes it with :func:`apiforge.output.write.write_packages`.
Diagnostics go to stderr; any failed target raises
:class:`~apiforge.cli.main.DiagnosticsError` (exit 1) after every target was tried.

The no-op path imports neither the pipeline nor pydantic, jinja2, black or
yaml, nor the writer. ``render`` is a parameter so tests (and other front ends such as the
build hook) can inject one; the default, :func:`pipeline_render`, imports the
pipeline on its first call. :func:`load_targets`, :func:`render_target` and
:func:`display_name` are shared with ``check`` and ``watch``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from apiforge.cli.main import DiagnosticsError
from apiforge.cli.progress import Reporter
from apiforge.config.targets import (
    ConfigError,
    NoProjectConfig,
    Overrides,
    Target,
    near_path,
    resolve_targets,
)
from apiforge.diagnostics import (
    Diagnostic,
    GenerationFailed,
    Severity,
    Sink,
    SpecLocation,
    strict_failures,
)
from apiforge.output.manifest import staleness
from apiforge.resources import templates_hash

if TYPE_CHECKING:
    from apiforge.pipeline import Rendered

RenderFn = Callable[[Target, Sink], "Rendered | None"]
"""The pipeline's contract: ``render(target, sink) -> Rendered | None``, pure."""


class Outcome(enum.Enum):
    """What happened to one target."""

    UP_TO_DATE = "up to date"
    WRITTEN = "written"
    FAILED = "failed"


def pipeline_render(target: Target, sink: Sink) -> Rendered | None:
    """``apiforge.pipeline.render``, imported on the first call (it pulls in the heavy stages)."""
    from apiforge.pipeline import render

    return render(target, sink)


def shown(path: Path) -> str:
    """``path`` as people want to read it: relative to the working directory, POSIX."""
    return near_path(path, Path.cwd()).as_posix()


def display_name(target: Target) -> str:
    """The target as people know it: its spec path (see :func:`shown`)."""
    return shown(target.spec)


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


def render_target(
    target: Target, render: RenderFn, reporter: Reporter, name: str
) -> Rendered | None:
    """Run the pipeline for one target and report its diagnostics; None when it failed."""
    sink = Sink()
    reporter.stage(f"{name}: rendering")
    try:
        with reporter.listening():
            rendered = render(target, sink)
    except GenerationFailed as exc:
        sink.extend(d for d in exc.diagnostics if d not in sink.items)
        rendered = None
    reporter.reads |= sink.reads
    strict_failed = rendered is None and target.strict and not sink.errors and bool(sink.warnings)
    reporter.diagnostics(strict_failures(sink.items) if strict_failed else sink.items)
    if strict_failed:
        codes = ", ".join(sorted({d.code for d in sink.warnings}))
        count = len(sink.warnings)
        reporter.status_err(f"{name}: --strict: {count} warning(s) failed the run ({codes})")
    if rendered is None and not sink.has_errors(strict=target.strict):
        message = "the pipeline produced no output and reported no error"
        reporter.diagnostics([Diagnostic("no-output", Severity.ERROR, message, SpecLocation(name))])
    return rendered


def generate_target(
    target: Target, render: RenderFn, reporter: Reporter, *, force: bool
) -> Outcome:
    """Bring one target's output up to date; see the module docstring."""
    name = display_name(target)
    reason = "--force" if force else staleness(target, templates_hash())
    if reason is None:
        reporter.status(f"{name}: up to date")
        return Outcome.UP_TO_DATE
    reporter.stage(f"{name}: regenerating because {reason}")
    rendered = render_target(target, render, reporter, name)
    if rendered is None:
        return Outcome.FAILED
    rendered, change_summary = release_step(target, rendered, reporter, name)
    from apiforge.output.write import (  # not on the no-op path
        WriteRefused,
        package_trees,
        write_packages,
    )

    reporter.stage(f"{name}: writing {len(rendered.files)} files")
    hashes = rendered.input_hashes
    try:
        trees = package_trees(target, rendered.files, rendered.packages, hashes, templates_hash())
        write_packages(target.output, trees, force=force)
    except WriteRefused as exc:
        reporter.diagnostics(exc.diagnostics)
        return Outcome.FAILED
    except OSError as exc:
        where = SpecLocation(str(exc.filename or target.output))
        message = f"writing failed, previous output restored: {exc.strerror or exc}"
        reporter.diagnostics([Diagnostic("write-failed", Severity.ERROR, message, where)])
        return Outcome.FAILED
    written = ", ".join(shown(target.output / package) for package in sorted(trees))
    reporter.status(f"{name}: wrote {len(rendered.files)} files to {written} ({reason})")
    if change_summary:
        reporter.status(f"{name}: {change_summary}")
    return Outcome.WRITTEN


def release_step(
    target: Target, rendered: Rendered, reporter: Reporter, name: str
) -> tuple[Rendered, str | None]:
    """Compare with the spec recorded at the last generation (and bump versions when opted in).

    Returns the files to write and the one-line change summary (None when the spec
    did not change). The comparison never fails a generation: a problem is a note.
    """
    from apiforge.cli.commands.diff import release
    from apiforge.diff.render import one_line

    reporter.stage(f"{name}: comparing with the previously generated spec")
    rendered, report, problem = release(target, rendered)
    if problem is not None:
        return rendered, problem
    return rendered, one_line(report) if report is not None else None


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
    failed = 0
    try:
        for target in targets:
            outcome = generate_target(target, render, reporter, force=force)
            failed += outcome is Outcome.FAILED
    finally:
        reporter.finish()
    if failed:
        raise DiagnosticsError(f"apiforge: {failed} of {len(targets)} target(s) failed")
