"""The ``apiforge`` command line: parse flags, call the library, map diagnostics to exit codes.

Exit codes: 0 success, 1 generation/validation errors (or a stale ``check``),
2 usage errors (click's own). A Ctrl-C aborts with 1 (click's ``Aborted!``), except in
``generate`` once every target's output is complete: 130, without ``Aborted!`` (see
:func:`interrupted`). ``diff`` and ``check --breaking`` keep 1 for a change at the
``--fail-on`` level, so a spec that does not load exits 2 there (:data:`DIFF_EXITS`,
:data:`CHECK_EXITS`). The commands (:mod:`apiforge.cli.commands`) call the library
(:mod:`apiforge.api`) and print; a library
:class:`~apiforge.diagnostics.DiagnosticsError` becomes :class:`Failed` here. Each
command imports its module when it runs, so ``apiforge --help`` and the no-op
``generate`` load only what they use.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from pathlib import Path
from typing import Any

import click

from apiforge import __version__
from apiforge.cli.flags import (
    IGNORE_WARNING,
    SPEC,
    SpecFile,
    overrides,
    package_name,
    target_options,
)
from apiforge.code_cache import save as save_compiled_code
from apiforge.config import DEFAULT_OUTPUT
from apiforge.diagnostics import DiagnosticsError

DIFF_EXITS = """\b
Exit codes:
  0  compared; no change reached the --fail-on level
  1  a change reached the --fail-on level
  2  not compared: bad arguments, or a spec, the configuration or a
     manifest did not load (its problems are printed)"""
CHECK_EXITS = """\b
Exit codes:
  0  up to date (--breaking: no breaking change)
  1  stale, edited or missing files, or spec errors
     (--breaking: a breaking change)
  2  bad arguments (--breaking: also a spec, the configuration or a
     manifest that did not load)"""


class Failed(click.ClickException):
    """Diagnostics were printed already; print the summary and exit with code 1."""

    exit_code = 1

    def show(self, file: object = None) -> None:
        click.echo(self.message, err=True)


class _Apiforge(click.Group):
    """The command group: a failed library call (:class:`DiagnosticsError`) exits 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DiagnosticsError as exc:
            raise Failed(str(exc)) from None
        except KeyboardInterrupt as exc:
            interrupted(exc)
            raise


INTERRUPTED = 130
"""The exit status of a ``generate`` interrupted once every output was complete."""


def interrupted(exc: KeyboardInterrupt) -> None:
    """After a Ctrl-C in ``generate``: say which outputs are complete.

    A write past its commit point finishes before the interrupt goes through, so every
    target may be complete (the Ctrl-C came as the last one was cleaning up): nothing was
    lost, which the message says, and the exit status is 130 (128 + SIGINT, as a shell
    reports an interrupted command): a script running ``generate && next-step`` stops as
    its user asked, without the ``Aborted!`` that would suggest a lost output. Otherwise click's ``Aborted!`` (exit 1) follows,
    after the targets that are complete and those that are not. Returns for any other
    interrupt.
    """
    api = sys.modules.get("apiforge.api")  # only the library raises the one that counts here
    if api is None or not isinstance(exc, api.GenerateInterrupted) or not exc.complete:
        return
    from apiforge.engine import display_name  # imported with apiforge.api

    done = ", ".join(display_name(t) for t in exc.complete)
    if not exc.incomplete:
        click.echo(f"apiforge: interrupted, but the output is complete ({done})", err=True)
        raise click.exceptions.Exit(INTERRUPTED)
    rest = ", ".join(display_name(t) for t in exc.incomplete)
    click.echo(f"apiforge: interrupted: complete: {done}; not generated: {rest}", err=True)


def run() -> None:
    """The ``apiforge`` process (console script, ``python -m apiforge``): :func:`main`, then exit.

    It exits without tearing the interpreter down: freeing every module and object one by
    one is ~12 ms of CPU (~20 ms wall) of a small spec's cold run and changes nothing
    outside the process. What an exit does for others still happens: the exit handlers run
    (``atexit``, which also runs pending ``weakref.finalize`` callbacks) and the standard
    streams are flushed. Any way out but a ``SystemExit`` with an int (or no) code, and a
    stream that cannot be flushed, is left to Python's usual exit. For the same reason
    ``generate`` leaves the cyclic collector off when the process ends with it.
    """
    code = 0
    try:
        main(obj={"exits": True})  # the process ends with the command (see ``generate``)
    except SystemExit as exc:
        if exc.code is not None and not isinstance(exc.code, int):
            raise
        code = exc.code or 0
    save_compiled_code()  # the dataclass methods and regexes its imports compiled, for the next run
    atexit._run_exitfuncs()  # the handlers a normal exit runs (no public spelling)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None  # e.g. a closed pipe: Python reports it as usual
    os._exit(code)


@click.group(cls=_Apiforge)
@click.version_option(__version__, prog_name="apiforge")
def main() -> None:
    """apiforge: OpenAPI in, a typed httpx client and a FastAPI server out."""


@main.command()
@click.argument("spec", type=SpecFile())
@click.option("--allow-remote-refs", is_flag=True, help="Allow http(s) $refs (off by default).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@IGNORE_WARNING
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    help="Diagnostics as text (stderr) or as a JSON array alone on stdout.",
)
def validate(
    spec: Path,
    allow_remote_refs: bool,
    strict: bool,
    ignore_warnings: tuple[str, ...],
    output_format: str,
) -> None:
    """Run every check `generate` runs on SPEC, writing nothing; print diagnostics or a summary."""
    from apiforge.cli.commands.validate import run_validate  # each command loads its own module

    run_validate(
        spec,
        allow_remote_refs=allow_remote_refs,
        output_format=output_format,
        strict=strict,
        ignore_warnings=ignore_warnings,
    )


