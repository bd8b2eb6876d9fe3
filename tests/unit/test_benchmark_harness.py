"""benchmarks/run.py's corpus inputs and verdict summary (the harness itself is run on demand)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import run  # benchmarks/ is no package: on sys.path above


def _spec(
    path: Path, body: str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def test_corpus_inputs_are_root_documents_not_already_measured(tmp_path: Path) -> None:
    known = _spec(tmp_path / "known" / "api.yaml")
    _spec(tmp_path / "openapi-directory-2020" / "APIs" / "x.com" / "1.0" / "openapi.yaml")
    _spec(tmp_path / "notes" / "readme.yaml", "title: not a spec\n")
    found = run.corpus_inputs(tmp_path, [("known", known)])
    assert [name for name, _ in found] == ["oad/x.com/1.0/openapi.yaml"]


def test_verdict_counts_group_by_target_kind() -> None:
    targets = [
        ("a.yaml: vs fastest peer (OPC client)", "2.1x", ">= 2x", "PASS"),
        ("b.yaml: vs fastest peer (DMCG models)", "1.2x", ">= 2x", "FAIL (1 run)"),
        ("c.yaml: vs fastest peer (OPC client)", "2.3x", ">= 2x", "PASS"),
        ("a.yaml: CPU time vs openapi-python-client", "0.5x", "< 1.00x", "PASS"),
    ]
    assert run.verdict_counts(targets) == [
        ["vs fastest peer", "FAIL 1, PASS 2"],
        ["CPU time vs openapi-python-client", "PASS 1"],
    ]
