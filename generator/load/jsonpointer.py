"""Plain JSON data (dicts, lists and scalars): RFC 6901 pointers, and copying.

Pointers are strings such as ``/paths/~1pets/get`` (``""`` is the whole document).
Tokens are escaped with ``~0`` for ``~`` and ``~1`` for ``/``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def escape(token: str | int) -> str:
    """Escape one reference token (``~`` -> ``~0``, ``/`` -> ``~1``)."""
    text = token if isinstance(token, str) else str(token)
    if "~" in text or "/" in text:  # rare: most tokens are returned as they are
        return text.replace("~", "~0").replace("/", "~1")
    return text


def unescape(token: str) -> str:
    """Undo :func:`escape` for one reference token."""
    return token.replace("~1", "/").replace("~0", "~") if "~" in token else token


def join(pointer: str, *tokens: str | int) -> str:
    """Append escaped tokens to a pointer."""
    for token in tokens:
        pointer += "/" + escape(token)
    return pointer


def from_tokens(tokens: Iterable[str | int]) -> str:
    """Build a pointer from unescaped tokens."""
    return join("", *tokens)


def split(pointer: str) -> list[str]:
    """The unescaped tokens of a pointer; ``""`` gives ``[]``.

    Raises:
        ValueError: the pointer is neither empty nor starts with ``/``.
    """
    if not pointer:
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"a JSON pointer must start with '/': {pointer!r}")
    return [unescape(token) for token in pointer[1:].split("/")]


def parent(pointer: str) -> str:
    """The pointer one level up (``""`` stays ``""``)."""
    return pointer[: pointer.rfind("/")] if pointer else ""


def step(node: Any, token: str) -> Any:
    """Follow one unescaped token from ``node``.

    Raises:
        LookupError: the token does not name a member or an index of ``node``.
    """
    if isinstance(node, dict):
        return node[token]
    if isinstance(node, list) and token.isdigit() and (token == "0" or token[0] != "0"):
        return node[int(token)]
    raise LookupError(token)


def resolve(document: Any, pointer: str) -> Any:
    """The value at ``pointer`` in ``document``.

    Raises:
        LookupError: some token does not exist.
        ValueError: the pointer is malformed.
    """
    node = document
    for token in split(pointer):
        node = step(node, token)
    return node


def is_prefix(prefix: str, pointer: str) -> bool:
    """True when ``pointer`` is ``prefix`` or lies below it (whole tokens only)."""
    return pointer == prefix or pointer.startswith(prefix + "/")


def find_paths(document: Any, targets: Iterable[int]) -> dict[int, str]:
    """Pointers of the containers whose ``id()`` is in ``targets`` (first occurrence).

    A slow full walk, meant for error paths: parsers remember the objects they had
    trouble with, and this recovers where they sit.
    """
    wanted = set(targets)
    found: dict[int, str] = {}
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack and len(found) < len(wanted):
        node, pointer = stack.pop()
        if id(node) in wanted and id(node) not in found:
            found[id(node)] = pointer
        if isinstance(node, dict):
            stack.extend(
                (value, join(pointer, key))
                for key, value in reversed(node.items())
                if isinstance(value, (dict, list))
            )
        elif isinstance(node, list):
            stack.extend(
                (value, join(pointer, index))
                for index, value in reversed(list(enumerate(node)))
                if isinstance(value, (dict, list))
            )
    return found


def deep_copy(value: Any) -> Any:
    """Copy plain JSON data (several times faster than ``copy.deepcopy``)."""
    if isinstance(value, dict):
        return {k: deep_copy(v) if isinstance(v, (dict, list)) else v for k, v in value.items()}
    if isinstance(value, list):
        return [deep_copy(v) if isinstance(v, (dict, list)) else v for v in value]
    return value
