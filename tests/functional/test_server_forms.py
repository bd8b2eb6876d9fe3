"""A form or multipart/form-data body means what the same body means in JSON.

The server validates the fields into the body model: an omitted optional field reaches
the implementation as None, an empty or out-of-range value the field's type does not
take answers 422 naming the field (it is not taken for "omitted"), and ``app.openapi()``
documents the body with the model's schema: no null for an optional field the spec does
not make nullable, every ``format`` kept.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Forms, version: "1.0"}
    paths:
      /signups:
        post:
          operationId: signUp
          requestBody:
            required: true
            content:
              application/x-www-form-urlencoded:
                schema:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    age: {type: integer, format: int32}
                    born: {type: string, format: date}
                    tags: {type: array, items: {type: string}}
          responses:
            "204": {description: Signed up.}
      /photos:
        post:
          operationId: uploadPhoto
          requestBody:
            content:
              multipart/form-data:
                schema:
                  type: object
                  required: [image]
                  properties:
                    image: {type: string, format: binary}
                    width: {type: integer, format: int64}
                    caption: {type: string}
          responses:
            "204": {description: Stored.}
    """
)


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("forms"), SPEC, "forms.yaml", "fn_forms")


class _Impl:
    def __init__(self) -> None:
        self.received: list[Any] = []

    async def sign_up(self, *, body: Any, context: Any) -> None:
        self.received.append(body)

    async def upload_photo(self, *, body: Any = None, context: Any) -> None:
        self.received.append(body)


def _post(built: Built, path: str, **request: Any) -> tuple[int, Any, list[Any]]:
    impl = _Impl()
    names = [
        name
        for name in built.server.create_app.__kwdefaults__
        if name not in ("authenticate", "middleware", "validation_error")
    ]
    with server_client(built.server, **{name: impl for name in names}) as http:
        response = http.post(path, **request)
    return response.status_code, response.json() if response.content else None, impl.received


def test_omitted_optional_fields_reach_the_implementation_as_none(forms: Built) -> None:
    status, _, received = _post(forms, "/signups", data={"name": "ann"})
    assert status == 204
    assert (received[0].name, received[0].age, received[0].born, received[0].tags) == (
        "ann",
        None,
        None,
        None,
    )
    status, _, received = _post(
        forms, "/signups", data={"name": "ann", "age": "41", "born": "1985-02-03", "tags": "a"}
    )
    assert status == 204
    assert (received[0].age, str(received[0].born), received[0].tags) == (41, "1985-02-03", ["a"])


def test_an_empty_value_is_not_taken_for_an_omitted_field(forms: Built) -> None:
    for field in ("age", "born"):
        status, body, received = _post(forms, "/signups", data={"name": "ann", field: ""})
        assert status == 422 and body["fields"] == [f"body.{field}"] and received == []
    status, _, received = _post(forms, "/signups", data={"name": ""})  # empty text is a string
    assert status == 204 and received[0].name == ""


def test_formats_are_enforced_in_form_fields(forms: Built) -> None:
    status, body, _ = _post(forms, "/signups", data={"name": "ann", "age": str(2**31)})
    assert status == 422 and body["fields"] == ["body.age"]
    status, body, _ = _post(
        forms, "/photos", files={"image": ("a.png", b"\x89PNG"), "width": (None, str(2**63))}
    )
    assert status == 422 and body["fields"] == ["body.width"]


def test_multipart_files_and_fields(forms: Built) -> None:
    status, _, received = _post(
        forms, "/photos", files={"image": ("a.png", b"\x89PNG"), "width": (None, "640")}
    )
    assert status == 204 and (received[0].image, received[0].width, received[0].caption) == (
        b"\x89PNG",
        640,
        None,
    )
    status, body, _ = _post(forms, "/photos", files={"caption": (None, "no image")})
    assert status == 422 and body["fields"] == ["body.image"]
    status, _, received = _post(forms, "/photos")  # the body is optional
    assert status == 204 and received == [None]


def test_form_bodies_are_documented_without_null_and_with_their_formats(forms: Built) -> None:
    paths = forms.runtime.routes_openapi(forms.server.create_app())["paths"]
    signup = paths["/signups"]["post"]["requestBody"]
    assert signup["required"] is True and list(signup["content"]) == [
        "application/x-www-form-urlencoded"
    ]
    schema = signup["content"]["application/x-www-form-urlencoded"]["schema"]
    assert schema["required"] == ["name"]
    properties = schema["properties"]
    for name, prop in properties.items():
        assert "anyOf" not in prop and "nullable" not in prop and "default" not in prop, (
            name,
            prop,
        )
    assert (properties["age"]["type"], properties["age"]["format"]) == ("integer", "int32")
    assert (properties["born"]["type"], properties["born"]["format"]) == ("string", "date")
    assert properties["tags"]["type"] == "array"
    photo = paths["/photos"]["post"]["requestBody"]
    assert photo["required"] is False and list(photo["content"]) == ["multipart/form-data"]
    photo_properties = photo["content"]["multipart/form-data"]["schema"]["properties"]
    assert (photo_properties["image"]["type"], photo_properties["image"]["format"]) == (
        "string",
        "binary",
    )
    assert (
        photo_properties["width"]["format"] == "int64" and "anyOf" not in photo_properties["width"]
    )
