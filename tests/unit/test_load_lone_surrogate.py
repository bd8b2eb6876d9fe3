"""load._lone_surrogate's quick first pass finds exactly what the pointer walk finds."""

from __future__ import annotations

from pathlib import Path
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


def test_only_a_text_with_an_escape_is_walked(tmp_path: Path, monkeypatch: Any) -> None:
    """Strict decoding yields no lone surrogate: only a \\u or \\U escape spells one."""
    from apiforge.diagnostics import Sink
    from apiforge.load import load as load_module
    from apiforge.load.load import LoadOptions, load

    walked: list[Any] = []
    real = load_module._lone_surrogate
    monkeypatch.setattr(load_module, "_lone_surrogate", lambda d: walked.append(d) or real(d))
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    head = '"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}'
    for name, text, escaped, code in [
        (
            "spec.yaml",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-a: é 中\n",
            False,
            None,
        ),
        ("spec.json", "{" + head + ', "x-a": "é 中"}', False, None),
        ("spec.json", "{" + head + ', "x-a": "\\ud800"}', True, "invalid-unicode"),
        ("spec.json", "{" + head + ', "x-\\udfff": 1}', True, "invalid-unicode"),
        ("spec.json", "{" + head + ', "x-a": "\\ud83d\\ude00"}', True, None),
    ]:
        spec = tmp_path / name
        spec.write_text(text, encoding="utf-8")
        walked.clear()
        sink = Sink()
        load(spec, sink, LoadOptions(validate=False))
        assert bool(walked) == escaped, text
        assert [d.code for d in sink.errors] == ([code] if code else []), text
