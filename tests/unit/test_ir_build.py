"""generator/ir/build.py, ir/schemas.py and ir/nested.py: small specs in, IR out (no mocks)."""

from __future__ import annotations

from typing import Any

import pytest

from apiforge.diagnostics import Sink, SpecLocation, render_text
from apiforge.ir.build import ModelSource, build
from apiforge.ir.model import Api, TypeRef
from apiforge.ir.nested import component_key, needs_class, refers_to
from apiforge.ir.schemas import SchemaRegistry, is_nullable
from apiforge.ir.summaries import describe
from apiforge.load.jsonpointer import unescape


def spec(
    paths: dict[str, Any],
    components: dict[str, Any] | None = None,
    version: str = "3.0.3",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "T", "version": "2"},
        "paths": paths,
        "components": components or {},
        **extra,
    }


def built(document: dict[str, Any]) -> tuple[Api, ModelSource, Sink]:
    sink = Sink()
    api, source = build(document, sink, "spec.yaml")
    return api, source, sink


OK = {"200": {"description": "ok"}}


# ---- operations and parameters -----------------------------------------------------------


def test_operations_keep_spec_order_and_facts() -> None:
    api, _, sink = built(
        spec(
            {
                "/pets": {
                    "post": {
                        "operationId": "create",
                        "summary": "Make one",
                        "tags": ["pets"],
                        "deprecated": True,
                        "responses": OK,
                    },
                    "get": {"operationId": "list", "description": "All of them", "responses": OK},
                },
            },
            info=None,
        )
    )
    assert not list(sink)
    assert [(op.method, op.operation_id) for op in api.operations] == [
        ("GET", "list"),
        ("POST", "create"),
    ]
    create = api.operations[1]
    assert (create.summary, create.tags, create.deprecated, create.path) == (
        "Make one",
        ("pets",),
        True,
        "/pets",
    )
    assert create.spec_location == SpecLocation("spec.yaml", "/paths/~1pets/post")


def test_path_level_parameters_merge_and_operations_override_them() -> None:
    api, _, _ = built(
        spec(
            {
                "/pets/{id}": {
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        },
                        {"name": "verbose", "in": "query", "schema": {"type": "boolean"}},
                    ],
                    "get": {
                        "operationId": "get_pet",
                        "responses": OK,
                        "parameters": [
                            {
                                "name": "verbose",
                                "in": "query",
                                "required": True,
                                "schema": {"type": "string"},
                            }
                        ],
                    },
                },
            }
        )
    )
    params = {p.name: p for p in api.operations[0].parameters}
    assert params["id"].type == TypeRef("integer") and params["id"].required
    assert params["verbose"].type == TypeRef("string") and params["verbose"].required
    assert params["verbose"].spec_location.pointer == "/paths/~1pets~1{id}/get/parameters/0"


def test_parameter_refs_defaults_and_keywords() -> None:
    api, _, _ = built(
        spec(
            {
                "/pets": {
                    "get": {
                        "operationId": "list",
                        "responses": OK,
                        "parameters": [{"$ref": "#/components/parameters/Limit"}],
                    }
                }
            },
            {
                "parameters": {
                    "Limit": {
                        "name": "limit",
                        "in": "query",
                        "style": "form",
                        "explode": False,
                        "schema": {"type": "integer", "default": 10, "minimum": 1, "maximum": 100},
                    }
                }
            },
        )
    )
    limit = api.operations[0].parameters[0]
    assert (limit.name, limit.location, limit.style, limit.explode, limit.required) == (
        "limit",
        "query",
        "form",
        False,
        False,
    )
    assert limit.default == (10,)
    assert limit.keywords == (("minimum", 1), ("maximum", 100))
    assert limit.spec_location.pointer == "/components/parameters/Limit"


def test_a_parameter_given_by_content_takes_its_schema() -> None:
    api, _, _ = built(
        spec(
            {
                "/q": {
                    "get": {
                        "operationId": "q",
                        "responses": OK,
                        "parameters": [
                            {
                                "name": "filter",
                                "in": "query",
                                "content": {
                                    "application/json": {
                                        "schema": {"type": "array", "items": {"type": "string"}}
                                    }
                                },
                            },
                        ],
                    }
                }
            }
        )
    )
    assert api.operations[0].parameters[0].type == TypeRef("array", item=TypeRef("string"))


