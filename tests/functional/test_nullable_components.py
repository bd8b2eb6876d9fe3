"""A component that admits null itself (``nullable: true``, or 3.1's ``type: [object, "null"]``).

Every use of such a component admits null: the operation that returns it says ``Pet | None``,
and a null reply reaches the caller as None. Before, only a ``nullable`` written beside the
``$ref`` counted, so the client failed to validate the server's null against ``Pet``.
Checked against the generated server over real uvicorn.
"""

from __future__ import annotations

import textwrap
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Nullables, version: "1.0"}
    paths:
      /pets/{id}:
        get:
          operationId: getPet
          parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
          responses:
            "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}}
      /owners/{id}:
        get:
          operationId: getOwner
          parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
          responses:
            "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Owner"}}}}
    components:
      schemas:
        Pet:
          type: object
          nullable: true
          required: [name]
          properties: {name: {type: string}}
        Owner:
          type: object
          required: [pet]
          properties: {pet: {$ref: "#/components/schemas/Pet"}}
    """
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("nullables"), SPEC, "nullables.yaml", "fn_nullables")


@pytest.fixture(scope="module")
def base_url(built: Built) -> Any:
    models = built.models("server")

    class Pets:
        async def get_pet(self, id: int, *, context: Any) -> Any:
            return None if id == 0 else models.Pet(name="Rex")

    class Owners:
        async def get_owner(self, id: int, *, context: Any) -> Any:
            return models.Owner(pet=None if id == 0 else models.Pet(name="Rex"))

    with serve(built.server.create_app(pets=Pets(), owners=Owners())) as url:
        yield url


def test_the_operation_says_it_may_return_none(built: Built) -> None:
    assert "-> Pet | None:" in built.generated.file("client/client/pets.py")


def test_a_null_reply_is_none(built: Built, base_url: str) -> None:
    assert httpx.get(f"{base_url}/pets/0").text == "null"
    with built.client.Client(base_url=base_url, max_retries=0) as client:
        assert client.pets.get_pet(0) is None
        assert client.pets.get_pet(1).name == "Rex"


def test_a_required_field_of_the_component_takes_null(built: Built, base_url: str) -> None:
    with built.client.Client(base_url=base_url, max_retries=0) as client:
        assert client.owners.get_owner(0).pet is None
        assert client.owners.get_owner(1).pet.name == "Rex"
