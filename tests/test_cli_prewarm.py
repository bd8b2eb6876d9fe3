"""``apiforge generate`` forks the validating child at its start only when a render is certain."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from click.testing import CliRunner

from apiforge.cli.commands import generate as generate_command
from apiforge.cli.main import _renders, main
from apiforge.config.project import resolve_targets
from apiforge.config.targets import Overrides, Target
from apiforge.diagnostics import Sink
from apiforge.load import validation_background
from apiforge.pipeline import Rendered

SPEC = """\
openapi: 3.0.3
info: {title: Tiny, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: string}}
"""


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    Path("tiny.yaml").write_text(SPEC, encoding="utf-8")


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every prewarm and discard, in order (each still does its work)."""
    seen: list[str] = []
    prewarm, discard = validation_background.prewarm, validation_background.discard

    def counted_prewarm() -> None:
        seen.append("prewarm")
        prewarm()

    def counted_discard() -> None:
        seen.append("discard")
        discard()

    def counted_resolve(spec: Path | None, overrides: Overrides) -> list[Target]:
        seen.append("resolve")
        return resolve_targets(spec, overrides)

    monkeypatch.setattr(validation_background, "prewarm", counted_prewarm)
    monkeypatch.setattr(validation_background, "discard", counted_discard)
    monkeypatch.setattr(generate_command, "resolve_targets", counted_resolve)
    return seen


def test_a_render_is_certain_with_force_or_a_missing_output_folder(tmp_path: Path) -> None:
    spec = Path("tiny.yaml")
    assert _renders(spec, True, tmp_path)
    assert _renders(None, True, None)
    assert _renders(spec, False, tmp_path / "missing")
    assert _renders(spec, False, None)  # generated/ does not exist yet
    assert not _renders(spec, False, tmp_path)  # an output may be up to date: staleness decides
    assert not _renders(None, False, None)  # project targets: staleness decides


def test_the_child_is_forked_early_for_a_first_run_and_never_on_the_no_op(
    calls: list[str],
) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["generate", "tiny.yaml", "--output", "out"])
    assert first.exit_code == 0, first.output
    assert calls[:2] == ["prewarm", "resolve"]  # before the targets: out/ did not exist
    assert validation_background._warm is None  # handed the document (or ended)
    calls.clear()
    again = runner.invoke(main, ["generate", "tiny.yaml", "--output", "out"])
    assert again.stdout == "tiny.yaml: up to date\n"
    assert calls == ["resolve"]
    calls.clear()
    Path("tiny.yaml").write_text(SPEC.replace("listPets", "listAll"), encoding="utf-8")
    changed = runner.invoke(main, ["generate", "tiny.yaml", "--output", "out"])
    assert changed.exit_code == 0, changed.output
    assert calls[:2] == ["resolve", "prewarm"]  # once staleness said so, before the pipeline
    calls.clear()
    forced = runner.invoke(main, ["generate", "tiny.yaml", "--output", "out", "--force"])
    assert forced.exit_code == 0, forced.output
    assert calls[:2] == ["prewarm", "resolve"]
    assert Path("out/tiny_client/tiny_client/models").is_dir()


def test_a_child_forked_for_a_run_that_stops_early_is_ended(calls: list[str]) -> None:
    result = CliRunner().invoke(
        main, ["generate", "tiny.yaml", "--force", "--client-package", "x", "--no-client"]
    )
    assert result.exit_code == 2  # a usage error, before any render
    assert calls == ["prewarm", "discard"]  # the flags are checked before the targets
    assert validation_background._warm is None


def test_an_injected_pipeline_gets_no_child(calls: list[str]) -> None:
    def render(target: Target, sink: Sink) -> Rendered | None:
        return Rendered({}, ())

    CliRunner().invoke(main, ["generate", "tiny.yaml", "--force"], obj={"render": render})
    assert "prewarm" not in calls


def test_the_collector_stays_off_when_the_process_ends_with_the_command() -> None:
    def render(target: Target, sink: Sink) -> Rendered | None:
        return Rendered({}, ())

    assert gc.isenabled()
    try:
        CliRunner().invoke(
            main, ["generate", "tiny.yaml", "--force"], obj={"render": render, "exits": True}
        )
        assert not gc.isenabled()
    finally:
        gc.enable()
