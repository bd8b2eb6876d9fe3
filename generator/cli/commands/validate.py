"""``apiforge validate SPEC``: every check ``generate`` makes, short of formatting and writing.

The spec goes through the whole pipeline (load, IR, names, models, client and
server views) with nothing written, so ``validate`` reports exactly the
diagnostics ``generate`` would. Text output: diagnostics on stderr, then a
one-line summary (stdout when clean, stderr otherwise). ``--format json``:
stdout carries only the JSON array of diagnostics, everything else goes to stderr.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from apiforge.api import validate
from apiforge.diagnostics import Diagnostic, DiagnosticsError, counted, render_json


def run_validate(
    spec: Path,
    *,
    allow_remote_refs: bool,
    output_format: str,
    strict: bool = False,
    ignore_warnings: Sequence[str] = (),
) -> None:
    """Check ``spec`` as ``generate`` would (:func:`apiforge.validate`); print its diagnostics and a summary.

    Raises:
        apiforge.diagnostics.DiagnosticsError: the spec has errors, or warnings with ``strict``
            (exit code 1), after its diagnostics were printed.
    """
    as_json = output_format == "json"
    try:
        result = validate(
            spec,
            allow_remote_refs=allow_remote_refs,
            strict=strict,
            ignore_warnings=ignore_warnings,
        )
    except DiagnosticsError as exc:
        _show(exc.diagnostics, as_json)
        raise
    _show(result.diagnostics, as_json)
    summary = (
        f"{spec}: OpenAPI {result.openapi_version}, "
        f"{counted(result.operations, 'operation')}, {counted(result.schemas, 'schema')}"
    )
    if result.converted_from:
        summary += f" (converted from Swagger {result.converted_from})"
    if result.warnings:
        summary += f", {counted(result.warnings, 'warning')}"
    click.echo(summary, err=as_json)


def _show(items: Sequence[Diagnostic], as_json: bool) -> None:
    """The diagnostics: the JSON array alone on stdout, or text lines on stderr."""
    if as_json:
        click.echo(render_json(items))
    elif items:
        click.echo("\n".join(d.render() for d in items), err=True)
