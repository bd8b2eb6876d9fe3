"""The JSON reader: the C decoder on the happy path, positions and problems found on demand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from apiforge.diagnostics import Diagnostic, Sink
from apiforge.load.json_reader import JsonPositions
from apiforge.load.reading import Limits, Reporter, SourceFile
from apiforge.load.source import read_source

LIMITS = Limits(max_file_bytes=1 << 20, max_depth=64, max_nodes=10_000)


def read(
    tmp_path: Path, text: str, name: str = "doc.json", limits: Limits = LIMITS
) -> tuple[SourceFile | None, list[Diagnostic]]:
    path = tmp_path / name
    path.write_text(text)
    reporter = Reporter(Sink())
    return read_source(str(path), name, limits, reporter), reporter.sink.items


def test_plain_json(tmp_path: Path) -> None:
    source, diagnostics = read(tmp_path, '{"a": [1, 2.5, true, null, "x"], "b": {"$ref": "#/a"}}')
    assert diagnostics == []
    assert source is not None
    assert source.data == {"a": [1, 2.5, True, None, "x"], "b": {"$ref": "#/a"}}
    assert source.ref_holders == [{"$ref": "#/a"}]


def test_json_content_in_a_yaml_file_is_read_as_json(tmp_path: Path) -> None:
    source, diagnostics = read(tmp_path, '{"on": "yes"}', name="doc.yaml")
    assert source is not None and source.data == {"on": "yes"} and diagnostics == []


def test_flow_yaml_starting_with_a_brace_falls_back_to_yaml(tmp_path: Path) -> None:
    source, diagnostics = read(tmp_path, "{a: 1, b: [x]}\n", name="doc.yaml")
    assert source is not None and source.data == {"a": 1, "b": ["x"]} and diagnostics == []


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}')
    source = read_source(str(path), "doc.json", LIMITS, Reporter(Sink()))
    assert source is not None and source.data == {"a": 1}


def test_syntax_error(tmp_path: Path) -> None:
    source, [diagnostic] = read(tmp_path, '{\n  "a": 1,\n}')
    assert source is None
    assert (diagnostic.code, diagnostic.location.line) == ("json-syntax", 3)


@pytest.mark.parametrize(
    ("text", "line", "pointer"),
    [
        ('{"openapi": "3.0.0",\n "info": {"title": "x" "version": "1"}}', 2, "/info/title"),
        ('{"paths": {"/a": {"get": {,}}}}', 1, "/paths/~1a/get"),
        ('{"a": [1, {"b": [true, {"c": tru}]}]}', 1, "/a/1/b/1/c"),
        ('{"tags": ["a" "b"]}', 1, "/tags"),
        ('{"x": {"y": 1},\n "z": [}', 2, "/z"),
        ('\ufeff{"a": {"b": }}', 1, "/a/b"),
        ("[1,]", 1, ""),
    ],
)
def test_a_syntax_error_names_the_member_being_read(
    tmp_path: Path, text: str, line: int, pointer: str
) -> None:
    source, [diagnostic] = read(tmp_path, text)
    assert source is None and diagnostic.code == "json-syntax"
    assert (diagnostic.location.line, diagnostic.location.pointer) == (line, pointer)


def test_nan_is_not_json(tmp_path: Path) -> None:
    source, [diagnostic] = read(tmp_path, '{\n "a": NaN}')
    assert source is None
    assert (diagnostic.code, diagnostic.location.line) == ("json-syntax", 2)


def test_duplicate_keys_with_both_lines(tmp_path: Path) -> None:
    source, [diagnostic] = read(
        tmp_path, '{\n "a": {\n  "b": 1,\n  "c": {"x": "b"},\n  "b": 2\n }\n}'
    )
    assert source is not None
    assert diagnostic.code == "duplicate-key"
    assert (diagnostic.location.line, diagnostic.location.pointer) == (5, "/a/b")
    assert "line 3" in diagnostic.message


def test_too_deep(tmp_path: Path) -> None:
    source, [diagnostic] = read(tmp_path, '{"a": {"b": ' + "[" * 70 + "]" * 70 + "}}")
    assert source is None
    assert diagnostic.code == "too-deep"
    # levels: the root object 1, "a" 2, "b" 3, so the 65th level is 62 arrays down
    assert diagnostic.location.pointer == "/a/b" + "/0" * 62


def test_far_too_deep_for_the_decoder(tmp_path: Path) -> None:
    limits = Limits(1 << 22, 64, 10_000)
    source, [diagnostic] = read(
        tmp_path, '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", limits=limits
    )
    assert source is None and diagnostic.code == "too-deep"


def test_too_large(tmp_path: Path) -> None:
    source, [diagnostic] = read(
        tmp_path, '{"a": "' + "x" * 2000 + '"}', limits=Limits(1000, 64, 10)
    )
    assert source is None
    assert diagnostic.code == "too-large"


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    path.write_bytes(b'{"a": "\xff"}')
    reporter = Reporter(Sink())
    assert read_source(str(path), "doc.json", LIMITS, reporter) is None
    assert [d.code for d in reporter.sink] == ["bad-encoding"]


@pytest.mark.parametrize(
    ("content", "line", "column", "byte"),
    [
        ("openapi: 3.0.3\npaths: {}\nx: {title: caf\xe9}\n".encode("latin-1"), 3, 15, "0xe9"),
        ('{"a":\n  "\u00e9 \xff"}'.encode("utf-8").replace(b"\xc3\xbf", b"\xff"), 2, 6, "0xff"),
        (b"\xff\xfe" + "a\nb".encode("utf-16-le") + b"\x00\xd8", 2, 2, "0x00"),
    ],
)
def test_an_undecodable_byte_is_located(
    tmp_path: Path, content: bytes, line: int, column: int, byte: str
) -> None:
    """The diagnostic points at the first byte that does not decode, not at the file's start."""
    path = tmp_path / "doc.yaml"
    path.write_bytes(content)
    reporter = Reporter(Sink())
    assert read_source(str(path), "doc.yaml", LIMITS, reporter) is None
    [diagnostic] = reporter.sink
    assert diagnostic.code == "bad-encoding"
    assert (diagnostic.location.line, diagnostic.location.column) == (line, column)
    assert f"byte {byte}" in diagnostic.message


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ("", (1, 1)),
        ("/paths", (2, 3)),
        ("/paths/~1pets", (3, 5)),
        ("/paths/~1pets/get/responses/200", (6, 9)),
        ("/list/2", (11, 22)),
        ("/list/2/k", (11, 23)),
        ("/paths/~1nope", (2, 3)),
        ("/list/9", (11, 3)),
    ],
)
def test_positions(pointer: str, expected: tuple[int, int]) -> None:
    text = (
        "{\n"
        '  "paths": {\n'
        '    "/pets": {\n'
        '      "get": {\n'
        '        "responses": {\n'
        '        "200": {"description": "ok", "x": [1, {"a": "}"}]}\n'
        "        }\n"
        "      }\n"
        "    }\n"
        "  },\n"
        '  "list": [1, "a,b", {"k": [true]}]\n'
        "}\n"
    )
    assert JsonPositions(text).position(pointer) == expected


@pytest.mark.parametrize("make", [lambda path: None, lambda path: path.mkdir()])
def test_an_unreadable_spec_says_why_once_without_its_absolute_path(
    tmp_path: Path, make: Any
) -> None:
    path = tmp_path / "missing.json"
    make(path)
    reporter = Reporter(Sink())
    assert read_source(str(path), "missing.json", LIMITS, reporter) is None
    [diagnostic] = reporter.sink.items
    assert diagnostic.code == "read-failed" and diagnostic.location.file == "missing.json"
    assert diagnostic.message in (
        "cannot read the file: No such file or directory",
        "cannot read the file: Is a directory",
    )
