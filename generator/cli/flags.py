"""The flags ``generate``, ``check``, ``watch`` and ``validate`` share, and their checks.

A value no command could use (a package name that cannot be imported, a variable name
with a space, a warning code apiforge never reports) is a usage error (exit 2) here,
before any spec or configuration is read. :func:`overrides` turns the shared flags into
the :class:`~apiforge.config.targets.Overrides` that win over ``[tool.apiforge]``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from apiforge.config.targets import Overrides


def warning_codes(
    _ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    """A usage error for a code that is not a warning apiforge reports (a typo, an error's)."""
    if not value:
        return value
    from apiforge.warning_codes import unknown_codes  # only for a run that names codes

    problems = unknown_codes(value)
    if problems:
        raise click.BadParameter(problems[0])
    return value


IGNORE_WARNING = click.option(
    "--ignore-warning",
    "ignore_warnings",
    metavar="CODE",
    multiple=True,
    callback=warning_codes,
    help="Do not print this warning code nor fail --strict on it (repeatable).",
)


class SpecFile(click.Path):
    """An existing local file; a URL is refused with what to do instead (not "does not exist")."""

    def __init__(self) -> None:
        super().__init__(exists=True, dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            from apiforge.config.targets import url_spec_problem  # light: dataclasses only

            problem = url_spec_problem(value)
            if problem is not None:
                self.fail(problem, param, ctx)
        return super().convert(value, param, ctx)


SPEC = click.argument("spec", required=False, type=SpecFile())


def package_name(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """A usage error for a name that cannot be imported (``my-client``, ``class``)."""
    if value is None:
        return value
    from apiforge.naming.reserved import package_name_problem  # only when a name is given

    problem = package_name_problem(value)
    if problem is not None:
        raise click.BadParameter(problem)
    return value


def variable_name(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """A usage error for what cannot be an environment variable's name (``A B``, ``1X``)."""
    if value is not None and not (value.isascii() and value.isidentifier()):
        raise click.BadParameter(f"{value!r} is not a valid environment variable name")
    return value


_WRITES_BUMP = "Bump package versions by the spec change and write a CHANGELOG.md entry."
_JSON_ARRAY = "Diagnostics as text (stderr) or as a JSON array alone on stdout (for CI)."


def target_options(
    bump_help: str = _WRITES_BUMP, format_help: str = _JSON_ARRAY
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The flags shared by generate, check and watch; they override ``[tool.apiforge]``.

    ``bump_help`` and ``format_help`` say what ``--bump-version`` and ``--format``
    do in the command at hand (``check`` writes nothing, ``check --breaking`` prints
    a JSON object).
    """
    return lambda command: _with_target_options(command, bump_help, format_help)


def _with_target_options(
    command: Callable[..., None], bump_help: str, format_help: str
) -> Callable[..., None]:
    options = [
        click.option(
            "-o",
            "--output",
            type=click.Path(file_okay=False, path_type=Path),
            help="Output directory (default: generated/, or the config's `output`).",
        ),
        click.option(
            "--client-package",
            metavar="NAME",
            callback=package_name,
            help="Client package name (SPEC only).",
        ),
        click.option("--no-client", is_flag=True, help="Generate no client (SPEC only)."),
        click.option(
            "--server-package",
            metavar="NAME",
            callback=package_name,
            help="Server package name (SPEC only).",
        ),
        click.option("--no-server", is_flag=True, help="Generate no server (SPEC only)."),
        click.option(
            "--api-key-env",
            metavar="VAR",
            callback=variable_name,
            help="API key variable (SPEC only).",
        ),
        click.option(
            "--base-url-env",
            metavar="VAR",
            callback=variable_name,
            help="Base URL variable (SPEC only).",
        ),
        click.option("--strict", is_flag=True, default=None, help="Treat warnings as errors."),
        IGNORE_WARNING,
        click.option(
            "--allow-remote-refs",
            is_flag=True,
            default=None,
            help="Allow http(s) $refs (off by default).",
        ),
        click.option(
            "--formatter",
            type=click.Choice(["ruff", "black"]),
            default=None,
            help="Formatter for the output: ruff format (default) or black.",
        ),
        click.option(
            "--bump-version",
            is_flag=True,
            default=None,
            help=bump_help,
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            help="No progress, status lines or information diagnostics.",
        ),
        click.option(
            "--format",
            "output_format",
            type=click.Choice(["text", "json"]),
            default="text",
            help=format_help,
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def overrides(flags: dict[str, Any]) -> Overrides:
    """Turn the shared flags into config overrides (removing them from ``flags``)."""
    from apiforge.config.targets import Overrides  # not needed by `apiforge --help`

    values: dict[str, Any] = {}
    if flags["no_client"] and flags["no_server"]:
        raise click.UsageError("--no-client and --no-server leave nothing to generate")
    for kind in ("client", "server"):
        name, disabled = flags.pop(f"{kind}_package"), flags.pop(f"no_{kind}")
        if name is not None and disabled:
            raise click.UsageError(f"--{kind}-package and --no-{kind} exclude each other")
        values[f"{kind}_package"] = False if disabled else name
    for key in (
        "output",
        "strict",
        "allow_remote_refs",
        "api_key_env",
        "base_url_env",
        "formatter",
        "bump_version",
        "ignore_warnings",
    ):
        values[key] = flags.pop(key)
    return Overrides(**values)
