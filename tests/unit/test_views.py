"""generator/render/common.py and the client and server views, from real IR (no mocks).

A small spec goes through the real stages up to the views (build, names, models); the
tests read the views the templates get, so a wrong name, annotation or flag fails here
with its cause instead of as a golden-snapshot diff.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from apiforge.config.targets import Target
from apiforge.diagnostics import Sink
from apiforge.ir.build import build
from apiforge.ir.model import Operation
from apiforge.ir.shapes import build_shapes
from apiforge.models import ModelsModule, render_models
from apiforge.naming.names import Names, resolve_names
from apiforge.render.client_views import ClientView, client_view
from apiforge.render.common import (
    body_view,
    ordered_params,
    package_problem,
    resource_groups,
    response_outcomes,
    summary_line,
    union,
    unshadow,
)
from apiforge.render.server_views import ServerView, server_view
from apiforge.render.types import Annotator

PET = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
PAGE = {
    "type": "object",
    "properties": {
        "next": {"type": "string", "nullable": True},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
    },
}
ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Pets", "version": "1"},
    "servers": [{"url": "https://pets.example/v1"}],
    "paths": {
        "/pets/": {
            "get": {
                "operationId": "pets_list",
                "summary": "List pets\nmore",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    {"name": "kind", "in": "query", "required": True, "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/PetPage"}}
                        },
                    }
                },
            },
            "post": {
                "operationId": "pets_create",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                    },
                },
                "responses": {
                    "201": {
                        "description": "made",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                        },
                    },
                    "4XX": {"description": "bad"},
                    "default": {
                        "description": "other",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    },
                },
            },
        },
        "/pets/{owner}/{id}/photo": {
            "put": {
                "operationId": "pets_photo",
                "parameters": [
                    ID,
                    {"name": "owner", "in": "path", "required": True, "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}
                },
                "responses": {"204": {"description": "stored"}},
            },
        },
        "/pets/all/": {
            "get": {
                "operationId": "pets_list_all",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/PetPage"}}
                        },
                    }
                },
            }
        },
    },
    "components": {"schemas": {"Pet": PET, "PetPage": PAGE}},
}


class Stages:
    def __init__(self, tmp: Path) -> None:
        self.sink = Sink()
        self.api, source = build(DOCUMENT, self.sink, "pets.yaml")
        shapes = build_shapes(source.schemas, source.locations, self.sink)
        self.names: Names = resolve_names(self.api, shapes)
        self.models: ModelsModule = render_models(shapes, self.names, self.sink)
        self.target = Target.for_spec(tmp / "pets.yaml", tmp / "out")

    def op(self, operation_id: str) -> Operation:
        return next(op for op in self.api.operations if op.operation_id == operation_id)

    def annotator(self) -> Annotator:
        return Annotator(self.api, self.models)

    def client(self) -> ClientView:
        return client_view(self.api, self.names, self.models, self.target, "# header", self.sink)

    def server(self) -> ServerView:
        return server_view(self.api, self.names, self.models, self.target, "# header", self.sink)


@pytest.fixture(scope="module")
def stages(tmp_path_factory: pytest.TempPathFactory) -> Stages:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("APIFORGE_CACHE_DIR", "off")
        return Stages(tmp_path_factory.mktemp("views"))


# ---- render.common: pure helpers -----------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (["A", "B"], "A | B"),
        (["A | None", "B", "A"], "A | B | None"),
        (["None", "list[A | B]"], "list[A | B] | None"),
        ([], "None"),
        (["dict[str, A | None] | C", "C"], "dict[str, A | None] | C"),
    ],
)
def test_union_flattens_dedupes_and_puts_none_last(parts: list[str], expected: str) -> None:
    assert union(parts) == expected


def test_unshadow_qualifies_only_builtins_a_method_shadows() -> None:
    assert unshadow("list[Pet] | dict[str, int]", {"list"}) == "builtins.list[Pet] | dict[str, int]"
    assert unshadow("list[Pet]", {"retrieve"}) == "list[Pet]"
    assert unshadow("models.list_item | mylist", {"list"}) == "models.list_item | mylist"


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("pets_client", True),
        ("1pets", False),
        ("class", False),
        ("a-b", False),
        ("../x", False),
        ("con", False),
        ("Nul", False),
        ("com0", False),  # Windows reserves COM0 and LPT0 too; write.py's list agrees (one list)
        ("lpt9", False),
        ("console", True),
        ("json", False),  # the standard library's: one would hide the other
        ("typing", False),
        ("httpx", False),  # a dependency's: installing would overwrite it
        ("pydantic_core", False),
        ("json_client", True),
    ],
)
def test_package_problem(name: str, ok: bool) -> None:
    assert (package_problem(name) is None) is ok


def test_summary_line(stages: Stages) -> None:
    assert summary_line(stages.op("pets_list")) == "List pets"
    assert summary_line(stages.op("pets_photo")) == "pets_photo"


def test_path_parameters_come_first_in_path_order_then_required_then_optional(
    stages: Stages,
) -> None:
    photo = stages.op("pets_photo")
    assert [p.name for p, _ in ordered_params(photo, stages.names.operations["pets_photo"])] == [
        "owner",
        "id",
    ]
    listing = stages.op("pets_list")
    assert [
        (p.name, py) for p, py in ordered_params(listing, stages.names.operations["pets_list"])
    ] == [("kind", "kind"), ("limit", "limit")]


def test_response_outcomes(stages: Stages) -> None:
    outcomes = response_outcomes(stages.op("pets_create"), stages.annotator())
    assert [(o.code, o.status_code, o.kind, o.annotation, o.is_success) for o in outcomes] == [
        ("201", 201, "json", "Pet", True),
        ("4XX", 400, "empty", "None", False),
        ("default", 200, "text", "str", False),
    ]


def test_body_views(stages: Stages) -> None:
    annotator = stages.annotator()
    json_body = body_view(stages.op("pets_create"), annotator, use_dict=True)
    assert json_body is not None
    assert (json_body.annotation, json_body.kind, json_body.required, json_body.media_type) == (
        "Pet | dict[str, Any]",
        "json",
        True,
        '"application/json"',
    )
    assert "Any" in annotator.typing
    binary = body_view(stages.op("pets_photo"), annotator, use_dict=True)
    assert binary is not None and (binary.annotation, binary.kind, binary.required) == (
        "bytes | typing.IO[bytes]",  # the client also sends a binary file (a schema may be IO)
        "binary",
        False,
    )
    assert "typing" in annotator.modules
    assert body_view(stages.op("pets_list"), annotator, use_dict=True) is None


def test_resource_groups_follow_names(stages: Stages) -> None:
    groups = resource_groups(stages.api, stages.names)
    assert {chain: [op.operation_id for op in ops] for chain, ops in groups.items()} == {
        ("pets",): ["pets_list", "pets_create", "pets_photo", "pets_list_all"]
    }


# ---- the client view -----------------------------------------------------------------------


def test_client_view(stages: Stages) -> None:
    view = stages.client()
    assert (view.package, view.default_base_url) == ("pets_client", '"https://pets.example/v1"')
    assert [(m.module, m.class_name) for m in view.modules] == [("pets", "PetsResource")]
    assert "from collections.abc import AsyncIterator, Iterator\n" in view.modules[0].imports
    assert "from collections.abc import Mapping\n" in view.root_imports
    assert [(c.attr, c.module) for c in view.root.children] == [("pets", "pets")]
    assert "from typing import TYPE_CHECKING\n" in view.root_imports
    assert "..models" not in view.root_imports
    ops = {op.const: op for op in view.operations}
    listing = ops["PETS_LIST"]
    assert (listing.method, listing.paginated, listing.all_method) == ("list", True, "list_all_2")
    assert listing.item_annotation == "Pet"
    assert [a.py_name for a in listing.positional] == [] and [
        a.py_name for a in listing.keyword
    ] == ["kind", "limit"]
    assert ops["PETS_PHOTO"].return_annotation == "None"
    resource = view.modules[0].resources[0]
    methods = [m for op in resource.operations for m in (op.method, op.all_method) if m]
    assert len(methods) == len(set(methods)), methods


def test_client_view_reports_a_bad_package_name(stages: Stages, tmp_path: Path) -> None:
    sink = Sink()
    target = Target.for_spec(tmp_path / "pets.yaml", tmp_path, client_package="con")
    client_view(stages.api, stages.names, stages.models, target, "#", sink)
    assert [d.code for d in sink] == ["invalid-package-name"]


# ---- the server view -----------------------------------------------------------------------


def test_server_view(stages: Stages) -> None:
    view = stages.server()
    routes = {route.operation_id: route for group in view.groups for route in group.routes}
    assert set(routes) == {'"pets_list"', '"pets_create"', '"pets_photo"', '"pets_list_all"'}
    create = routes['"pets_create"']
    assert (create.decorator_method, create.path, create.status_code) == ("post", '"/pets/"', 201)
    assert routes['"pets_photo"'].status_code == 204 and routes['"pets_photo"'].no_body
    functions = [route.function for route in routes.values()]
    assert len(functions) == len(set(functions))
    assert [g.keyword for g in view.groups] == ["pets"]


def test_views_are_pure(stages: Stages) -> None:
    assert stages.client() == stages.client()
    assert stages.server() == stages.server()


def test_client_classes_come_in_flavours(stages: Stages) -> None:
    view = stages.client()
    sync, twin = view.modules[0].classes
    assert (sync.name, twin.name) == ("PetsResource", "AsyncPetsResource")
    assert [m.name for m in sync.methods] == [m.name for m in twin.methods]
    listing = {m.name: m for m in sync.methods}, {m.name: m for m in twin.methods}
    assert (listing[0]["list"].define, listing[0]["list"].invoke) == ("def", "self._client._call")
    assert (listing[1]["list"].define, listing[1]["list"].invoke) == (
        "async def",
        "await self._client._call",
    )
    assert [listing[i]["list_all_2"].returns for i in (0, 1)] == [
        "Iterator[Pet]",
        "AsyncIterator[Pet]",
    ]
    assert [c.name for c in view.root.classes] == ["Client", "AsyncClient"]
    assert [(c.attr, c.class_name) for c in view.root.classes[1].children] == [
        ("pets", "AsyncPetsResource")
    ]
    assert view.lazy_imports == "    from .pets import AsyncPetsResource, PetsResource"