# --- generate / check / watch: thin wrappers over generator/cli/commands/*.py ----------------------


def _injected(ctx: click.Context) -> dict[str, Any]:
    """Test seam: ``CliRunner().invoke(main, args, obj={"render": fake})`` replaces the pipeline.

    (:func:`run` passes ``obj={"exits": True}``: the process ends with the command.)
    """
    render = (ctx.obj or {}).get("render")
    return {"render": render} if render is not None else {}


def _renders(spec: Path | None, force: bool, output: Path | None) -> bool:
    """True when ``generate`` will surely render: ``--force``, or a SPEC's output folder is missing.

    Decided from the command line and one ``stat``, before any target is resolved; an
    up-to-date output always exists, so the no-op run never forks a child it kills.
    """
    if force:
        return True
    return spec is not None and not (output or Path(DEFAULT_OUTPUT)).exists()


@main.command()
@SPEC
@target_options()
@click.option(
    "--force", is_flag=True, help="Regenerate even when up to date; overwrite hand edits."
)
@click.pass_context
def generate(ctx: click.Context, /, spec: Path | None, force: bool, **flags: Any) -> None:
    """Regenerate SPEC, or every target in pyproject.toml's [tool.apiforge], when it changed."""
    injected = _injected(ctx)
    # One generation frees nearly all its garbage by reference counting; the cyclic collector's
    # passes over the long-lived document and IR cost ~9 ms at PostHog and ~0.33 s at 1,000
    # operations (for ~7 MB more peak memory there). Restored after: tests call in-process.
    # Not restored when the process ends with the command (run()): turning the collector back
    # on only buys one last pass over everything the run allocated (~5 ms at a tiny spec).
    collecting = gc.isenabled() and not (ctx.obj or {}).get("exits")
    gc.disable()
    warm = not injected and _renders(spec, force, flags["output"])
    if warm:
        # The validating child starts importing openapi-pydantic now, before this command's
        # imports and the title and manifest reads (~40 ms sooner than the pipeline would).
        from apiforge.load import validation_background

        validation_background.prewarm()
    try:
        from apiforge.cli.commands.generate import run_generate  # loaded when the command runs

        run_generate(spec, overrides(flags), force=force, **flags, **injected)
    finally:
        if warm:
            validation_background.discard()  # no render took it (e.g. a usage error)
        if collecting:
            gc.enable()


@main.command(epilog=CHECK_EXITS)
@SPEC
@target_options(
    bump_help="Compare with the versions and CHANGELOG.md entries `generate --bump-version` "
    "would write (check writes nothing).",
    format_help="Diagnostics as text (stderr) or as a JSON array alone on stdout, diffs then "
    "on stderr; with --breaking, the report as one JSON object on stdout (for CI).",
)
@click.option(
    "--breaking",
    is_flag=True,
    help="Instead: exit 1 when the spec changed since generation in a way that breaks users "
    "(2 when a spec or manifest does not load).",
)
@click.pass_context
def check(ctx: click.Context, /, spec: Path | None, breaking: bool, **flags: Any) -> None:
    """Exit 1 with a diff when generated code is stale, edited by hand or missing.

    Files in a package folder that no manifest names are listed too: a warning inside the
    importable package (the wheel ships them; --strict fails on it), information elsewhere.
    """
    from apiforge.cli.commands.check import run_check  # loaded when the command runs

    chosen = overrides(flags)
    if breaking:
        from apiforge.cli.commands.diff import run_breaking_check  # loaded when the command runs

        run_breaking_check(spec, chosen, output_format=flags["output_format"])
        return
    run_check(spec, chosen, **flags, **_injected(ctx))


@main.command(epilog=DIFF_EXITS)
@click.argument("old", required=False, type=SpecFile())
@click.argument("new", required=False, type=SpecFile())
@click.option(
    "--against",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Compare with the spec recorded in this output (or package) directory.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["never", "breaking", "possibly-breaking", "any"]),
    default="never",
    show_default=True,
    help="Exit 1 when a change reaches this level.",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--client-package",
    metavar="NAME",
    callback=package_name,
    help="Client package name (OLD NEW only).",
)
@click.option(
    "--server-package",
    metavar="NAME",
    callback=package_name,
    help="Server package name (OLD NEW only).",
)
@click.option("--allow-remote-refs", is_flag=True, help="Allow http(s) $refs (off by default).")
def diff(old: Path | None, new: Path | None, against: Path | None, **flags: Any) -> None:
    """What changed for the generated packages' users: OLD vs NEW, or a recorded spec vs now."""
    from apiforge.cli.commands.diff import run_diff  # loaded when the command runs

    run_diff(old, new, against, **flags)


@main.command()
@SPEC
@target_options(
    format_help="Diagnostics as text (stderr) or as one JSON array per regeneration on stdout."
)
@click.option(
    "--debounce",
    type=click.IntRange(min=0),
    default=300,
    show_default=True,
    metavar="MS",
    help="Wait this long after the last change before regenerating.",
)
@click.pass_context
def watch(ctx: click.Context, /, spec: Path | None, debounce: int, **flags: Any) -> None:
    """Regenerate whenever a spec (or a file it $refs) changes; Ctrl-C stops."""
    from apiforge.cli.commands.watch import run_watch  # loaded when the command runs

    chosen = overrides(flags)
    run_watch(spec, chosen, debounce_ms=debounce, **flags, **_injected(ctx))
