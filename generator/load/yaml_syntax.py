"""A YAML syntax error as a diagnostic: what is wrong, in words, and where (line and pointer).

libyaml's messages are a scanner's (``found character that cannot start any token``);
the one users hit most, a tab in indentation, is said plainly instead. The pointer is
the node the parser was reading when it stopped, found by replaying the parser's events
up to the error: the enclosing mapping member or sequence item (``/paths/~1pets/get``).
"""

from __future__ import annotations

from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]

from apiforge.diagnostics import Severity, SpecLocation
from apiforge.load import jsonpointer
from apiforge.load.reading import Reporter
from apiforge.load.yaml_compose import HAVE_LIBYAML

TAB_INDENT = "tabs are not allowed for indentation (YAML indents with spaces)"
_LOADER = yaml.CSafeLoader if HAVE_LIBYAML else yaml.SafeLoader
_OPENS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSES = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_NODES = (yaml.ScalarEvent, yaml.AliasEvent, *_OPENS)


def report_syntax(exc: yaml.YAMLError, text: str, display: str, reporter: Reporter) -> None:
    """Report ``exc``, raised while composing ``text`` (shown as ``display``), as ``yaml-syntax``."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"{problem} ({context})" if context else str(problem)
    line = column = None
    if mark is not None:
        line, column = mark.line + 1, mark.column + 1
        if _is_tab_indent(text, mark.line, mark.column):
            message = TAB_INDENT
    location = SpecLocation(display, pointer_at_error(text), line, column)
    reporter.at(Severity.ERROR, "yaml-syntax", message, location)


def _is_tab_indent(text: str, line: int, column: int) -> bool:
    """Whether the character at (``line``, ``column``) is a tab with only blanks before it."""
    lines = text.splitlines()
    if line >= len(lines):
        return False
    start = lines[line][: column + 1]
    return start.endswith("\t") and not start.strip(" \t")


class _Frame:
    """An open mapping (the member being read, if any) or sequence (the next item's index)."""

    __slots__ = ("key", "mapping", "token")

    def __init__(self, mapping: bool, token: str | int | None) -> None:
        self.mapping = mapping
        self.token = token  # where this collection sits in its parent (None: the root)
        self.key: str | int | None = None if mapping else 0

    def node_done(self) -> None:
        """One member's value (or one item) was read in full."""
        if self.mapping:
            self.key = None
        else:
            assert isinstance(self.key, int)
            self.key += 1


def pointer_at_error(text: str) -> str:
    """The pointer of the node being read when parsing ``text`` fails ("" for the root)."""
    stack: list[_Frame] = []
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            _step(stack, event)
    except yaml.YAMLError:
        pass
    tokens: list[str | int] = []
    for frame in stack[1:]:
        if frame.token is None:  # inside a complex key: the pointer stops at its mapping
            return jsonpointer.from_tokens(tokens)
        tokens.append(frame.token)
    if stack and stack[-1].mapping and stack[-1].key is not None:
        tokens.append(stack[-1].key)  # the member whose value was not read in full
    return jsonpointer.from_tokens(tokens)


def _step(stack: list[_Frame], event: Any) -> None:
    if isinstance(event, _CLOSES):
        stack.pop()
        if stack:
            stack[-1].node_done()
        return
    if not isinstance(event, _NODES):
        return
    top = stack[-1] if stack else None
    if top is not None and top.mapping and top.key is None:  # a key, not a value
        top.key = event.value if isinstance(event, yaml.ScalarEvent) else "?"
        if isinstance(event, _OPENS):  # a complex key: its members are no pointer's
            stack.append(_Frame(isinstance(event, yaml.MappingStartEvent), None))
        return
    if isinstance(event, _OPENS):
        token = None if top is None else top.key
        stack.append(_Frame(isinstance(event, yaml.MappingStartEvent), token))
    elif top is not None:
        top.node_done()
