"""The one way spec text enters generated code.

Every piece of text that comes from a spec reaches a generated file through exactly
one of these functions: a string literal, a docstring body, a single-line comment,
or a line of Markdown. Identifiers are minted and checked by :mod:`apiforge.naming`
alone. Views call these; templates interpolate only their results.
"""

from __future__ import annotations

import functools
import math
import re

_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def literal(value: object) -> str:
    """A Python literal for a JSON value (or a tuple of them), safe for any code point.

    Strings use double quotes unless the text holds more double than single quotes
    (the quote a formatter would keep); ``repr`` does the escaping either way, so a
    lone surrogate, NUL or line separator becomes an escape, never a raw character.
    Lists, tuples and dicts are spelt item by item; any other type is refused.
    """
    if value.__class__ is str:  # the usual case (a subclass of str takes the long way)
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, tuple):
        return (
            "("
            + ", ".join(literal(item) for item in value)
            + ("," if len(value) == 1 else "")
            + ")"
        )
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    if value is not None and not isinstance(value, (str, int, float)):
        raise TypeError(f"no literal for a {type(value).__name__}: spec values are JSON")
    if isinstance(value, float) and not math.isfinite(
        value
    ):  # YAML's .inf and .nan: repr would be a bare name
        return f'float("{value!r}")'
    if isinstance(value, str):
        return _quoted(value)
    return repr(value)


def _quoted(value: str) -> str:
    """:func:`literal` of a string."""
    text = repr(value)
    if text[0] == '"' or value.count('"') > value.count("'"):
        return text
    return '"' + text[1:-1].replace("\\'", "'").replace('"', '\\"') + '"'


_string = functools.lru_cache(maxsize=16384)(_quoted)  # a pure function: names recur


def _printable(char: str) -> bool:
    return char.isprintable() and not 0xD800 <= ord(char) <= 0xDFFF


def docstring(text: str) -> str:
    """The body of a triple-double-quoted docstring showing ``text``, safe for any ending.

    Backslashes are doubled, a ``"`` that follows another or ends the text is escaped,
    line breaks other than ``\\n`` and every unprintable character become spaces.
    """
    text = text.replace("\r\n", "\n")
    if text.replace("\n", "").replace("\t", "").isprintable():  # the usual case: one C-level check
        kept = (
            text  # (isprintable is False for surrogates too, so _printable would keep every char)
        )
    else:
        kept = "".join(c if _printable(c) or c in "\n\t" else " " for c in text)
    kept = kept.replace("\\", "\\\\").strip()
    if '"' not in kept:
        return kept  # the loop below only escapes quotes
    out: list[str] = []
    for index, char in enumerate(kept):
        joins_quote = char == '"' and (index == len(kept) - 1 or (out and out[-1] == '"'))
        out.append('\\"' if joins_quote else char)
    return "".join(out)


def comment(text: str) -> str:
    """Text that is safe on one comment line: no line breaks, NULs or control characters."""
    return " ".join(
        "".join(c if _printable(c) and c not in _LINE_BREAKS else " " for c in text).split()
    )


_MARKDOWN_MARKUP = re.compile(r"[`<>|\\*_\[\]#]")


def markdown_line(text: str) -> str:
    """One line of markdown-inert text: no control characters, markup or HTML."""
    return _MARKDOWN_MARKUP.sub("", comment(text))


def toml_string(text: str) -> str:
    """A TOML basic string (``"..."``) holding ``text``: quotes, backslashes and controls escaped.

    Other characters stay as they are (TOML files are UTF-8); ``json.dumps`` would write an
    astral character as a surrogate pair, which TOML refuses.
    """

    def one(char: str) -> str:
        if char in '"\\':
            return "\\" + char
        if ord(char) < 0x20 or ord(char) == 0x7F or 0xD800 <= ord(char) <= 0xDFFF:
            return f"\\u{ord(char):04x}" if not 0xD800 <= ord(char) <= 0xDFFF else "\\ufffd"
        return char

    return '"' + "".join(one(c) for c in text) + '"'


def markdown_code(text: str) -> str:
    """An inline Markdown code span showing ``text`` on one line (backticks dropped)."""
    return "`" + comment(text).replace("`", "") + "`"


def markdown_escaped(text: str) -> str:
    """One line of Markdown showing ``text`` literally, for use after a line's own markup.

    Every character that can start emphasis, code, a link, an image, HTML, an entity,
    a table cell or strikethrough is backslash-escaped (CommonMark lets any ASCII
    punctuation be), so underscores and brackets in Python names stay visible.
    """
    return "".join("\\" + c if c in _MARKDOWN_INLINE else c for c in comment(text))


_MARKDOWN_INLINE = frozenset("\\`*_[]<>#|~&!")
