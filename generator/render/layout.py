"""Python literals and expressions spelt the way black would leave them.

The format stage runs black over every generated module. black formats a file
twice when its first pass changes anything (to settle magic trailing commas), and
even one pass costs about twice as much on text it has to rewrite as on text it
would leave alone. So views spell their literals and long expressions in black's
shape to begin with: strings in black's preferred quotes, and a bracketed
expression on one line when it fits in :data:`LINE_LENGTH`, else one item per line
with a (magic) trailing comma, so black keeps it exploded. Correctness never
depends on this: black still formats the result; a shape it would change only
costs time.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

LINE_LENGTH = 100  # generator.format.LINE_LENGTH
INDENT = "    "




def width(text: str) -> int:
    """The width black measures a line by: East Asian wide and full-width characters count twice."""
    if text.isascii():
        return len(text)
    return sum(_char_width(c) for c in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


@dataclass(frozen=True)
class Bracket:
    """A bracketed expression: ``head`` + ``opening`` + items separated by commas + ``closing``.

    ``head`` is whatever comes before the bracket on its line (``rt.Param``,
    ``params=``, ``"200": rt.Outcome``). ``tuple1`` marks a parenthesised tuple,
    which needs a trailing comma when it holds a single item. ``hug`` marks the
    brackets of a call or a subscript: black splits those around their whole
    content when it fits on one line, where it puts each item of a collection
    display (tuple, list, dict) on its own line.
    """

    head: str
    opening: str
    items: tuple[Expr, ...]
    closing: str
    tuple1: bool = False
    hug: bool = False

    def flat(self) -> str:
        """The expression on one line."""
        inner = ", ".join(flat(item) for item in self.items)
        if self.tuple1 and len(self.items) == 1:
            inner += ","
        return f"{self.head}{self.opening}{inner}{self.closing}"


Expr = str | Bracket


def call(head: str, *items: Expr) -> Bracket:
    """``head(item, ...)``."""
    return Bracket(head, "(", items, ")", hug=True)


def subscript(head: str, *items: Expr) -> Bracket:
    """``head[item, ...]``."""
    return Bracket(head, "[", items, "]", hug=True)


def flat(expr: Expr) -> str:
    """``expr`` on one line."""
    return expr if isinstance(expr, str) else expr.flat()


def lines(expr: Expr, depth: int = 0, tail: str = "") -> list[str]:
    """``expr`` indented ``depth`` levels and followed by ``tail``, as black lays it out.

    On one line when that fits in :data:`LINE_LENGTH`, else :func:`exploded`.
    """
    one = INDENT * depth + flat(expr) + tail
    if isinstance(expr, str) or not expr.items or width(one) <= LINE_LENGTH:
        return [one]
    return exploded(expr, depth, tail)


def exploded(expr: Bracket, depth: int = 0, tail: str = "") -> list[str]:
    """``expr`` split at its brackets: the opening bracket ends the first line, the
    closing one starts the last. In between, the content of a call or subscript on
    one line when it fits; else every item on its own line (laid out by
    :func:`lines`, one level deeper) with a trailing comma."""
    indent = INDENT * depth
    inner = INDENT * (depth + 1)
    body = ", ".join(flat(item) for item in expr.items)
    if expr.tuple1 and len(expr.items) == 1:
        body += ","
    if expr.hug and width(inner + body) <= LINE_LENGTH:
        middle = [inner + body]
    elif expr.hug and len(expr.items) == 1:
        middle = lines(expr.items[0], depth + 1)
    else:
        middle = [line for item in expr.items for line in lines(item, depth + 1, ",")]
    return [indent + expr.head + expr.opening, *middle, indent + expr.closing + tail]


def assignment(target: Expr, expr: Expr, depth: int = 0) -> str:
    """``target = expr`` at ``depth`` as black lays out an assignment (no trailing newline).

    On one line when it fits. Else split at the right-hand side's brackets when
    ``target = head(`` fits; else inside parentheses when ``target = (`` fits;
    else at the target's own brackets.
    """
    indent = INDENT * depth
    head = indent + flat(target) + " = "
    one = flat(expr)
    if width(head + one) <= LINE_LENGTH or isinstance(expr, str) or not expr.items:
        return head + one
    if width(head + expr.head + expr.opening) <= LINE_LENGTH:
        return head + "\n".join(exploded(expr, depth))[len(indent):]
    if width(head + "(") <= LINE_LENGTH or isinstance(target, str) or not target.items:
        return f"{head}(\n" + "\n".join(lines(expr, depth + 1)) + f"\n{indent})"
    split = exploded(target, depth)
    last = split.pop() + " = "
    if width(last + one) <= LINE_LENGTH:
        return "\n".join([*split, last + one])
    return "\n".join(split) + "\n" + last + "\n".join(exploded(expr, depth))[len(indent):]
