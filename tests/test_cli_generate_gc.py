"""``apiforge generate`` runs without the cyclic garbage collector and turns it back on after."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from click.testing import CliRunner

from apiforge.cli.main import main
from apiforge.config.targets import Target
from apiforge.diagnostics import Sink, SpecLocation
from apiforge.pipeline import Rendered


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.yaml").write_text("openapi: 3.0.3\n", encoding="utf-8")


def _generate(render: object) -> int:
    result = CliRunner().invoke(
        main, ["generate", "spec.yaml", "--force"], obj={"render": render}, catch_exceptions=False
    )
    return result.exit_code


def test_the_pipeline_runs_without_the_collector_and_it_is_restored() -> None:
    seen: list[bool] = []

    def render(target: Target, sink: Sink) -> Rendered | None:
        seen.append(gc.isenabled())
        sink.error("fake-error", "stop here", SpecLocation(str(target.spec)))
        return None

    assert gc.isenabled()
    assert _generate(render) == 1
    assert seen == [False]
    assert gc.isenabled()  # restored after a failed generation too


def test_a_disabled_collector_stays_disabled() -> None:
    def render(target: Target, sink: Sink) -> Rendered | None:
        raise RuntimeError("boom")

    gc.disable()
    try:
        with pytest.raises(RuntimeError, match="boom"):
            _generate(render)
        assert not gc.isenabled()
    finally:
        gc.enable()
