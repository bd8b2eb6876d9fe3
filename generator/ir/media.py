"""What a body's media type means to both generated packages, as facts about the IR.

How a reply is read (JSON, text, bytes), whether a JSON-read reply may also come as
text, and whether a media type the spec lists takes a body sent as another one (a
range such as ``image/*`` takes ``image/png``). The render layer spells these out;
``apiforge diff`` weighs a spec change by them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

from apiforge.ir.model import Api, Content, Response, media_essence, preferred_response

OutcomeKind = Literal["json", "bytes", "text", "empty"]

# The type the generated client sends a body listed as a range in, when its call names
# none (no ``content_type=``, no file name within the range): the client runtime's table.
USUAL_SENT_TYPES: Final[Mapping[str, str]] = {
    "*/*": "application/octet-stream",
    "application/*": "application/octet-stream",
    "text/*": "text/plain",
    "multipart/*": "multipart/form-data",
}


def outcome_kind(content: Content | None) -> OutcomeKind:
    """How a client reads a response body of this media type."""
    if content is None:
        return "empty"
    if content.type is not None and content.type.kind == "binary":
        return "bytes"
    if content.reads_as_json:
        return "json"
    if content.kind == "text":
        return "text"
    return "bytes"


def reads_text(content: Content | None, api: Api) -> bool:
    """Whether a JSON-read body may also come as text: the spec leaves the media type open
    (``*/*``, as springdoc writes for every response) and the schema is a string (any
    format but binary, a string enum or ``const``), so a ``text/*`` reply is the value."""
    # Read as JSON without a JSON media type: the wildcard.
    if content is None or content.type is None or content.kind == "json":
        return False
    if outcome_kind(content) != "json":
        return False
    ref = content.type
    if ref.kind == "string":
        return True
    if ref.kind == "literal":
        return all(isinstance(value, str) for value in ref.values)
    schema = api.schemas.get(ref.model or "") if ref.kind == "model" else None
    return (
        schema is not None
        and schema.kind == "enum"
        and bool(schema.enum_values)
        and all(isinstance(value, str) or value is None for value in schema.enum_values)
    )


def media_covers(listed: str, sent: str) -> bool:
    """True when a body listed as ``listed`` takes every body sent as ``sent``.

    Either may be a range: ``*/*`` takes anything, ``image/*`` any ``image/`` type or
    range within it, ``application/*+json`` ``application/json`` and any
    ``application/...+json`` (as the client runtime sends within it); a concrete
    type takes only itself (parameters such as ``charset`` aside).
    """
    listed, sent = media_essence(listed), media_essence(sent)
    if listed in ("*/*", sent):
        return True
    kind, _, subtype = listed.partition("/")
    sent_kind, _, sent_subtype = sent.partition("/")
    if kind != sent_kind:
        return False
    if subtype == "*":
        return True
    suffix = subtype[2:] if subtype.startswith("*+") else None
    return suffix is not None and (sent_subtype == suffix or sent_subtype.endswith("+" + suffix))


def text_alternatives(response: Response) -> tuple[Content, ...]:
    """The text contents (``text/plain``...) a status documents beside its JSON body as a
    string, or without a schema: both packages take a ``str`` for them (``X | str``).

    A text type with another schema (ASP.NET lists ``text/plain`` with the JSON body's schema
    for every response, and never sends an object as text) is no alternative, nor is one
    beside a JSON body without a schema, whose ``Any`` already holds a str.
    """
    chosen = preferred_response(response.contents)
    if chosen is None or chosen.type is None or outcome_kind(chosen) != "json":
        return ()
    return tuple(
        content
        for content in response.contents
        if content.kind == "text" and (content.type is None or content.type.kind == "string")
    )


def usual_sent_type(media_type: str) -> str | None:
    """The type a body listed as the range ``media_type`` is sent in when the call names
    none; None where the client needs ``content_type=`` (``image/*``: a ``TypeError``)."""
    range_ = media_essence(media_type)
    if "*" not in range_:
        return range_
    return USUAL_SENT_TYPES.get(range_) or ("application/json" if range_.endswith("json") else None)
