"""The per-definition YAML parse (load/yaml_chunks.py) gives exactly the whole-file parse.

Seeded random line edits over the synthetic spec, the fixtures and PostHog: whenever the
chunked parse answers (cold or from the cache of the text before the edit), the
whole-file parse of the same text reports nothing and gives the same data (types and key
order included), the same ``$ref`` holders in the same order, and the same sharing of
aliased nodes. Texts it must not splice fall back, and loading then reports what it did
without the cache.
"""

from __future__ import annotations

import json
import marshal
import random
import sys
from pathlib import Path
from typing import Any

import pytest

from apiforge.diagnostics import Sink
from apiforge.load import yaml_chunks, yaml_resplit
from apiforge.load.load import LoadOptions, load
from apiforge.load.reading import Limits, Reporter
from apiforge.load.yaml_reader import parse_yaml
from apiforge.output import cache, pieces

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import synth  # benchmarks/ is no package: on sys.path above

LIMITS = Limits(64 << 20, 256, 10_000_000)
SPECS = sorted((ROOT / "tests" / "fixtures" / "specs").glob("*.yaml")) + [
    ROOT / "spec" / "posthog.yaml"
]


def _shape(data: Any, holders: list[Any]) -> tuple[str, list[str], list[list[str]]]:
    """Canonical text of the data, each holder's pointer, and the pointers sharing one node."""
    where: dict[int, list[str]] = {}
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, (dict, list)):
            seen = where.setdefault(id(node), [])
            seen.append(pointer)
            if len(seen) > 1:
                continue
            items = node.items() if isinstance(node, dict) else enumerate(node)
            stack.extend((f"{pointer}/{k}", v) for k, v in items)
    text = json.dumps(data, default=repr)  # int/float/bool and key order all show
    types = json.dumps(_types(data))
    shared = sorted(sorted(p) for p in where.values() if len(p) > 1)
    return text + types, [min(where[id(h)]) for h in holders], shared


def _types(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _types(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_types(v) for v in node]
    return type(node).__name__


def _check(text: str, location: str) -> bool:
    """Assert the chunked parse equals the whole-file parse whenever it answers."""
    chunked = yaml_chunks.parse_chunked(text, location, LIMITS)
    if chunked is None:
        return False
    reporter = Reporter(Sink())
    whole, _ = parse_yaml(text, "spec.yaml", LIMITS, reporter)
    assert reporter.sink.items == [], "the chunked parse accepted a text the whole parse reports"
    assert whole is not None
    assert _shape(chunked[0].data, chunked[0].ref_holders) == _shape(whole.data, whole.ref_holders)
    return True


def _edit(lines: list[str], rng: random.Random) -> list[str]:
    """One random line edit: changed, removed, duplicated, re-indented or inserted."""
    lines = list(lines)
    i = rng.randrange(len(lines))
    line = lines[i]
    kind = rng.randrange(6)
    if kind == 0:
        lines[i] = line + rng.choice(["x", " # note", ": 1", " *a", "'", "{"])
    elif kind == 1:
        del lines[i]
    elif kind == 2:
        lines.insert(i, line)
    elif kind == 3:
        lines[i] = line[rng.choice([1, 2]) :] if line.startswith("  ") else "  " + line
    elif kind == 4:
        indent = len(line) - len(line.lstrip(" "))
        lines.insert(i + 1, " " * indent + rng.choice(["added: 1", "- 2", "added: &a {x: 1}"]))
    else:
        lines[i] = line.replace("string", "integer").replace("true", "false")
    return lines


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))


def _sources(specs: list[Path] = SPECS) -> list[tuple[str, str]]:
    """(name, text) of each spec, and of the 40-operation synthetic spec."""
    found = [(p.name, p.read_text(encoding="utf-8")) for p in specs]
    found.append(("synthetic-40", synth.dump(synth.generate(40))))
    return found


