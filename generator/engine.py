"""One target at a time: bring its output up to date (generate) or compare it (check).

Contract: :func:`generate_target` answers ``up to date`` when the manifests say so
(nothing rendered, nothing written, and neither the pipeline nor pydantic, jinja2,
black or yaml imported), else renders the target, runs the release step
(:mod:`apiforge.diff.release_step`) and writes the packages atomically with
:func:`apiforge.output.write.write_packages`. :func:`check_target` renders and
compares instead, writing nothing. Both first undo a write into the output folder that
was killed (:func:`recovered`), so that what they judge is the previous output. Both
report through a :class:`~apiforge.progress.Reporter` and never raise for a spec
problem: the diagnostics go to the reporter and the outcome says ``failed``. ``render``
is a parameter so tests can inject one; :func:`pipeline_render` is the pipeline.
:mod:`apiforge.api` is the public face of this module.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from apiforge.config.targets import Target, near_path
from apiforge.diagnostics import (
    Diagnostic,
    GenerationFailed,
    Severity,
    Sink,
    SpecLocation,
    counted,
    strict_failures,
)
from apiforge.output.manifest import (
    MANIFEST_NAME,
    STAGING_PREFIX,
    Manifest,
    ManifestError,
    package_dirs,
    read_manifest,
    sha256_hex,
    staleness,
)
from apiforge.progress import Reporter
from apiforge.resources import templates_hash

if TYPE_CHECKING:
    from apiforge.diff.recorded import SpecCopy
    from apiforge.pipeline import Rendered


RenderFn = Callable[[Target, Sink], "Rendered | None"]
"""The pipeline's contract: ``render(target, sink) -> Rendered | None``, pure."""


class Outcome(enum.Enum):
    """What happened to one target."""

    UP_TO_DATE = "up to date"
    WRITTEN = "written"
    FAILED = "failed"
    DIFFERS = "differs from a fresh generation"  # check only


def pipeline_render(target: Target, sink: Sink) -> Rendered | None:
    """``apiforge.pipeline.render``, imported on the first call (it pulls in the heavy stages)."""
    from apiforge.load import validation_background  # light: pickle and the fork, no pydantic

    validation_background.prewarm()  # before the pipeline's imports, which the child never needs
    from apiforge.pipeline import render  # the heavy stages: not on the no-op path

    return render(target, sink, _import_later_stages)


def _import_later_stages() -> None:
    """Import what :func:`generate_target` runs after rendering (~6 ms), while ruff formats.

    Only imports: nothing is decided or written before the pipeline has succeeded. ``check``
    needs the writer's module too, the release step's with ``bump-version`` only.
    """
    from importlib import import_module  # rendering only: not on the no-op path

    for name in _LATER_STAGES:
        import_module(name)


# The release step (and the index of the snapshot it stores), then the writer.
_LATER_STAGES = ("apiforge.diff.release_step", "apiforge.diff.indexing", "apiforge.output.write")


def shown(path: Path) -> str:
    """``path`` as people want to read it: relative to the working directory, POSIX."""
    return near_path(path, Path.cwd()).as_posix()


def display_name(target: Target) -> str:
    """The target as people know it: its spec path (see :func:`shown`)."""
    return shown(target.spec)


