"""One broken spec per file under ``cases/``; each states the diagnostics it must produce.

Header lines of a case:

- ``# expect: <severity> <code> <line|-> <pointer|-> [file=<path>]`` -- one per diagnostic;
  the file defaults to the case itself;
- ``# options: key=value ...`` -- LoadOptions for this case (integers or true/false);
- ``# stage: generate`` -- run the whole pipeline (build, names, models, views), not only
  ``load``: for problems found after loading. Output is rendered, never written.

Codes that no spec file can trigger (configuration, writing, ``check``) have their cases
in ``test_other_cases.py``; ``test_codes.py`` checks that every code has a case.

The rendered text of every case is also snapshotted in ``expected/<case>.txt``; a missing
snapshot fails. Run with ``APIFORGE_UPDATE_SNAPSHOTS=1`` to write the snapshots after a
deliberate change (or for a new case).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from apiforge.config.targets import Target
from apiforge.diagnostics import Sink, render_text
from apiforge.load.load import LoadOptions, load
from apiforge.pipeline import render

CASES = Path(__file__).parent / "cases"
SNAPSHOTS = Path(__file__).parent / "expected"

Expected = tuple[str, str, "int | None", str, str]


def _header(case: Path) -> tuple[dict[str, Any], list[Expected], str]:
    options: dict[str, Any] = {}
    expected: list[Expected] = []
    stage = "load"
    for line in case.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("# stage:"):
            stage = line.split(":", 1)[1].strip()
        elif line.startswith("# options:"):
            for item in line.split(":", 1)[1].split():
                key, value = item.split("=")
                options[key] = value == "true" if value in ("true", "false") else int(value)
        elif line.startswith("# expect:"):
            words = line.split(":", 1)[1].split()
            file = next((w[5:] for w in words if w.startswith("file=")), case.name)
            severity, code, where, pointer = [w for w in words if not w.startswith("file=")]
            expected.append(
                (
                    severity,
                    code,
                    None if where == "-" else int(where),
                    "" if pointer == "-" else pointer,
                    file,
                )
            )
    return options, expected, stage


def expected_codes(
    case: Path, severities: tuple[str, ...] = ("error", "warning", "info")
) -> set[str]:
    """The codes a case says it triggers at these severities (``test_codes.py`` reads them)."""
    return {code for severity, code, _, _, _ in _header(case)[1] if severity in severities}


@pytest.mark.parametrize("case", sorted(CASES.glob("*.yaml")), ids=lambda case: case.stem)
def test_case(case: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    options, expected, stage = _header(case)
    assert expected, f"{case.name} states no '# expect:' line"
    assert stage in ("load", "generate"), f"{case.name}: unknown stage {stage!r}"
    monkeypatch.chdir(CASES)
    sink = Sink()
    if stage == "generate":
        assert not options, f"{case.name}: options apply to the load stage only"
        target = Target.for_spec(Path(case.name), tmp_path / "out", format=False)
        render(target, sink)
    else:
        load(Path(case.name), sink, LoadOptions(**options))
    found = [
        (d.severity.value, d.code, d.location.line, d.location.pointer, d.location.file)
        for d in sink
    ]
    assert sorted(found, key=str) == sorted(expected, key=str)
    rendered = render_text(sink) + "\n"
    snapshot = SNAPSHOTS / f"{case.stem}.txt"
    if os.environ.get("APIFORGE_UPDATE_SNAPSHOTS") == "1":
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(rendered)
    assert snapshot.exists(), (
        f"no snapshot {snapshot.name}; write it with APIFORGE_UPDATE_SNAPSHOTS=1"
    )
    assert snapshot.read_text() == rendered
