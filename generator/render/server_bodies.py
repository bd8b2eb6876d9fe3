"""Request bodies with several media types (or multipart object fields): one ``rt.BodyReader``.

FastAPI reads a body in one media type. When the spec offers several (JSON beside a
form, XML, text or raw bytes), the route reads the body with a runtime
``rt.BodyReader`` that picks the media type from the request's Content-Type (415 for
one the spec does not list), decodes it (JSON, form or multipart fields, text, bytes)
and validates it with pydantic; the implementation receives the union of the types.
The reader documents the request body with every media type itself (a media type it
passes on as raw bytes, XML for one, is documented as binary). A multipart/form-data
body with object fields goes through a reader too: each object part is decoded as
JSON, multipart's default encoding for an object.

An inline body schema's own keywords (``maxLength``, ``maximum``, ``maxItems``...)
wrap its entry's type in ``Annotated[..., pydantic.Field(...)]``, so the reader checks
them (see ``server_params.body_checks``).

A form or multipart body goes through a reader even when it is the only
media type: the body model's fields then mean what they mean in JSON (an omitted
optional field is None, a value the field's type does not take, empty text for a
number included, answers 422) and the body is documented with the model's schema
(no null for a non-nullable field, every ``format`` kept).
"""

from __future__ import annotations

from dataclasses import dataclass

from apiforge.diagnostics import Sink
from apiforge.ir.model import Api, Content, Operation, TypeRef, form_fields, preferred_request
from apiforge.ir.parts import json_form_fields
from apiforge.models import ModelsModule
from apiforge.render.common import BodyView, union
from apiforge.render.escape import docstring, literal
from apiforge.render.server_params import body_checks
from apiforge.render.types import Annotator


@dataclass(frozen=True)
class BodyReaderView:
    """The module constant reading a multi-media body, and the body argument it fills."""

    constant: str  # the rt.BodyReader(...) expression
    body: BodyView


def body_reader(
    op: Operation, function: str, annotator: Annotator, sink: Sink
) -> tuple[str, BodyReaderView] | None:
    """``(constant name, view)`` for an operation whose body has several media types, else None."""
    if op.body is None or len(op.body.contents) < 2 and not readable_form(op, annotator):
        return None
    types = {c.media_type: _annotation(c, annotator) for c in op.body.contents}
    checked = {
        c.media_type: _checked(
            types[c.media_type], body_checks(c, types[c.media_type], op.body.spec_location, sink)
        )
        for c in op.body.contents
    }
    entries = ", ".join(f"{literal(media)}: {annotation}" for media, annotation in checked.items())
    form = next((c for c in op.body.contents if c.kind == "form"), None)
    encoding = ""
    if form is not None and form.encoding:
        resolved = tuple(
            (name, style or "form", explode if explode is not None else (style or "form") == "form")
            for name, style, explode in form.encoding
        )
        encoding = f", encoding={literal(resolved)}"
    as_json = tuple(name for name, _ in json_form_fields(form)) if form is not None else ()
    if as_json:
        encoding += f", json_fields={literal(as_json)}"
    expression = f"rt.BodyReader({{{entries}}}, required={literal(op.body.required)}{encoding})"
    annotation = union(list(types.values()))
    first = op.body.contents[0].media_type
    view = BodyView(
        annotation, op.body.required, literal(first), "multiple", False, docstring(", ".join(types))
    )
    return f"_{function}_body".upper(), BodyReaderView(expression, view)


def _checked(annotation: str, checks: list[tuple[str, str]]) -> str:
    """``annotation`` with its keyword checks as a ``pydantic.Field`` (the reader validates with it)."""
    if not checks:
        return annotation
    keywords = ", ".join(f"{key}={value}" for key, value in checks)
    return f"Annotated[{annotation}, pydantic.Field({keywords})]"


def readable_form(op: Operation, annotator: Annotator) -> bool:
    """A form or multipart body the reader takes apart into its model's fields.

    A urlencoded field may nest (objects and arrays, read as the body's Encoding Object
    says: brackets, delimiters); a multipart part may also hold an object, as JSON
    (multipart's default encoding for objects). A multipart body other than form-data
    (``multipart/related``...) is read by the runtime's ``related.py`` (Starlette
    parses form-data only). A body whose schema lists no fields is not.
    """
    content = preferred_request(op.body.contents) if op.body else None
    if content is None or content.type is None:
        return False
    essence = content.media_type.split(";", 1)[0].strip().lower()
    fields = form_fields(annotator.api, op.body)
    if not fields:
        return False
    return essence.startswith("multipart/") or essence == "application/x-www-form-urlencoded"


def _annotation(content: Content, annotator: Annotator) -> str:
    """The python type a body of this media type is validated into.

    JSON, form and multipart bodies are decoded into their schema's type; text arrives
    as ``str``; any other media type (XML, images...) as the raw ``bytes``, which the
    implementation decodes itself (the server has no XML reader).
    """
    if content.type is not None and content.type.kind == "binary" or content.kind == "binary":
        return "bytes"
    if content.kind == "text":
        return "str"
    if content.type is None and content.kind in ("form", "multipart"):
        annotator.typing.add("Any")
        return "dict[str, Any]"
    return annotator.spell(content.type, "request")


def renames(ref: TypeRef, api: Api, models: ModelsModule) -> bool:
    """True when a body of ``ref`` is (a list or map of) a model that renames a property.

    FastAPI validates such a body with the models' own configuration, which accepts a
    property's Python name as well as its wire name (``populate_by_name``, so that an
    implementation can build them); the route adds ``rt.WIRE_NAMES`` (wire names only)
    where some model, nested ones included, names a field unlike its property
    (``ModelsModule.renaming``): elsewhere the two names are one.
    """
    while ref.kind in ("array", "map") and ref.item is not None:
        ref = ref.item
    schema = api.schemas.get(ref.model or "") if ref.kind == "model" else None
    return schema is not None and schema.kind != "enum" and ref.model in models.renaming