def render_target(
    target: Target, render: RenderFn, reporter: Reporter, name: str
) -> Rendered | None:
    """Run the pipeline for one target and report its diagnostics; None when it failed."""
    sink = Sink(ignored=frozenset(target.ignore_warnings))
    reporter.stage(f"{name}: rendering")
    try:
        with reporter.listening():
            rendered = render(target, sink)
    except GenerationFailed as exc:
        sink.extend(d for d in exc.diagnostics if d not in sink.items)
        rendered = None
    reporter.reads |= sink.reads
    strict_failed = rendered is None and target.strict and not sink.errors and bool(sink.warnings)
    reporter.diagnostics(strict_failures(sink.shown) if strict_failed else sink.shown)
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
    if not recovered(target, reporter):
        return Outcome.FAILED
    reason = "--force" if force else staleness(target, templates_hash())
    if reason is None:
        reporter.status(f"{name}: up to date")
        return Outcome.UP_TO_DATE
    reporter.stage(f"{name}: regenerating because {reason}")
    from apiforge.load.spellings import kept  # not on the no-op path

    with kept():  # the document's spellings, made once for the stages and the release step
        rendered = render_target(target, render, reporter, name)
        if rendered is None:
            return Outcome.FAILED
        rendered, change_summary, copy = release_step(target, rendered, reporter, name)
    from apiforge.output.journal import InterruptedAfterWrite  # not on the no-op path
    from apiforge.output.write import (  # not on the no-op path
        WriteRefused,
        package_trees,
        write_packages,
    )

    hashes = rendered.input_hashes
    interrupted: InterruptedAfterWrite | None = None
    try:
        trees = package_trees(
            target, rendered.files, rendered.packages, hashes, templates_hash(), copy
        )
        total = sum(len(tree) - 1 for tree in trees.values())  # manifests aside, as counted
        reporter.stage(f"{name}: writing {counted(total, 'file')}")
        count = write_packages(target.output, trees, force=force)
    except InterruptedAfterWrite as exc:  # Ctrl-C once the output was complete: say so first
        count, interrupted = exc.written, exc
    except WriteRefused as exc:
        reporter.diagnostics(exc.diagnostics)
        return Outcome.FAILED
    except OSError as exc:
        reporter.diagnostics([write_failure(target.output, exc)])
        return Outcome.FAILED
    written = ", ".join(shown(target.output / package) for package in sorted(trees))
    wrote = (
        counted(count, "file")
        if count >= total
        else f"{count} of {total} files (the rest unchanged)"
    )
    reporter.status(f"{name}: wrote {wrote} to {written} ({reason})")
    if change_summary:
        reporter.status(f"{name}: {change_summary}")
    if interrupted is not None:  # the run stops here, the output written and reported
        raise interrupted
    return Outcome.WRITTEN


