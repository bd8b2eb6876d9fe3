"""Encoding Objects of multipart bodies that the generated code cannot follow, reported.

A part's ``contentType`` is what the client sends a string or a file part as. An
object (an array of objects too, a part per item) travels as JSON, the one encoding
of objects both the client and the server know: a ``contentType`` that admits no JSON
(``application/xml``, ``text/plain``) on such a part is reported at its pointer, and
the part is still sent, and read, as ``application/json``. Per-part ``headers`` are
neither sent by the client nor read by the server: reported as well.
"""

from __future__ import annotations

from typing import Any

from apiforge.diagnostics import Sink, SpecLocation
from apiforge.ir.model import Api, Content, TypeRef, unaliased

_JSON_RANGES = frozenset({"*/*", "application/*", "application/*+json"})


def check_parts(
    api: Api, content: Content, encoding: dict[Any, Any], at: SpecLocation, sink: Sink
) -> None:
    """Report what ``encoding``, the Encoding Object of the multipart ``content`` whose
    media type entry is at ``at``, asks that the generated code does not do."""
    fields = _fields(api, content)
    for name, entry in encoding.items():
        if not isinstance(entry, dict):
            continue
        where = at.child("encoding", str(name))
        given = entry.get("contentType")
        held = fields.get(str(name))
        if isinstance(given, str) and held is not None and _holds_objects(api, held):
            if not _admits_json(given):
                sink.warning(
                    "part-content-type-ignored",
                    f"part {name!r} holds an object, which the generated code encodes as "
                    f"JSON only: it is sent and read as application/json, not {given.strip()}",
                    where.child("contentType"),
                )
        headers = entry.get("headers")
        named = (
            [str(h) for h in headers if str(h).lower() != "content-type"]
            if isinstance(headers, dict)
            else []
        )
        if named:
            sink.warning(
                "part-headers-ignored",
                f"the headers of part {name!r} ({', '.join(named)}) are neither sent by the "
                "generated client nor read by the generated server",
                where.child("headers"),
            )


def _fields(api: Api, content: Content) -> dict[str, TypeRef]:
    """The type of each property of ``content``'s schema, by wire name."""
    ref = content.type
    schema = unaliased(api, ref.model) if ref is not None and ref.kind == "model" else None
    return {p.name: p.type for p in schema.properties} if schema is not None else {}


def _holds_objects(api: Api, ref: TypeRef) -> bool:
    """True when a part of type ``ref`` (an item per part, for an array) is an object."""
    while ref.kind == "array" and ref.item is not None:
        ref = ref.item
    if ref.kind == "map":
        return True
    schema = unaliased(api, ref.model) if ref.kind == "model" else None
    return schema is not None and schema.kind == "object"


def _admits_json(content_type: str) -> bool:
    """True when the ``contentType`` (one media type or a comma-separated list) takes JSON."""
    for media in content_type.split(","):
        essence = media.split(";", 1)[0].strip().lower()
        if essence in _JSON_RANGES or essence.endswith(("/json", "+json")):
            return True
    return False
