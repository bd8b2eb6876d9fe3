"""Formatting runs before the validating child is joined, and a validation error still hides it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_validation_background import INVALID_AND_MORE, WARNINGS_ONLY, _run, _written

from apiforge.diagnostics import Sink, SpecLocation
from apiforge.load import validation_background
from apiforge.output import format as fmt

pytestmark = pytest.mark.skipif(
    not validation_background.can_fork(), reason="no fork here: validation is always serial"
)


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The order of format_files and the join, with the content cache off."""
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    seen: list[str] = []
    real_format, real_join = fmt.format_files, validation_background.Pending.join

    def format_files(files: dict[str, str], sink: Sink, formatter: str = "ruff") -> Any:
        seen.append("format")
        return real_format(files, sink, formatter)

    def join(self: validation_background.Pending) -> bool:
        seen.append("join")
        return real_join(self)

    monkeypatch.setattr(fmt, "format_files", format_files)
    monkeypatch.setattr(validation_background.Pending, "join", join)
    return seen


def test_ruff_runs_before_the_join_with_the_same_result(tmp_path: Path, calls: list[str]) -> None:
    spec = _written(tmp_path, "warn.yaml", WARNINGS_ONLY)
    forked = _run(spec, tmp_path / "a", fork=True, fmt=True)
    assert calls[:2] == ["format", "join"]  # formatted while the child validated
    calls.clear()
    serial = _run(spec, tmp_path / "b", fork=False, fmt=True)
    assert calls[:2] == ["join", "format"]  # validated first when there is no child
    assert forked == serial
    assert forked[0]


def test_a_validation_error_drops_what_formatting_reported(
    tmp_path: Path, calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(files: dict[str, str], sink: Sink, formatter: str = "ruff") -> Any:
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
    tmp_path: Path, calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("ruff went missing")

    bad = _written(tmp_path, "bad.yaml", INVALID_AND_MORE)
    serial = _run(bad, tmp_path / "b", fork=False, fmt=True)
    monkeypatch.setattr(fmt, "format_files", broken)
    assert _run(bad, tmp_path / "a", fork=True, fmt=True) == serial  # serial never formatted
    good = _written(tmp_path, "good.yaml", WARNINGS_ONLY)
    with pytest.raises(RuntimeError, match="went missing"):
        _run(good, tmp_path / "c", fork=True, fmt=True)
