"""The YAML reader: YAML 1.2 scalars, string keys, guards, and lines found on demand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from apiforge.diagnostics import Diagnostic, Sink
from apiforge.load.reading import Limits, Reporter, SourceFile
from apiforge.load.source import read_source
from apiforge.load.yaml_reader import YamlPositions, resolve_plain

LIMITS = Limits(max_file_bytes=1 << 20, max_depth=64, max_nodes=10_000)


def read(
    tmp_path: Path, text: str, limits: Limits = LIMITS
) -> tuple[SourceFile | None, list[Diagnostic]]:
    path = tmp_path / "doc.yaml"
    path.write_text(text)
    reporter = Reporter(Sink())
    return read_source(str(path), "doc.yaml", limits, reporter), reporter.sink.items


def data(tmp_path: Path, text: str) -> Any:
    source, diagnostics = read(tmp_path, text)
    assert source is not None, diagnostics
    assert diagnostics == []
    return source.data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("False", False),
        ("TRUE", True),
        ("tRuE", True),
        ("yes", "yes"),
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("~", None),
        ("null", None),
        ("", None),
        ("12", 12),
        ("-3", -3),
        ("0o17", 15),
        ("0x1F", 31),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        (".inf", float("inf")),
        ("1:20", "1:20"),
        ("1_000", "1_000"),
        ("2020-01-01", "2020-01-01"),
        ("0x", "0x"),
        ("3.0.3", "3.0.3"),
    ],
)
def test_plain_scalars_follow_yaml_1_2_core(text: str, expected: object) -> None:
    assert resolve_plain(text) == expected
    assert type(resolve_plain(text)) is type(expected)


def test_quoted_scalars_stay_strings(tmp_path: Path) -> None:
    assert data(tmp_path, "a: 'true'\nb: \"12\"\nc: !!str 5\n") == {
        "a": "true",
        "b": "12",
        "c": "5",
    }


def test_keys_are_the_source_text(tmp_path: Path) -> None:
    doc = data(tmp_path, "200: ok\n404.5: x\ntrue: t\n~: n\n0x10: h\n")
    assert list(doc) == ["200", "404.5", "true", "~", "0x10"]


def test_result_is_plain_json_data(tmp_path: Path) -> None:
    doc = data(
        tmp_path, "a: [1, {b: 2020-01-01}]\nc: !!binary aGk=\n".replace("!!binary aGk=", "x")
    )
    assert doc == {"a": [1, {"b": "2020-01-01"}], "c": "x"}


def test_explicit_core_tags(tmp_path: Path) -> None:
    assert data(tmp_path, "a: !!int '7'\nb: !!float '2'\nc: !!bool 'true'\n") == {
        "a": 7,
        "b": 2.0,
        "c": True,
    }


def test_unknown_tags_are_warnings_and_never_construct_objects(tmp_path: Path) -> None:
    source, diagnostics = read(tmp_path, "a: !!python/object/apply:os.system ['true']\nb: !x 5\n")
    assert source is not None
    assert source.data == {"a": ["true"], "b": "5"}
    assert [(d.code, d.severity.value, d.location.line) for d in diagnostics] == [
        ("yaml-tag", "warning", 1),
        ("yaml-tag", "warning", 2),
    ]


def test_small_aliases_and_merge_keys_work(tmp_path: Path) -> None:
    doc = data(
        tmp_path, "base: &b {type: string, format: x}\nx: *b\ny:\n  <<: *b\n  format: date\n"
    )
    assert doc["x"] == {"type": "string", "format": "x"}
    assert doc["y"] == {"type": "string", "format": "date"}


def test_duplicate_keys_name_both_lines(tmp_path: Path) -> None:
    source, diagnostics = read(tmp_path, "a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n")
    assert source is not None
    [diagnostic] = diagnostics
    assert diagnostic.code == "duplicate-key"
    assert (diagnostic.location.line, diagnostic.location.pointer) == (5, "/b/c")
    assert "line 3" in diagnostic.message and "line 5" in diagnostic.message


def test_syntax_error_has_a_line(tmp_path: Path) -> None:
    source, [diagnostic] = read(tmp_path, "a: [1, 2\nb: 3\n")
    assert source is None
    assert diagnostic.code == "yaml-syntax"
    assert diagnostic.location.line == 2


@pytest.mark.parametrize(
    ("text", "line", "pointer"),
    [
        ("openapi: 3.0.0\ninfo:\n\ttitle: x\n", 3, "/info"),
        ("info:\n  title: x\n  \tversion: y\n", 3, "/info/title"),
        ("tags:\n  - a\n\t- b\n", 3, "/tags"),
        ("info:\n  description: |\n    x\n\ty\n", 4, "/info/description"),
    ],
)
def test_a_tab_in_indentation_is_named_with_its_line_and_pointer(
    tmp_path: Path, text: str, line: int, pointer: str
) -> None:
    source, [diagnostic] = read(tmp_path, text)
    assert source is None and diagnostic.code == "yaml-syntax"
    assert diagnostic.message == "tabs are not allowed for indentation (YAML indents with spaces)"
    assert (diagnostic.location.line, diagnostic.location.pointer) == (line, pointer)


def test_tabs_that_are_not_indentation_are_data(tmp_path: Path) -> None:
    source, problems = read(tmp_path, "a: 1\t# c\nb:\t2\n")
    assert source is not None and problems == []


def test_a_syntax_error_names_the_member_being_read(tmp_path: Path) -> None:
    text = "paths:\n  /a:\n    get:\n      tags: [a, b\n      responses: {}\n"
    _, [diagnostic] = read(tmp_path, text)
    assert "tab" not in diagnostic.message
    assert diagnostic.location.pointer == "/paths/~1a/get/tags"


def test_several_documents_are_rejected(tmp_path: Path) -> None:
    source, [diagnostic] = read(tmp_path, "a: 1\n---\nb: 2\n")
    assert source is None and diagnostic.code == "yaml-syntax"


def test_alias_bomb_stops_early(tmp_path: Path) -> None:
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    limits = Limits(1 << 20, 64, 10_000_000)
    source, [diagnostic] = read(tmp_path, "\n".join(lines) + "\n", limits)
    assert source is None
    assert diagnostic.code == "alias-bomb"
    # l6 reuses l5 (1.1M nodes) ten times: the limit is crossed there.
    assert (diagnostic.location.line, diagnostic.location.pointer) == (6, "/l5")


def test_recursive_alias_is_rejected(tmp_path: Path) -> None:
    source, [diagnostic] = read(tmp_path, "a: &a\n  b: *a\n")
    assert source is None and diagnostic.code == "yaml-recursive-alias"


def test_too_deep_by_indentation(tmp_path: Path) -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(70)) + "  " * 70 + "v: 1\n"
    source, [diagnostic] = read(tmp_path, text)
    assert source is None
    assert diagnostic.code == "too-deep"
    # the root is level 1, so the mapping under k63 is level 65; k63 is on line 64
    assert diagnostic.location.line == 64
    assert diagnostic.location.pointer == "/" + "/".join(f"k{i}" for i in range(64))


def test_too_deep_through_an_alias(tmp_path: Path) -> None:
    text = "a: &a " + "[" * 40 + "]" * 40 + "\nb: " + "[" * 30 + "*a" + "]" * 30 + "\n"
    source, [diagnostic] = read(tmp_path, text)
    assert source is None and diagnostic.code == "too-deep"


def test_nesting_that_would_overflow_libyaml_is_caught_first(tmp_path: Path) -> None:
    text = "a: " + "[" * 200_000 + "]" * 200_000 + "\n"
    limits = Limits(1 << 22, 256, 10_000_000)
    source, [diagnostic] = read(tmp_path, text, limits)
    assert source is None
    assert diagnostic.code == "too-deep"
    assert diagnostic.location.line == 1


def test_compact_block_nesting_is_caught_first(tmp_path: Path) -> None:
    source, [diagnostic] = read(tmp_path, "- " * 100_000 + "x\n", Limits(1 << 22, 256, 10))
    assert source is None and diagnostic.code == "too-deep"


def test_ref_holders_are_collected(tmp_path: Path) -> None:
    source, _ = read(tmp_path, "a: {$ref: '#/b'}\nb: [{$ref: x.yaml}, {$ref: 5}]\n")
    assert source is not None
    assert sorted(h["$ref"] for h in source.ref_holders) == ["#/b", "x.yaml"]


def test_positions_are_computed_on_demand(tmp_path: Path) -> None:
    text = "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      responses:\n        '200':\n          description: ok\nlist:\n  - a\n  - {b: 1}\n"
    positions = YamlPositions(text)
    assert positions.position("") == (1, 1)
    assert positions.position("/paths/~1pets/get") == (4, 5)
    assert positions.position("/paths/~1pets/get/responses/200/description") == (7, 11)
    assert positions.position("/list/1/b") == (10, 6)
    assert positions.position("/paths/~1pets/post") == (3, 3)  # the deepest node that exists


def test_reader_reads_what_pyyaml_reads(tmp_path: Path) -> None:
    """Same data as PyYAML's C loader (the speed comparison is benchmarks/load_yaml.py)."""
    text = spec_with_schemas(100)
    source, _ = read(tmp_path, text)
    assert source is not None and source.data == yaml.load(text, Loader=yaml.CSafeLoader)


def spec_with_schemas(count: int) -> str:
    """A YAML spec of ``count`` schemas of 20 enum properties with Markdown descriptions."""
    properties = "".join(
        f"        p{i}:\n          type: string\n          enum: [a, b]\n" for i in range(20)
    )
    schema = (
        "    S{n}:\n      type: object\n"
        "      description: See [docs](https://example.com?a=1&b=2) for *more*.\n"
        "      properties:\n" + properties
    )
    return "openapi: 3.0.3\ncomponents:\n  schemas:\n" + "".join(
        schema.format(n=n) for n in range(count)
    )
