"""urlencoded form bodies with nested objects and arrays, encoded per the Encoding Object.

``metadata`` (``deepObject``) travels as ``metadata[key]=v``, ``expand`` (``deepObject``
array) as ``expand[]=a``, ``tags`` (``pipeDelimited``, not exploded) as ``tags=a|b``,
``ids`` (no encoding: ``form``, exploded) as ``ids=1&ids=2``, and ``items`` (an array of
objects without an Encoding Object) as ``items[0][price]=3``. The client encodes a model
that way, the server decodes the body into the same model, and a round trip over real
uvicorn preserves every value. No ``server-raw-body`` any more.
"""

from __future__ import annotations

import textwrap
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from apiforge_testkit import Built, build, mock_client, server_client
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Forms, version: "1.0"}
    paths:
      /charges:
        post:
          operationId: createCharge
          requestBody:
            required: true
            content:
              application/x-www-form-urlencoded:
                schema: {$ref: '#/components/schemas/ChargeForm'}
                encoding:
                  metadata: {style: deepObject, explode: true}
                  expand: {style: deepObject, explode: true}
                  shipping: {style: deepObject, explode: true}
                  tags: {style: pipeDelimited}
          responses:
            "200":
              description: The charge as received.
              content: {application/json: {schema: {$ref: '#/components/schemas/ChargeForm'}}}
    components:
      schemas:
        Item:
          type: object
          required: [price]
          properties: {price: {type: integer}, name: {type: string}}
        ChargeForm:
          type: object
          required: [amount]
          properties:
            amount: {type: integer}
            metadata: {type: object, additionalProperties: {type: string}}
            expand: {type: array, items: {type: string}}
            tags: {type: array, items: {type: string}}
            ids: {type: array, items: {type: integer}}
            shipping:
              type: object
              properties:
                name: {type: string}
                address:
                  type: object
                  properties: {city: {type: string}, lines: {type: array, items: {type: string}}}
            items: {type: array, items: {$ref: '#/components/schemas/Item'}}
    """
)

FORM: dict[str, Any] = {
    "amount": 500,
    "metadata": {"order": "42", "note": "a b&c=d"},
    "expand": ["customer", "invoice"],
    "tags": ["x", "y"],
    "ids": [1, 2],
    "shipping": {"name": "Ada", "address": {"city": "Paris", "lines": ["1 rue", "2e"]}},
    "items": [{"price": 3, "name": "pen"}, {"price": 4}],
}


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("forms"), SPEC, "forms.yaml", "fn_nested_forms")


def test_no_raw_body_warning(forms: Built) -> None:
    assert forms.generated.codes() == []


def test_the_client_encodes_as_the_encoding_object_says(forms: Built) -> None:
    sent: list[list[tuple[str, str]]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(parse_qsl(request.content.decode("ascii"), keep_blank_values=True))
        return httpx.Response(200, json=FORM)

    with mock_client(forms.client, handler) as client:
        client.charges.create_charge(forms.models().ChargeForm.model_validate(FORM))
    assert sent == [
        [
            ("amount", "500"),
            ("metadata[order]", "42"),
            ("metadata[note]", "a b&c=d"),
            ("expand[]", "customer"),
            ("expand[]", "invoice"),
            ("tags", "x|y"),
            ("ids", "1"),
            ("ids", "2"),
            ("shipping[name]", "Ada"),
            ("shipping[address][city]", "Paris"),
            ("shipping[address][lines][]", "1 rue"),
            ("shipping[address][lines][]", "2e"),
            ("items[0][price]", "3"),
            ("items[0][name]", "pen"),
            ("items[1][price]", "4"),
        ]
    ]


class Charges:
    def __init__(self) -> None:
        self.bodies: list[Any] = []

    async def create_charge(self, *, body: Any, context: Any) -> Any:
        self.bodies.append(body)
        return body


def test_the_server_decodes_into_the_body_model(forms: Built) -> None:
    charges = Charges()
    body = "amount=7&metadata%5Bk%5D=v&expand%5B%5D=a&tags=p%7Cq&ids=3&items%5B0%5D%5Bprice%5D=9"
    with server_client(forms.server, charges=charges) as http:
        response = http.post(
            "/charges", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert response.status_code == 200, response.text
        bad = http.post(
            "/charges",
            content="amount=7&items%5B0%5D%5Bprice%5D=x",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == [
            "body",
            "items",
            0,
            "price",
        ]
    received = charges.bodies[0]
    assert (received.amount, received.metadata, received.expand, received.tags, received.ids) == (
        7,
        {"k": "v"},
        ["a"],
        ["p", "q"],
        [3],
    )
    assert received.items[0].price == 9


def test_a_round_trip_over_uvicorn_preserves_every_value(forms: Built) -> None:
    charges = Charges()
    model = forms.models().ChargeForm.model_validate(FORM)
    with (
        serve(forms.server.create_app(charges=charges)) as base_url,
        forms.client.Client(base_url=base_url, max_retries=0) as client,
    ):
        echoed = client.charges.create_charge(model)
    assert charges.bodies[0].model_dump(exclude_none=True) == FORM
    assert echoed.model_dump(exclude_none=True) == FORM
