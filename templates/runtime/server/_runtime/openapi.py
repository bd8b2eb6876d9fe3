"""The OpenAPI document: the embedded spec served by ``app.openapi()``, and the routes' own."""

import json
from collections.abc import Mapping
from typing import (
    Any,
    Final,
)

from fastapi import FastAPI
from pydantic import TypeAdapter
from starlette.routing import Router

from .bodies import _inline_refs

CONTENT_KEY: Final = "x-apiforge-content"
"""The ``openapi_extra`` key of a route listing its documented responses and media types.

``{status: {media type: schema}}``, where a schema is ``True`` for the schema FastAPI
derived from the status's ``model``, a JSON schema (:func:`schema_of` another model of
the same status), or ``False`` for no schema (FastAPI drops ``None`` values).
FastAPI documents a response's model under one media type only, and always documents
the route's own status; :func:`install_openapi` rewrites each response to the media
types listed here and drops statuses not listed (the ``200`` FastAPI adds to a route
whose spec documents only ``2XX`` or ``default``, which that range already covers).
"""


SECURITY_KEY: Final = "x-apiforge-security"
"""The ``openapi_extra`` key of a route guarded by :meth:`Binder.requires_any`: the spec's
``security`` list as written (FastAPI would document each scheme as an alternative of its own).
"""


def schema_of(type_: Any) -> dict[str, Any]:
    """The JSON schema of ``type_`` as a response serializes it, with no ``$ref`` left."""
    return _inline_refs(TypeAdapter(type_).json_schema(mode="serialization"))


SPEC_FILE: Final = "openapi.json"  # the spec the package was generated from, beside _runtime/


def install_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` (and ``/openapi.json``, ``/docs``) serve the spec this package
    was generated from, read from ``openapi.json`` on the first call and kept.

    Without that file (the runtime used on its own), it serves :func:`routes_openapi`.
    Either way the document is built once: later calls return the same dict.
    """

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _spec_document() or routes_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _spec_document() -> dict[str, Any] | None:
    from importlib.resources import files

    package = (__package__ or "").rpartition(".")[0]  # the generated package, beside _runtime/
    if not package:
        return None
    try:
        spec = files(package).joinpath(SPEC_FILE)
    except (ModuleNotFoundError, TypeError, ValueError):  # the runtime without its package
        return None
    if not spec.is_file():
        return None
    document: dict[str, Any] = json.loads(spec.read_text(encoding="utf-8"))
    return document


def routes_openapi(app: FastAPI) -> dict[str, Any]:
    """The document FastAPI derives from the app's routes (what ``app.openapi()`` would be
    without :func:`install_openapi`), with every route's responses as its
    ``x-apiforge-content`` lists them and its security as written in the spec. Built anew on every
    call; ``app.openapi()`` is unchanged.
    """
    build_routes(app.router)
    kept = app.openapi_schema
    app.openapi_schema = None
    try:
        document = FastAPI.openapi(app)
    finally:
        app.openapi_schema = kept
    for item in (document.get("paths") or {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and CONTENT_KEY in operation:
                _document_content(operation, operation.pop(CONTENT_KEY))
            if isinstance(operation, dict) and SECURITY_KEY in operation:
                operation["security"] = operation.pop(SECURITY_KEY)
    return document


def build_routes(router: Router) -> None:
    """Build every route of ``router`` now: each placeholder that builds its route on first
    use (one offering ``materialize()``, as ``create_app`` puts on the app) is replaced by
    its real route."""
    routes = router.routes
    for index, route in enumerate(routes):
        materialize = getattr(type(route), "materialize", None)
        if materialize is not None:
            routes[index] = materialize(route)


def _document_content(operation: dict[str, Any], listed: Mapping[str, Mapping[str, Any]]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status in [status for status in responses if status not in listed]:
        del responses[status]
    for status, media_types in listed.items():
        entry = responses.setdefault(status, {"description": status})
        derived = next((c.get("schema") for c in (entry.get("content") or {}).values()), None)
        content: dict[str, Any] = {}
        for media_type, schema in media_types.items():
            if schema is True:
                content[media_type] = {"schema": derived} if derived is not None else {}
            else:
                content[media_type] = {"schema": schema} if schema is not False else {}
        if content:
            entry["content"] = content
        else:
            entry.pop("content", None)
