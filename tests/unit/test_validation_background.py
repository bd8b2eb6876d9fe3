"""Validation in a forked child (load/validation_background.py) reports exactly what serial validation does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from apiforge.config.targets import Target
from apiforge.diagnostics import Diagnostic, Severity, Sink, SpecLocation
from apiforge.load import validation_background
from apiforge.pipeline import Rendered, render

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "diagnostics" / "cases"
FIXTURES = ROOT / "tests" / "fixtures" / "specs"

pytestmark = pytest.mark.skipif(
    not validation_background.can_fork(), reason="no fork here: validation is always serial"
)

_FRESH = "APIFORGE_TEST_FRESH_INTERPRETER"


@pytest.fixture(scope="module")
def fresh_run() -> subprocess.CompletedProcess[str]:
    """This whole file, run once in a fresh interpreter (where nothing else is running)."""
    assert not os.environ.get(_FRESH), "a fresh interpreter cannot fork either"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(Path(__file__))],
        env={**os.environ, _FRESH: "1"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(autouse=True)
def forkable(request: pytest.FixtureRequest) -> bool:
    """True when this process may fork now; otherwise this file has passed in a fresh one.

    Another test's thread (a uvicorn server of tests/e2e, say) makes ``can_fork()`` false
    for the rest of the session, and validation then quietly runs serially: the tests run
    in a fresh interpreter instead, and must pass there.
    """
    if validation_background.can_fork():
        return True
    run: subprocess.CompletedProcess[str] = request.getfixturevalue("fresh_run")
    assert run.returncode == 0, run.stdout + run.stderr
    return False


# A validation error (a parameter's 'in' is no location) beside problems only later stages
# find (no operationId, a keyword the models do not enforce): a serial run stops after
# loading, so those never appear.
INVALID_AND_MORE = """\
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /pets:
    get:
      parameters:
        - {name: q, in: body, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string, not: {enum: [x]}}
      default: {name: 1}
      enum: [1]
"""

# Validation warnings (a response without description) among later stages' warnings.
WARNINGS_ONLY = """\
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /pets:
    get:
      responses:
        "200":
          content:
            application/json:
              schema:
                type: object
                properties:
                  kind: {type: string, enum: [a, b], default: c}
                  other: {not: {type: string}}
