"""Encoding Objects of form and multipart bodies: what the generated code follows of them.

A multipart part's ``contentType`` is what the client sends a string or a file part
as. An object (an array of objects too, a part per item) travels as JSON, the one
encoding of objects both the client and the server know: a ``contentType`` that admits
no JSON (``application/xml``, ``text/plain``) on such a part is reported at its
pointer, and the part is still sent, and read, as ``application/json``. Per-part
``headers`` are neither sent by the client nor read by the server: reported as well.

A urlencoded form's field whose Encoding Object names a JSON ``contentType`` and no
``style`` or ``explode`` (which would win over it) is one JSON text
(:func:`json_form_fields`), as OpenAPI 3.1 spells a form with JSON values; another
``contentType`` on an object field is reported: the field is sent with brackets.
"""

from __future__ import annotations

from typing import Any

from apiforge.diagnostics import Sink, SpecLocation
from apiforge.ir.model import Api, Content, TypeRef, unaliased

_JSON_RANGES = frozenset({"*/*", "application/*", "application/*+json"})
_JSON_SUFFIXES = ("/json", "+json")


def check_parts(
    api: Api, content: Content, encoding: dict[Any, Any], at: SpecLocation, sink: Sink
) -> None:
    """Report what ``encoding``, the Encoding Object of the form or multipart ``content``
    whose media type entry is at ``at``, asks that the generated code does not do."""
    fields = _fields(api, content)
    form = content.kind == "form"
    styled = {name for name, _, _ in content.encoding}  # (a form's style wins over its type)
    as_json = dict(json_form_fields(content))
    for name, entry in encoding.items():
        if not isinstance(entry, dict) or form and str(name) in styled:
            continue
        where = at.child("encoding", str(name))
        given = entry.get("contentType")
        held = fields.get(str(name))
        objects = held is not None and _holds_objects(api, held)
        followed = str(name) in as_json if form else isinstance(given, str) and _admits_json(given)
        if isinstance(given, str) and objects and not followed:
            spelt = "with brackets (deepObject)" if form else "as application/json"
            sink.warning(
                "part-content-type-ignored",
                f"{'field' if form else 'part'} {name!r} holds an object, which the generated "
                f"client sends and the generated server reads {spelt}, not as {given.strip()}",
                where.child("contentType"),
            )
        if form:
            continue  # (headers are a multipart part's only)
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


def json_form_fields(content: Content) -> tuple[tuple[str, str], ...]:
    """``(field, media type)`` of each field of a urlencoded ``content`` sent as JSON text:
    its Encoding Object names one JSON ``contentType`` and no ``style`` or ``explode``."""
    if content.kind != "form":
        return ()
    styled = {name for name, _, _ in content.encoding}
    return tuple(
        (name, media)
        for name, media in content.part_types
        if name not in styled and media.split(";", 1)[0].strip().lower().endswith(_JSON_SUFFIXES)
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
        if essence in _JSON_RANGES or essence.endswith(_JSON_SUFFIXES):
            return True
    return False
