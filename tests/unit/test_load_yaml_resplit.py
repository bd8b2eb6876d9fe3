"""Cutting a YAML spec again after an edit (load/yaml_resplit.py) gives the whole split, and a
warm load after any edit gives a cold load's LoadedSpec and diagnostics.

Seeded random edits of every kind a shortcut could get wrong: a changed key, an added,
removed or duplicated definition, an anchor or alias, a moved line, a re-indented or
commented line, a header line, a document marker, a carriage return.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from test_load_yaml_chunks import _sources, _types

from apiforge.diagnostics import Sink
from apiforge.load import yaml_chunks, yaml_resplit, yaml_split
from apiforge.load.load import LoadedSpec, LoadOptions, load
from apiforge.output import pieces

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import synth  # benchmarks/ is no package: on sys.path above

SPECS = [
    ROOT / "tests" / "fixtures" / "specs" / n for n in ("composition.yaml", "name_clashes.yaml")
] + [ROOT / "spec" / "posthog.yaml"]


def _edit(text: str, rng: random.Random) -> str:
    """One random edit, most of them inside or around one definition."""
    lines = text.split("\n")
    cut = yaml_split.split(text)
    chunks = cut[1] if cut is not None else []
    chunk = rng.choice(chunks) if chunks else None
    first, stop = (chunk.first, chunk.stop) if chunk else (0, len(lines))
    i = rng.randrange(first, max(first + 1, stop))
    i = min(i, len(lines) - 1)
    line = lines[i]
    indent = " " * (len(line) - len(line.lstrip(" ")))
    kind = rng.randrange(13)
    if kind == 0 and chunk:  # a changed key: the definition renamed
        lines[first] = lines[first].replace(chunk.keys[-1], chunk.keys[-1] + "X", 1)
    elif kind == 1 and chunk:  # a definition removed
        del lines[first:stop]
    elif kind == 2 and chunk:  # a definition added (or a sibling's name repeated)
        key = rng.choice([f"Added{rng.randrange(9)}", *(c.keys[-1] for c in chunks[:3])])
        head = lines[first][: len(lines[first]) - len(lines[first].lstrip(" "))]
        lines[first:first] = [f"{head}{key}:", f"{head}  type: string"]
    elif kind == 3 and chunk:  # a definition duplicated: duplicate keys
        lines[stop:stop] = lines[first:stop]
    elif kind == 4:  # an anchor, or an alias to one
        lines[i] = line + rng.choice([" &anchor1", " *anchor1", " *id001", " &id001"])
    elif kind == 5:
        lines.insert(i + 1, indent + rng.choice(["x: &anchor1 {a: 1}", "y: *anchor1", "z: *id001"]))
    elif kind == 6:  # a moved line
        moved = lines.pop(i)
        lines.insert(rng.randrange(len(lines) + 1), moved)
    elif kind == 7:  # re-indented
        lines[i] = line[2:] if line.startswith("  ") else "  " + line
    elif kind == 8:  # a blank or comment line, at any indentation
        lines.insert(i, rng.choice(["", "# note", indent + "# note", "  "]))
    elif kind == 9:  # a document marker or directive
        lines.insert(i, rng.choice(["---", "...", "%YAML 1.2"]))
    elif kind == 10:  # a character only the whole split refuses
        lines[i] = line + rng.choice(["\r", "\u2028", "\x85"])
    elif kind == 11:  # a value changed, inside the line
        lines[i] = line.replace("string", "integer").replace(": ", ":  ", 1) + " "
    else:  # the first line of the file or of a section
        j = rng.choice([0, *(c.first for c in chunks[:1]), *(c.first - 1 for c in chunks[-1:])])
        lines.insert(max(j, 0), rng.choice(["info: {}", "  x: 1", "paths2:", "webhooks:"]))
    return "\n".join(lines)


PREFIX = b"prefix"


def _units(text: str, offsets: Any, chunks: Any, names: Any) -> yaml_resplit.Units:
    """Each unit's chunks and piece key, as the whole grouping makes them."""
    found = []
    for members in yaml_chunks._grouped(text, chunks, names):
        source = yaml_chunks._source(text, offsets, [chunks[i] for i in members])
        found.append((members, pieces.key(PREFIX, source.encode())))
    return found


def _previous(text: str) -> yaml_resplit.Previous | None:
    cut = yaml_split.split(text)
    if cut is None:
        return None
    lines, chunks = cut
    names = yaml_resplit.names_of(text, lines.offsets, chunks)
    units = _units(text, lines.offsets, chunks, names)
    return yaml_resplit.Previous(text, chunks, lines.offsets, names, units, PREFIX)