"""


def _run(
    spec: Path, tmp_path: Path, *, fork: bool, fmt: bool = False
) -> tuple[Any, list[Diagnostic]]:
    sink = Sink()
    target = Target.for_spec(spec, tmp_path / "out", format=fmt)
    if fork:
        rendered = render(target, sink)
    else:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(validation_background, "can_fork", lambda: False)
            rendered = render(target, sink)
    files = rendered.files if isinstance(rendered, Rendered) else None
    return files, list(sink)


def _written(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "spec",
    [
        *(CASES / n for n in ("multiple_problems.yaml", "type_typo.yaml", "wrong_types.yaml")),
        *(CASES / n for n in ("response_without_description.yaml", "default_not_in_enum.yaml")),
        *(CASES / n for n in ("models_warnings.yaml", "dangling_local_ref.yaml")),
        FIXTURES / "composition.yaml",
        FIXTURES / "swagger2.yaml",
    ],
    ids=lambda p: p.stem,
)
def test_forked_validation_reports_what_serial_validation_reports(
    spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forkable: bool
) -> None:
    if not forkable:
        return  # passed in a fresh interpreter (the fixture)
    monkeypatch.chdir(spec.parent)
    forked = _run(Path(spec.name), tmp_path / "a", fork=True)
    serial = _run(Path(spec.name), tmp_path / "b", fork=False)
    assert forked == serial


def test_a_validation_error_drops_what_later_stages_reported(
    tmp_path: Path, forkable: bool
) -> None:
    if not forkable:
        return  # passed in a fresh interpreter (the fixture)
    spec = _written(tmp_path, "bad.yaml", INVALID_AND_MORE)
    forked = _run(spec, tmp_path / "a", fork=True)
    serial = _run(spec, tmp_path / "b", fork=False)
    assert forked == serial
    files, diagnostics = forked
    assert files is None
    codes = [d.code for d in diagnostics]
    assert "invalid-spec" in codes and "default-not-in-enum" in codes
    # Found by the IR build, which a serial run never reaches:
    assert "missing-operation-id" not in codes and "unsupported-schema-keyword" not in codes


def test_warnings_keep_their_serial_order_and_the_output_is_the_same(
    tmp_path: Path, forkable: bool
) -> None:
    if not forkable:
        return  # passed in a fresh interpreter (the fixture)
    spec = _written(tmp_path, "warn.yaml", WARNINGS_ONLY)
    forked = _run(spec, tmp_path / "a", fork=True, fmt=True)
    serial = _run(spec, tmp_path / "b", fork=False, fmt=True)
    assert forked == serial
    files, diagnostics = forked
    assert files
    codes = [d.code for d in diagnostics]
    # validation's warning sits before the later stages' ones, as in a serial run
    assert codes.index("invalid-spec") < codes.index("missing-operation-id")
    assert "default-not-in-enum" in codes


def test_the_child_really_runs_and_its_result_is_replayed_at_the_join(forkable: bool) -> None:
    if not forkable:
        return  # passed in a fresh interpreter (the fixture)
    sink = Sink()
    reported: list[tuple[Severity, str, str, str]] = []

    def report(severity: Severity, code: str, message: str, pointer: str) -> None:
        reported.append((severity, code, message, pointer))

    document: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": "t"}, "paths": {}}
    pending = validation_background.start(document, "3.0", report, sink, background=True)
    assert pending._child is not None  # validating in a child
    assert reported == []  # nothing replayed before the join
    assert pending.join() is False
    assert [(s, c, p) for s, c, _, p in reported] == [
        (Severity.WARNING, "invalid-spec", "/info")
    ]  # 'version' is missing: a warning
    assert pending.join() is False and len(reported) == 1  # a second join replays nothing


def test_a_failing_child_falls_back_to_validating_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forkable: bool
) -> None:
    if not forkable:
        return  # passed in a fresh interpreter (the fixture)
    parent = os.getpid()
    real = validation_background._validate_cached

    def crash_in_child(*args: Any) -> None:
        if os.getpid() != parent:
            raise RuntimeError("the child dies")
        real(*args)

    spec = _written(tmp_path, "bad.yaml", INVALID_AND_MORE)
    serial = _run(spec, tmp_path / "b", fork=False)
    monkeypatch.setattr(validation_background, "_validate_cached", crash_in_child)
    assert _run(spec, tmp_path / "a", fork=True) == serial


def test_an_exception_after_loading_is_dropped_only_when_validation_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forkable: bool
) -> None:
    if not forkable:
        return  # passed in a fresh interpreter (the fixture)
    import apiforge.ir.build

    def broken(*args: Any) -> Any:
        raise RuntimeError("the IR build trips over the invalid document")

    bad = _written(tmp_path, "bad.yaml", INVALID_AND_MORE)
    serial = _run(bad, tmp_path / "b", fork=False)
    monkeypatch.setattr(apiforge.ir.build, "build", broken)
    assert _run(bad, tmp_path / "a", fork=True) == serial  # serial never reached the build
    good = _written(tmp_path, "good.yaml", WARNINGS_ONLY)
    with pytest.raises(RuntimeError, match="trips over"):
        _run(good, tmp_path / "c", fork=True)


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The order of format_files and the join, with the content cache off."""
    from apiforge.output import format as fmt

    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    seen: list[str] = []
    real_format, real_join = fmt.format_files, validation_background.Pending.join

    def format_files(
        files: dict[str, str],
        sink: Sink,
        formatter: str = "ruff",
        meanwhile: Any = None,
        style: str | None = None,
    ) -> Any:
        seen.append("format")
        return real_format(files, sink, formatter, meanwhile, style)

    def join(self: validation_background.Pending) -> bool:
        seen.append("join")
        return real_join(self)

    monkeypatch.setattr(fmt, "format_files", format_files)
    monkeypatch.setattr(validation_background.Pending, "join", join)
    return seen


def test_ruff_runs_before_the_join_with_the_same_result(
    tmp_path: Path, calls: list[str], forkable: bool
) -> None:
    if not forkable:
        return  # passed in a fresh interpreter (the fixture)
    spec = _written(tmp_path, "warn.yaml", WARNINGS_ONLY)
    forked = _run(spec, tmp_path / "a", fork=True, fmt=True)
    assert calls[:2] == ["format", "join"]  # formatted while the child validated
    calls.clear()
    serial = _run(spec, tmp_path / "b", fork=False, fmt=True)
    assert calls[:2] == ["join", "format"]  # validated first when there is no child
    assert forked == serial
    assert forked[0]


def test_a_validation_error_drops_what_formatting_reported(
    tmp_path: Path, calls: list[str], monkeypatch: pytest.MonkeyPatch, forkable: bool
) -> None:
    if not forkable:
        return  # passed in a fresh interpreter (the fixture)
    from apiforge.output import format as fmt

    def failing(
        files: dict[str, str],
        sink: Sink,
        formatter: str = "ruff",
        meanwhile: Any = None,
        style: str | None = None,
    ) -> Any:
        sink.error("format-failed", "ruff cannot format a.py", SpecLocation("a.py", line=1))
        return files

    monkeypatch.setattr(fmt, "format_files", failing)
    spec = _written(tmp_path, "bad.yaml", INVALID_AND_MORE)
    forked = _run(spec, tmp_path / "a", fork=True, fmt=True)
    assert forked == _run(spec, tmp_path / "b", fork=False, fmt=True)
    files, diagnostics = forked
    assert files is None
    codes = [d.code for d in diagnostics]
    assert "invalid-spec" in codes and "format-failed" not in codes


