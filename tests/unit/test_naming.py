"""generator/naming/: spec names -> unique Python names, checked on IR built from small specs."""

from __future__ import annotations

import ast
import json
import keyword
from pathlib import Path
from typing import Any

import pytest

from apiforge.config.targets import Target
from apiforge.diagnostics import Sink, render_text
from apiforge.ir.build import build
from apiforge.naming.names import Names, param_key, resolve_names
from apiforge.naming.words import class_name, py_name, snake_case, unique, unique_class, words
from apiforge.pipeline import render


def spec(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas or {}},
    }


def names_of(document: dict[str, Any]) -> Names:
    sink = Sink()
    api, _ = build(document, sink, "spec.yaml")
    assert not sink.errors, render_text(sink)
    return resolve_names(api)


def ok(ref: str | None = None) -> dict[str, Any]:
    content = {"application/json": {"schema": {"$ref": ref}}} if ref else {}
    return {"200": {"description": "ok", **({"content": content} if content else {})}}


PAGE = {
    "type": "object",
    "properties": {
        "next": {"type": "string", "nullable": True},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
    },
}
PET = {"type": "object", "properties": {"name": {"type": "string"}}}
PAGINATED_AND_LIST_ALL = spec(
    {
        "/pets/": {
            "get": {"operationId": "pets_list", "responses": ok("#/components/schemas/PetPage")}
        },
        "/pets/all/": {
            "get": {"operationId": "pets_list_all", "responses": ok("#/components/schemas/PetPage")}
        },
    },
    {"Pet": PET, "PetPage": PAGE},
)


# ---- words and identifiers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("listPets", ["list", "Pets"]),
        ("HTTPServer", ["HTTP", "Server"]),
        ("x-rate-limit", ["x", "rate", "limit"]),
        ("größe", ["grosse"]),
        ("v2.items", ["v2", "items"]),
    ],
)
def test_words_split_any_spelling(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_names_without_latin_letters_keep_their_own() -> None:
    assert words("名前") == ["名前"]
    assert py_name("名前").isidentifier()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("listPets", "list_pets"),
        ("X-Rate-Limit", "x_rate_limit"),
        ("already_snake", "already_snake"),
    ],
)
def test_snake_case(text: str, expected: str) -> None:
    assert snake_case(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pet", "Pet"),
        ("pet-owner", "PetOwner"),
        ("2fa", "M2fa"),
        ("", "Model"),
        ("BaseModel", "BaseModelModel"),
        ("None", "NoneModel"),
        ("Client", "ClientModel"),
    ],
)
def test_class_name_is_a_safe_pascal_case_identifier(text: str, expected: str) -> None:
    assert class_name(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("class", "class_"),
        ("match", "match_"),
        ("1st", "n_1st"),
        ("", "value"),
        ("id", "id"),
        ("self", "self"),
    ],
)
def test_py_name_avoids_keywords_and_leading_digits(text: str, expected: str) -> None:
    assert py_name(text) == expected


def test_py_name_avoids_the_names_it_is_told_to() -> None:
    assert py_name("self", {"self"}) == "self_"


def test_unique_numbers_collisions_and_claims_the_name() -> None:
    taken = {"a"}
    assert [unique("a", taken), unique("a", taken), unique("b", taken)] == ["a_2", "a_3", "b"]
    assert taken == {"a", "a_2", "a_3", "b"}
    classes: set[str] = {"Pet"}
    assert [unique_class(class_name("pet"), classes), unique_class(class_name("pet"), classes)] == [
        "Pet2",
        "Pet3",
    ]


# ---- the naming pass ---------------------------------------------------------------------


def test_a_page_iterator_never_replaces_an_operation_of_the_same_name() -> None:
    """pets_list (paginated) gets a `list_all` twin; pets_list_all is also `list_all`: one is numbered."""
    names = names_of(PAGINATED_AND_LIST_ALL)
    listing, list_all = names.operations["pets_list"], names.operations["pets_list_all"]
    assert listing.resource == list_all.resource == ("pets",)
    assert (listing.method, list_all.method) == ("list", "list_all")
    assert listing.all_method == "list_all_2"
    assert list_all.all_method == "list_all_all"
    every = [listing.method, list_all.method, listing.all_method, list_all.all_method]
    assert len(set(every)) == len(every)


