"""Form and multipart request bodies on the server: one FastAPI ``Form``/``File`` argument per field.

FastAPI hands an uploaded file to a model field as an ``UploadFile``, which a
``bytes`` field of the shared models rejects, so the route takes every field as
its own argument (files as ``bytes`` via ``File``) and validates the body model
from them. A body whose fields are unknown or nested cannot be taken apart: the
implementation then receives the raw bytes, with a ``server-raw-body`` warning.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from generator.diagnostics import Sink
from generator.ir.model import Api, Operation, Property, TypeRef, form_fields, preferred_request
from generator.naming import OperationNames, param_key
from generator.render.common import ArgView, BodyView, docstring
from generator.render.types import Annotator

_SCALARS = ("string", "integer", "number", "boolean", "any", "literal")


@dataclass(frozen=True)
class FormView:
    """The fields a route declares instead of one body argument, and the model they make."""

    fields: list[ArgView]
    model: str  # the body class validated from the fields


def form_view(
    op: Operation, api: Api, names: OperationNames, annotator: Annotator, body: BodyView | None, sink: Sink
) -> tuple[FormView | None, BodyView | None]:
    """The per-field form of a form/multipart body, or the body as raw bytes when it has none."""
    if body is None or body.kind not in ("form", "multipart") or op.body is None:
        return None, body
    content = preferred_request(op.body.contents)
    fields = form_fields(api, op.body)
    nested = [f.name for f in fields if not flat_field(f.type, annotator)]
    if fields and not nested and content.type is not None:
        args = [_field(f, names, annotator, op.body.required, content.media_type) for f in fields]
        return FormView(args, annotator.spell(replace(content.type, nullable=False), "request")), body
    reason = f"field(s) {', '.join(map(repr, nested))} are not flat" if nested else "its schema lists no fields"
    sink.warning(
        "server-raw-body",
        f"the server cannot take this {content.media_type} body apart ({reason}); "
        "the implementation receives the raw bytes",
        op.body.spec_location,
    )
    return None, replace(body, annotation="bytes", kind="binary")


def flat_field(ref: TypeRef, annotator: Annotator) -> bool:
    """A value a form field carries: a scalar, a file, an enum, or an array of those."""
    if ref.kind == "array" and ref.item is not None:
        return flat_field(ref.item, annotator)
    if ref.kind in (*_SCALARS, "binary"):
        return True
    schema = annotator.api.schemas.get(ref.model or "") if ref.kind == "model" else None
    return schema is not None and schema.kind == "enum"


def _field(field: Property, names: OperationNames, annotator: Annotator, body_required: bool, media_type: str) -> ArgView:
    py = names.params[param_key("form", field.name)]
    item = field.type.item if field.type.kind == "array" else field.type
    is_file = item is not None and item.kind == "binary"
    annotation = annotator.spell(field.type, "request")
    # FastAPI documents Form fields as urlencoded unless told otherwise (it parses multipart/form-data too).
    multipart = ", media_type='multipart/form-data'" if media_type.lower().startswith("multipart/form-data") else ""
    marker = f"{'File' if is_file else 'Form'}(alias={field.name!r}{multipart})"
    location = "file" if is_file else "form"
    return ArgView(py, repr(field.name), location, annotation, field.required and body_required, docstring(""), marker)
