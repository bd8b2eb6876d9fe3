"""Validate a bundled OpenAPI 3.0/3.1 document with openapi-pydantic; report every problem.

pydantic's error locations mix document keys with union-member artefacts
(``Reference``, ``Schema``, ``str-enum[DataType]``). :func:`validate` keeps only
the parts that exist in the document, so each problem gets a real JSON pointer;
it drops the errors of the union branch that clearly does not apply (the
``Reference`` branch for an object without ``$ref``, the others for one with
``$ref``), and merges what remains per pointer. Everything is collected.

Severity (see :func:`_severity`): only what stops code generation is an error.
Real specs are often invalid in small ways -- a response without
``description``, ``items`` written as a list, a boolean schema openapi-pydantic
does not model -- and those are ``invalid-spec`` warnings; the raw document is
used as is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apiforge.diagnostics import Severity
from apiforge.load import jsonpointer
from apiforge.load.bounds import UPPER_BOUNDS, empty_range
from apiforge.load.refs import in_data

Report = Callable[[Severity, str, str, str], None]
"""``report(severity, code, message, pointer_in_document)``."""

_CONTAINER_TYPES = frozenset(
    {"model_type", "model_attributes_type", "dict_type", "list_type", "dict_attributes_type"}
)
# Keys under which nothing matters to code generation (documentation, examples, links...).
_LENIENT_CONTEXTS = frozenset(
    {
        "info",
        "externalDocs",
        "tags",
        "servers",
        "example",
        "examples",
        "links",
        "xml",
        "callbacks",
        "default",
        "enum",
        "const",
        "contact",
        "license",
        "discriminator",
        "encoding",
        "webhooks",
    }
)
_NAMED_MAPS = frozenset(
    {
        "properties",
        "schemas",
        "responses",
        "parameters",
        "paths",
        "headers",
        "content",
        "patternProperties",
        "definitions",
        "$defs",
        "securitySchemes",
        "requestBodies",
    }
)
_MODEL_NAMES_START = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _is_tag(part: str | int) -> bool:
    """pydantic's names for union members and validators, never document keys."""
    return isinstance(part, str) and (part.startswith(_MODEL_NAMES_START) or "[" in part)