def test_an_exception_in_formatting_is_dropped_only_when_validation_failed(
    tmp_path: Path, calls: list[str], monkeypatch: pytest.MonkeyPatch, forkable: bool
) -> None:
    if not forkable:
        return  # passed in a fresh interpreter (the fixture)
    from apiforge.output import format as fmt

    def broken(*args: Any) -> Any:
        raise RuntimeError("ruff went missing")

    bad = _written(tmp_path, "bad.yaml", INVALID_AND_MORE)
    serial = _run(bad, tmp_path / "b", fork=False, fmt=True)
    monkeypatch.setattr(fmt, "format_files", broken)
    assert _run(bad, tmp_path / "a", fork=True, fmt=True) == serial  # serial never formatted
    good = _written(tmp_path, "good.yaml", WARNINGS_ONLY)
    with pytest.raises(RuntimeError, match="went missing"):
        _run(good, tmp_path / "c", fork=True, fmt=True)


def test_a_prewarmed_child_validates_the_document_it_is_handed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forkable: bool
) -> None:
    if not forkable:
        return  # passed in a fresh interpreter (the fixture)
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "no-such-cache-yet"))
    validation_background.prewarm()
    # Forked before this patch, the child validates with the real function; a fallback to
    # validating in this process would raise.
    monkeypatch.setattr(validation_background, "_validate_cached", _must_not_validate_here)
    sink = Sink()
    reported: list[tuple[Severity, str, str, str]] = []
    big = {f"/p{i}": {"description": "x" * 100} for i in range(1000)}  # over a pipe's 64 KiB
    document: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": "t"}, "paths": big}
    pending = validation_background.start(
        document, "3.0", lambda *entry: reported.append(entry), sink, background=True
    )
    assert pending.join() is False
    assert ("/info", "invalid-spec") in [(p, c) for _, c, _, p in reported]
    assert validation_background._warm is None  # handed over, not kept


def test_an_unused_prewarmed_child_is_ended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forkable: bool
) -> None:
    if not forkable:
        return  # passed in a fresh interpreter (the fixture)
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "empty-cache"))
    validation_background.prewarm()
    warm = validation_background._warm
    assert warm is not None
    validation_background.discard()
    assert validation_background._warm is None
    with pytest.raises(ChildProcessError):
        os.waitpid(warm.pid, os.WNOHANG)  # reaped


def test_a_spec_that_fails_to_load_leaves_no_child(tmp_path: Path, forkable: bool) -> None:
    if not forkable:
        return  # passed in a fresh interpreter (the fixture)
    missing_info = _written(tmp_path, "broken.yaml", "openapi: 3.0.3\npaths: [\n")
    files, diagnostics = _run(missing_info, tmp_path / "out", fork=True)
    assert files is None and diagnostics
    assert validation_background._warm is None


def test_a_document_the_cache_decides_is_handed_to_no_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forkable: bool
) -> None:
    """After a plain one-schema edit the parent replays the parts from the cache and ends the
    prewarmed child unused; an edit the plain checks cannot decide still goes to the child."""
    if not forkable:
        return  # passed in a fresh interpreter (the fixture)
    from apiforge.load.validation import validate
    from apiforge.load.validation_cache import validate_cached

    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    schemas = {
        f"S{i}": {"type": "object", "properties": {"a": {"type": "string"}}} for i in range(40)
    }
    document: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": "t"}, "paths": {}}
    document["components"] = {"schemas": schemas}
    validate_cached(document, "3.0", lambda *entry: None)  # a run before this one
    for edit, in_child in (({"type": "integer"}, False), ({"type": "strin"}, True)):
        schemas["S9"]["properties"]["a"] = edit
        serial: list[tuple[Severity, str, str, str]] = []
        validate(document, "3.0", _recorder(serial))  # the whole document
        validation_background.prewarm()
        reported: list[tuple[Severity, str, str, str]] = []
        pending = validation_background.start(
            document, "3.0", _recorder(reported), Sink(), background=True
        )
        assert (pending._child is not None) is in_child
        assert validation_background._warm is None  # handed over, or ended unused
        pending.join()
        assert reported == serial
        assert any(p.startswith("/components/schemas/S9") for _, _, _, p in reported) is in_child


def test_no_child_is_prewarmed_when_validation_results_are_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forkable: bool
) -> None:
    """A run after another forks no child before loading (it would mostly go unused)."""
    if not forkable:
        return  # passed in a fresh interpreter (the fixture)
    from apiforge.load.validation_cache import validate_cached

    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    document: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": "t"}, "paths": {}}
    validate_cached(document, "3.0", lambda *entry: None)
    validation_background.prewarm()
    assert validation_background._warm is None


def _recorder(into: list[Any]) -> Any:
    return lambda *entry: into.append(entry)


def _must_not_validate_here(*args: Any) -> None:
    raise AssertionError("validated in the parent: the prewarmed child was not used")
