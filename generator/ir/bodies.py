"""Request bodies and responses of an operation: media types, encodings, bodiless statuses.

Part of the IR build (``ir/build.py``): each media type's schema becomes a TypeRef
through the schema registry (hoisting inline schemas), and what the generated code
cannot encode or decode from its schema is reported at the media type's pointer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apiforge.diagnostics import Sink, SpecLocation
from apiforge.ir.model import (
    Api,
    Content,
    RequestBody,
    Response,
    preferred_request,
    preferred_response,
    relocated,
    validation_keywords,
)
from apiforge.ir.parts import check_parts
from apiforge.ir.schemas import SchemaRegistry

Deref = Callable[[Any, SpecLocation], tuple[Any, SpecLocation]]
"""Follows a chain of local $refs to a non-schema object: (node, its location)."""


def body_allowed(status: str) -> bool:
    """False for the statuses HTTP sends without content: 1xx, 204, 205 and 304 (RFC 9110)."""
    return not (status[:1] == "1" or status in ("204", "205", "304"))


def _encoding(entry: Any) -> tuple[tuple[str, str | None, bool | None], ...]:
    """A media type's Encoding Object: (property, style, explode) per property that gives either."""
    found = entry.get("encoding") if isinstance(entry, dict) else None
    if not isinstance(found, dict):
        return ()
    return tuple(
        (
            str(name),
            e.get("style") if isinstance(e.get("style"), str) else None,
            e.get("explode") if isinstance(e.get("explode"), bool) else None,
        )
        for name, e in found.items()
        if isinstance(e, dict) and ("style" in e or "explode" in e)
    )


def _inline_keywords(schema: Any) -> tuple[tuple[str, object], ...]:
    """An inline schema's validation keywords (none for a ``$ref``: its own model checks them)."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return ()
    return validation_keywords(schema)


def _part_types(entry: Any) -> tuple[tuple[str, str], ...]:
    """A media type's Encoding Object: (property, contentType) per property naming one media type."""
    found = entry.get("encoding") if isinstance(entry, dict) else None
    if not isinstance(found, dict):
        return ()
    return tuple(
        (str(name), e["contentType"].strip())
        for name, e in found.items()
        if isinstance(e, dict)
        and isinstance(e.get("contentType"), str)
        and "/" in e["contentType"]
        and not any(char in e["contentType"] for char in ",*")
    )


@dataclass
class Bodies:
    """Reads request bodies and responses; ``deref`` follows $refs to shared ones."""

    registry: SchemaRegistry
    sink: Sink
    deref: Deref
    # Each response read without a diagnostic, by (id of its node, status): (the node, Response).
    _read: dict[tuple[int, str], tuple[Any, Response]] = field(default_factory=dict, init=False)
    # Each form or multipart body's Encoding Object, by its pointer: (the content, the object, where
    # the media type is), checked once the schemas are summed up (:meth:`check_encodings`).
    _encodings: dict[str, tuple[Content, dict[Any, Any], SpecLocation]] = field(
        default_factory=dict, init=False
    )

    def contents(
        self, content: Any, base: SpecLocation, hint: str, request: bool = False
    ) -> tuple[Content, ...]:
        """The media types of ``content``, the ``content`` member of the object at ``base``
        (whose location is spelt only when a schema's is read); a ``request`` body's keep
        their inline schema's validation keywords."""
        if not isinstance(content, dict):
            return ()
        result: list[Content] = []
        for media, entry in content.items():
            schema = entry.get("schema") if isinstance(entry, dict) else None
            type_ = (
                None
                if schema is None
                else self.registry.type_at(schema, base, ("content", media, "schema"), hint)
            )
            keywords = _inline_keywords(schema) if request else ()
            result.append(
                Content(str(media), type_, _encoding(entry), keywords, _part_types(entry))
            )
        return tuple(result)

    def body(self, node: Any, loc: SpecLocation, hint: str) -> RequestBody | None:
        if node is None:
            return None
        node, loc = self.deref(node, loc)
        if not isinstance(node, dict):
            return None
        contents = self.contents(node.get("content"), loc, hint + "Body", request=True)
        if not contents:
            self.sink.warning("empty-request-body", "requestBody has no content; ignored", loc)
            return None
        for content, entry in zip(contents, node["content"].values(), strict=True):
            encoding = entry.get("encoding") if isinstance(entry, dict) else None
            if content.kind in ("multipart", "form") and isinstance(encoding, dict):
                at = loc.child("content", content.media_type)
                self._encodings[at.pointer] = (content, encoding, at)
        chosen = preferred_request(contents)
        if chosen.kind in ("text", "binary") and chosen.is_structured:
            spelt = "str" if chosen.kind == "text" else "bytes"
            self.sink.warning(
                "unsupported-media-type",
                f"{chosen.media_type} bodies are not encoded from their schema; the body is raw {spelt}",
                loc.child("content", chosen.media_type),
            )
        return RequestBody(
            node.get("required") is True, contents, str(node.get("description") or ""), loc
        )

    def check_encodings(self, api: Api) -> None:
        """Report what the form and multipart bodies' Encoding Objects ask that the generated code
        does not do (``ir/parts.py``): ``api`` sums up their schemas."""
        for content, encoding, at in self._encodings.values():
            check_parts(api, content, encoding, at, self.sink)

    def responses(
        self, node: dict[str, Any], base: SpecLocation, hint: str
    ) -> tuple[Response, ...]:
        """The ``responses`` of the operation at ``base``."""
        result: list[Response] = []
        read = self._read
        for status, entry in node.items():
            status = status if status.__class__ is str else str(status)
            status = "default" if status.lower() == "default" else status.upper()
            entry, entry_loc = self.deref(entry, base.child("responses", status))
            if not isinstance(entry, dict):
                continue
            known = read.get((id(entry), status))
            if known is not None:
                # Read again, it would give the same Response (the hint names only what is
                # hoisted, and hoisting an equal schema again gives the same component).
                result.append(relocated(known[1], entry_loc))
                continue
            if status[:1] in "23":
                several = sum(str(s)[:1] in "23" for s in node) > 1  # successes
                suffix = "Response" + (status if several else "")
            else:
                suffix = "Error" + status.title()
            said = len(self.sink)
            response = self._response(entry, entry_loc, status, hint + suffix)
            if len(self.sink) == said:
                read[id(entry), status] = (entry, response)  # the node held: its id stays its own
            result.append(response)
        return tuple(result)

    def _response(
        self, entry: dict[str, Any], entry_loc: SpecLocation, status: str, hint: str
    ) -> Response:
        """The response ``entry`` (at ``entry_loc``) documents for ``status``."""
        content = entry.get("content")
        contents = (
            self.contents(content, entry_loc, hint)
            if isinstance(content, dict)
            else ()  # what contents() gives, without its location spelt
        )
        if contents and not body_allowed(status):
            self.sink.warning(
                "body-on-bodiless-status",
                f"HTTP forbids a body with status {status}; the documented content is ignored: "
                "the server answers it without a body and the client reads none",
                entry_loc.child("content"),
            )
            contents = ()
        chosen = preferred_response(contents)
        if chosen is not None and not chosen.reads_as_json and chosen.is_structured:
            spelt = "str" if chosen.kind == "text" else "bytes"
            self.sink.warning(
                "unsupported-media-type",
                f"{chosen.media_type} bodies are not decoded with their schema; the response is raw {spelt}",
                entry_loc.child("content", chosen.media_type),
            )
        return Response(status, str(entry.get("description") or ""), contents, entry_loc)
