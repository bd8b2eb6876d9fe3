"""The ``apiforge`` command line: parse flags, call the library, map diagnostics to exit codes.

Exit codes: 0 success, 1 generation/validation errors (or a stale ``check``),
2 usage errors (click's own).
"""

from __future__ import annotations

from pathlib import Path

import click

from generator import __version__


class DiagnosticsError(click.ClickException):
    """Diagnostics were printed already; exit with code 1."""

    exit_code = 1

    def show(self, file: object = None) -> None:
        click.echo(self.message, err=True)


@click.group()
@click.version_option(__version__, prog_name="apiforge")
def main() -> None:
    """apiforge: OpenAPI in, a typed httpx client and a FastAPI server out."""


@main.command()
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--allow-remote-refs", is_flag=True, help="Allow http(s) $refs (off by default).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def validate(spec: Path, allow_remote_refs: bool, output_format: str) -> None:
    """Check SPEC and print its diagnostics, or a one-line summary when it is clean."""
    from generator.commands.validate import run_validate

    run_validate(spec, allow_remote_refs=allow_remote_refs, output_format=output_format)
