"""Formatting generated modules one top-level definition at a time gives black's text for the whole module.

generator.format cuts each module before its top-level definitions and joins the
formatted pieces; this holds that to be exactly what black makes of the whole
module, for every generated module of the reference spec and the fixture specs.
"""

from __future__ import annotations

from pathlib import Path

import black
import pytest
from black.mode import TargetVersion

from generator import format as fmt
from generator.config import Target
from generator.diagnostics import Sink
from generator.pipeline import render

REPO = Path(__file__).resolve().parents[2]
SPECS = [REPO / "spec" / "posthog.yaml", *sorted((REPO / "tests" / "fixtures" / "specs").glob("*.yaml"))]
MODE = black.Mode(target_versions={TargetVersion.PY310}, line_length=fmt.LINE_LENGTH)


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_pieces_join_to_the_whole_module(spec: Path, tmp_path: Path) -> None:
    rendered = render(Target.for_spec(spec, tmp_path, format=False), Sink())
    assert rendered is not None
    bodies = {path: fmt._split_header(text)[1] for path, text in rendered.files.items() if path.endswith(".py") and text.strip()}
    cut = 0
    for path, body in fmt._sort_imports(bodies).items():
        pieces = fmt.segments(body)
        assert "\n\n".join(pieces) == body
        joined = "\n\n".join(black.format_str(piece, mode=MODE) for piece in pieces)
        assert joined == black.format_str(body, mode=MODE), path
        cut += len(pieces) > 1
    assert cut  # the models modules at least have more than one definition
