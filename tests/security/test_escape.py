"""The escaping layer (``generator/render/escape.py``) holds for any text, surrogates and controls included."""

from __future__ import annotations

import ast
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from apiforge.render.escape import comment, docstring, literal, markdown_line, toml_string

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PIECES = [
    '"',
    "'",
    '"""',
    "'''",
    "\\",
    "\n",
    "\r",
    "\u2028",
    "\u2029",
    "\x85",
    "\x00",
    "\ud800",
    "\udfff",
    "{{",
    "#",
    "é",
    "\U0001f600",
]
texts = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(alphabet=st.characters(), max_size=5)), max_size=12
).map("".join)
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\x00"


@settings(max_examples=300, deadline=None)
@given(texts)
def test_literal_round_trips(text: str) -> None:
    assert ast.literal_eval(literal(text)) == text


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from(["", "x", "Summary.\n\n    ", "body: "]))
def test_a_docstring_parses_whatever_surrounds_it(text: str, before: str) -> None:
    module = f'def f():\n    """{before}{docstring(text)}"""\n'
    tree = ast.parse(module)
    assert (
        len(tree.body) == 1
        and isinstance(tree.body[0], ast.FunctionDef)
        and len(tree.body[0].body) == 1
    )


@settings(max_examples=300, deadline=None)
@given(texts)
def test_a_comment_stays_on_its_line(text: str) -> None:
    line = comment(text)
    assert not set(line) & set(LINE_BREAKS)
    assert ast.parse(f"x = 1  # {line}\ny = 2\n").body[1].lineno == 2
    assert not set(markdown_line(text)) & set(LINE_BREAKS + "`<>|*_[]#\\")


@settings(max_examples=300, deadline=None)
@given(texts)
def test_a_toml_string_parses(text: str) -> None:
    value = tomllib.loads(f"key = {toml_string(text)}\n")["key"]
    assert value == "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def test_literal_spells_containers_and_yaml_special_floats() -> None:
    value = {"a": [1, 2.5, None, True, "x\u2028"], "b": {"c": ("d",)}}
    assert ast.literal_eval(literal(value)) == value
    assert [eval(literal(x)) for x in (float("inf"), float("-inf"))] == [
        float("inf"),
        float("-inf"),
    ]
    assert literal(float("nan")) == 'float("nan")'
