"""oneOf whose members overlap: find them, and apply the ``x-apiforge-one-of: any`` escape hatch.

The server reads a ``oneOf`` as the union of its members (``models/_one_of.py.jinja``): a
value any member accepts is taken, as the member pydantic's union picks. When two members
are open objects (an object schema with no ``required`` property that does not forbid other
properties) every object matches both, so the member an implementation receives is a
guess. Each such oneOf gets a ``one-of-overlap`` warning at its pointer. Writing
``x-apiforge-one-of: any`` on the schema (or at the top of the document, for every oneOf)
says any member will do: apiforge reads that oneOf as ``anyOf`` (documented so) and does not
warn. The rewrite happens on the loaded document, before the IR and the models are built,
so both packages agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apiforge.diagnostics import Sink, SpecLocation
from apiforge.load.jsonpointer import from_tokens, resolve

EXTENSION = "x-apiforge-one-of"


def relax_one_of(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with every oneOf marked ``x-apiforge-one-of: any`` read as anyOf (a new tree)."""
    everywhere = document.get(EXTENSION) == "any"

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        result = {key: walk(value) for key, value in node.items()}
        members = result.get("oneOf")
        relaxed = everywhere or result.get(EXTENSION) == "any"
        if (
            relaxed
            and isinstance(members, list)
            and "anyOf" not in result
            and "discriminator" not in result
        ):
            result["anyOf"] = result.pop("oneOf")
        return result

    return walk(document) if everywhere or mentions(document) else document


def overlap_warning(
    sink: Sink, file: str, tokens: Iterable[str | int], open_members: list[int]
) -> None:
    """Report a ``one-of-overlap`` at the oneOf below ``tokens`` (see :func:`open_members`)."""
    sink.warning(
        "one-of-overlap",
        f"oneOf members {', '.join(map(str, open_members))} are objects with no required property "
        "that allow any other property: every object matches more than one, so which member the "
        "server's implementation receives is a guess; add a discriminator or required properties, "
        f"or '{EXTENSION}: any' to say any member will do",
        SpecLocation(file, from_tokens([*tokens, "oneOf"])),
    )


def open_members(document: dict[str, Any], node: dict[str, Any]) -> list[int]:
    """The indexes of the open-object members of ``node``'s oneOf: none without a oneOf list or
    with a discriminator. Two or more earn a warning (``ir/document_checks.py`` walks the document).
    """
    members = node.get("oneOf")
    if not isinstance(members, list) or "discriminator" in node:
        return []
    return [i for i, m in enumerate(members) if _open_object(document, m)]


def _open_object(document: dict[str, Any], member: Any, depth: int = 0) -> bool:
    """True for an object schema that requires nothing and forbids no other property."""
    if not isinstance(member, dict) or depth > 20:
        return False
    ref = member.get("$ref")
    if isinstance(ref, str):
        try:
            target = resolve(document, ref[1:]) if ref.startswith("#") else None
        except (LookupError, ValueError):
            return False
        return _open_object(document, target, depth + 1) if target is not None else False
    is_object = member.get("type") == "object" or ("properties" in member and "type" not in member)
    closed = (
        member.get("additionalProperties") is False or member.get("unevaluatedProperties") is False
    )
    composed = any(k in member for k in ("allOf", "anyOf", "oneOf", "enum", "const", "not"))
    return is_object and not member.get("required") and not closed and not composed


def mentions(node: Any) -> bool:
    """Whether the extension appears anywhere below ``node`` (so most documents are not copied).

    Level by level, without a call per node: it visits every mapping of the document.
    """
    level: list[Any] = [node]
    while level:
        deeper: list[Any] = []
        for item in level:
            if item.__class__ is dict:
                if EXTENSION in item:
                    return True
                deeper += [v for v in item.values() if v.__class__ is dict or v.__class__ is list]
            elif item.__class__ is list:
                deeper += [v for v in item if v.__class__ is dict or v.__class__ is list]
        level = deeper
    return False
