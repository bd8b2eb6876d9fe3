"""``apiforge validate SPEC``: load a spec, print its diagnostics, summarise it when clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def count_operations(document: dict[str, Any]) -> int:
    """Operations under ``paths`` (local path-item references are followed)."""
    from generator import jsonpointer

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


def count_schemas(document: dict[str, Any]) -> int:
    """Named schemas under ``components/schemas``."""
    components = document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    return len(schemas) if isinstance(schemas, dict) else 0


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def run_validate(spec: Path, *, allow_remote_refs: bool, output_format: str) -> None:
    """Load ``spec``; print diagnostics to stderr and a summary to stdout.

    Raises:
        generator.cli.DiagnosticsError: the spec has errors (exit code 1).
    """
    from generator.cli import DiagnosticsError
    from generator.diagnostics import Sink, render_json, render_text
    from generator.load import LoadOptions, load

    sink = Sink()
    loaded = load(spec, sink, LoadOptions(allow_remote_refs=allow_remote_refs))
    if output_format == "json":
        click.echo(render_json(sink), err=True)
    elif len(sink):
        click.echo(render_text(sink), err=True)
    errors, warnings = len(sink.errors), len(sink.warnings)
    if loaded is None or errors:
        raise DiagnosticsError(
            f"{spec}: {_plural(max(errors, 1), 'error')}, {_plural(warnings, 'warning')}"
        )
    summary = (
        f"{spec}: OpenAPI {loaded.openapi_version}, "
        f"{_plural(count_operations(loaded.document), 'operation')}, "
        f"{_plural(count_schemas(loaded.document), 'schema')}"
    )
    if loaded.converted_from:
        summary += f" (converted from Swagger {loaded.converted_from})"
    if warnings:
        summary += f", {_plural(warnings, 'warning')}"
    click.echo(summary)