def test_accept_content_type_and_authorization_headers_are_ignored() -> None:
    def header(name: str, where: str = "header") -> dict[str, Any]:
        schema = {"type": "object", "properties": {"v": {"type": "string"}}}  # a class each
        return {"name": name, "in": where, "required": True, "schema": schema}

    shared = {"$ref": "#/components/parameters/Auth"}
    api, source, sink = built(
        spec(
            {
                "/a": {
                    "parameters": [shared],
                    "get": {"operationId": "a", "responses": OK, "parameters": [shared]},
                    "put": {
                        "operationId": "b",
                        "responses": OK,
                        "parameters": [
                            header("ACCEPT"),
                            header("content-type"),
                            header("X-Trace"),
                            header("Accept", "query"),  # only headers are ignored
                        ],
                    },
                }
            },
            {"parameters": {"Auth": header("Authorization")}},
        )
    )
    kept = [[(p.location, p.name) for p in op.parameters] for op in api.operations]
    assert kept == [[], [("header", "X-Trace"), ("query", "Accept")]]
    assert [(d.code, d.location.pointer) for d in sink] == [
        ("ignored-header-parameter", "/components/parameters/Auth"),
        ("ignored-header-parameter", "/paths/~1a/put/parameters/0"),
        ("ignored-header-parameter", "/paths/~1a/put/parameters/1"),
    ]
    hoisted = {loc.pointer for loc in source.locations.values()}  # no class for the ignored
    assert hoisted and hoisted <= {f"/paths/~1a/put/parameters/{i}/schema" for i in (2, 3)}


def test_missing_and_duplicate_operation_ids_are_minted_and_reported() -> None:
    api, _, sink = built(
        spec(
            {
                "/pets/{id}": {
                    "get": {
                        "responses": OK,
                        "parameters": [
                            {
                                "name": "id",
                                "in": "path",
                                "required": True,
                                "schema": {"type": "integer"},
                            }
                        ],
                    }
                },
                "/a": {"get": {"operationId": "same", "responses": OK}},
                "/b": {"get": {"operationId": "same", "responses": OK}},
            }
        )
    )
    assert [op.operation_id for op in api.operations] == ["get_pets_id", "same", "same_2"]
    assert [d.code for d in sink] == ["missing-operation-id", "duplicate-operation-id"]


def test_request_bodies_and_responses() -> None:
    api, _, sink = built(
        spec(
            {
                "/pets": {
                    "post": {
                        "operationId": "create",
                        "requestBody": {
                            "required": True,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Pet"}
                                },
                                "application/x-www-form-urlencoded": {
                                    "schema": {"$ref": "#/components/schemas/Pet"}
                                },
                            },
                        },
                        "responses": {
                            "201": {
                                "description": "made",
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "#/components/schemas/Pet"}
                                    }
                                },
                            },
                            "4XX": {"description": "bad"},
                            "default": {"description": "other"},
                        },
                    }
                }
            },
            {"schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}}},
        )
    )
    assert not list(sink)
    op = api.operations[0]
    assert op.body is not None and op.body.required
    assert [c.media_type for c in op.body.contents] == [
        "application/json",
        "application/x-www-form-urlencoded",
    ]
    assert op.body.contents[0].type == TypeRef("model", model="Pet")
    assert [r.status for r in op.responses] == ["201", "4XX", "default"]
    assert [r.status for r in op.success_responses] == ["201"]


def test_security_takes_the_first_supported_alternative() -> None:
    schemes = {
        "securitySchemes": {
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
            "bearer": {"type": "http", "scheme": "bearer"},
            "tls": {"type": "mutualTLS"},
        }
    }
    api, _, sink = built(
        spec(
            {
                "/a": {
                    "get": {
                        "operationId": "a",
                        "responses": OK,
                        "security": [{"tls": []}, {"bearer": ["read"]}],
                    }
                },
                "/b": {"get": {"operationId": "b", "responses": OK, "security": [{}, {"key": []}]}},
                "/c": {"get": {"operationId": "c", "responses": OK}},
            },
            schemes,
            version="3.1.0",
            security=[{"key": []}],
        )
    )
    a, b, c = api.operations
    assert [(r.scheme, r.scopes) for r in a.security] == [("bearer", ("read",))]
    assert b.security == ()  # `{}` makes authentication optional
    assert [r.scheme for r in c.security] == ["key"]
    assert [(s.name, s.kind, s.param_name, s.location) for s in api.security_schemes] == [
        ("key", "api_key", "X-Key", "header"),
        ("bearer", "bearer", None, "header"),
    ]
    assert [d.code for d in sink] == ["unsupported-security"]


