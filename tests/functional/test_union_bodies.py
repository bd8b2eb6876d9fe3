"""A body typed with a union of models is the member itself: no ``.root`` (issue 16.12).

``Pet`` (a discriminated oneOf of ``Cat`` and ``Dog``) and ``Shape`` (a oneOf without a
discriminator) are request and response bodies. The client returns, and accepts, ``Cat``
or ``Dog`` (validated through the ``Pet`` RootModel, so a wrong tag still fails); the
server validates the request with ``Pet`` (422 as before) and hands the implementation
the member, which it returns as is. An error body typed with a union is unwrapped too,
and so is each item of a list or dict body of such unions (``list[Cat | Dog]``).
``Id`` (a string or an integer: not all members are objects) and a nullable union keep
their RootModel. ``Pet`` stays exported for users who want it.
"""

from __future__ import annotations

import asyncio
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest
from apiforge_testkit import BIN, Built, build, mock_client, server_client
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Union bodies, version: "1.0"}
    paths:
      /pets:
        post:
          operationId: pets_create
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
          responses:
            "201":
              description: created
              content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
            "202":
              description: queued
              content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
            "409":
              description: conflict
              content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}
        put:
          operationId: pets_replace
          requestBody:
            content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
          responses:
            "200":
              description: ok
              content: {application/json: {schema: {$ref: '#/components/schemas/Shape'}}}
      /ids:
        get:
          operationId: ids_get
          responses:
            "200":
              description: ok
              content: {application/json: {schema: {$ref: '#/components/schemas/Id'}}}
      /herd:
        post:
          operationId: herd_create
          requestBody:
            required: true
            content:
              application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}}
          responses:
            "200":
              description: by name
              content:
                application/json:
                  schema: {type: object, additionalProperties: {$ref: '#/components/schemas/Pet'}}
        put:
          operationId: herd_replace
          requestBody:
            content:
              application/json:
                schema: {type: object, additionalProperties: {$ref: '#/components/schemas/Pet'}}
          responses:
            "200":
              description: in order
              content:
                application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}}
      /maybe:
        get:
          operationId: maybe_get
          responses:
            "200":
              description: ok
              content: {application/json: {schema: {$ref: '#/components/schemas/MaybePet'}}}
    components:
      schemas:
        Cat:
          type: object
          required: [kind, name]
          properties: {kind: {type: string}, name: {type: string}}
        Dog:
          type: object
          required: [kind, bark]
          properties: {kind: {type: string}, bark: {type: string}}
        Pet:
          oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
          discriminator:
            propertyName: kind
            mapping: {cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog'}
        Circle:
          type: object
          required: [radius]
          properties: {radius: {type: number}}
          additionalProperties: false
        Square:
          type: object
          required: [side]
          properties: {side: {type: number}}
          additionalProperties: false
        Shape:
          oneOf: [{$ref: '#/components/schemas/Circle'}, {$ref: '#/components/schemas/Square'}]
        NotFound:
          type: object
          required: [missing]
          properties: {missing: {type: string}}
        Taken:
          type: object
          required: [owner]
          properties: {owner: {type: string}}
        Problem:
          anyOf: [{$ref: '#/components/schemas/NotFound'}, {$ref: '#/components/schemas/Taken'}]
        Id:
          oneOf: [{type: string}, {type: integer}]
        MaybePet:
          oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}, {type: 'null'}]
    """
)
CAT = {"kind": "cat", "name": "Tom"}
DOG = {"kind": "dog", "bark": "woof"}


@pytest.fixture(scope="module")
def unions(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(
        tmp_path_factory.mktemp("union_bodies"), SPEC, "union_bodies.yaml", "fn_union_bodies"
    )


class Pets:
    """Records what the server hands over and answers with the member it got."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self.bodies: list[Any] = []

    async def create(self, *, body: Any, context: Any) -> Any:
        self.bodies.append(body)
        if getattr(body, "name", "") == "queued":
            return self.runtime.Accepted(body)
        return self.runtime.Created(body)

    async def replace(self, *, body: Any, context: Any) -> Any:
        self.bodies.append(body)
        return {"side": 2.0} if body is None else {"radius": 1.5}


