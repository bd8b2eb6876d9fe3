"""OpenAPI 3.1 schema keywords as written in the wild: recognised, normalised or reported.

Runs on the loaded document before the IR is built (the models stage reads the result):

* ``unevaluatedProperties: false`` on a schema that composes nothing means exactly
  ``additionalProperties: false`` and is rewritten to it, so every stage closes the object;
  beside ``allOf``/``anyOf``/``oneOf`` it is reported by the IR as not enforced.
* ``prefixItems`` (a tuple) is typed as a list of the union of its members and of ``items``: a
  ``prefix-items-loose`` warning says so.
* ``contentEncoding`` (``base64``...) leaves the value the encoded ``str``: a
  ``content-encoding-kept`` warning says so (``contentMediaType`` alone is documentation).
* keywords beside a ``$ref`` other than annotations are not applied: ``ref-siblings-ignored``.
* ``jsonSchemaDialect`` or a schema's own ``$schema`` naming another dialect than
  JSON Schema 2020-12 (or 3.0's schema object): ``schema-dialect``, read as 2020-12.

``type`` arrays, ``const``, ``examples`` and ``$defs`` need nothing here: the IR and the
models read them (a ``$ref`` into ``$defs`` must spell its full pointer, as in any document
without ``$id``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apiforge.diagnostics import Sink, SpecLocation
from apiforge.load.jsonpointer import from_tokens

_DIALECTS = (
    "https://json-schema.org/draft/2020-12/schema",
    "https://spec.openapis.org/oas/3.1/dialect/base",
)
_COMPOSITION = ("allOf", "anyOf", "oneOf")
# Keywords beside a $ref that annotate it (applied or harmlessly documented).
_ANNOTATIONS = frozenset(
    {
        "$ref",
        "description",
        "summary",
        "title",
        "deprecated",
        "readOnly",
        "writeOnly",
        "default",
        "example",
        "examples",
        "nullable",
        "externalDocs",
        "xml",
        "$comment",
        "discriminator",
    }
)
DATA = frozenset({"example", "examples", "enum", "const", "default"})  # values, not schemas
CHECKED = frozenset(
    {"$schema", "prefixItems", "contentEncoding", "$ref"}
)  # what _check_schema reads


def normalize_dialect(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with ``unevaluatedProperties: false`` on composition-free objects closed by
    ``additionalProperties: false`` (a new tree where anything changes)."""

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        result = {key: value if key in DATA else walk(value) for key, value in node.items()}
        if (
            result.get("unevaluatedProperties") is False
            and "additionalProperties" not in result
            and not any(key in result for key in _COMPOSITION)
        ):
            del result["unevaluatedProperties"]
            result["additionalProperties"] = False
        return result

    return walk(document) if is_31(document) else document


def is_31(document: dict[str, Any]) -> bool:
    """Whether ``document`` is OpenAPI 3.1 (the only version :func:`normalize_dialect` changes)."""
    return str(document.get("openapi", "")).startswith("3.1")


def check_root(document: dict[str, Any], sink: Sink, file: str) -> None:
    """Report a ``jsonSchemaDialect`` other than 2020-12 (the nodes: :func:`check_schema`)."""
    dialect = document.get("jsonSchemaDialect")
    if isinstance(dialect, str) and dialect.rstrip("#") not in _DIALECTS:
        sink.warning(
            "schema-dialect",
            f"jsonSchemaDialect {dialect!r} is read as JSON Schema 2020-12",
            SpecLocation(file, "").child("jsonSchemaDialect"),
        )


def concerns(node: dict[str, Any]) -> bool:
    """Whether :func:`check_schema` may report something on ``node`` (a bare ``$ref`` never)."""
    return not CHECKED.isdisjoint(node) and not (len(node) == 1 and "$ref" in node)


def check_schema(node: dict[str, Any], file: str, tokens: Iterable[str | int], sink: Sink) -> None:
    """Report the 3.1 keywords of one node that are not applied as written (module docstring)."""
    _check_schema(node, SpecLocation(file, from_tokens(tokens)), sink)


def _check_schema(node: dict[str, Any], loc: SpecLocation, sink: Sink) -> None:
    schema = node.get("$schema")
    if isinstance(schema, str) and schema.rstrip("#") not in _DIALECTS:
        sink.warning(
            "schema-dialect",
            f"$schema {schema!r} is read as JSON Schema 2020-12",
            loc.child("$schema"),
        )
    if isinstance(node.get("prefixItems"), list):
        sink.warning(
            "prefix-items-loose",
            "prefixItems (a tuple) is typed as a list of the union of its members (and of items): "
            "positions and length are not checked",
            loc.child("prefixItems"),
        )
    encoding = node.get("contentEncoding")
    if isinstance(encoding, str) and node.get("type") in ("string", ["string"], None):
        sink.warning(
            "content-encoding-kept",
            f"contentEncoding {encoding!r}: the value stays the encoded str; decode it yourself",
            loc.child("contentEncoding"),
        )
    if isinstance(node.get("$ref"), str):
        extra = sorted(key for key in node if key not in _ANNOTATIONS and not key.startswith("x-"))
        if extra:
            sink.warning(
                "ref-siblings-ignored",
                f"{', '.join(extra)} beside $ref {'is' if len(extra) == 1 else 'are'} not applied; "
                "the referenced schema is used as it is",
                loc,
            )
