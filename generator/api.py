"""The library API: ``apiforge.generate``, ``apiforge.check`` and ``apiforge.validate``.

The ``apiforge`` command line (:mod:`apiforge.cli`) and the hatchling build hook
(:mod:`apiforge.cli.build_hook`) are both thin front ends over these three calls.
None of them prints or exits: each returns a result object, or raises
:class:`~apiforge.diagnostics.DiagnosticsError` carrying every diagnostic when the
run failed (``ValueError`` for arguments that contradict each other). Pass a
:class:`~apiforge.progress.Reporter` to see progress and diagnostics as they come
(the command line does); by default they are only collected.

Example::

    import apiforge

    result = apiforge.generate("spec/pets.yaml", overrides=apiforge.Overrides(output="out"))
    for outcome in result.targets:
        print(outcome.target.spec, outcome.outcome.value)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from apiforge.config.defaults import default_stem
from apiforge.config.project import resolve_targets
from apiforge.config.targets import (
    ConfigError,
    NoProjectConfig,
    Overrides,
    Target,
    url_spec_problem,
)
from apiforge.diagnostics import (
    Diagnostic,
    DiagnosticsError,
    GenerationFailed,
    Severity,
    Sink,
    counted,
    sorted_diagnostics,
    strict_failures,
)
from apiforge.engine import (
    Outcome,
    RenderFn,
    check_target,
    generate_target,
    pipeline_render,
)
from apiforge.progress import Reporter


@dataclass(frozen=True)
class TargetResult:
    """What happened to one target; ``diffs`` holds ``check``'s unified diffs (a/ disk, b/ new)."""

    target: Target
    outcome: Outcome
    diffs: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunResult:
    """The result of :func:`generate` or :func:`check`: every target, every diagnostic."""

    targets: tuple[TargetResult, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def written(self) -> tuple[Target, ...]:
        """The targets whose output was (re)written."""
        return tuple(r.target for r in self.targets if r.outcome is Outcome.WRITTEN)


@dataclass(frozen=True)
class Validation:
    """The result of :func:`validate`: the spec's diagnostics and what it holds."""

    spec: Path
    diagnostics: tuple[Diagnostic, ...]
    openapi_version: str
    operations: int
    schemas: int
    converted_from: str | None = None

    @property
    def warnings(self) -> int:
        """How many diagnostics are warnings."""
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)


class GenerateFailed(DiagnosticsError):
    """:func:`generate` failed for :attr:`failed` (the other targets were still tried)."""

    def __init__(self, summary: str, diagnostics: Sequence[Diagnostic], failed: Sequence[Target]):
        super().__init__(summary, diagnostics)
        self.failed = tuple(failed)


class GenerateInterrupted(KeyboardInterrupt):
    """:func:`generate` was interrupted (Ctrl-C); a KeyboardInterrupt, with what it left.

    Attributes:
        complete: the targets whose output is complete (up to date, or written before the
            interrupt, maybe just before: a write past its commit point finishes).
        incomplete: the others (failed, interrupted before their write was complete, so
            left as they were, or never started).
    """

    def __init__(self, complete: Sequence[Target], incomplete: Sequence[Target]) -> None:
        super().__init__()
        self.complete = tuple(complete)
        self.incomplete = tuple(incomplete)


def resolve(spec: str | Path | None = None, overrides: Overrides | None = None) -> list[Target]:
    """The targets of a call: ``spec`` with defaults, or the project's ``[tool.apiforge]``.

    Raises:
        ValueError: per-spec overrides without ``spec``, or a ``spec`` that is a URL.
        DiagnosticsError: no project configuration, or an invalid one.
    """
    problem = url_spec_problem(spec) if isinstance(spec, str) else None
    if problem is not None:
        raise ValueError(problem)
    try:
        return resolve_targets(Path(spec) if spec is not None else None, overrides or Overrides())
    except NoProjectConfig as exc:
        raise DiagnosticsError(f"apiforge: {exc.diagnostics[0].message}", exc.diagnostics) from None
    except ConfigError as exc:
        raise DiagnosticsError("apiforge: invalid configuration", exc.diagnostics) from None


def _distinct_packages(targets: list[Target]) -> list[Target]:
    """``targets``, unless one names its client and server alike (ValueError: one folder for both)."""
    for target in targets:
        if target.client_package and target.client_package == target.server_package:
            raise ValueError(
                f"{target.spec}: the client and the server cannot both be named "
                f"{target.client_package!r} (they are written to the same folder)"
            )
    return targets


