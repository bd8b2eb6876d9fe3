"""``apiforge validate SPEC``: every check ``generate`` makes, short of formatting and writing.

The spec goes through the whole pipeline (load, IR, names, models, client and
server views) with nothing written, so ``validate`` reports exactly the
diagnostics ``generate`` would. Text output: diagnostics on stderr, then a
one-line summary (stdout when clean, stderr otherwise). ``--format json``:
stdout carries only the JSON array of diagnostics, everything else goes to stderr.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import click

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def count_operations(document: dict[str, Any]) -> int:
    """Operations under ``paths`` (local path-item references are followed)."""
    from apiforge.load import jsonpointer

    paths = document.get("paths")
    total = 0
    for item in paths.values() if isinstance(paths, dict) else ():
        ref = item.get("$ref") if isinstance(item, dict) else None
        if isinstance(ref, str) and ref.startswith("#"):
            try:
                item = jsonpointer.resolve(document, ref[1:])
            except (LookupError, ValueError):
                continue
        if isinstance(item, dict):
            total += sum(1 for method in _METHODS if isinstance(item.get(method), dict))
    return total


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def run_validate(
    spec: Path, *, allow_remote_refs: bool, output_format: str, strict: bool = False
) -> None:
    """Check ``spec`` as ``generate`` would; print its diagnostics and a summary.

    Raises:
        apiforge.cli.main.DiagnosticsError: the spec has errors, or warnings with ``strict`` (exit code 1).
    """
    from apiforge.cli.main import DiagnosticsError
    from apiforge.config.targets import Target, default_stem
    from apiforge.diagnostics import (
        GenerationFailed,
        Sink,
        render_json,
        sorted_diagnostics,
        strict_failures,
    )
    from apiforge.pipeline import render

    sink = Sink()
    with tempfile.TemporaryDirectory() as nowhere:  # an output folder nothing is written to
        target = Target.for_spec(
            spec,
            Path(nowhere),
            stem=default_stem(spec),
            allow_remote_refs=allow_remote_refs,
            strict=strict,
            format=False,
        )
        try:
            rendered = render(target, sink)
        except GenerationFailed as exc:
            sink.extend(d for d in exc.diagnostics if d not in sink.items)
            rendered = None
    items = sorted_diagnostics(strict_failures(sink.items) if strict else sink.items)
    as_json = output_format == "json"
    if as_json:
        click.echo(render_json(items))
    elif items:
        click.echo("\n".join(d.render() for d in items), err=True)
    errors = sum(d.severity.value == "error" for d in items)
    warnings = sum(d.severity.value == "warning" for d in items)
    facts = rendered.facts if rendered is not None else None
    if facts is None or errors:
        failed = f"{spec}: {_plural(max(errors, 1), 'error')}, {_plural(warnings, 'warning')}"
        if strict and not sink.errors and sink.warnings:
            codes = ", ".join(sorted({d.code for d in sink.warnings}))
            failed = (
                f"{spec}: --strict: {_plural(len(sink.warnings), 'warning')} failed it ({codes})"
            )
        raise DiagnosticsError(failed)
    summary = (
        f"{spec}: OpenAPI {facts.openapi_version}, "
        f"{_plural(facts.operations, 'operation')}, {_plural(facts.schemas, 'schema')}"
    )
    if facts.converted_from:
        summary += f" (converted from Swagger {facts.converted_from})"
    if warnings:
        summary += f", {_plural(warnings, 'warning')}"
    click.echo(summary, err=as_json)
