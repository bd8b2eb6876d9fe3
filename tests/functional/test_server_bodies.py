"""A request body offered in several media types is read in whichever one the request sends.

The route dispatches on Content-Type: JSON and form/multipart bodies are validated into
the schema's model, text arrives as ``str``, other media types as raw ``bytes``; a media
type the spec does not list answers 415, an invalid body 422 naming the field, and
``app.openapi()`` documents every media type.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Bodies, version: "1.0"}
    paths:
      /notes:
        post:
          operationId: createNote
          requestBody:
            required: true
            content:
              application/json: {schema: {$ref: "#/components/schemas/Note"}}
              application/x-www-form-urlencoded: {schema: {$ref: "#/components/schemas/Note"}}
              multipart/form-data: {schema: {$ref: "#/components/schemas/Note"}}
              text/plain: {schema: {type: string}}
              application/xml: {schema: {$ref: "#/components/schemas/Note"}}
          responses:
            "204": {description: Stored.}
      /profiles:
        post:
          operationId: createProfile
          requestBody:
            content:
              multipart/form-data:
                schema:
                  type: object
                  properties:
                    name: {type: string}
                    address:
                      type: object
                      required: [city]
                      properties:
                        city: {type: string}
          responses:
            "204": {description: Stored.}
    components:
      schemas:
        Note:
          type: object
          required: [title]
          properties:
            title: {type: string, maxLength: 10}
            tags: {type: array, items: {type: string}}
    """
)


@pytest.fixture(scope="module")
def bodies(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("bodies"), SPEC, "bodies.yaml", "fn_bodies")


def _post(built: Built, **request: Any) -> tuple[int, Any, list[Any]]:
    received: list[Any] = []

    class Notes:
        async def create_note(self, *, body: Any, context: Any) -> None:
            received.append(body)

        async def create_profile(self, *, body: Any, context: Any) -> None:
            received.append(body)

    path = request.pop("path", "/notes")
    implementations = {
        name: Notes()
        for name in built.server.create_app.__kwdefaults__
        if name not in ("authenticate", "middleware", "validation_error")
    }
    with server_client(built.server, **implementations) as http:
        response = http.post(path, **request)
    return response.status_code, response.json() if response.content else None, received


def test_each_media_type_is_decoded_into_its_type(bodies: Built) -> None:
    note = bodies.models("server").Note
    status, _, received = _post(bodies, json={"title": "json", "tags": ["a"]})
    assert status == 204 and received == [note(title="json", tags=["a"])]
    assert _post(bodies, data={"title": "form", "tags": "a"})[2] == [note(title="form", tags=["a"])]
    multipart = _post(
        bodies, data={"title": "multi", "tags": ["a", "b"]}, files={"x": ("x.txt", b"ignored")}
    )
    assert (
        multipart[0] == 204
        and multipart[2][0].title == "multi"
        and multipart[2][0].tags == ["a", "b"]
    )
    assert _post(bodies, content=b"plain words", headers={"Content-Type": "text/plain"})[2] == [
        "plain words"
    ]
    xml = b"<note><title>x</title></note>"
    assert _post(bodies, content=xml, headers={"Content-Type": "application/xml"})[2] == [xml]


def test_unlisted_media_types_invalid_and_missing_bodies_are_refused(bodies: Built) -> None:
    status, body, received = _post(
        bodies, content=b"{}", headers={"Content-Type": "application/yaml"}
    )
    assert status == 415 and "application/yaml" in body["detail"] and received == []
    status, body, _ = _post(bodies, json={"title": "far too long a title"})
    assert status == 422 and body["fields"] == ["body.title"]
    status, body, _ = _post(bodies, data={"tags": "a"})
    assert status == 422 and body["fields"] == ["body.title"]
    status, body, _ = _post(bodies, headers={"Content-Type": "application/json"})
    assert status == 422 and body["fields"] == ["body"]


def test_every_media_type_is_documented(bodies: Built) -> None:
    request_body = bodies.runtime.routes_openapi(bodies.server.create_app())["paths"]["/notes"][
        "post"
    ]["requestBody"]
    content = request_body["content"]
    assert request_body["required"] is True
    assert list(content) == [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "text/plain",
        "application/xml",
    ]
    assert content["application/json"]["schema"]["properties"]["title"]["maxLength"] == 10
    assert content["text/plain"]["schema"] == {"type": "string"}
    assert content["application/xml"]["schema"] == {
        "type": "string",
        "format": "binary",
    }  # passed on raw


def test_an_object_part_of_a_multipart_body_is_json(bodies: Built) -> None:
    parts = {"name": (None, "ann"), "address": (None, '{"city": "Oslo"}', "application/json")}
    status, _, received = _post(bodies, path="/profiles", files=parts)
    assert status == 204 and received[0].name == "ann" and received[0].address.city == "Oslo"
    status, body, _ = _post(bodies, path="/profiles", files={"address": (None, '{"town": "Oslo"}')})
    assert status == 422 and body["fields"] == ["body.address.city"]
