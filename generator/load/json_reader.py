"""JSON to plain data with the C decoder, and lines looked up only on demand.

The happy path is one ``json.loads`` with an ``object_pairs_hook`` that notices
duplicate keys and remembers mappings holding a ``$ref``. Nesting is measured
only when a cheap bracket count says it could exceed ``max_depth``. Positions
(for diagnostics) come from :class:`JsonPositions`, which walks the text along a
pointer and skips sibling values with the C decoder; duplicate keys and
over-deep nesting are pinned down by a slower token scan that runs only when
there is something to report.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from typing import Any

from apiforge.diagnostics import Severity, SpecLocation
from apiforge.load import jsonpointer
from apiforge.load.reading import Limits, Parsed, Reporter

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_scanstring: Any = getattr(json.decoder, "scanstring")  # noqa: B009 (missing from typeshed)


def _skip(text: str, index: int) -> int:
    """The offset of the first non-whitespace character at or after ``index``."""
    match = _WHITESPACE.match(text, index)
    return match.end() if match else index


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class JsonPositions:
    """Line/column lookup for one JSON text.

    Each container on a looked-up path is indexed once (member -> offsets, with
    siblings skipped by the C decoder), so many diagnostics in one big file stay cheap.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._members: dict[int, dict[str, tuple[int, int]]] = {}
        self._newlines: list[int] | None = None

    def line_column(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset (the newline index is built on first use)."""
        if self._newlines is None:
            self._newlines = [match.start() for match in re.finditer("\n", self._text)]
        line = bisect.bisect_left(self._newlines, offset)
        start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1

    def position(self, pointer: str) -> tuple[int, int] | None:
        """1-based (line, column) of ``pointer`` (its key, for object members)."""
        try:
            tokens = jsonpointer.split(pointer)
        except ValueError:
            return None
        text = self._text
        found = value = _skip(text, 1 if text.startswith("\ufeff") else 0)
        for token in tokens:
            member = self._index(value).get(token)
            if member is None:
                break
            found, value = member
        return self.line_column(found)

    def _index(self, start: int) -> dict[str, tuple[int, int]]:
        """Members (or items) of the container at ``start``: token -> (key offset, value offset)."""
        members = self._members.get(start)
        if members is None:
            members = self._members[start] = {}
            try:
                self._scan_container(start, members)
            except (ValueError, IndexError):
                pass  # a damaged text: keep what was found
        return members

    def _scan_container(self, start: int, members: dict[str, tuple[int, int]]) -> None:
        text = self._text
        opener = text[start]
        if opener not in "{[":
            return
        closer = "}" if opener == "{" else "]"
        index = _skip(text, start + 1)
        while text[index] != closer:
            key_start = index
            if opener == "{":
                token, index = _scanstring(text, index + 1)
                index = _skip(text, _skip(text, index) + 1)
            else:
                token = str(len(members))
            members[token] = (key_start, index)  # the last duplicate wins, as in the data
            _, index = _DECODER.raw_decode(text, index)
            index = _skip(text, index)
            if text[index] == ",":
                index = _skip(text, index + 1)


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]')


def _scan(text: str, max_depth: int) -> Iterator[tuple[str, str, int, int]]:
    """Slow structural scan for error paths.

    Yields ``("duplicate", pointer, offset, first_offset)`` for every repeated key and
    ``("deep", pointer, offset, offset)`` once, where nesting first exceeds ``max_depth``.
    """
    stack: list[list[Any]] = []  # [is_object, tokens-so-far key/index, keys seen, expecting key]
    path: list[str] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        frame = stack[-1] if stack else None
        if token in "[{":
            if len(stack) >= max_depth:
                yield "deep", jsonpointer.from_tokens(path), match.start(), match.start()
                return
            stack.append([token == "{", 0, {}, token == "{"])
            path.append("0")
        elif token in "]}":
            stack.pop()
            path.pop()
        elif token == ",":
            if frame is not None:
                frame[1] += 1
                frame[3] = frame[0]
                if not frame[0]:
                    path[-1] = str(frame[1])
        elif token == ":":
            if frame is not None:
                frame[3] = False
        elif frame is not None and frame[0] and frame[3]:
            key = json.loads(token)
            path[-1] = key
            if key in frame[2]:
                yield "duplicate", jsonpointer.from_tokens(path), match.start(), frame[2][key]
            else:
                frame[2][key] = match.start()


def pointer_before(text: str, offset: int) -> str:
    """The pointer of what was being read at ``offset`` (where a syntax error stopped the
    decoder): the member of the innermost object whose key was read, else that container."""
    frames: list[list[Any]] = []  # per open container: [is an object, key or index, key read]
    for match in _TOKEN.finditer(text, 0, offset):
        token = match.group()
        top = frames[-1] if frames else None
        if token in "[{":
            frames.append([token == "{", "0", token == "["])
        elif token in "]}":
            if frames:
                frames.pop()
        elif top is None or token == ":":
            continue
        elif token == ",":
            top[1], top[2] = (top[1], False) if top[0] else (str(int(top[1]) + 1), True)
        elif top[0] and not top[2]:
            top[1], top[2] = json.loads(token), True
    tokens: list[str] = []
    for frame in frames[:-1]:
        if not frame[2]:
            break  # a container where a key belongs: the damage is here
        tokens.append(frame[1])
    else:
        if frames and frames[-1][0] and frames[-1][2]:
            tokens.append(frames[-1][1])
    return jsonpointer.from_tokens(tokens)


def _depth(data: Any) -> int:
    """Maximum nesting of containers in loaded data (level by level, no recursion)."""
    level = [data] if isinstance(data, (dict, list)) else []
    depth = 0
    while level:
        depth += 1
        deeper: list[Any] = []
        for node in level:
            values = node.values() if node.__class__ is dict else node
            deeper += [v for v in values if v.__class__ is dict or v.__class__ is list]
        level = deeper
    return depth


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(
    text: str, display: str, limits: Limits, reporter: Reporter
) -> tuple[Parsed | None, JsonPositions]:
    """Parse a JSON text into plain data; report problems located in ``display``."""
    positions = JsonPositions(text)
    holders: list[dict[str, Any]] = []
    duplicates = False

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicates
        result = dict(pairs)
        if len(result) != len(pairs):
            duplicates = True
        if result.get("$ref").__class__ is str:
            holders.append(result)
        return result

    def report(code: str, message: str, pointer: str, offset: int) -> None:
        line, column = _line_column(text, offset)
        reporter.at(Severity.ERROR, code, message, SpecLocation(display, pointer, line, column))

    body = text.removeprefix("\ufeff")
    deep_message = (
        f"the document nests deeper than {limits.max_depth} levels (LoadOptions.max_depth)"
    )
    try:
        data = json.loads(body, object_pairs_hook=pairs_hook, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        pointer = pointer_before(body, exc.pos)
        location = SpecLocation(display, pointer, exc.lineno, exc.colno)
        reporter.at(Severity.ERROR, "json-syntax", exc.msg, location)
        return None, positions
    except ValueError as exc:  # NaN / Infinity
        match = re.search(r"-?\b(?:NaN|Infinity)\b", text)
        report("json-syntax", str(exc), "", match.start() if match else 0)
        return None, positions
    except RecursionError:
        data = None
        bound = limits.max_depth + 1
    else:
        bound = text.count("[") + text.count("{")
        if bound > limits.max_depth:
            bound = _depth(data)
    if bound > limits.max_depth:
        for _, pointer, offset, _ in _scan(text, limits.max_depth):
            report("too-deep", deep_message, pointer, offset)
        return None, positions
    if duplicates:
        for _, pointer, offset, first in _scan(text, limits.max_depth):
            key = jsonpointer.split(pointer)[-1]
            line, first_line = _line_column(text, offset)[0], _line_column(text, first)[0]
            message = (
                f"duplicate key {key!r} (first defined on line {first_line}, again on line {line})"
            )
            report("duplicate-key", message, pointer, offset)
    return Parsed(data, holders), positions
