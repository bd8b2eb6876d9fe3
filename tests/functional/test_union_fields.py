"""A property typed with a union component holds the member itself: no ``.root`` (issue 16.12).

``Owner.pet`` refers to ``Pet`` (a discriminated oneOf of ``Cat`` and ``Dog``) and
``Owner.pets`` to a list of them: both hold ``Cat``/``Dog`` instances. ``Pet`` stays a
RootModel for the bodies typed with it directly. A union whose members are not all objects
(``Id``: a string or an integer) keeps its RootModel as a field's type.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from apiforge_testkit import Built, build, mock_client, mypy, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Unions, version: "1.0"}
    paths:
      /owners:
        post:
          operationId: owners_create
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: '#/components/schemas/Owner'}}}
          responses:
            "200":
              description: ok
              content: {application/json: {schema: {$ref: '#/components/schemas/Owner'}}}
      /pets:
        post:
          operationId: pets_create
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
          responses: {"204": {description: ok}}
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
        Id:
          oneOf: [{type: string}, {type: integer}]
        Owner:
          type: object
          required: [pet]
          properties:
            pet: {$ref: '#/components/schemas/Pet'}
            pets: {type: array, items: {$ref: '#/components/schemas/Pet'}}
            favourite: {$ref: '#/components/schemas/Pet'}
            id: {$ref: '#/components/schemas/Id'}
    """
)
OWNER = {
    "pet": {"kind": "cat", "name": "Tom"},
    "pets": [{"kind": "dog", "bark": "woof"}, {"kind": "cat", "name": "Kit"}],
    "id": 7,
}


@pytest.fixture(scope="module")
def unions(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("unions"), SPEC, "unions.yaml", "fn_unions")


@pytest.mark.parametrize("kind", ["client", "server"])
def test_a_field_typed_with_a_union_holds_the_member(unions: Built, kind: str) -> None:
    models = unions.models(kind)
    owner = models.Owner.model_validate(OWNER)
    assert type(owner.pet) is models.Cat and owner.pet.name == "Tom"
    assert [type(p).__name__ for p in owner.pets] == ["Dog", "Cat"]
    assert owner.favourite is None
    assert type(owner.id) is models.Id and owner.id.root == 7  # not all members are objects
    assert owner.model_dump(mode="json", exclude_none=True) == OWNER
    assert type(models.Pet.model_validate({"kind": "dog", "bark": "b"}).root) is models.Dog


def test_the_server_rejects_an_unknown_tag_and_passes_the_member(unions: Built) -> None:
    received: list[Any] = []

    class Owners:
        async def create(self, *, body: Any, context: Any) -> Any:
            received.append(body)
            return body

    with server_client(unions.server, owners=Owners()) as http:
        assert http.post("/owners", json=OWNER).json() == OWNER
        wrong = http.post("/owners", json={"pet": {"kind": "bird"}})
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["ctx"]["expected_tags"] == "'cat', 'dog'"
    assert received[0].pet.name == "Tom"


def test_the_client_returns_the_members(unions: Built) -> None:
    import httpx

    with mock_client(unions.client, lambda request: httpx.Response(200, json=OWNER)) as client:
        owner = client.owners.create(unions.models().Owner.model_validate(OWNER))
    assert owner.pet.name == "Tom" and owner.pets[0].bark == "woof"


def test_the_packages_pass_mypy_strict(unions: Built, tmp_path: Path) -> None:
    checked = mypy([unions.generated], tmp_path / ".mypy_cache")
    assert checked.returncode == 0, checked.stdout + checked.stderr
