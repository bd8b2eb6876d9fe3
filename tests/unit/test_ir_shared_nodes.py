"""A parameter, response or security list met again is read once and gives what reading it did.

``_Builder._parameter``, ``Bodies.responses`` and ``Security.requirements`` keep what a node
gave, by the node, when reading it reported nothing; a node met again (a ``$ref`` to a shared
component or a YAML alias: the same dict) gives that, placed where it is met. Each test builds
a document whose nodes are shared and the same document with every node its own (a JSON round
trip), and compares the IR, the model source and the diagnostics, so a shortcut that keys,
places or stays silent wrongly fails.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from apiforge.diagnostics import Sink
from apiforge.ir.build import build


def _document(paths: dict[str, Any], **components: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": {"A": {"type": "object", "properties": {"a": {"type": "string"}}}},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "odd": {"type": "mutualTLS"},
            },
            **components,
        },
    }


LIMIT = {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 10}}
COLOUR = {"name": "colour", "in": "query", "schema": {"type": "string", "enum": ["red", "blue"]}}
BARE = {"name": "bare", "in": "query"}  # warned about at each use
ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
FAILED = {
    "description": "failed",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}},
}
INLINE = {
    "description": "inline",
    "content": {
        "application/json": {"schema": {"type": "object", "properties": {"x": {"type": "integer"}}}}
    },
}
TEXT = {
    "description": "text",
    "content": {"text/plain": {"schema": {"type": "array", "items": {}}}},
}
BEARER = [{"bearer": []}]
ODD_ONLY = [{"odd": []}]  # warned about at each use


def _operation(
    op_id: str, parameters: list[Any], responses: dict[str, Any], security: Any
) -> dict[str, Any]:
    return {
        "operationId": op_id,
        "parameters": parameters,
        "responses": responses,
        "security": security,
    }


def _shared() -> dict[str, Any]:
    """Nodes used at several places: as the same dict (a YAML alias) and through ``$ref``s."""
    by_ref = {"$ref": "#/components/parameters/Limit"}
    response_ref = {"$ref": "#/components/responses/Failed"}
    paths = {
        "/a/{id}": {
            "parameters": [ID],
            "get": _operation(
                "get_a",
                [LIMIT, COLOUR, BARE, by_ref],
                {"200": INLINE, "400": FAILED, "404": FAILED, "default": response_ref},
                BEARER,
            ),
            "put": _operation(
                "put_a",
                [COLOUR, by_ref, BARE],
                {"201": INLINE, "204": FAILED, "400": TEXT, "422": TEXT, "default": response_ref},
                ODD_ONLY,
            ),
        },
        "/b": {
            "get": _operation(
                "get_b",
                [LIMIT, by_ref, COLOUR, LIMIT],
                {"200": TEXT, "2XX": INLINE, "400": FAILED, "422": TEXT, "500": response_ref},
                BEARER,
            ),
            "post": _operation("post_b", [BARE], {"200": FAILED, "default": FAILED}, ODD_ONLY),
        },
    }
    return _document(paths, parameters={"Limit": LIMIT}, responses={"Failed": FAILED})


def _rendered(sink: Sink) -> list[str]:
    return [d.render() for d in sink]


def test_shared_nodes_give_what_nodes_of_their_own_give() -> None:
    shared = _shared()
    own = json.loads(json.dumps(shared))  # the same text, every node its own dict
    assert (
        shared["paths"]["/b"]["get"]["parameters"][0]
        is shared["paths"]["/b"]["get"]["parameters"][3]
    )
    shared_sink, own_sink = Sink(), Sink()
    api, source = build(shared, shared_sink, "spec.yaml")
    again, source_again = build(own, own_sink, "spec.yaml")
    assert api == again
    assert source == source_again
    assert _rendered(shared_sink) == _rendered(own_sink)
    codes = [d.code for d in shared_sink]
    assert codes.count("parameter-without-schema") == 3  # one per use of the shared node
    assert codes.count("unsupported-security") == 3  # the scheme, then one per use of the list
    assert codes.count("body-on-bodiless-status") == 1  # FAILED at 204, not at 400 or 200
    assert codes.count("unsupported-media-type") == 4  # TEXT at each of its uses


def test_a_node_met_again_sits_where_it_is_met() -> None:
    api, _ = build(_shared(), Sink(), "spec.yaml")
    ops = {op.operation_id: op for op in api.operations}
    limits = [p for p in ops["get_b"].parameters if p.name == "limit"]
    assert [p.spec_location.pointer for p in limits] == ["/paths/~1b/get/parameters/3"]
    colours = [
        p.spec_location.pointer
        for op in api.operations
        for p in op.parameters
        if p.name == "colour"
    ]
    assert colours == [
        "/paths/~1a~1{id}/get/parameters/1",
        "/paths/~1a~1{id}/put/parameters/0",
        "/paths/~1b/get/parameters/2",
    ]
    failed = [
        (op.operation_id, r.status, r.spec_location.pointer)
        for op in api.operations
        for r in op.responses
        if r.description == "failed"
    ]
    assert failed == [
        ("get_a", "400", "/paths/~1a~1{id}/get/responses/400"),
        ("get_a", "404", "/paths/~1a~1{id}/get/responses/404"),
        ("get_a", "default", "/components/responses/Failed"),
        ("put_a", "204", "/paths/~1a~1{id}/put/responses/204"),
        ("put_a", "default", "/components/responses/Failed"),
        ("get_b", "400", "/paths/~1b/get/responses/400"),
        ("get_b", "500", "/components/responses/Failed"),
        ("post_b", "200", "/paths/~1b/post/responses/200"),
        ("post_b", "default", "/paths/~1b/post/responses/default"),
    ]
    by_ref = [
        r
        for op in api.operations
        for r in op.responses
        if r.spec_location.pointer.startswith("/components")
    ]
    assert all(r is by_ref[0] for r in by_ref[1:] if r.status == by_ref[0].status)  # read once
    assert ops["put_a"].responses[1].contents == ()  # 204 drops the content it documents


@pytest.mark.parametrize("status", ["204", "304"])
def test_a_response_read_silently_still_warns_at_a_bodiless_status(status: str) -> None:
    paths = {"/x": {"get": _operation("x", [], {"200": FAILED, status: FAILED}, BEARER)}}
    sink = Sink()
    api, _ = build(_document(paths), sink, "spec.yaml")
    assert [d.code for d in sink] == ["unsupported-security", "body-on-bodiless-status"]
    assert [len(r.contents) for r in api.operations[0].responses] == [1, 0]


def test_a_relocated_copy_is_the_one_replace_makes() -> None:
    """relocated() copies the fields instead of calling replace(): equal while Parameter and
    Response run nothing at construction and keep their fields in ``__dict__``."""
    import dataclasses

    from apiforge.diagnostics import SpecLocation
    from apiforge.ir.model import Parameter, Response, relocated

    for cls in (Parameter, Response):
        assert not hasattr(cls, "__post_init__") and not hasattr(cls, "__slots__")
    document = _document(
        {
            f"/p{i}": {"get": {"parameters": [LIMIT], "responses": {"200": {"description": "ok"}}}}
            for i in range(2)
        }
    )
    api, _ = build(document, Sink(), "spec.yaml")
    elsewhere = SpecLocation("other.yaml", "/x", 3, 4)
    for made in (api.operations[0].parameters[0], api.operations[0].responses[0]):
        copy = relocated(made, elsewhere)
        assert copy == dataclasses.replace(made, spec_location=elsewhere)
        assert type(copy) is type(made) and copy is not made and made.spec_location != elsewhere
        assert relocated(made, made.spec_location) is made