def test_only_paginated_gets_have_a_page_iterator() -> None:
    document = spec(
        {
            "/pets/": {
                "get": {
                    "operationId": "pets_list",
                    "responses": ok("#/components/schemas/PetPage"),
                },
                "post": {
                    "operationId": "pets_create",
                    "responses": ok("#/components/schemas/PetPage"),
                },
            },
            "/pets/{id}/": {
                "get": {
                    "operationId": "pets_retrieve",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": ok("#/components/schemas/Pet"),
                }
            },
        },
        {"Pet": PET, "PetPage": PAGE},
    )
    names = names_of(document)
    assert names.operations["pets_list"].all_method == "list_all"
    assert names.operations["pets_create"].all_method is None
    assert names.operations["pets_retrieve"].all_method is None


def test_the_generated_client_defines_every_method_once(tmp_path: Path) -> None:
    """The bug as users met it: `def list_all` twice in one class (ruff F811, mypy no-redef)."""
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(PAGINATED_AND_LIST_ALL))
    sink = Sink()
    target = Target.for_spec(
        path, tmp_path / "out", client_package="pets_client", server_package=None, format=False
    )
    rendered = render(target, sink)
    assert rendered is not None, render_text(sink)
    modules = [
        text
        for path, text in rendered.files.items()
        if path.startswith("pets_client/pets_client/client/")
    ]
    classes = [
        node
        for text in modules
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.ClassDef)
    ]
    assert {"PetsResource", "AsyncPetsResource"} <= {cls.name for cls in classes}
    for cls in classes:
        defined = [
            f.name for f in cls.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
        assert len(defined) == len(set(defined)), (
            f"{cls.name} defines a method twice: {sorted(defined)}"
        )
        if cls.name in ("PetsResource", "AsyncPetsResource"):
            assert {"list", "list_all", "list_all_2"} <= set(defined)


def test_operation_ids_that_spell_the_path_choose_the_resource() -> None:
    document = spec(
        {
            "/api/environments/{project_id}/dashboards/": {
                "get": {
                    "operationId": "environments_dashboards_list",
                    "parameters": [
                        {
                            "name": "project_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": ok(),
                }
            },
            "/api/projects/{project_id}/insights/": {
                "get": {
                    "operationId": "insights_list",
                    "parameters": [
                        {
                            "name": "project_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": ok(),
                }
            },
        }
    )
    names = names_of(document)
    assert names.operations["environments_dashboards_list"].resource == (
        "environments",
        "dashboards",
    )
    assert names.operations["environments_dashboards_list"].method == "list"
    assert names.operations["insights_list"].resource == ("insights",)


def test_operation_ids_that_do_not_follow_the_path_keep_every_static_segment() -> None:
    names = names_of(spec({"/pets": {"get": {"operationId": "listPets", "responses": ok()}}}))
    assert (names.operations["listPets"].resource, names.operations["listPets"].method) == (
        ("pets",),
        "list_pets",
    )


def test_a_segment_of_digits_names_no_resource(tmp_path: Path) -> None:
    """``/status/404`` is a value under ``status``: one resource, not one per status code."""
    codes = ("200", "404", "503")
    paths: dict[str, Any] = {f"/status/{code}": {"get": {"responses": ok()}} for code in codes}
    paths["/operators/173/commissions"] = {
        "get": {"operationId": "getOperatorCommissions", "responses": ok()}
    }
    paths["/operators/{id}"] = {
        "get": {
            "operationId": "getOperator",
            "parameters": [{"name": "id", "in": "path", "required": True}],
            "responses": ok(),
        }
    }
    names = names_of(spec(paths))
    placed = {(n.resource, n.method) for n in names.operations.values()}
    assert {(("status",), f"get_status_{code}") for code in codes} <= placed
    assert names.operations["getOperatorCommissions"].resource == ("operators", "commissions")
    assert names.operations["getOperator"].resource == ("operators",)

    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec(paths)))
    sink = Sink()
    target = Target.for_spec(path, tmp_path / "out", client_package="c", server_package="s")
    rendered = render(target, sink)
    assert rendered is not None, render_text(sink)
    modules = {p.rpartition("/")[2] for p in rendered.files if p.startswith("c/c/client/")}
    routes = {p.rpartition("/")[2] for p in rendered.files if p.startswith("s/s/routes/")}
    assert modules == {"__init__.py", "_client.py", "status.py", "operators.py"}
    assert routes == {"__init__.py", "status.py", "operators.py", "operators_commissions.py"}


def test_operations_without_words_of_their_own_get_the_http_verb() -> None:
    document = spec(
        {
            "/pets/{id}": {
                "get": {
                    "operationId": "pets",
                    "responses": ok(),
                    "parameters": [{"name": "id", "in": "path", "required": True}],
                },
            }
        }
    )
    names = names_of(document)
    assert names.operations["pets"].method  # never empty
    assert names.operations["pets"].method.isidentifier()


def test_method_collisions_on_one_resource_are_numbered() -> None:
    document = spec(
        {
            "/pets/": {"get": {"operationId": "pets_list", "responses": ok()}},
            "/pets/{id}/": {
                "get": {
                    "operationId": "pets_list_",
                    "responses": ok(),
                    "parameters": [{"name": "id", "in": "path", "required": True}],
                }
            },
        }
    )
    names = names_of(document)
    methods = {names.operations[o].method for o in ("pets_list", "pets_list_")}
    assert methods == {"list", "list_2"}


def test_reserved_client_methods_are_never_used_for_operations() -> None:
    names = names_of(spec({"/close": {"post": {"operationId": "close", "responses": ok()}}}))
    assert names.operations["close"].method not in ("close", "aclose", "with_options")
    assert names.operations["close"].method.isidentifier()


def test_a_sub_resource_never_shares_a_name_with_a_method_of_its_parent() -> None:
    document = spec(
        {
            "/pets/": {"get": {"operationId": "pets_owners", "responses": ok()}},
            "/pets/owners/{id}/": {
                "get": {
                    "operationId": "pets_owners_retrieve",
                    "responses": ok(),
                    "parameters": [{"name": "id", "in": "path", "required": True}],
                }
            },
        }
    )
    names = names_of(document)
    assert names.operations["pets_owners"].resource == ("pets",)
    assert names.operations["pets_owners"].method == "owners"
    assert names.operations["pets_owners_retrieve"].resource == ("pets", "owners_resource")
    assert names.operations["pets_owners_retrieve"].method == "retrieve"


def test_schema_class_names_are_unique_and_never_shadow_generated_names() -> None:
    document = spec({}, {"pet": PET, "Pet": PET, "pet-": PET, "BaseModel": PET, "Client": PET})
    schemas = names_of(document).schemas
    assert schemas == {
        "pet": "Pet",
        "Pet": "Pet2",
        "pet-": "Pet3",
        "BaseModel": "BaseModelModel",
        "Client": "ClientModel",
    }


def test_parameter_names_are_identifiers_unique_within_an_operation() -> None:
    params = [
        {"name": "class", "in": "query", "schema": {"type": "string"}},
        {"name": "page-size", "in": "query", "schema": {"type": "integer"}},
        {"name": "page_size", "in": "header", "schema": {"type": "integer"}},
        {"name": "self", "in": "query", "schema": {"type": "string"}},
    ]
    names = names_of(
        spec({"/x": {"get": {"operationId": "get_x", "parameters": params, "responses": ok()}}})
    )
    got = names.operations["get_x"].params
    assert got == {
        param_key("query", "class"): "class_",
        param_key("query", "page-size"): "page_size",
        param_key("header", "page_size"): "page_size_2",
        param_key("query", "self"): "self_",
    }
    assert all(n.isidentifier() and not keyword.iskeyword(n) for n in got.values())


def test_group_classes_keywords_and_route_functions_are_unique() -> None:
    document = spec(
        {
            "/pets/": {"get": {"operationId": "pets_list", "responses": ok()}},
            "/pet_s/": {"get": {"operationId": "petS_list", "responses": ok()}},
            "/list/": {"get": {"operationId": "list", "responses": ok()}},
        },
        {"PetsResource": PET, "PetsApi": PET},
    )
    names = names_of(document)
    classes = [g.resource_class for g in names.groups.values()] + [
        g.interface for g in names.groups.values()
    ]
    classes += list(names.schemas.values())
    assert len(classes) == len(set(classes))
    keywords = [g.keyword for g in names.groups.values()]
    assert len(keywords) == len(set(keywords))
    functions = [o.function for o in names.operations.values()]
    assert len(functions) == len(set(functions))
    assert names.operations["list"].function != "list"  # would shadow the builtin in create_router
    # "RootResource" is in RESERVED_CLASS_NAMES, so the root chain's class is numbered.
    assert names.groups[()].resource_class == "Root2Resource"


def test_the_pass_is_deterministic() -> None:
    assert names_of(PAGINATED_AND_LIST_ALL) == names_of(PAGINATED_AND_LIST_ALL)


def test_operation_constant_is_not_numbered_for_a_server_keyword_it_never_meets() -> None:
    # The operation ``session`` of the ``session`` resource: its server route function must
    # differ from create_app's ``session`` keyword, but its client constant lives apart.
    names = names_of(
        spec(
            {
                "/session": {"get": {"operationId": "session", "responses": ok()}},
                "/search": {"get": {"operationId": "search", "responses": ok()}},
                "/Search/all": {"get": {"operationId": "Search", "responses": ok()}},
            }
        )
    )
    assert names.operations["session"].function != "session"
    assert names.operations["session"].constant == "SESSION"
    constants = {names.operations[o].constant for o in ("session", "search", "Search")}
    assert len(constants) == 3


def test_dotted_ids_with_an_api_namespace_read_like_the_providers_own_client() -> None:
    # Google's ids: ``compute.<resource>.<method>``, with paths that start with a parameter
    # and do not always spell the resource (``/{project}/disableXpnHost``).
    names = names_of(
        spec(
            {
                "/{project}/aggregated/instances": {
                    "get": {"operationId": "compute.instances.aggregatedList", "responses": ok()}
                },
                "/{project}/zones/{zone}/instances": {
                    "get": {"operationId": "compute.instances.list", "responses": ok()}
                },
                "/{project}/disableXpnHost": {
                    "post": {"operationId": "compute.projects.disableXpnHost", "responses": ok()}
                },
            }
        )
    )
    placed = {
        op: (names.operations[op].resource, names.operations[op].method)
        for op in ("compute.instances.aggregatedList", "compute.instances.list")
    }
    assert placed == {
        "compute.instances.aggregatedList": (("instances",), "aggregated_list"),
        "compute.instances.list": (("instances",), "list"),
    }
    xpn = names.operations["compute.projects.disableXpnHost"]
    assert (xpn.resource, xpn.method) == (("projects",), "disable_xpn_host")


def test_a_namespace_the_path_spells_stays_a_resource() -> None:
    names = names_of(
        spec(
            {
                "/pets": {"get": {"operationId": "pets.list", "responses": ok()}},
                "/pets/{id}": {"get": {"operationId": "pets.get", "responses": ok()}},
            }
        )
    )
    assert (names.operations["pets.list"].resource, names.operations["pets.list"].method) == (
        ("pets",),
        "list",
    )


def test_an_operation_constant_never_takes_a_name_the_client_module_defines() -> None:
    # Operations on ``Client`` itself live in client/_client.py beside DEFAULT_BASE_URL...
    ids = ("defaultBaseUrl", "baseUrlEnv", "TYPE_CHECKING", "securitySchemes")
    paths = {f"/{i}": {"get": {"operationId": i, "responses": ok()}} for i in ids}
    names = names_of(spec(paths))
    constants = {names.operations[i].constant for i in ids}
    assert constants.isdisjoint(
        {"DEFAULT_BASE_URL", "BASE_URL_ENV", "TYPE_CHECKING", "SECURITY_SCHEMES"}
    )


def test_dotted_ids_without_a_shared_namespace_keep_their_places() -> None:
    names = names_of(
        spec(
            {
                "/users": {"get": {"operationId": "UserController.find", "responses": ok()}},
                "/ping": {"get": {"operationId": "PingController.ping", "responses": ok()}},
            }
        )
    )
    found = names.operations["UserController.find"]
    assert (found.resource, found.method) == (("users",), "user_controller_find")
