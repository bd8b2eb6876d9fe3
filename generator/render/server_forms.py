"""Form and multipart request bodies the server cannot take apart: the implementation gets the raw bytes.

A form or multipart body whose schema lists its fields is read by an ``rt.BodyReader``
(``server_bodies``), like a JSON body. What is left: a body whose schema lists no fields.
The route then passes the raw bytes on, with a ``server-raw-body`` warning.
"""

from __future__ import annotations

from dataclasses import replace

from apiforge.diagnostics import Sink
from apiforge.ir.model import Operation, preferred_request
from apiforge.render.common import BodyView
from apiforge.render.types import Annotator


def raw_form_body(
    op: Operation, annotator: Annotator, body: BodyView | None, sink: Sink
) -> BodyView | None:
    """``body``, or raw bytes (with a warning) when it is a form/multipart body no reader takes apart."""
    if body is None or body.kind not in ("form", "multipart") or op.body is None:
        return body
    content = preferred_request(op.body.contents)
    sink.warning(
        "server-raw-body",
        f"the server cannot take this {content.media_type} body apart (its schema lists no "
        "fields); "
        "the implementation receives the raw bytes",
        op.body.spec_location,
    )
    return replace(body, annotation="bytes", kind="binary")