@pytest.mark.parametrize(("name", "text"), _sources(), ids=lambda v: v if len(v) < 60 else "")
def test_random_edits_splice_to_the_whole_parse(name: str, text: str) -> None:
    rng = random.Random(name)
    location = f"/specs/{name}"
    answered = _check(text, location)  # cold: fills the cache
    assert answered or name in ("swagger2.yaml",) or "&" in text or text.startswith("{")
    lines = text.split("\n")
    for _ in range(40):
        edited = _edit(lines, rng)
        if _check("\n".join(edited), location):  # warm: every other unit from the cache
            lines = edited  # valid edits pile up, as in an editing session


def _semantic_edit(document: dict[str, Any], rng: random.Random) -> None:
    """One edit a person makes: a property added, removed, renamed or retyped, a schema
    added or renamed, a description or the info changed."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    objects = [k for k, v in schemas.items() if isinstance(v, dict) and v.get("properties")]
    kind = rng.randrange(7)
    if kind == 6 or not objects:
        document.setdefault("info", {})["description"] = f"Touched {rng.random()}"
        return
    name = rng.choice(objects)
    properties = schemas[name]["properties"]
    prop = rng.choice(list(properties))
    if kind == 0:
        properties[f"added_{rng.randrange(99)}"] = {"type": "string", "description": "New."}
    elif kind == 1:
        del properties[prop]
    elif kind == 2:
        properties[prop + "_renamed"] = properties.pop(prop)
    elif kind == 3:
        properties[prop] = {"type": rng.choice(["integer", "boolean", "number"])}
    elif kind == 4:
        schemas[f"Added{rng.randrange(99)}"] = {"type": "object", "properties": {"a": {}}}
    else:
        schemas[name] = {**schemas[name], "description": f"Edited {rng.random()}"}


@pytest.mark.parametrize("name", ["synthetic-40", "posthog.yaml", "composition.yaml"])
def test_semantic_edits_splice_to_the_whole_parse(name: str) -> None:
    import yaml

    rng = random.Random(name)
    text = dict(_sources())[name]
    location = f"/specs/{name}"
    assert _check(text, location)
    answered = 0
    for _ in range(20):
        document = yaml.safe_load(text)
        _semantic_edit(document, rng)
        text = synth.dump(document)
        answered += _check(text, location)
    assert answered == 20  # each edit is plain block YAML: the splice serves every one


def test_a_one_schema_edit_parses_only_its_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    text = synth.dump(synth.generate(40))
    assert _check(text, "/specs/s.yaml")
    parsed: list[str] = []
    real = yaml_chunks.yaml_reader.parse_clean

    def spy(source: str, limits: Limits, aliases: bool) -> Any:
        parsed.append(source)
        return real(source, limits, aliases)

    monkeypatch.setattr(yaml_chunks.yaml_reader, "parse_clean", spy)
    edited = text.replace("    Integration:\n", "    Integration:\n      description: Edited.\n", 1)
    assert edited != text
    assert _check(edited, "/specs/s.yaml")
    assert len(parsed) == 1 and "Edited." in parsed[0]
    assert parsed[0].startswith("components:\n  schemas:\n    Integration:")


@pytest.mark.parametrize(
    "text",
    [
        "openapi: 3.0.3\r\ninfo: {}\r\n",  # CRLF
        "---\nopenapi: 3.0.3\n",  # document marker
        "%YAML 1.2\n---\nopenapi: 3.0.3\n",  # directive
        "openapi: 3.0.3\npaths:\n  /a: {}\n  /a: {}\n",  # duplicate key across chunks
        "openapi: 3.0.3\npaths:\n  /a:\n    x: &p 1\n  /b:\n    y: *p\n",  # parsed as one unit
        "openapi: 3.0.3\npaths:\n  /b:\n    y: *p\n  /a:\n    x: &p 1\n",  # alias before anchor
        "openapi: 3.0.3\n? complex\n: key\n",
        'openapi: 3.0.3\ninfo: {title: "a\ntitle: b"}\n',  # flow scalar over a key-looking line
        "openapi: 3.0.3\npaths:\n  $ref: '#/x'\n",
        "openapi: 3.0.3\n\tpaths: {}\n",
    ],
)
def test_texts_it_must_not_splice(text: str) -> None:
    _check(text, "/specs/odd.yaml")  # answers only with the whole parse's result
    reporter = Reporter(Sink())
    parse_yaml(text, "spec.yaml", LIMITS, reporter)
    if reporter.sink.items:
        assert yaml_chunks.parse_chunked(text, "/specs/odd.yaml", LIMITS) is None


def test_aliases_across_definitions_parse_them_together() -> None:
    text = "openapi: 3.0.3\npaths:\n  /a:\n    x: &p {k: 1}\n  /m: {}\n  /b:\n    y: *p\n"
    lines, chunks = yaml_chunks.split(text) or (None, [])
    assert [c.keys for c in chunks] == [
        ("openapi",),
        ("paths", "/a"),
        ("paths", "/m"),
        ("paths", "/b"),
    ]
    assert lines is not None
    assert yaml_chunks.units(text, lines, chunks) == [(0, 1), (1, 4)]  # to compose
    assert yaml_chunks.groups(text, lines, chunks) == [[0], [1, 3], [2]]  # to parse
    assert _check(text, "/specs/aliases.yaml")


def test_aliases_across_parents_and_holders_in_text_order() -> None:
    """A unit spanning paths and schemas re-opens no parent; holders keep the file's order."""
    text = (
        "openapi: 3.0.3\npaths:\n  /a:\n    x: &p {$ref: '#/a'}\n  /m:\n    $ref: '#/m'\n"
        "  /b:\n    y: {$ref: '#/b'}\ncomponents:\n  schemas:\n    A: {$ref: '#/c'}\n"
        "    B:\n      z: *p\n      w: {$ref: '#/d'}\n  responses:\n    R: *p\n"
    )
    lines, chunks = yaml_chunks.split(text) or (None, [])
    assert lines is not None
    assert yaml_chunks.groups(text, lines, chunks) == [[0], [1, 5, 6], [2], [3], [4]]
    assert _check(text, "/specs/across.yaml")
    assert _check(text, "/specs/across.yaml")  # from the pieces