def write_failure(output: Path, error: OSError) -> Diagnostic:
    """The ``write-failed`` diagnostic, at the path that failed (``output`` when it is gone).

    A file where the output folder (or one of its parents) should be is named as such; a
    failure inside the write's own staging folder (removed by now) is the output folder's.
    """
    failed = Path(error.filename) if error.filename else output
    if not failed.exists() or failed.name.startswith(STAGING_PREFIX):
        failed = output
    reason = error.strerror or str(error)
    existing = next((p for p in (output, *output.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        failed, reason = existing, "this is a file, not a folder"
    message = f"writing failed: {reason}; the output was left as it was"
    return Diagnostic("write-failed", Severity.ERROR, message, SpecLocation(str(failed)))


def recovered(target: Target, reporter: Reporter) -> bool:
    """Undo a killed write into ``target.output``; False when one could not be undone.

    Runs before the output is judged or written (:mod:`apiforge.output.recovery`); on the
    no-op path it costs one listdir of the output folder.
    """
    try:
        names = os.listdir(target.output)
    except OSError:
        return True
    if not any(name.startswith(STAGING_PREFIX) for name in names):
        return True
    from apiforge.output.recovery import recover  # only after an interrupted write

    found = recover(target.output)
    reporter.diagnostics(found)
    return not any(d.severity is Severity.ERROR for d in found)


def release_step(
    target: Target, rendered: Rendered, reporter: Reporter, name: str
) -> tuple[Rendered, str | None, SpecCopy | None]:
    """Compare with the spec recorded at the last generation (and bump versions when opted in).

    Returns the files to write, the one-line change summary (None when the spec did not
    change) and the copy of the spec to record beside them (None: the writer reads it).
    The comparison never fails a generation: a problem is a note.
    """
    # the diff machinery loads only when something was rendered (not on the no-op path)
    from apiforge.diff.release_step import release

    reporter.stage(f"{name}: comparing with the previously generated spec")
    rendered, report, problem, copy = release(target, rendered)
    if problem is not None:
        return rendered, problem, copy
    if report is None:
        return rendered, None, copy
    from apiforge.diff.render import one_line  # only when there was a previous spec to compare

    return rendered, one_line(report), copy


def file_diff(old: bytes | None, new: bytes | None, name: str) -> str:
    """A unified diff from ``old`` (on disk) to ``new`` (regenerated); None means absent."""
    try:
        before = old.decode("utf-8").splitlines(keepends=True) if old is not None else []
        after = new.decode("utf-8").splitlines(keepends=True) if new is not None else []
    except UnicodeDecodeError:
        return f"Binary files a/{name} and b/{name} differ\n"
    from difflib import unified_diff  # only for `check`, when a file differs

    lines = unified_diff(
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
    problems: list[Diagnostic] = []
    diffs: list[str] = []
    try:
        manifest: Manifest | None = read_manifest(dest)
    except ManifestError as exc:  # generate refuses to write over it: so does check pass it
        manifest = None
        message = f"unreadable manifest ({exc}); fix or delete it, or run apiforge generate --force"
        problems.append(_problem("manifest-unreadable", message, shown(dest / MANIFEST_NAME)))
    recorded = manifest.files if manifest else {}
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


def untracked_allowed(target: Target, reporter: Reporter) -> bool:
    """Report the files no manifest names (:mod:`apiforge.output.untracked`); False when
    ``--strict`` fails on one."""
    from apiforge.output.untracked import untracked_files  # check only

    found = [
        d
        for package in package_dirs(target)
        for d in untracked_files(target.output / package, package)
        if d.code not in target.ignore_warnings
    ]
    failing = target.strict and any(d.severity is Severity.WARNING for d in found)
    reporter.diagnostics(strict_failures(found) if failing else found)
    return not failing


def check_target(
    target: Target, render: RenderFn, reporter: Reporter, on_diff: Callable[[str], None]
) -> Outcome:
    """Whether the target's output on disk is current (each file's diff goes to ``on_diff``).

    ``Outcome.FAILED`` when nothing could be compared: the spec does not generate, or an
    interrupted write could not be undone.
    """
    name = display_name(target)
    if not recovered(target, reporter):
        return Outcome.FAILED
    if staleness(target, templates_hash()) is None:
        if not untracked_allowed(target, reporter):
            return Outcome.DIFFERS
        reporter.status(f"{name}: up to date")
        return Outcome.UP_TO_DATE
    rendered = render_target(target, render, reporter, name)
    if rendered is None:
        return Outcome.FAILED
    if target.bump_version:
        from apiforge.diff.release_step import release  # only with bump-version (loads diff/)

        rendered = release(target, rendered)[0]  # the versions and CHANGELOG generate would write
    from apiforge.output.write import WriteRefused, package_trees  # not on the no-op path

    try:
        trees = package_trees(
            target, rendered.files, rendered.packages, rendered.input_hashes, templates_hash()
        )
    except WriteRefused as exc:
        reporter.diagnostics(exc.diagnostics)
        return Outcome.DIFFERS
    problems: list[Diagnostic] = []
    outdated_manifest = False
    for package, tree in sorted(trees.items()):
        found, diffs, manifest_differs = compare_package(target.output / package, tree)
        problems += found
        outdated_manifest |= manifest_differs
        for diff in diffs:
            on_diff(diff)
    reporter.diagnostics(problems)
    if not untracked_allowed(target, reporter) or problems:
        return Outcome.DIFFERS
    if outdated_manifest:
        reporter.status(
            f"{name}: files current, manifest outdated (apiforge generate refreshes it)"
        )
    else:
        reporter.status(f"{name}: up to date")
    return Outcome.UP_TO_DATE
