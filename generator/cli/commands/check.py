"""``apiforge check``: is the generated code on disk exactly what generating now would write?

Contract: :func:`run_check` exits 0 when every target's output is current and 1
(:class:`~apiforge.cli.main.DiagnosticsError`) when a generated file is stale (the
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

import difflib
from collections.abc import Mapping
from pathlib import Path

import click

from apiforge.cli.commands.generate import (
    RenderFn,
    display_name,
    load_targets,
    pipeline_render,
    render_target,
    shown,
)
from apiforge.cli.main import DiagnosticsError
from apiforge.cli.progress import Reporter
from apiforge.config.targets import Overrides, Target
from apiforge.diagnostics import Diagnostic, Severity, SpecLocation
from apiforge.output.manifest import (
    MANIFEST_NAME,
    Manifest,
    ManifestError,
    read_manifest,
    sha256_hex,
    staleness,
)
from apiforge.output.write import WriteRefused, package_trees
from apiforge.resources import templates_hash


def file_diff(old: bytes | None, new: bytes | None, name: str) -> str:
    """A unified diff from ``old`` (on disk) to ``new`` (regenerated); None means absent."""
    try:
        before = old.decode("utf-8").splitlines(keepends=True) if old is not None else []
        after = new.decode("utf-8").splitlines(keepends=True) if new is not None else []
    except UnicodeDecodeError:
        return f"Binary files a/{name} and b/{name} differ\n"
    lines = difflib.unified_diff(
        before,
        after,
        fromfile=f"a/{name}" if old is not None else "/dev/null",
        tofile=f"b/{name}" if new is not None else "/dev/null",
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def _problem(code: str, message: str, path: str) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, SpecLocation(path))


def compare_package(
    dest: Path, tree: Mapping[str, bytes]
) -> tuple[list[Diagnostic], list[str], bool]:
    """Compare one package directory with its regenerated tree.

    Returns:
        A diagnostic per differing file, the diffs, and whether the manifest alone is outdated.
    """
    try:
        manifest: Manifest | None = read_manifest(dest)
    except ManifestError:
        manifest = None
    recorded = manifest.files if manifest else {}
    problems: list[Diagnostic] = []
    diffs: list[str] = []
    for name in sorted(set(tree) | set(recorded)):
        if name == MANIFEST_NAME:
            continue
        path = dest / name
        on_disk = path.read_bytes() if path.is_file() else None
        new = tree.get(name)
        if on_disk == new:
            continue
        where = shown(path)
        if on_disk is None:
            problems.append(_problem("missing-file", "is missing (run apiforge generate)", where))
        elif new is None:
            problems.append(_problem("orphaned-file", "is no longer generated", where))
        elif name in recorded and sha256_hex(on_disk) != recorded[name]:
            problems.append(_problem("hand-edited", "was edited by hand", where))
        else:
            problems.append(_problem("stale-file", "is stale (run apiforge generate)", where))
        diffs.append(file_diff(on_disk, new, where))
    current_manifest = path_bytes(dest / MANIFEST_NAME)
    return problems, diffs, current_manifest != tree.get(MANIFEST_NAME)


def path_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def check_target(target: Target, render: RenderFn, reporter: Reporter) -> bool:
    """True when the target's output on disk is current; diffs are printed to stdout
    (stderr with ``--format json``, whose stdout is the JSON array alone)."""
    name = display_name(target)
    if staleness(target, templates_hash()) is None:
        reporter.status(f"{name}: up to date")
        return True
    rendered = render_target(target, render, reporter, name)
    if rendered is None:
        return False
    if target.bump_version:
        from apiforge.cli.commands.diff import release

        rendered = release(target, rendered)[0]  # the versions and CHANGELOG generate would write
    try:
        trees = package_trees(
            target, rendered.files, rendered.packages, rendered.input_hashes, templates_hash()
        )
    except WriteRefused as exc:
        reporter.diagnostics(exc.diagnostics)
        return False
    problems: list[Diagnostic] = []
    outdated_manifest = False
    for package, tree in sorted(trees.items()):
        found, diffs, manifest_differs = compare_package(target.output / package, tree)
        problems += found
        outdated_manifest |= manifest_differs
        for diff in diffs:
            click.echo(
                diff, nl=False, err=reporter.output_format == "json"
            )  # stdout: the JSON only
    reporter.diagnostics(problems)
    if problems:
        return False
    if outdated_manifest:
        reporter.status(
            f"{name}: files current, manifest outdated (apiforge generate refreshes it)"
        )
    else:
        reporter.status(f"{name}: up to date")
    return True


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
    failed = 0
    try:
        for target in targets:
            failed += not check_target(target, render, reporter)
    finally:
        reporter.finish()
    if failed:
        raise DiagnosticsError(
            f"apiforge check: {failed} of {len(targets)} target(s) differ from a fresh generation"
        )
