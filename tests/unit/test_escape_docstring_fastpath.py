"""escape.docstring's shortcuts (all printable; no quote) give exactly the full per-character spelling."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from apiforge.render.escape import docstring


def _reference(text: str) -> str:
    """The per-character spelling the shortcuts replace (as it was before them)."""

    def printable(char: str) -> bool:
        return char.isprintable() and not 0xD800 <= ord(char) <= 0xDFFF

    kept = "".join(c if printable(c) or c in "\n\t" else " " for c in text.replace("\r\n", "\n"))
    kept = kept.replace("\\", "\\\\").strip()
    out: list[str] = []
    for index, char in enumerate(kept):
        joins_quote = char == '"' and (index == len(kept) - 1 or (out and out[-1] == '"'))
        out.append('\\"' if joins_quote else char)
    return "".join(out)


TRICKY = ['"', '""', 'a"', '"""', "\\", "\r\n", "\r", "\x00", "\x0b", "\u2028", "\ud800", "\t", " "]


@settings(max_examples=500)
@given(st.lists(st.one_of(st.text(), st.sampled_from(TRICKY))).map("".join))
def test_docstring_equals_the_per_character_spelling(text: str) -> None:
    assert docstring(text) == _reference(text)


def test_the_shortcut_cases() -> None:
    for text in ("plain text", "tab\tand\nline", 'ends with "', 'two "" quotes', "é ü 中文", ""):
        assert docstring(text) == _reference(text)