def _has_member(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return isinstance(part, str) and part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _walk(
    document: Any, loc: tuple[str | int, ...]
) -> tuple[str, list[tuple[str, Any]], str | None]:
    """Map a pydantic ``loc`` onto the document.

    Returns:
        The pointer of the deepest existing node, the union branches taken on the way
        (tag, node at the union), and the first missing field name (if any).
    """
    node = document
    tokens: list[str | int] = []
    branches: list[tuple[str, Any]] = []
    for part in loc:
        if _has_member(node, part):
            node = node[part]
            tokens.append(part)
        elif _is_tag(part):
            branches.append((str(part), node))
        else:
            return jsonpointer.from_tokens(tokens), branches, str(part)
    return jsonpointer.from_tokens(tokens), branches, None


def _applies(branches: list[tuple[str, Any]]) -> bool:
    """False when the error comes from a union branch that cannot be the intended one."""
    for tag, node in branches:
        has_ref = isinstance(node, dict) and "$ref" in node
        if (tag == "Reference") != has_ref:
            return False
    return True


def _severity(pointer: str, error: dict[str, Any], missing: str | None) -> Severity:
    """Errors only for what stops code generation; everything else is a warning.

    Errors: the root lacking ``openapi``/``info``/``paths`` (3.0) or having them in
    the wrong shape; a parameter without ``name``/``in`` or with an unknown ``in``;
    an object or list of the wrong kind where the generator walks into it. Not
    errors: documentation fields, examples, missing descriptions or responses,
    unknown ``type``/``format``/``style`` values, and openapi-pydantic's own
    limits (boolean schemas in 3.1, the old list form of ``items``).
    """
    tokens = jsonpointer.split(pointer)
    keywords = [t for i, t in enumerate(tokens) if not (i and tokens[i - 1] in _NAMED_MAPS)]
    if any(t.startswith("x-") or t in _LENIENT_CONTEXTS for t in keywords):
        return Severity.WARNING
    kind = error["type"]
    if (
        tokens
        and tokens[-1] == "type"
        and (
            _type_typo(error.get("input")) is not None
            or isinstance(error.get("input"), (int, float, dict))
        )
    ):
        return Severity.ERROR  # a misspelt type, or one that is no name at all (``type: 12``)
    is_parameter = len(tokens) >= 2 and tokens[-2] == "parameters"
    if kind == "missing":
        if not tokens or (is_parameter and missing in ("name", "in")):
            return Severity.ERROR
        return Severity.WARNING
    if len(tokens) >= 3 and tokens[-3] == "parameters" and tokens[-1] == "in":
        return Severity.ERROR
    if kind in _CONTAINER_TYPES:
        value = error.get("input")
        if isinstance(value, bool) or (
            tokens and tokens[-1] == "items" and isinstance(value, list)
        ):
            return Severity.WARNING
        return Severity.ERROR
    return Severity.WARNING


def _found(value: Any) -> str:
    """How a value is named in messages."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    shown = repr(value)
    return shown[:60] + "..." if len(shown) > 60 else shown


def _describe(error: dict[str, Any], missing: str | None) -> str:
    """A message saying what was expected and what was found."""
    kind = error["type"]
    if kind == "missing" and missing is not None:
        return f"missing required field {missing!r}"
    context = error.get("ctx") or {}
    if kind in ("model_type", "model_attributes_type") and "class_name" in context:
        name = context["class_name"]
        article = "an" if name[:1] in "AEIOU" else "a"
        expected = f"expected {article} {name} object"
    elif kind in ("dict_type", "list_type"):
        expected = "expected a mapping" if kind == "dict_type" else "expected a list"
    else:
        message = str(error["msg"])
        expected = (
            "expected " + message[len("Input should be ") :]
            if message.startswith("Input should be ")
            else message
        )
    if missing is not None:
        expected = f"{missing!r}: {expected}"
    typo = _type_typo(error.get("input"))
    hint = (
        f" (did you mean {typo!r}?)" if typo is not None and error["loc"][-1:] == ("type",) else ""
    )
    return f"{expected}, found {_found(error.get('input'))}{hint}"


_TYPES = ("string", "number", "integer", "boolean", "array", "object", "null")


def _type_typo(value: Any) -> str | None:
    """The schema type ``value`` misspells (``integr`` -> ``integer``), or None."""
    if not isinstance(value, str) or value in _TYPES:
        return None
    from difflib import get_close_matches  # only for a misspelt type

    close = get_close_matches(value.lower(), _TYPES, n=1, cutoff=0.75)
    return close[0] if close else None


def _normalized(document: dict[str, Any], family: str) -> dict[str, Any]:
    """The document with an ``openapi`` value the openapi-pydantic model accepts."""
    accepted = {
        "3.0": ("3.0.0", "3.0.1", "3.0.2", "3.0.3", "3.0.4"),
        "3.1": ("3.1.0", "3.1.1", "3.1.2"),
    }
    if document.get("openapi") in accepted[family]:
        return document
    return {**document, "openapi": accepted[family][-1]}


def validate(document: dict[str, Any], family: str, report: Report) -> None:
    """Check ``document`` against the OpenAPI ``family`` ("3.0" or "3.1") model; report problems."""
    # pydantic and openapi-pydantic load only when the validation cache misses
    from pydantic import ValidationError

    if family == "3.1":
        from openapi_pydantic.v3.v3_1 import OpenAPI as Model31  # the family's model only

        model: Any = Model31
    else:
        from openapi_pydantic.v3.v3_0 import OpenAPI as Model30  # the family's model only

        model = Model30
    # openapi-pydantic declares no validators of its own, so pydantic raises nothing but
    # ValidationError; the loader's depth limit keeps the document within its recursion limit.
    try:
        model.model_validate(_normalized(document, family))
    except ValidationError as exc:
        report_model_errors(document, exc.errors(include_url=False), family, report)


def report_model_errors(
    document: dict[str, Any], errors: list[Any], family: str, report: Report
) -> None:
    """Report pydantic ``errors`` (locations from the document's root) as :func:`validate` does."""
    _report_errors(document, errors, report, boolean_schemas=family == "3.1")


def _report_errors(
    document: dict[str, Any], errors: list[Any], report: Report, boolean_schemas: bool = False
) -> None:
    """Report ``errors`` merged per pointer; a boolean where 3.1 allows a schema is valid
    (``unevaluatedProperties: false``), whatever openapi-pydantic models."""
    found: dict[str, list[tuple[Severity, str]]] = {}
    for error in errors:
        pointer, branches, missing = _walk(document, tuple(error["loc"]))
        if (
            not _applies(branches)
            or boolean_schemas
            and missing is None
            and _is_boolean(document, pointer)
        ):
            continue
        message = _describe(error, missing)
        entries = found.setdefault(pointer, [])
        if all(message != m for _, m in entries):
            entries.append((_severity(pointer, error, missing), message))
    for pointer, entries in found.items():
        severity = (
            Severity.ERROR if any(s is Severity.ERROR for s, _ in entries) else Severity.WARNING
        )
        report(severity, "invalid-spec", "; ".join(m for _, m in entries), pointer)


def _is_boolean(document: dict[str, Any], pointer: str) -> bool:
    try:
        return isinstance(jsonpointer.resolve(document, pointer), bool)
    except (LookupError, ValueError):
        return False


SCHEMA_KEYS = frozenset(
    {"oneOf", "x-apiforge-one-of", "$schema", "prefixItems", "contentEncoding", "$ref"}
)
"""The keys the IR's document checks look for (``ir/document_checks.py``): :func:`check_defaults`
collects the mappings that have one in its pass, so the IR need not walk the document again."""
_LOOKED_AT = SCHEMA_KEYS | UPPER_BOUNDS


def check_defaults(
    document: dict[str, Any], report: Report, known: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Warn (``default-not-in-enum``) where a schema's ``default`` is not one of its ``enum``,
    and (``contradictory-bounds``) where its bounds leave no value (:mod:`~apiforge.load.bounds`).

    Common in real specs and harmless to generation, but worth a pointer. Returns every
    mapping of the document (data included, in no set order) with a key of
    :data:`SCHEMA_KEYS`. ``known``: those mappings as the reader found them with
    :func:`scan` and :func:`visit` over every node of ``document`` (the per-definition
    YAML parse keeps them per unit), where no default was outside its enum: then
    nothing is walked.
    """
    if known is not None:
        return known
    marked, offenders = scan([document])
    if offenders:
        _report_offenders(document, offenders, report)
    return marked


def scan(level: list[Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(the mappings with a key of :data:`SCHEMA_KEYS`, those whose default is not in their
    enum or whose bounds leave no value) in and under the nodes of ``level``, each counted
    once per path that reaches it.

    One level-by-level pass (each level takes every value of the one above whole, in C,
    and skips the scalars: cheaper than filtering them in Python); pointers are found
    only for offenders, by the caller.
    """
    offenders: list[dict[str, Any]] = []
    marked: list[dict[str, Any]] = []
    unmarked = SCHEMA_KEYS.isdisjoint
    unlooked = _LOOKED_AT.isdisjoint  # one test of the keys for both sets, most say no
    while level:
        deeper: list[Any] = []
        extend = deeper.extend
        for node in level:
            kind = node.__class__
            if kind is dict:
                if "default" in node:
                    enum = node.get("enum")
                    if enum.__class__ is list and _not_in(node, enum):
                        offenders.append(node)
                if not unlooked(node):
                    if not unmarked(node):
                        marked.append(node)
                    if not UPPER_BOUNDS.isdisjoint(node) and empty_range(node):
                        offenders.append(node)
                extend(node.values())
            elif kind is list:
                extend(node)
        level = deeper
    return marked, offenders


def visit(mappings: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
    """:func:`scan` of these mappings alone, not what they hold: (the marked, whether one offends)."""
    marked = [node for node in mappings if not SCHEMA_KEYS.isdisjoint(node)]
    offends = False
    for node in mappings:
        enum = node.get("enum")
        if "default" in node and enum.__class__ is list and _not_in(node, enum):
            offends = True
        if not UPPER_BOUNDS.isdisjoint(node) and empty_range(node):
            offends = True
    return marked, offends


def _report_offenders(
    document: dict[str, Any], offenders: list[dict[str, Any]], report: Report
) -> None:
    paths = jsonpointer.find_paths(document, (id(node) for node in offenders))
    reported: set[int] = set()  # an offender listed twice, for each of its problems
    for node in offenders:
        pointer = paths.get(id(node))
        if pointer is None or in_data(pointer) or id(node) in reported:
            continue
        reported.add(id(node))
        enum = node.get("enum")
        if "default" in node and enum.__class__ is list and _not_in(node, enum):
            message = f"default {node['default']!r} is not one of the enum values {node['enum']!r}"
            report(
                Severity.WARNING,
                "default-not-in-enum",
                message,
                jsonpointer.join(pointer, "default"),
            )
        empty = empty_range(node, pointer) if not UPPER_BOUNDS.isdisjoint(node) else None
        if empty is not None:
            keyword, why = empty
            report(
                Severity.WARNING,
                "contradictory-bounds",
                why,
                jsonpointer.join(pointer, keyword),
            )


def _not_in(schema: dict[str, Any], enum: list[Any]) -> bool:
    default = schema["default"]
    if default is None and schema.get("nullable") is True:
        return False
    return not any(default == value and _kind(default) == _kind(value) for value in enum)


def _kind(value: Any) -> str:
    """JSON kind of a value (1 and 1.0 are both numbers; True is not)."""
    if isinstance(value, bool):
        return "boolean"
    return "number" if isinstance(value, (int, float)) else type(value).__name__
