"""load._lone_surrogate's quick first pass finds exactly what the pointer walk finds."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from apiforge.load.load import _lone_surrogate, _lone_surrogate_pointer

TEXT = st.one_of(st.text(max_size=5), st.sampled_from(["\ud800", "a\udfffb", "é", "中", "~/"]))
JSON: Any = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=400)
@given(JSON)
def test_the_first_pass_agrees_with_the_pointer_walk(document: Any) -> None:
    assert _lone_surrogate(document) == _lone_surrogate_pointer(document)


def test_surrogates_in_keys_values_and_lists_are_found() -> None:
    assert _lone_surrogate({"a": {"b": ["ok", "x\ud800"]}}) == "/a/b/1"
    assert _lone_surrogate({"a": {"k\udc00": 1}}) == "/a/k\udc00"
    assert _lone_surrogate({"a": ["é", {"b": "中"}]}) is None
