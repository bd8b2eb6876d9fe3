"""libyaml composition for the YAML reader: a cheap resolver, a paused GC, a nesting guard.

PyYAML's ``CParser`` composes the node tree in C, but calls back into Python to
resolve every scalar's tag; :class:`_Resolution` answers with two constants and
leaves YAML 1.2 typing to the builder. libyaml's composer recurses in C, so a
text that might nest deeper than :data:`C_STACK_SAFE_DEPTH` is first measured
with the (iterative) event parser: :func:`too_deep_mark`.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]
from yaml.events import (  # type: ignore[import-untyped, unused-ignore]
    MappingEndEvent,
    MappingStartEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import (  # type: ignore[import-untyped, unused-ignore]
    Node,
    ScalarNode,
    SequenceNode,
)

PLAIN = "?plain"  # tag given to untagged plain scalars; the builder resolves them
STR = "tag:yaml.org,2002:str"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"


class _Resolution:
    """Replaces PyYAML's regex resolver: the builder applies YAML 1.2 rules itself."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return PLAIN if implicit[0] else STR
        return SEQ if kind is SequenceNode else MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


try:
    from yaml._yaml import CParser as _BaseParser  # type: ignore[import-untyped, unused-ignore]

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.composer import Composer  # type: ignore[import-untyped, unused-ignore]
    from yaml.parser import Parser  # type: ignore[import-untyped, unused-ignore]
    from yaml.reader import Reader  # type: ignore[import-untyped, unused-ignore]
    from yaml.scanner import Scanner  # type: ignore[import-untyped, unused-ignore]

    class _BaseParser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef, misc, unused-ignore]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

    HAVE_LIBYAML = False


class _Composer(_Resolution, _BaseParser):  # type: ignore[misc, unused-ignore]
    """libyaml's composer with the cheap resolver."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while building large acyclic trees (refcounting still frees)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def compose(text: str) -> Node | None:
    """The node tree of a single-document YAML text (``None`` when it is empty)."""
    composer = _Composer(text)
    try:
        node: Node | None = composer.get_single_node()
        return node
    finally:
        composer.dispose()


C_STACK_SAFE_DEPTH = 2000  # libyaml's composer recurses in C; ~25k levels overflow 8 MB
_DEEP_PREFIX = re.compile(rf"\n[ \t?-]{{{C_STACK_SAFE_DEPTH // 4}}}")


_BRACKET = re.compile(r"[\[{]")
_BEFORE_FLOW = frozenset(":?,[{-\n\r")


def _flow_openers(text: str) -> int:
    """Counts ``[``/``{`` that could open a non-empty flow collection (an upper bound).

    A flow collection starts at a line start or after an indicator (``:?,[{-``),
    possibly behind node properties (``&anchor``, ``!tag``); brackets inside prose
    mostly fail this test.
    """
    count = 0
    for match in _BRACKET.finditer(text):
        start = match.start()
        if text[start + 1 : start + 2] in ("]", "}"):
            continue
        index = start - 1
        while True:
            while index >= 0 and text[index] in " \t":
                index -= 1
            if index < 0 or text[index] in _BEFORE_FLOW:
                count += 1
                break
            word = index
            while word >= 0 and text[word] not in " \t\r\n":
                word -= 1
            if text[word + 1] not in "&!":
                break
            index = word
    return count


def may_be_deep(text: str) -> bool:
    """Cheap upper-bound test: could this text nest deeper than the C-stack-safe depth?

    Flow nesting needs one opener per level (see :func:`_flow_openers`); block
    nesting needs indentation or compact ``- ``/``? `` prefixes on a line.
    """
    limit = C_STACK_SAFE_DEPTH // 2
    if text.count("[") + text.count("{") > limit and _flow_openers(text) > limit:
        return True
    return (
        _DEEP_PREFIX.search("\n" + text[:1000]) is not None or _DEEP_PREFIX.search(text) is not None
    )


def is_depth_error(exc: yaml.YAMLError) -> bool:
    """Whether libyaml itself stopped at its nesting limit (libyaml 0.2.5+ and PyYAML 6.0.2+)."""
    return "maximum nesting depth" in str(getattr(exc, "problem", None) or exc)


def parser_mark(text: str) -> Any:
    """A mark at the document's first character, for errors that carry none."""
    return yaml.Mark("", 0, 0, 0, text, 0)


def too_deep_mark(text: str, limit: int) -> Any:
    """Exact nesting check with the event stream; the mark where ``limit`` is passed."""
    parser = _BaseParser(text)
    depth = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
                depth += 1
                if depth > limit:
                    return event.start_mark
            elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        if is_depth_error(exc):
            return getattr(exc, "problem_mark", None) or parser_mark(text)
        return None  # the composer reports it, before getting any deeper than here
    finally:
        parser.dispose()
    return None
