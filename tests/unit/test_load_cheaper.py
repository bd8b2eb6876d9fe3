"""The load stage's cheaper paths give what the plain ones gave.

``check_defaults``' marks come from the per-definition parse's pieces (each unit walks
its own values once, when it is parsed; the splice visits only the wrappers it builds),
and ``yaml_split.Lines.shallow`` finds a level's lines with the regex engine. Each test
fails when its shortcut keys or skips wrongly: the marks of a piece must be those of a
fresh walk of the data it was spliced into, every module that computes a piece must be
part of its key, and the cut must be the line-by-line one.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from test_load_yaml_chunks import LIMITS, _edit, _sources

from apiforge.diagnostics import Sink
from apiforge.load import validation, yaml_chunks, yaml_resplit, yaml_split
from apiforge.load.load import LoadOptions, load

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))


def _ids(nodes: list[Any]) -> Counter[int]:
    return Counter(id(node) for node in nodes)


def _marks_match(text: str) -> bool | None:
    """Whether the chunked parse's marks are the whole walk's (None: it did not answer)."""
    chunked = yaml_chunks.parse_chunked(text, "/specs/spec.yaml", LIMITS)
    if chunked is None:
        return None
    parsed = chunked[0]
    marked, offenders = validation.scan([parsed.data])
    if offenders:
        return parsed.marked is None  # the loader walks and reports them itself
    return parsed.marked is not None and _ids(parsed.marked) == _ids(marked)


@pytest.mark.parametrize(("name", "text"), _sources(), ids=lambda v: v if len(v) < 60 else "")
def test_marks_from_pieces_are_those_of_a_walk_of_the_spliced_data(name: str, text: str) -> None:
    rng = random.Random(name)
    first = _marks_match(text)  # cold: every unit parsed and walked
    assert first in (True, None)
    lines = text.split("\n")
    answered = 0
    for _ in range(30):
        edited = _edit(lines, rng)
        found = _marks_match("\n".join(edited))  # warm: the other units' marks from the cache
        assert found in (True, None)
        if found:
            answered += 1
            lines = edited
    assert answered or first is None


OFFENDING = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Colour:
      type: string
      enum: [red, green]
      default: blue
    Size:
      type: string
      enum: [s, m]
      default: m
"""
# a wrapper (components/schemas) whose own "default" is not one of its own "enum"
WRAPPER = OFFENDING.replace("    Size:\n", "    default: 1\n    enum: [2, 3]\n    Size:\n")
CLEAN = OFFENDING.replace("default: blue", "")
# wrappers with a key of SCHEMA_KEYS: the root, and components/schemas (a schema named oneOf)
MARKED = "x-apiforge-one-of: any\n" + CLEAN.replace("    Size:\n", "    oneOf: {}\n    Size:\n")