def test_the_sync_client_sends_and_returns_the_member_over_uvicorn(unions: Built) -> None:
    models = unions.models()
    pets = Pets(unions.runtime)
    with (
        serve(unions.server.create_app(pets=pets)) as base_url,
        unions.client.Client(base_url=base_url, max_retries=0) as client,
    ):
        created = client.pets.create(models.Cat(kind="cat", name="Tom"))
        queued = client.pets.create({"kind": "cat", "name": "queued"})
        wrapped = client.pets.create(models.Pet.model_validate(DOG))  # the RootModel still goes
        shape = client.pets.replace(body=models.Dog(kind="dog", bark="b"))
        no_body = client.pets.replace()
    assert type(created) is models.Cat and created.name == "Tom"
    assert type(queued) is models.Cat and queued.name == "queued"
    assert type(wrapped) is models.Dog and wrapped.bark == "woof"
    assert type(shape) is models.Circle and shape.radius == 1.5
    assert type(no_body) is models.Square
    server_models = unions.models("server")
    assert [type(b) for b in pets.bodies] == [
        server_models.Cat,
        server_models.Cat,
        server_models.Dog,
        server_models.Dog,
        type(None),
    ]


class Herd:
    """Hands back the members it got, keyed by kind or in order."""

    def __init__(self) -> None:
        self.bodies: list[Any] = []

    async def create(self, *, body: Any, context: Any) -> Any:
        self.bodies.append(body)
        return {f"{pet.kind}{n}": pet for n, pet in enumerate(body)}

    async def replace(self, *, body: Any, context: Any) -> Any:
        self.bodies.append(body)
        return [] if body is None else list(body.values())


def test_lists_and_dicts_of_union_bodies_are_their_members_over_uvicorn(unions: Built) -> None:
    """``list[Pet]`` and ``dict[str, Pet]`` bodies hold ``Cat``/``Dog`` items: no ``.root`` each."""
    models, server_models = unions.models(), unions.models("server")
    herd = Herd()
    with (
        serve(unions.server.create_app(herd=herd)) as base_url,
        unions.client.Client(base_url=base_url, max_retries=0) as client,
    ):
        by_kind = client.herd.create([models.Cat(**CAT), models.Pet.model_validate(DOG)])
        in_order = client.herd.replace(body={"a": models.Dog(**DOG), "b": models.Cat(**CAT)})
        empty = client.herd.replace()
    assert {k: type(v) for k, v in by_kind.items()} == {"cat0": models.Cat, "dog1": models.Dog}
    assert by_kind["cat0"].name == "Tom" and by_kind["dog1"].bark == "woof"
    assert [type(p) for p in in_order] == [models.Dog, models.Cat] and empty == []
    created, replaced, missing = herd.bodies
    assert [type(p) for p in created] == [server_models.Cat, server_models.Dog]
    assert {k: type(v) for k, v in replaced.items()} == {
        "a": server_models.Dog,
        "b": server_models.Cat,
    }
    assert missing is None


def test_an_item_of_a_list_body_is_still_validated_by_the_root_model(unions: Built) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[CAT, {"kind": "bird"}])

    with (
        mock_client(unions.client, answer) as client,
        pytest.raises(unions.client.ResponseValidationError, match="bird"),
    ):
        client.herd.replace()
    with server_client(unions.server, herd=Herd()) as http:
        wrong = http.post("/herd", json=[CAT, {"kind": "bird"}])
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["ctx"]["expected_tags"] == "'cat', 'dog'"


def test_the_async_client_returns_the_member_over_uvicorn(unions: Built) -> None:
    models = unions.models()

    async def run(base_url: str) -> tuple[Any, Any]:
        async with unions.client.AsyncClient(base_url=base_url, max_retries=0) as client:
            return await client.pets.create(DOG), await client.pets.replace(body=CAT)

    with serve(unions.server.create_app(pets=Pets(unions.runtime))) as base_url:
        created, shape = asyncio.run(run(base_url))
    assert type(created) is models.Dog and created.bark == "woof"
    assert type(shape) is models.Circle