def test_document_security_is_warned_about_once_where_it_is_written() -> None:
    """Three operations inheriting an unusable document ``security`` gave three warnings,
    each at ``/paths/.../security``, a pointer the spec does not have."""
    schemes = {"securitySchemes": {"tls": {"type": "mutualTLS"}}}
    paths = {f"/{n}": {"get": {"operationId": n, "responses": OK}} for n in "abc"}
    api, _, sink = built(spec(paths, schemes, version="3.1.0", security=[{"tls": []}]))
    refused = [d for d in sink if d.code == "unsupported-security" and "requirement" in d.message]
    assert [d.location.pointer for d in refused] == ["/security"]
    assert all(op.security_unsupported for op in api.operations)


def test_servers_substitute_variable_defaults() -> None:
    api, _, _ = built(
        spec(
            {},
            servers=[
                {
                    "url": "https://{region}.example.com/v{major}",
                    "description": "prod",
                    "variables": {"region": {"default": "eu"}, "major": {"default": "2"}},
                },
                {"description": "no url"},
            ],
        )
    )
    assert [(s.url, s.description) for s in api.servers] == [("https://eu.example.com/v2", "prod")]


def test_ref_cycles_between_responses_are_reported_not_followed() -> None:
    _, _, sink = built(
        spec(
            {
                "/a": {
                    "get": {
                        "operationId": "a",
                        "responses": {"200": {"$ref": "#/components/responses/A"}},
                    }
                }
            },
            {
                "responses": {
                    "A": {"$ref": "#/components/responses/B"},
                    "B": {"$ref": "#/components/responses/A"},
                }
            },
        )
    )
    assert [d.code for d in sink.errors] == ["ref-cycle"]


# ---- schemas ---------------------------------------------------------------------------------


def registry(schemas: dict[str, Any] | None = None, version: str = "3.0.3") -> SchemaRegistry:
    return SchemaRegistry(
        spec({}, {"schemas": schemas or {}}, version=version), Sink(), "spec.yaml"
    )


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string"}, TypeRef("string")),
        ({"type": "string", "format": "uuid"}, TypeRef("string", format="uuid")),
        ({"type": "string", "format": "binary"}, TypeRef("binary")),
        ({"type": "integer", "nullable": True}, TypeRef("integer", nullable=True)),
        ({"type": ["number", "null"]}, TypeRef("number", nullable=True)),
        (
            {"type": "array", "items": {"type": "boolean"}},
            TypeRef("array", item=TypeRef("boolean")),
        ),
        (
            {"type": "object", "additionalProperties": {"type": "integer"}},
            TypeRef("map", item=TypeRef("integer")),
        ),
        ({"type": "object"}, TypeRef("map", item=TypeRef("any"))),
        ({}, TypeRef("any")),
        ({"$ref": "#/components/schemas/Pet"}, TypeRef("model", model="Pet")),
    ],
)
def test_type_of_primitive_and_container_schemas(schema: dict[str, Any], expected: TypeRef) -> None:
    reg = registry({"Pet": {"type": "object", "properties": {"a": {"type": "string"}}}})
    assert reg.type_of(schema, SpecLocation("spec.yaml", "/x"), "Hint") == expected


def test_inline_schemas_that_need_a_class_are_hoisted_once() -> None:
    reg = registry()
    inline = {"type": "object", "properties": {"name": {"type": "string"}}}
    first = reg.type_of(inline, SpecLocation("spec.yaml", "/a"), "PetBody")
    second = reg.type_of(dict(inline), SpecLocation("spec.yaml", "/b"), "OtherBody")
    assert first == second == TypeRef("model", model=first.model)
    assert first.model in reg.schemas and first.model == "PetBody"
    enum = reg.type_of(
        {"type": "string", "enum": ["a", "b"]}, SpecLocation("spec.yaml", "/c"), "Colour"
    )
    assert enum.kind == "model" and describe(reg)[enum.model or ""].kind == "enum"


def test_nested_parts_of_a_hoisted_schema_are_hoisted_with_derived_names() -> None:
    reg = registry()
    schema = {
        "type": "object",
        "properties": {
            "owner": {"type": "object", "properties": {"name": {"type": "string"}}},
            "tags": {"type": "array", "items": {"type": "string", "enum": ["x", "y"]}},
        },
    }
    ref = reg.type_of(schema, SpecLocation("spec.yaml", "/p"), "Pet")
    hoisted = reg.schemas[ref.model or ""]
    assert hoisted["properties"]["owner"] == {"$ref": "#/components/schemas/PetOwner"}
    assert hoisted["properties"]["tags"]["items"] == {"$ref": "#/components/schemas/PetTagsItem"}
    assert {"PetOwner", "PetTagsItem"} <= set(reg.schemas)


