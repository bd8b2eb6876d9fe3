"""The served ``openapi.json`` is spelt exactly as ``json.dumps(indent=1, ...)`` spells it.

``output/spec_json._indented`` lays containers out itself and lets the C encoder spell
the scalars; these tests hold it to the standard library's text for any JSON value a
spec can hold (YAML dates and odd keys included).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apiforge.output import cache, pieces
from apiforge.output.spec_json import CACHE_KIND, _indented, spec_json


def reference(value: Any) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False, default=str)


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()  # any code point, lone surrogates, quotes, control characters included
    | st.dates()
    | st.datetimes()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_any_json_value_is_spelt_as_json_dumps_spells_it(value: Any) -> None:
    assert _indented(value) == reference(value)


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"a": {}, "b": [], "c": [[], {}]},
        {"paths": {"/x": {"get": {"responses": {"200": {"description": "ok"}}}}}},
        [1.0, -0.0, 1e300, math.inf, -math.inf, math.nan, 10**30, True, None],
        {'quote"s': "back\\slash", "line\u2028sep": "\ud800 lone", "nul": "\x00"},
        {"when": datetime.date(2020, 1, 2), "set": {1}, "bytes": b"x"},
    ],
)
def test_edge_values(value: Any) -> None:
    assert _indented(value) == reference(value)


def test_keys_json_converts_and_cycles_behave_as_json_dumps() -> None:
    converted = {"responses": {200: "ok", 1.5: "x", True: "t", None: "n"}}
    assert _indented(converted) == reference(converted)
    cycle: list[Any] = []
    cycle.append(cycle)
    with pytest.raises(ValueError, match="Circular reference"):
        _indented(cycle)


def test_the_served_document_without_a_cache(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    document = {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": {"description": "é"}}}}},
        "components": {"schemas": {"A": {"type": "object", "example": {"d": [1, 2.5]}}}},
    }
    assert spec_json(document, tmp_path / "spec.yaml") == reference(document) + "\n"


def test_cached_definitions_follow_values_json_spells_apart(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """1, 1.0 and True, a list and a tuple, a str and a date: each run spells its own value."""
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    spec = tmp_path / "spec.yaml"
    document: dict[str, Any] = {"openapi": "3.1.0", "components": {"schemas": {}}}
    schemas = document["components"]["schemas"]
    for default in (1, 1.0, True, [1], (1,), "2020-01-02", datetime.date(2020, 1, 2), 1, True):
        schemas["A"] = {"type": "integer", "default": default}
        schemas["B"] = {"default": {"x": default}}
        assert spec_json(document, spec) == reference(document) + "\n"


def _served_document(n: int = 6) -> dict[str, Any]:
    schemas = {f"S{i}": {"type": "object", "description": f"schema {i} é"} for i in range(n)}
    return {
        "openapi": "3.0.3",
        "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}},
        "components": {"schemas": schemas},
    }


def _runs(keys: list[str]) -> int:
    """How many runs ``keys`` are cut into: one ends after a key whose sha256 starts with a multiple of 16."""
    ends = [not hashlib.sha256(key.encode()).digest()[0] % 16 for key in keys]
    return sum(ends) + (not ends[-1])


def test_runs_of_definitions_are_pieces_an_edit_stores_one_of(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """One piece per run of definitions, shared by spec files; an edit stores only its run."""
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    folder = cache.cache_dir(CACHE_KIND)
    document = _served_document(300)
    schemas = document["components"]["schemas"]
    assert spec_json(document, tmp_path / "a.yaml") == reference(document) + "\n"
    first = cache.keys(folder)
    assert len(first) == 2 + _runs(list(schemas))  # the version, the path item, the schemas'
    assert 300 / 40 < _runs(list(schemas)) < 300 / 8
    assert spec_json(document, tmp_path / "b.yaml") == reference(document) + "\n"
    assert cache.keys(folder) == first
    schemas["S3"]["description"] = "edited"
    assert spec_json(document, tmp_path / "a.yaml") == reference(document) + "\n"
    second = cache.keys(folder)
    assert len(second - first) == 1
    items = list(schemas.items())
    document["components"]["schemas"] = dict([*items[:150], ("Added", {}), *items[150:]])
    assert spec_json(document, tmp_path / "a.yaml") == reference(document) + "\n"
    assert 1 <= len(cache.keys(folder) - second) <= 2  # the run it joined (cut in two at most)


def test_a_damaged_piece_is_spelt_again(tmp_path: Path, monkeypatch: Any) -> None:
    """A piece whose bytes changed (it would serve another text) reads as missing."""
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    folder = cache.cache_dir(CACHE_KIND)
    document = _served_document()
    expected = reference(document) + "\n"
    assert spec_json(document, tmp_path / "a.yaml") == expected
    for key in sorted(cache.keys(folder)):
        raw = cache.read_bytes(folder, key)
        assert raw is not None
        cache.write(folder, key, raw.replace(b"schema", b"schemb").replace(b"ok", b"no"))
    assert spec_json(document, tmp_path / "a.yaml") == expected
    for key in sorted(cache.keys(folder)):  # a valid check over text that is no UTF-8
        pieces.write(folder, {key: b"\xff\xfe"})
    assert spec_json(document, tmp_path / "a.yaml") == expected
    assert spec_json(document, tmp_path / "a.yaml") == expected  # stored afresh
