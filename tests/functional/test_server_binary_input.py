"""A request that fails validation answers 422 even when its input is bytes that are not UTF-8.

A 422 body echoes each failing field's input; a binary file part (an image) or a
binary body sent to a JSON operation without a Content-Type is such an input. It is echoed as text, with the
bytes that do not decode replaced, instead of failing the error handler (a 500).
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Binary input, version: "1.0"}
    paths:
      /photos:
        post:
          operationId: uploadPhoto
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  required: [title, image]
                  properties:
                    title: {type: string}
                    image: {type: string, format: binary}
          responses:
            "204": {description: Stored.}
      /notes:
        post:
          operationId: createNote
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    text: {type: string}
          responses:
            "204": {description: Stored.}
    """
)
PNG = b"\x89PNG\r\n\x1a\n\xff"


@pytest.fixture(scope="module")
def binary(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("binary_input"), SPEC, "binary.yaml", "fn_binary_input")


class _Impl:
    async def upload_photo(self, *, body: Any, context: Any) -> None:
        raise AssertionError("an invalid request reached the implementation")

    async def create_note(self, *, body: Any, context: Any) -> None:
        raise AssertionError("an invalid request reached the implementation")


def _post(built: Built, path: str, **request: Any) -> Any:
    names = [
        name
        for name in built.server.create_app.__kwdefaults__
        if name not in ("authenticate", "middleware", "validation_error")
    ]
    with server_client(built.server, **{name: _Impl() for name in names}) as http:
        return http.post(path, **request)


def test_a_binary_file_part_is_echoed_in_the_422(binary: Built) -> None:
    response = _post(binary, "/photos", files={"image": ("a.png", PNG)})
    assert response.status_code == 422
    body = response.json()
    assert body["fields"] == ["body.title"]
    assert body["detail"][0]["input"]["image"].startswith("\ufffdPNG")


def test_a_binary_body_sent_to_a_json_operation_is_a_422(binary: Built) -> None:
    response = _post(binary, "/notes", content=PNG)  # no Content-Type: FastAPI reads bytes
    assert response.status_code == 422
    assert response.json()["fields"] == ["body"]