def test_const_is_a_literal() -> None:
    assert registry(version="3.1.0").type_of(
        {"const": "dog"}, SpecLocation("s", "/x"), "K"
    ) == TypeRef("literal", values=("dog",))


def test_describe_summarises_components_for_operations() -> None:
    reg = registry(
        {
            "Pet": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
            },
            "Kind": {"type": "string", "enum": ["cat", "dog"]},
            "Name": {"type": "string"},
        }
    )
    described = describe(reg)
    pet = described["Pet"]
    assert pet.kind == "object"
    assert [(p.name, p.type, p.required) for p in pet.properties] == [
        ("name", TypeRef("string"), True),
        ("age", TypeRef("integer"), False),
    ]
    assert (described["Kind"].kind, described["Kind"].enum_values) == ("enum", ("cat", "dog"))
    assert described["Name"].kind == "alias"


_STATUS = {"$ref": "#/components/schemas/Status"}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_field_and_a_body_keep_the_null_a_wrapper_admits(version: str) -> None:
    """A wrapper of one member that admits null (3.0's nullable reference: ``allOf: [$ref]``
    + ``nullable``; 3.1's: ``anyOf: [$ref, {type: null}]``), and a nullable array: the field
    (and a body so typed) admits null, as its model spells it (``Status | None``)."""
    listed = (
        {"type": ["array", "null"], "items": {"type": "string"}}
        if version.startswith("3.1")
        else {"type": "array", "items": {"type": "string"}, "nullable": True}
    )
    properties = {
        "wrapped": {"allOf": [_STATUS], "nullable": True, "description": "or null"},
        "either": {"anyOf": [_STATUS, {"type": "null"}]},
        "listed": listed,
        "plain": _STATUS,
        "wrapped_only": {"allOf": [_STATUS], "description": "never null"},
    }
    body = {"content": {"application/json": {"schema": {"anyOf": [_STATUS, {"type": "null"}]}}}}
    document = spec(
        {"/t": {"post": {"operationId": "t", "requestBody": body, "responses": OK}}},
        {
            "schemas": {
                "Status": {"type": "string", "enum": ["on", "off"]},
                "Thing": {"type": "object", "properties": properties},
            }
        },
        version=version,
    )
    api, _, _ = built(document)
    found = {p.name: p.type for p in api.schemas["Thing"].properties}
    status = TypeRef("model", model="Status")
    nullable = TypeRef("model", model="Status", nullable=True)
    assert found["wrapped"] == found["either"] == nullable
    assert found["listed"] == TypeRef("array", item=TypeRef("string"), nullable=True)
    assert found["plain"] == found["wrapped_only"] == status
    assert api.operations[0].body is not None
    assert api.operations[0].body.contents[0].type == nullable


def test_pointer_helpers() -> None:
    assert component_key("#/components/schemas/a~1b") == "a/b"
    assert component_key("#/components/schemas/A/properties/x") is None
    assert component_key("#/definitions/A") is None
    assert unescape("a~1b~0c") == "a/b~c"
    assert is_nullable({"nullable": True}) and is_nullable({"type": ["null", "string"]})
    assert not is_nullable({"type": "string"})


def test_needs_class_and_refers_to() -> None:
    assert needs_class({"enum": ["a"]}) and not needs_class({"enum": [None]})
    assert needs_class({"properties": {"a": {}}}) and not needs_class({"properties": {}})
    assert needs_class(
        {"allOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}
    )
    assert not needs_class({"allOf": [{"$ref": "#/components/schemas/A"}]})
    tree = {"items": [{"x": {"$ref": "#/components/schemas/Node"}}]}
    assert refers_to(tree, "Node") and not refers_to(tree, "Other")


def test_build_is_pure() -> None:
    document = spec(
        {
            "/pets": {
                "get": {
                    "operationId": "list",
                    "responses": OK,
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "schema": {"type": "object", "properties": {"a": {"type": "string"}}},
                        }
                    ],
                }
            }
        }
    )
    snapshot = repr(document)
    first, second = built(document)[:2], built(document)[:2]
    assert repr(document) == snapshot
    assert first == second
    assert render_text(built(document)[2]) == ""
