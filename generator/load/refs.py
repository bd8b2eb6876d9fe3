"""Local ``$ref`` checks on a bundled document: dangling references and pure cycles.

Local references (``#/components/schemas/Pet``) stay references: recursive
schemas are legal. What is not legal is a reference to nothing, or a chain made
only of references that comes back to itself (``A: {$ref: B}``, ``B: {$ref: A}``),
which no consumer can resolve. Each distinct target is resolved once; pointers
for the diagnostics are recovered only when something is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from apiforge.load import jsonpointer

Report = Callable[[str, str, str], None]
"""``report(code, message, pointer_in_document)``."""

# Keys whose members are names chosen by the spec author, not keywords.
NAMED_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "schemas",
        "definitions",
        "$defs",
        "dependentSchemas",
        "responses",
        "parameters",
        "examples",
        "requestBodies",
        "headers",
        "securitySchemes",
        "links",
        "callbacks",
        "pathItems",
        "paths",
        "content",
        "encoding",
        "variables",
        "mapping",
        "webhooks",
        "securityDefinitions",
        "scopes",
    }
)
_DATA_KEYWORDS = frozenset({"example", "default", "enum", "const"})


def in_data(pointer: str) -> bool:
    """True when ``pointer`` lies inside example/default/enum/extension data.

    A ``$ref`` key there is just data, not a reference.
    """
    tokens = jsonpointer.split(pointer)
    for index, token in enumerate(tokens):
        if index and tokens[index - 1] in NAMED_MAPS:
            continue
        if token.startswith("x-") or token in _DATA_KEYWORDS:
            return True
        if token == "value" and index >= 2 and tokens[index - 2] == "examples":
            return True
        if (
            token == "examples"
            and tokens[index + 1 : index + 2] != []
            and tokens[index + 1].isdigit()
        ):
            return True
    return False


def target_pointer(ref: str) -> str:
    """The JSON pointer of a local reference (``#/a/b`` -> ``/a/b``), percent-decoded."""
    return unquote(ref[1:])


def describe_missing(document: Any, pointer: str) -> str:
    """Why ``pointer`` resolves to nothing: the deepest existing parent and the missing token."""
    node: Any = document
    done: list[str] = []
    for token in jsonpointer.split(pointer):
        try:
            node = jsonpointer.step(node, token)
        except LookupError:
            from difflib import get_close_matches  # only for a dangling reference

            where = f"#{jsonpointer.from_tokens(done)}" if done else "the document"
            close = (
                get_close_matches(token, [k for k in node if isinstance(k, str)], n=1)
                if isinstance(node, dict)
                else []
            )
            hint = (
                f" (did you mean '#{jsonpointer.join(jsonpointer.from_tokens(done), close[0])}'?)"
                if close
                else ""
            )
            return f"{where} has no member {token!r}{hint}"
        done.append(token)
    return "the target does not exist"


def check_local_refs(document: Any, holders: list[dict[str, Any]], report: Report) -> None:
    """Report dangling local refs (``ref-not-found``) and pure ref cycles (``ref-cycle``).

    Args:
        document: the bundled document.
        holders: every mapping in it that has a string ``$ref`` (others are ignored).
        report: called with (code, message, pointer of the offending ``$ref``).
    """
    resolved: dict[str, Any] = {}
    missing: dict[str, str] = {}
    bad: list[dict[str, Any]] = []
    schemas = _component_schemas(document)
    for holder in holders:
        ref = holder["$ref"]
        if not ref.startswith("#") or ref in resolved:
            continue
        if ref in missing:
            bad.append(holder)
            continue
        if schemas is not None and ref.startswith(_SCHEMA_REF):
            # what resolve() finds for a plain "#/components/schemas/<name>", without splitting
            name = ref[len(_SCHEMA_REF) :]
            if name in schemas and not ("/" in name or "~" in name or "%" in name):
                resolved[ref] = schemas[name]
                continue
        pointer = target_pointer(ref)
        try:
            resolved[ref] = jsonpointer.resolve(document, pointer)
        except LookupError:
            missing[ref] = f"$ref {ref!r} points to nothing: {describe_missing(document, pointer)}"
            bad.append(holder)
        except ValueError:
            missing[ref] = f"$ref {ref!r} is not a JSON pointer (use '#/...')"
            bad.append(holder)
    if bad:
        paths = jsonpointer.find_paths(document, (id(holder) for holder in bad))
        for holder in bad:
            where = paths.get(id(holder))
            if where is not None and not in_data(where):
                report("ref-not-found", missing[holder["$ref"]], jsonpointer.join(where, "$ref"))
    cycles = _cycles(resolved)
    order = {id(holder): index for index, holder in enumerate(holders)} if cycles else {}
    for cycle in cycles:
        first = min(range(len(cycle)), key=lambda i: order.get(id(resolved[cycle[i]]), 0))
        cycle = cycle[first:] + cycle[:first]
        chain = " -> ".join(cycle + [cycle[0]])
        pointer = jsonpointer.join(target_pointer(cycle[0]), "$ref")
        if not in_data(pointer):
            report("ref-cycle", f"$ref cycle with nothing but references: {chain}", pointer)


_SCHEMA_REF = "#/components/schemas/"


def _component_schemas(document: Any) -> dict[str, Any] | None:
    """``document["components"]["schemas"]`` when both are mappings, else None."""
    components = document.get("components") if isinstance(document, dict) else None
    schemas = components.get("schemas") if isinstance(components, dict) else None
    return schemas if isinstance(schemas, dict) else None


def _cycles(resolved: dict[str, Any]) -> list[list[str]]:
    """Chains of references that only lead to references and come back (each once)."""
    settled: set[str] = set()
    cycles: list[list[str]] = []
    for start in resolved:
        path: list[str] = []
        current: str | None = start
        while current is not None and current not in settled:
            if current in path:
                cycles.append(path[path.index(current) :])
                break
            path.append(current)
            target = resolved.get(current)
            nxt = target.get("$ref") if isinstance(target, dict) else None
            current = nxt if isinstance(nxt, str) and nxt in resolved else None
        settled.update(path)
    return cycles
