"""A spec that documents its own 422 body: ``create_app(validation_error=...)`` makes the
server's validation failures answer with it instead of the runtime's body."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Problems, version: "1.0"}
    paths:
      /orders:
        post:
          operationId: placeOrder
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [count]
                  properties:
                    count: {type: integer, minimum: 1}
          responses:
            "204": {description: Placed.}
            "422":
              description: The order is invalid.
              content:
                application/json: {schema: {$ref: "#/components/schemas/Problem"}}
    components:
      schemas:
        Problem:
          type: object
          required: [title, invalid]
          properties:
            title: {type: string}
            invalid: {type: array, items: {type: string}}
    """
)


@pytest.fixture(scope="module")
def problems(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("problems"), SPEC, "problems.yaml", "fn_problems")


class _Orders:
    async def place_order(self, *, body: Any, context: Any) -> None:
        return None


def test_without_a_hook_the_runtime_body_answers(problems: Built) -> None:
    with server_client(problems.server, orders=_Orders()) as http:
        response = http.post("/orders", json={"count": 0})
    assert response.status_code == 422
    assert response.json()["fields"] == ["body.count"]


def test_the_hook_answers_with_the_422_body_the_spec_documents(problems: Built) -> None:
    problem = problems.models("server").Problem
    seen: list[Any] = []

    def build(error: Any) -> Any:
        seen.append(error)
        return problem(title="Invalid order", invalid=error.fields)

    with server_client(problems.server, orders=_Orders(), validation_error=build) as http:
        response = http.post("/orders", json={"count": 0})
        fine = http.post("/orders", json={"count": 2})
        document = http.get("/openapi.json").json()
    assert response.status_code == 422 and response.headers["content-type"] == "application/json"
    assert response.json() == {"title": "Invalid order", "invalid": ["body.count"]}
    assert problem.model_validate(response.json())  # what the spec documents for 422
    assert seen[0].operation_id == "placeOrder" and seen[0].detail[0].type == "greater_than_equal"
    assert fine.status_code == 204
    documented = document["paths"]["/orders"]["post"]["responses"]["422"]["content"][
        "application/json"
    ]["schema"]
    assert documented["$ref"].endswith("/Problem")


def test_the_hook_may_answer_with_a_response_of_its_own(problems: Built) -> None:
    from starlette.responses import Response

    def build(error: Any) -> Response:
        return Response(b"bad: " + ",".join(error.fields).encode(), 400, media_type="text/plain")

    with server_client(problems.server, orders=_Orders(), validation_error=build) as http:
        response = http.post("/orders", content=b"{", headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.text.startswith("bad: body")
