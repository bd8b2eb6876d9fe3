"""oneOf of open objects that overlap (no required property, no discriminator).

Every object matches both members, so the server (which takes a value any member accepts)
cannot tell which member a body meant. Generation warns (``one-of-overlap``) at the oneOf's
pointer; ``x-apiforge-one-of: any`` on the schema says any member will do (it is read as
anyOf) and silences it.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Overlap, version: "1.0"}
    paths:
      /strict:
        post:
          operationId: strict
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: '#/components/schemas/Strict'}}}
          responses: {"204": {description: ok}}
      /relaxed:
        post:
          operationId: relaxed
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: '#/components/schemas/Relaxed'}}}
          responses: {"204": {description: ok}}
    components:
      schemas:
        Card: {type: object, properties: {number: {type: string}}}
        Bank: {type: object, properties: {iban: {type: string}}}
        Strict:
          type: object
          properties:
            source:
              oneOf: [{$ref: '#/components/schemas/Card'}, {$ref: '#/components/schemas/Bank'}]
        Relaxed:
          type: object
          properties:
            source:
              x-apiforge-one-of: any
              oneOf: [{$ref: '#/components/schemas/Card'}, {$ref: '#/components/schemas/Bank'}]
    """
)


@pytest.fixture(scope="module")
def overlap(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("overlap"), SPEC, "overlap.yaml", "fn_one_of_overlap")


def test_the_overlapping_one_of_is_a_located_warning(overlap: Built) -> None:
    found = [(d.code, d.location.pointer, d.location.line) for d in overlap.generated.diagnostics]
    assert found == [("one-of-overlap", "/components/schemas/Strict/properties/source/oneOf", 27)]
    assert "x-apiforge-one-of: any" in overlap.generated.diagnostics[0].message


class Impl:
    def __init__(self) -> None:
        self.bodies: list[Any] = []

    async def strict(self, *, body: Any, context: Any) -> None:
        self.bodies.append(body)

    async def relaxed(self, *, body: Any, context: Any) -> None:
        self.bodies.append(body)


def test_both_accept_an_object_both_members_match(overlap: Built) -> None:
    impl = Impl()
    with server_client(overlap.server, strict=impl, relaxed=impl) as http:
        assert http.post("/strict", json={"source": {"number": "4242"}}).status_code == 204
        assert http.post("/relaxed", json={"source": {"number": "4242"}}).status_code == 204
        assert http.post("/strict", json={"source": 4242}).status_code == 422  # no member
    assert [b.source.number for b in impl.bodies] == ["4242", "4242"]