def test_a_broken_edit_reports_what_the_whole_parse_reports(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    text = synth.dump(synth.generate(20))
    spec.write_text(text, encoding="utf-8")
    assert load(spec, Sink(), LoadOptions(validate=False)) is not None  # fills the cache
    broken = text.replace("    Integration:\n", "    Integration:\n      type: object\n", 1)
    spec.write_text(broken, encoding="utf-8")
    warm = Sink()
    load(spec, warm, LoadOptions(validate=False))
    cold = Sink()
    spec.write_text(broken, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("APIFORGE_CACHE_DIR", "off")
        patch.setattr(yaml_chunks, "parse_chunked", lambda *args: None)
        load(spec, cold, LoadOptions(validate=False))
    assert [d.code for d in warm.items] == ["duplicate-key"]
    assert warm.items == cold.items


def _pieces() -> dict[str, bytes]:
    folder = cache.cache_dir(yaml_chunks.KIND)
    return pieces.read(folder, sorted(cache.keys(folder)))


def test_a_damaged_piece_only_costs_a_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """A piece whose bytes changed, or that holds another shape, is parsed again and replaced."""
    text = synth.dump(synth.generate(10))
    assert _check(text, "/specs/damaged.yaml")
    folder = cache.cache_dir(yaml_chunks.KIND)
    stored = _pieces()
    assert len(stored) > 3 and len(cache.keys(folder)) == len(stored)
    memo = yaml_resplit.memo_key("/specs/damaged.yaml", yaml_chunks._code_identity())
    key, good = sorted(item for item in stored.items() if item[0] != memo)[1]  # a unit's
    raw = cache.read_bytes(folder, key)
    assert raw is not None and raw.endswith(good)
    flipped = bytearray(raw)
    flipped[-5] ^= 0x01  # one bit of the marshal data: still loads, as another value
    for damaged in (bytes(flipped), raw[:-1], b"", raw[:10]):
        cache.write(folder, key, damaged)
        assert key not in _pieces()
        parsed: list[str] = []
        real = yaml_chunks.yaml_reader.parse_clean
        monkeypatch.setattr(
            yaml_chunks.yaml_reader,
            "parse_clean",
            lambda source, *rest, seen=parsed, parse=real: (
                seen.append(source) or parse(source, *rest)
            ),
        )
        assert _check(text, "/specs/damaged.yaml")
        assert len(parsed) == 1  # that unit alone
        assert _pieces()[key] == good  # stored afresh
        monkeypatch.undo()
        monkeypatch.setenv("APIFORGE_CACHE_DIR", str(folder.parent))
    for shape in ({"k": 1}, ([], [], 0), (7, [], 0), ([1, 2, 3], None, 0)):
        pieces.write(folder, {key: marshal.dumps(shape)})  # a valid check, a wrong shape
        assert _check(text, "/specs/damaged.yaml")
        assert _pieces()[key] == good


def test_files_share_the_pieces_of_their_units() -> None:
    """Pieces are keyed by content, not by file: another file with the same text stores nothing."""
    text = synth.dump(synth.generate(10))
    assert _check(text, "/specs/one.yaml")
    folder = cache.cache_dir(yaml_chunks.KIND)
    identity = yaml_chunks._code_identity()
    one, two = (
        yaml_resplit.memo_key(f, identity) for f in ("/specs/one.yaml", "/elsewhere/two.yaml")
    )
    first = cache.keys(folder)
    assert one in first  # the split kept for the next load of that file
    assert _check(text, "/elsewhere/two.yaml")
    assert cache.keys(folder) == first | {two}  # that file's split only
    edited = text.replace("    Integration:\n", "    Integration:\n      description: E.\n", 1)
    assert _check(edited, "/specs/one.yaml")
    assert len(cache.keys(folder) - first - {two}) == 1  # the edited unit's piece only


def test_an_evicted_piece_is_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache prunes pieces one by one; a unit whose piece went is parsed again, alone."""
    text = synth.dump(synth.generate(10))
    assert _check(text, "/specs/evicted.yaml")
    folder = cache.cache_dir(yaml_chunks.KIND)
    split = yaml_resplit.memo_key("/specs/evicted.yaml", yaml_chunks._code_identity())
    gone = min(cache.keys(folder) - {split})  # a unit's piece, not the file's split
    connection = cache._connect(folder.parent, create=False)
    assert connection is not None
    connection.execute("UPDATE entries SET used = 0 WHERE key = ?", (gone,))
    connection.execute("UPDATE entries SET used = ? WHERE key != ?", (2**40, gone))
    cache.prune(connection, 1)  # the limit keeps the recently used (stamped in the future)
    assert gone not in cache.keys(folder) and len(cache.keys(folder)) > 1
    parsed: list[str] = []
    real = yaml_chunks.yaml_reader.parse_clean
    monkeypatch.setattr(
        yaml_chunks.yaml_reader,
        "parse_clean",
        lambda source, *rest: parsed.append(source) or real(source, *rest),
    )
    assert _check(text, "/specs/evicted.yaml")
    assert len(parsed) == 1 and gone in cache.keys(folder)


def test_two_processes_parse_edits_of_one_spec_at_once() -> None:
    """Two processes store and read the same pieces concurrently: each splice is exact."""
    import subprocess

    text = synth.dump(synth.generate(20))
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import test_load_yaml_chunks as t\n"
        "text = open(sys.argv[2], encoding='utf-8').read()\n"
        "for i in range(8):\n"
        "    edited = text.replace('    Integration:\\n',"
        " f'    Integration:\\n      description: E{i % 3}.\\n', 1)\n"
        "    assert t._check(edited, f'/specs/p{sys.argv[3]}.yaml')\n"
    )
    spec = Path(cache.cache_dir(yaml_chunks.KIND) or "").parent.parent / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    here = str(Path(__file__).parent)
    runs = [
        subprocess.Popen([sys.executable, "-c", script, here, str(spec), str(n)]) for n in (1, 2)
    ]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    stored = _pieces()
    assert len(stored) == len(cache.keys(cache.cache_dir(yaml_chunks.KIND)))  # none damaged
    assert _check(text, "/specs/after.yaml")