@pytest.mark.parametrize("text", [OFFENDING, WRAPPER, CLEAN, MARKED])
def test_a_default_outside_its_enum_is_reported_alike_from_the_cache(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    runs = []
    for cache_dir in ("off", str(tmp_path / "c"), str(tmp_path / "c")):  # plain, cold, warm
        monkeypatch.setenv("APIFORGE_CACHE_DIR", cache_dir)
        sink = Sink()
        loaded = load(spec, sink, LoadOptions())
        assert loaded is not None and loaded.marked is not None
        runs.append((sink.items, sorted(map(repr, loaded.marked))))
    assert runs[0] == runs[1] == runs[2]
    assert len(runs[0][1]) == 2 * (text is MARKED)
    reported = [d for d in runs[0][0] if d.code == "default-not-in-enum"]
    expected = ("default: blue" in text) + (text is WRAPPER)
    assert len(reported) == expected
    assert all(d.location.line is not None for d in reported)


def test_every_module_that_computes_a_piece_is_in_its_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A unit's parse runs code of these modules only: a change to any of them changes every
    key (``_code_identity``), so no piece computed by older code is read."""
    load_dir = Path(yaml_chunks.__file__).resolve().parent
    ran: set[str] = set()

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            file = Path(frame.f_code.co_filename)
            if file.parent == load_dir:
                ran.add(file.name)

    real = yaml_chunks._parse_unit

    def traced(*args: Any) -> Any:
        sys.setprofile(profile)
        try:
            return real(*args)
        finally:
            sys.setprofile(None)

    monkeypatch.setattr(yaml_chunks, "_parse_unit", traced)
    text = (ROOT / "spec" / "posthog.yaml").read_text(encoding="utf-8")
    assert yaml_chunks.parse_chunked(text, "/specs/posthog.yaml", LIMITS) is not None
    assert {"yaml_reader.py", "validation.py"} <= ran
    assert ran <= set(yaml_chunks.CODE) | {"reading.py", "jsonpointer.py"}
    # reading.py holds the Limits and Parsed records only; jsonpointer is reached only for
    # offenders' pointers, which the loader finds again (check_defaults walks on an offence)


def _shallow_by_line(self: Any, start: int, end: int, width: int) -> list[int]:
    """The line-by-line cut the regex replaces (blank and comment lines left to the caller)."""
    pad = " " * width
    return [i for i in range(start, end) if not self.lines[i].startswith(pad)]


@pytest.mark.parametrize(("name", "text"), _sources(), ids=lambda v: v if len(v) < 60 else "")
def test_the_regex_cut_is_the_line_by_line_cut(
    name: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(name + "cut")
    lines = text.split("\n")
    texts = [text, text + "\n", text.rstrip("\n"), "  # lead\n" + text, text + "\n  \n# end"]
    for _ in range(60):
        lines = _edit(lines, rng)
        texts.append("\n".join(lines))
    cut = 0
    for sample in texts:
        fast = yaml_chunks.split(sample)
        with monkeypatch.context() as patch:
            patch.setattr(yaml_split.Lines, "shallow", _shallow_by_line)
            slow = yaml_chunks.split(sample)
        assert (fast is None) == (slow is None)
        if fast is not None and slow is not None:
            assert fast[1] == slow[1]
            starts = [0, *itertools.accumulate(len(line) + 1 for line in fast[0].lines)]
            assert fast[0].offsets == [*starts[:-1], len(sample)]
            cut += 1
    assert cut or name == "swagger2.yaml" or text.startswith("{")


def _anchored_by_offset(text: str, lines: Any, chunks: list[Any]) -> list[tuple[int, set[str]]]:
    """The token-by-token search chunk by chunk replaces: every ``&name``/``*name`` of the
    whole text whose name some ``&name`` defines, placed in its chunk by offset."""
    anchors = [(m.start(), m.group()[1:]) for m in re.finditer(r"&[^\s\[\]{},]+", text)]
    aliases = [(m.start(), m.group()[1:]) for m in re.finditer(r"\*[^\s\[\]{},]+", text)]
    defined = {name for _, name in anchors}
    tokens = anchors + aliases
    starts = [lines.offsets[chunk.first] for chunk in chunks]
    named: dict[int, set[str]] = {}
    for at, name in tokens:
        index = bisect.bisect_right(starts, at) - 1
        if name in defined and index >= 0 and at < lines.offsets[chunks[index].stop]:
            named.setdefault(index, set()).add(name)
    return sorted(named.items())


def _groups_by_closure(size: int, anchored: list[tuple[int, set[str]]]) -> list[list[int]]:
    """Chunks that name a common anchor, transitively, in one group; groups by first member."""
    group = {index: {index} for index in range(size)}
    for index, names in anchored:
        for other, more in anchored:
            if other != index and names & more and group[index] is not group[other]:
                merged = group[index] | group[other]
                for member in merged:
                    group[member] = merged
    unique = {id(g): sorted(g) for g in group.values()}
    return sorted(unique.values())


ANCHORS = [
    "a: &x 1\nb:\n  c: *x\n  d: &y [1]\ne: *y\n",
    "paths:\n  /a:\n    get: &op {x: 1}\n  /b:\n    get: *op\n    put: &a*b 2\n",
    "x: '&notanchor'\ny: &q\n  - *q2\nz: &q2 3\n",
]


@pytest.mark.parametrize(
    ("name", "text"),
    [*_sources(), *(("anchors", t) for t in ANCHORS)],
    ids=lambda v: v if len(v) < 60 else "",
)
def test_anchor_names_are_found_chunk_by_chunk_as_token_by_token(name: str, text: str) -> None:
    rng = random.Random(name + "anchors")
    lines = text.split("\n")
    samples = [text]
    for _ in range(40):
        lines = _edit(lines, rng)
        samples.append("\n".join(lines))
    anchored = 0
    for sample in samples:
        cut = yaml_split.split(sample)
        if cut is not None:
            lines, chunks = cut
            found = yaml_chunks._anchored(
                sample, yaml_resplit.names_of(sample, lines.offsets, chunks)
            )
            assert found == _anchored_by_offset(sample, *cut)
            assert yaml_chunks.groups(sample, *cut) == _groups_by_closure(len(cut[1]), found)
            anchored += bool(found)
    assert anchored or "&" not in text