def _same_split(text: str, previous: yaml_resplit.Previous) -> bool:
    """Assert ``split_again`` answers as the whole split does whenever it answers."""
    again = yaml_resplit.split_again(text, previous)
    if again is None:
        return False
    whole = yaml_split.split(text)
    assert whole is not None, "cut again a text the whole split refuses"
    lines, chunks = whole
    cut, offsets, names, reach = again
    assert cut == chunks
    assert [(offsets[c.first], offsets[c.stop]) for c in cut] == [
        (lines.offsets[c.first], lines.offsets[c.stop]) for c in chunks
    ]
    assert [set(n) for n in names] == yaml_resplit.names_of(text, lines.offsets, chunks)
    units = yaml_resplit.units_again(previous, text, reach, names, PREFIX)
    if units is not None:  # the text before's units, moved, with the keys they have now
        whole_units = _units(text, lines.offsets, chunks, names)
        assert [m for m, _ in units] == [m for m, _ in whole_units]
        assert all(k is None or k == w for (_, k), (_, w) in zip(units, whole_units))
        assert sum(k is None for _, k in units) <= reach[2]  # only the new chunks' are made
    return True


def _texts() -> list[tuple[str, str]]:
    return _sources(SPECS)


@pytest.mark.parametrize(("name", "text"), _texts(), ids=lambda v: v if len(v) < 60 else "")
def test_cut_again_is_the_whole_split(name: str, text: str) -> None:
    rng = random.Random(name)
    answered = 0
    for _ in range(150):
        previous = _previous(text)
        edited = _edit(text, rng)
        if previous is not None:
            answered += _same_split(edited, previous)
        if yaml_split.split(edited) is not None:
            text = edited  # edits pile up, as in an editing session
    assert answered >= 30  # the shortcut serves many of them


def test_a_one_schema_edit_is_cut_again() -> None:
    text = synth.dump(synth.generate(40))
    previous = _previous(text)
    assert previous is not None
    edited = text.replace("    Integration:\n", "    Integration:\n      description: E.\n", 1)
    assert _same_split(edited, previous)
    assert _same_split(text, previous)  # unchanged


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "paths:\n  /a:\n    x: 1\n  /b:\n    y: 2\n",
            "paths:\n  /a:\n    x: 1\n  /a:\n    y: 2\n",
        ),
        ("paths:\n  /a:\n    x: 1\n  /b:\n    y: 2\n", "paths:\n  /a:\n    x: 1\n  $ref: x\n"),
        (
            "paths:\n  /a:\n    x: 1\n  /b:\n    y: 2\n",
            "paths:\n  /a:\n    x: 1\n  /b:\n  - 2\n  ]\n",
        ),
        ("a: 1\nb:\n  c: 1\n", "a: 1\npaths:\n  c: 1\n"),  # a new section to cut further
        ("a: 1\nb: 2\n", "a: 1\n---\nb: 2\n"),
        ("a: 1\nb: 2\n", "a: 1\n...: 2\n"),  # a document end, though it reads as a key
        ("a: 1\nb: 2\n", "a: 1\nb: 2\r\n"),
        ("paths:\n  /a:\n    x: 1\n  /b: 2\n", "paths:\n  /a:\n    x: 1\n /b: 2\n"),
    ],
)
def test_edits_it_does_not_cut_again(before: str, after: str) -> None:
    previous = _previous(before)
    assert previous is not None
    assert not _same_split(after, previous)


def _pointers(document: Any) -> list[str]:
    found: list[str] = []
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        pointer, node = stack.pop()
        found.append(pointer)
        items = (
            node.items()
            if isinstance(node, dict)
            else enumerate(node)
            if isinstance(node, list)
            else ()
        )
        stack.extend(
            (f"{pointer}/{str(k).replace('~', '~0').replace('/', '~1')}", v) for k, v in items
        )
    return found


def _seen(loaded: LoadedSpec | None, sink: Sink, rng: random.Random) -> Any:
    """What a load gives: data (types, order, sharing), positions of some pointers, marks, reports."""
    if loaded is None:
        return None, sink.items
    document = loaded.document
    pointers = _pointers(document)
    sample = rng.sample(pointers, min(60, len(pointers)))
    where = [loaded.locate(loaded.origin(p)) for p in sample]
    marked = None if loaded.marked is None else sorted(map(id, loaded.marked))
    ids = {id(n): p for p, n in zip(pointers, _nodes(document))}
    return (
        json.dumps(document, default=repr),
        json.dumps(_types(document)),
        where,
        None if marked is None else sorted(ids.get(m, "?") for m in marked),
        sink.items,
        loaded.file_hashes,
    )


def _nodes(document: Any) -> list[Any]:
    found: list[Any] = []
    stack = [document]
    while stack:
        node = stack.pop()
        found.append(node)
        items = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend(items)
    return found


