"""Where spec text landed in a generated module, read from its ``ast`` and comments.

:func:`misplaced` accounts for every occurrence of every canary in a module's source:
each must sit in a string constant (docstrings included), a comment, or an
identifier that is allowed to carry spec words. Anything else (an occurrence in
code, or inside an f-string's expression) is reported. The count is exact: the
occurrences found in those three places must add up to the occurrences in the text.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

Allowed = Callable[[str], bool]  # identifier (lower case) -> may it carry spec words?


def identifiers(node: ast.AST) -> Iterator[str]:
    """The identifiers a node spells itself (not those of its children)."""
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Attribute):
        yield node.attr
    elif isinstance(node, ast.arg) or isinstance(node, ast.keyword) and node.arg is not None:
        yield node.arg
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield node.name
    elif isinstance(node, ast.alias):
        yield node.name
        if node.asname:
            yield node.asname
    elif isinstance(node, ast.ImportFrom) and node.module:
        yield node.module
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        yield from node.names


def class_body_targets(tree: ast.AST) -> set[str]:
    """Names assigned directly in a class body (model fields, enum members)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                targets = (
                    statement.targets
                    if isinstance(statement, ast.Assign)
                    else [statement.target]
                    if isinstance(statement, ast.AnnAssign)
                    else []
                )
                found.update(t.id for t in targets if isinstance(t, ast.Name))
    return found


def misplaced(source: str, canaries: Iterable[str], allowed: Allowed) -> list[str]:
    """Every canary occurrence in ``source`` outside a string, a comment or an allowed identifier."""
    low = source.lower()
    total = Counter({c: low.count(c) for c in canaries if c in low})
    if not total:
        return []
    tree = ast.parse(source)
    in_fstring = {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in ast.walk(node)
    }
    found: Counter[str] = Counter()
    problems: list[str] = []

    def count(text: str) -> list[str]:
        hits = [c for c in total if c in text]
        found.update({c: text.count(c) for c in hits})
        return hits

    starts = [0]  # offset of each line (ast.get_source_segment re-splits the source on every call)
    for line in source.split("\n"):
        starts.append(starts[-1] + len(line) + 1)

    def segment(node: ast.expr) -> str:
        return source[
            offset(node.lineno, node.col_offset) : offset(
                node.end_lineno or node.lineno, node.end_col_offset or 0
            )
        ].lower()

    encoded = [line.encode("utf-8", "surrogatepass") for line in source.split("\n")]

    def offset(lineno: int, col: int) -> int:  # ast columns count UTF-8 bytes
        return starts[lineno - 1] + len(encoded[lineno - 1][:col].decode("utf-8", "surrogatepass"))

    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, (str, bytes))
            and id(node) not in in_fstring
        ):
            count(segment(node))
            continue
        for name in identifiers(node):
            if count(name.lower()) and not allowed(name.lower()):
                problems.append(
                    f"line {getattr(node, 'lineno', '?')}: spec text in the identifier {name!r}"
                )
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            count(token.string.lower())
    for canary, expected in total.items():
        if found[canary] != expected:
            lines = [i + 1 for i, line in enumerate(low.split("\n")) if canary in line]
            problems.append(
                f"{canary}: {expected - found[canary]} occurrence(s) in code (lines {lines[:5]})"
            )
    return problems
