"""An allOf with a member closed by ``additionalProperties: false`` admits only what that member lists.

DMCG merges the members into one model that would accept every member's properties; the
spec rejects a property the closed member does not list (it can never be present), so the
models leave it out with a warning and the server answers 422 when it is sent.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Closed, version: "1.0"}
    paths:
      /notes:
        post:
          operationId: createNote
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Extended'}
          responses:
            "204": {description: Created.}
    components:
      schemas:
        Note:
          type: object
          additionalProperties: false
          required: [text]
          properties:
            text: {type: string}
            tag: {type: string}
        Alias:
          allOf: [{$ref: '#/components/schemas/Note'}]
        Extended:
          allOf:
            - {$ref: '#/components/schemas/Alias'}
            - type: object
              properties:
                tag: {type: string, maxLength: 3}
                extra: {type: string}
    """
)


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("closed"), SPEC, "closed.yaml", "fn_closed_all_of")


def _post(built: Built, body: dict[str, Any]) -> tuple[int, list[Any]]:
    received: list[Any] = []

    class Impl:
        async def create_note(self, *, body: Any, context: Any) -> None:
            received.append(body)

    with server_client(built.server, notes=Impl()) as http:
        return http.post("/notes", json=body).status_code, received


def test_a_property_the_closed_member_does_not_list_is_rejected(closed: Built) -> None:
    assert _post(closed, {"text": "hi", "extra": "x"}) == (422, [])
    status, received = _post(closed, {"text": "hi", "tag": "abc"})
    assert status == 204 and (received[0].text, received[0].tag) == ("hi", "abc")


def test_the_other_members_constraints_on_listed_properties_still_apply(closed: Built) -> None:
    assert _post(closed, {"text": "hi", "tag": "abcd"})[0] == 422


def test_the_left_out_property_is_a_warning(closed: Built) -> None:
    assert closed.generated.codes() == ["property-never-allowed"]