@pytest.mark.parametrize("name", ["synthetic-40", "composition.yaml"])
def test_warm_load_after_random_edits_equals_cold(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    rng = random.Random(name + "load")
    text = dict(_texts())[name]
    spec = tmp_path / "spec.yaml"
    options = LoadOptions(validate=True)
    spec.write_text(text, encoding="utf-8")
    load(spec, Sink(), options)  # fills the cache
    cut_again = 0
    real = yaml_resplit.split_again

    def counted(*args: Any) -> Any:
        nonlocal cut_again
        found = real(*args)
        cut_again += found is not None
        return found

    monkeypatch.setattr(yaml_resplit, "split_again", counted)
    for round_ in range(40):
        edited = _edit(text, rng)
        spec.write_text(edited, encoding="utf-8")
        warm_sink = Sink()
        warm = _seen(load(spec, warm_sink, options), warm_sink, random.Random(round_))
        with monkeypatch.context() as off:
            off.setenv("APIFORGE_CACHE_DIR", "off")
            cold_sink = Sink()
            cold = _seen(load(spec, cold_sink, options), cold_sink, random.Random(round_))
        assert warm == cold
        if yaml_split.split(edited) is not None:
            text = edited
    assert cut_again >= 8  # the shortcut served some of them


def test_the_kept_split_is_the_files_and_the_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another file, or other code, never reads a kept split."""
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    text = synth.dump(synth.generate(10))
    limits = yaml_chunks.Limits(64 << 20, 256, 10_000_000)
    assert yaml_chunks.parse_chunked(text, "/specs/one.yaml", limits) is not None
    folder = yaml_chunks.cache.cache_dir(yaml_chunks.KIND)
    assert folder is not None
    identity = yaml_chunks._code_identity()
    assert yaml_resplit.recall(folder, "/specs/one.yaml", identity) is not None
    assert yaml_resplit.recall(folder, "/specs/two.yaml", identity) is None
    assert yaml_resplit.recall(folder, "/specs/one.yaml", identity + "x") is None


def test_a_stale_kept_split_is_caught(tmp_path: Path) -> None:
    """The comparison above fails when the kept chunks are not the kept text's (a shortcut
    that trusted a split of another text): the check is able to catch a wrong cut."""
    text = synth.dump(synth.generate(10))
    other = text.replace("    Integration:\n", "    Integration:\n      description: E.\n", 1)
    stale = _previous(other)
    assert stale is not None
    edited = text.replace("  schemas:\n", "  schemas:\n    Zed:\n      type: string\n", 1)
    with pytest.raises(AssertionError):
        assert _same_split(edited, stale._replace(text=text))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (  # the anchor of a later chunk's alias removed: the old unit of both must not stay
            "paths:\n  /a:\n    x: &X {k: 1}\n  /m: {}\n  /b:\n    y: *X\n",
            "paths:\n  /a:\n    x: {k: 1}\n  /m: {}\n  /b:\n    y: *X\n",
        ),
        (  # an anchor added where an alias waited for it
            "paths:\n  /a:\n    x: {k: 1}\n  /m: {}\n  /b:\n    y: *X\n",
            "paths:\n  /a:\n    x: &X {k: 1}\n  /m: {}\n  /b:\n    y: *X\n",
        ),
        (  # an alias added to an anchor of another chunk
            "paths:\n  /a:\n    x: &X {k: 1}\n  /m: {}\n  /b:\n    y: 1\n",
            "paths:\n  /a:\n    x: &X {k: 1}\n  /m: {}\n  /b:\n    y: *X\n",
        ),
        (  # a definition that names an anchor edited in place: its unit's key made again
            "paths:\n  /a:\n    x: &X {k: 1}\n  /m: {}\n  /b:\n    y: *X\n",
            "paths:\n  /a:\n    x: &X {k: 2}\n  /m: {}\n  /b:\n    y: *X\n",
        ),
        (  # ... and one whose anchor names changed in place
            "paths:\n  /a:\n    x: &X {k: 1}\n  /m: {}\n  /b:\n    y: *X\n",
            "paths:\n  /a:\n    x: {k: 1}\n  /m: &X {}\n  /b:\n    y: *X\n",
        ),
        (  # a chunk between two that share an anchor
            "paths:\n  /a:\n    x: &X {k: 1}\n  /m: {}\n  /b:\n    y: *X\n",
            "paths:\n  /a:\n    x: &X {k: 1}\n  /m: {v: 2}\n  /n: {}\n  /b:\n    y: *X\n",
        ),
    ],
)
def test_units_are_kept_only_where_no_anchor_moved(before: str, after: str) -> None:
    previous = _previous(before)
    assert previous is not None
    assert _same_split(after, previous)


def test_units_are_kept_only_under_the_same_key_prefix() -> None:
    text = "paths:\n  /a:\n    x: 1\n  /b:\n    y: 2\n"
    previous = _previous(text)
    assert previous is not None
    edited = text.replace("y: 2", "y: 3")
    again = yaml_resplit.split_again(edited, previous)
    assert again is not None
    _, _, names, reach = again
    assert yaml_resplit.units_again(previous, edited, reach, names, PREFIX) is not None
    assert yaml_resplit.units_again(previous, edited, reach, names, b"aliases now") is None
