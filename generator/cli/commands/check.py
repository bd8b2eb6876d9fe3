"""``apiforge check``: is the generated code on disk exactly what generating now would write?

Contract: :func:`run_check` exits 0 when every target's output is current and 1
(:class:`~apiforge.diagnostics.DiagnosticsError`) when a generated file is stale (the
spec, templates or options changed), was edited by hand, is missing, or is no
longer generated. Each such file gets a diagnostic on stderr (``--format json``
for CI annotations) and a unified diff on stdout (``a/`` on disk, ``b/``
regenerated). Nothing is ever written.

Fast path: when the manifests say a target is up to date (see
:func:`apiforge.output.manifest.staleness`) it is not rendered at all. A manifest that
is merely outdated while every file matches (say, only a comment in the spec
changed) is reported as a note, not a failure.
"""

from __future__ import annotations

from pathlib import Path

import click

from apiforge.api import check
from apiforge.cli.commands.generate import load_targets
from apiforge.config.targets import Overrides
from apiforge.engine import RenderFn, pipeline_render
from apiforge.progress import Reporter


def run_check(
    spec: Path | None,
    overrides: Overrides,
    *,
    quiet: bool = False,
    output_format: str = "text",
    render: RenderFn = pipeline_render,
) -> None:
    """``apiforge check [SPEC]``: exit 1 when any target's output is not current.

    Args are those of :func:`apiforge.cli.commands.generate.run_generate` (no ``force``).
    """
    reporter = Reporter(output_format=output_format, quiet=quiet)
    targets = load_targets(spec, overrides, reporter)

    def show(diff: str) -> None:  # stdout, unless it carries the JSON array alone
        click.echo(diff, nl=False, err=output_format == "json")

    try:
        check(targets=targets, reporter=reporter, render=render, on_diff=show)
    finally:
        reporter.finish()
