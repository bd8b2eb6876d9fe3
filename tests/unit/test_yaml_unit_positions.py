"""Lines from one definition's unit (load/yaml_unit_positions.py) equal the whole-file lines.

For every node pointer of the fixtures, PostHog and a synthetic spec (and each one extended
by a member that does not exist), :class:`UnitPositions` answers from a unit and gives
exactly the (line, column) :class:`YamlPositions` gives after composing the whole file;
the same holds after seeded random line edits that keep the text parsing cleanly. Texts
the cut cannot vouch for (CRLF, a quoted scalar over a key-like line) fall back.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from apiforge.diagnostics import Sink
from apiforge.load.reading import Limits, Reporter
from apiforge.load.yaml_positions import YamlPositions
from apiforge.load.yaml_reader import parse_yaml
from apiforge.load.yaml_unit_positions import UnitPositions

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests" / "unit"))
import synth  # benchmarks/ is no package: on sys.path above
from test_load_yaml_chunks import _edit

LIMITS = Limits(64 << 20, 256, 10_000_000)
SPECS = sorted((ROOT / "tests" / "fixtures" / "specs").glob("*.yaml")) + [
    ROOT / "spec" / "posthog.yaml"
]


def _sources() -> list[tuple[str, str]]:
    found = [(p.name, p.read_text(encoding="utf-8")) for p in SPECS]
    found.append(("synthetic-60", synth.dump(synth.generate(60))))
    return found


def _fast(text: str) -> UnitPositions | None:
    """The positions ``load`` hands out for a text that parses cleanly, else None."""
    reporter = Reporter(Sink())
    parsed, whole = parse_yaml(text, "spec.yaml", LIMITS, reporter)
    if parsed is None or reporter.sink.items:
        return None
    return UnitPositions(text, parsed.data, whole)


def compare(text: str) -> int:
    """Assert every pointer's unit answer equals the whole-file one; how many units answered."""
    fast = _fast(text)
    if fast is None:
        return -1
    whole = YamlPositions(text)
    whole.position("")
    pointers = list(whole.table())
    for pointer in pointers + [p + "/no~1such" for p in pointers] + ["/", "/no-such", "x"]:
        found = fast.from_unit(pointer)
        if found is not None:
            assert found == whole.position(pointer), pointer
        assert fast.position(pointer) == whole.position(pointer), pointer
    return fast.units_composed


@pytest.mark.parametrize(("name", "text"), _sources(), ids=lambda v: v if len(v) < 60 else "")
def test_every_pointer_has_the_whole_file_position(name: str, text: str) -> None:
    fast = _fast(text)
    assert fast is not None
    whole = YamlPositions(text)
    whole.position("")
    answered = 0
    for pointer in whole.table():
        found = fast.from_unit(pointer)
        answered += found is not None
        if found is not None:
            assert found == whole.position(pointer), pointer
    # every pointer below a top-level key is answered without composing the whole file
    assert not fast._whole.indexed
    wrappers = {"", "/paths", "/webhooks", "/definitions", "/components"}
    wrappers |= {p for p in whole.table() if p.count("/") == 2 and p.startswith("/components/")}
    assert answered >= len(whole.table()) - len(wrappers)
    assert compare(text) > 0


@pytest.mark.parametrize(("name", "text"), _sources(), ids=lambda v: v if len(v) < 60 else "")
def test_random_edits_keep_the_whole_file_positions(name: str, text: str) -> None:
    rng = random.Random(name)
    lines = text.split("\n")
    for _ in range(25):
        edited = _edit(lines, rng)
        if compare("\n".join(edited)) >= 0:
            lines = edited


def test_one_pointer_composes_one_unit() -> None:
    text = synth.dump(synth.generate(40))
    fast = _fast(text)
    assert fast is not None
    path = next(p for p in YamlPositions(text).table() if p.startswith("/paths/"))
    assert fast.position(path + "/get") is not None
    assert fast.units_composed == 1 and not fast._whole.indexed


def test_the_root_and_wrappers_ask_the_whole_file() -> None:
    text = "openapi: 3.0.3\npaths:\n  /a:\n    get: {}\n"
    fast = _fast(text)
    assert fast is not None
    assert fast.from_unit("") is None and fast.from_unit("/paths") is None
    assert fast.position("/paths") == (2, 1)
    assert fast._whole.indexed


@pytest.mark.parametrize(
    "text",
    [
        "openapi: 3.0.3\r\npaths:\r\n  /a:\r\n    get: {}\r\n  /b:\r\n    get: {}\r\n",
        # line 5 looks like a key but sits inside the quoted description
        'openapi: 3.0.3\npaths:\n  /a:\n    description: "one\n  /b:\n    two"\n',
        # lines 5 and 6 read as keys /b and /c, but they end the quoted description of /a
        'openapi: 3.0.3\npaths:\n  /a:\n    description: "one\n  /b: x\n  /c: two"\n',
    ],
)
def test_what_the_cut_cannot_vouch_for_falls_back(text: str) -> None:
    fast = _fast(text)
    assert fast is not None
    assert fast.from_unit("/paths/~1b") is None  # first: /a's unit alone does not compose
    assert fast.from_unit("/paths/~1a") is None
    whole = YamlPositions(text)
    assert fast.position("/paths/~1a") == whole.position("/paths/~1a")
    assert fast.position("/paths/~1b") == whole.position("/paths/~1b")


def test_aliases_across_definitions_share_one_unit() -> None:
    text = (
        "openapi: 3.0.3\ncomponents:\n  schemas:\n    A: &shared\n      type: object\n"
        "      properties:\n        x: {type: string}\n    B: *shared\n    C:\n      items: *shared\n"
    )
    assert compare(text) == 2  # /openapi, then A, B and C together