def generate(
    spec: str | Path | None = None,
    *,
    targets: Sequence[Target] | None = None,
    overrides: Overrides | None = None,
    force: bool = False,
    reporter: Reporter | None = None,
    render: RenderFn = pipeline_render,
) -> RunResult:
    """Regenerate every target whose output is stale (all of them with ``force``).

    Args:
        spec: one spec to generate with defaults; None for the project's targets
            (the nearest pyproject.toml's ``[tool.apiforge]``).
        targets: resolved targets instead of ``spec`` (see :func:`resolve`).
        overrides: settings that win over the configuration (output folder, names...).
        force: regenerate up-to-date targets and overwrite hand-edited files.
        reporter: where progress and diagnostics go as they happen (default: collected only).
        render: the pipeline (tests inject a fake one).

    Returns:
        Each target's outcome (up to date or written) and every diagnostic (warnings).

    Raises:
        GenerateFailed: a target failed (the others were still tried); nothing of
            the failed target was written. A :class:`DiagnosticsError`.
        ValueError: a target names its client and server packages alike.
        GenerateInterrupted: Ctrl-C; it says which targets' output is complete.
    """
    reporter = reporter or Reporter.silent_reporter()
    chosen = _distinct_packages(list(targets) if targets is not None else resolve(spec, overrides))
    results: list[TargetResult] = []
    for index, target in enumerate(chosen):
        try:
            outcome = generate_target(target, render, reporter, force=force)
        except KeyboardInterrupt as exc:
            from apiforge.output.journal import InterruptedAfterWrite  # loaded by the write

            complete = [r.target for r in results if r.outcome is not Outcome.FAILED]
            written = isinstance(exc, InterruptedAfterWrite)  # this target's output is complete
            incomplete = [r.target for r in results if r.outcome is Outcome.FAILED]
            incomplete += chosen[index + 1 :] if written else chosen[index:]
            raise GenerateInterrupted(
                [*complete, target] if written else complete, incomplete
            ) from None
        results.append(TargetResult(target, outcome))
    failed = [r.target for r in results if r.outcome is Outcome.FAILED]
    if failed:
        summary = f"apiforge: {len(failed)} of {len(results)} target(s) failed"
        raise GenerateFailed(summary, reporter.collected, failed)
    return RunResult(tuple(results), tuple(reporter.collected))


def check(
    spec: str | Path | None = None,
    *,
    targets: Sequence[Target] | None = None,
    overrides: Overrides | None = None,
    reporter: Reporter | None = None,
    render: RenderFn = pipeline_render,
    on_diff: Callable[[str], None] | None = None,
    raise_on_difference: bool = True,
) -> RunResult:
    """Compare each target's output on disk with what generating now would write; write nothing.

    Args are those of :func:`generate` (no ``force``), and: ``on_diff`` receives each
    file's unified diff as it is found (they are in the result too); with
    ``raise_on_difference`` false a stale target is an outcome (``Outcome.DIFFERS``)
    rather than an error, and so is one whose spec does not generate (``Outcome.FAILED``).

    Raises:
        DiagnosticsError: a target's output is stale, hand-edited or missing, or its
            spec does not generate; its diagnostics say which files.
    """
    reporter = reporter or Reporter.silent_reporter()
    chosen = _distinct_packages(list(targets) if targets is not None else resolve(spec, overrides))
    results = []
    for target in chosen:
        diffs: list[str] = []

        def found(diff: str, diffs: list[str] = diffs) -> None:
            diffs.append(diff)
            if on_diff is not None:
                on_diff(diff)

        outcome = check_target(target, render, reporter, found)
        results.append(TargetResult(target, outcome, tuple(diffs)))
    failed = sum(r.outcome is Outcome.FAILED for r in results)
    differing = sum(r.outcome is Outcome.DIFFERS for r in results)
    if (failed or differing) and raise_on_difference:
        what = [f"{failed} of {len(results)} target(s) failed to generate"] if failed else []
        if differing:
            what.append(f"{differing} of {len(results)} target(s) differ from a fresh generation")
        raise DiagnosticsError(f"apiforge check: {'; '.join(what)}", reporter.collected)
    return RunResult(tuple(results), tuple(reporter.collected))


def validate(
    spec: str | Path,
    *,
    allow_remote_refs: bool = False,
    strict: bool = False,
    ignore_warnings: Sequence[str] = (),
) -> Validation:
    """Run every check ``generate`` runs on ``spec`` (load, IR, names, models, views), writing nothing.

    ``ignore_warnings``: warning codes left out of the result and of ``strict``
    (:data:`apiforge.warning_codes.WARNING_CODES`; another code raises ValueError).

    Returns:
        The spec's warnings (sorted by file and line) and what it holds.

    Raises:
        DiagnosticsError: the spec has errors, or warnings with ``strict``.
        ValueError: ``spec`` is a URL (specs are local files).
    """
    import tempfile  # only here: not on generate's no-op path (~3 ms)

    problem = url_spec_problem(spec) if isinstance(spec, str) else None
    if problem is not None:
        raise ValueError(problem)
    spec = Path(spec)
    from apiforge.warning_codes import unknown_codes  # not on generate's no-op path

    problems = unknown_codes(ignore_warnings)
    if problems:
        raise ValueError("; ".join(problems))
    sink = Sink(ignored=frozenset(ignore_warnings))
    from apiforge.pipeline import render  # the heavy stages, loaded by the call that needs them

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
    items = sorted_diagnostics(strict_failures(sink.shown) if strict else sink.shown)
    errors = sum(d.severity is Severity.ERROR for d in items)
    warnings = sum(d.severity is Severity.WARNING for d in items)
    facts = rendered.facts if rendered is not None else None
    if facts is None or errors:
        summary = f"{spec}: {counted(max(errors, 1), 'error')}, {counted(warnings, 'warning')}"
        if strict and not sink.errors and sink.warnings:
            codes = ", ".join(sorted({d.code for d in sink.warnings}))
            count = counted(len(sink.warnings), "warning")
            summary = f"{spec}: --strict: {count} failed it ({codes})"
        raise DiagnosticsError(summary, items)
    return Validation(
        spec,
        tuple(items),
        facts.openapi_version,
        facts.operations,
        facts.schemas,
        facts.converted_from,
    )