def test_the_client_still_validates_through_the_root_model(unions: Built) -> None:
    models = unions.models()
    errors = unions.client  # the package exports its exceptions

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            return httpx.Response(200, json={"radius": 1, "side": 2})  # neither member only
        if b"taken" in request.content:
            return httpx.Response(409, json={"owner": "Ann"})
        return httpx.Response(201, json={"kind": "bird", "name": "x"})

    with mock_client(unions.client, answer) as client:
        with pytest.raises(errors.ResponseValidationError, match="bird"):
            client.pets.create(CAT)
        with pytest.raises(errors.ResponseValidationError):
            client.pets.replace(body=CAT)
        with pytest.raises(errors.APIStatusError) as conflict:
            client.pets.create({"kind": "cat", "name": "taken"})
    assert type(conflict.value.parsed) is models.Taken and conflict.value.parsed.owner == "Ann"


def test_unions_with_scalars_or_null_keep_their_root_model(unions: Built) -> None:
    models = unions.models()

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=7 if request.url.path == "/ids" else CAT)

    with mock_client(unions.client, answer) as client:
        ident = client.ids.get()
        maybe = client.maybe.get()
    assert type(ident) is models.Id and ident.root == 7
    assert type(maybe) is models.MaybePet and type(maybe.root) is models.Cat


def test_the_server_validates_with_the_root_model_and_answers_the_member(unions: Built) -> None:
    pets = Pets(unions.runtime)
    with server_client(unions.server, pets=pets) as http:
        created = http.post("/pets", json=CAT)
        queued = http.post("/pets", json={"kind": "cat", "name": "queued"})
        wrong = http.post("/pets", json={"kind": "bird"})
        missing = http.post("/pets", json={"kind": "dog"})
    assert (created.status_code, created.json()) == (201, CAT)
    assert queued.status_code == 202
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["ctx"]["expected_tags"] == "'cat', 'dog'"
    assert missing.status_code == 422 and missing.json()["fields"] == ["body.dog.bark"]
    assert [type(b).__name__ for b in pets.bodies] == ["Cat", "Cat"]
    assert "Pet" in unions.models("server").__all__ and "Pet" in unions.models().__all__


USER_CODE = """
from typing import assert_type

from fn_union_bodies_client import AsyncClient, Client
from fn_union_bodies_client.models import Cat, Circle, Dog, Id, Pet, Square
from fn_union_bodies_server import runtime as rt
from fn_union_bodies_server.interfaces import HerdBase, PetsApi, PetsBase
from fn_union_bodies_server.models import Cat as ServerCat, Dog as ServerDog


def sync(client: Client) -> None:
    pet = client.pets.create(Cat(kind="cat", name="Tom"))
    assert_type(pet, Cat | Dog)
    if isinstance(pet, Cat):
        print(pet.name)
    client.pets.create(Pet.model_validate({"kind": "dog", "bark": "b"}))
    assert_type(client.pets.replace(), Circle | Square)
    assert_type(client.ids.get(), Id)


async def run(client: AsyncClient) -> None:
    assert_type(await client.pets.create({"kind": "dog", "bark": "b"}), Cat | Dog)


def herd(client: Client) -> None:
    by_kind = client.herd.create([Cat(kind="cat", name="Tom"), Pet.model_validate({"kind": "dog"})])
    assert_type(by_kind, dict[str, Cat | Dog])
    assert_type(client.herd.replace(body={"a": Dog(kind="dog", bark="b")}), list[Cat | Dog])


class Herd(HerdBase):
    async def create(
        self, *, body: list[ServerCat | ServerDog], context: rt.RequestContext
    ) -> dict[str, ServerCat | ServerDog]:
        return {str(n): pet for n, pet in enumerate(body)}


class Pets(PetsBase):
    async def create(
        self, *, body: ServerCat | ServerDog, context: rt.RequestContext
    ) -> rt.Created[ServerCat | ServerDog] | rt.Accepted[ServerCat | ServerDog]:
        return rt.Created(body)


implementation: PetsApi = Pets()
herd_implementation = Herd()
"""


def test_user_code_types_the_member_with_mypy_strict(unions: Built, tmp_path: Path) -> None:
    user = tmp_path / "user_code.py"
    user.write_text(USER_CODE, encoding="utf-8")
    projects = unions.generated.projects
    result = subprocess.run(
        [str(BIN / "mypy"), "--strict", "--cache-dir", str(tmp_path / ".mypy_cache"), str(user)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"MYPYPATH": ":".join(str(p) for p in projects), "PATH": str(BIN)},
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
