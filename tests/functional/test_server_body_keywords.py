"""An inline request body schema's own keywords are enforced and documented, like a parameter's.

A body typed by a component is validated by the component's model, which carries its
keywords. An inline string, number or array body has no model: its ``maxLength``,
``maximum``, ``maxItems``... are passed to the route's ``Body(...)`` (or, for a body
offered in several media types, to the reader's type), so a body the schema rules out
answers 422 naming ``body`` and ``routes_openapi`` shows the keywords. A JSON string
body is JSON in every route: the implementation gets the string, not its JSON text.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Body keywords, version: "1.0"}
    paths:
      /codes:
        post:
          operationId: postCode
          requestBody:
            required: true
            content:
              application/json:
                schema: {type: string, maxLength: 5, pattern: "^[a-z]+$"}
          responses:
            "204": {description: Stored.}
      /batches:
        post:
          operationId: postBatch
          requestBody:
            required: true
            content:
              application/json:
                schema: {type: array, maxItems: 2, items: {type: integer}}
          responses:
            "204": {description: Stored.}
      /levels:
        post:
          operationId: postLevel
          requestBody:
            content:
              application/json:
                schema: {type: integer, minimum: 1, maximum: 10}
          responses:
            "204": {description: Stored.}
      /notes:
        post:
          operationId: postNote
          requestBody:
            required: true
            content:
              text/plain:
                schema: {type: string, maxLength: 5}
          responses:
            "204": {description: Stored.}
      /words:
        post:
          operationId: postWord
          requestBody:
            required: true
            content:
              application/json:
                schema: {type: string, maxLength: 3}
              text/plain:
                schema: {type: string, minLength: 2}
          responses:
            "204": {description: Stored.}
    """
)


@pytest.fixture(scope="module")
def keywords(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(
        tmp_path_factory.mktemp("body_keywords"), SPEC, "keywords.yaml", "fn_body_keywords"
    )


class _Impl:
    def __init__(self) -> None:
        self.received: list[Any] = []

    def __getattr__(self, name: str) -> Any:
        async def record(*, body: Any, context: Any) -> None:
            self.received.append(body)

        return record


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


TEXT = {"Content-Type": "text/plain"}


@pytest.mark.parametrize(
    ("path", "request_", "error"),
    [
        ("/codes", {"json": "abcdef"}, "string_too_long"),
        ("/codes", {"json": "ABC"}, "string_pattern_mismatch"),
        ("/batches", {"json": [1, 2, 3]}, "too_long"),
        ("/levels", {"json": 11}, "less_than_equal"),
        ("/levels", {"json": 0}, "greater_than_equal"),
        ("/notes", {"content": b"abcdef", "headers": TEXT}, "string_too_long"),
        ("/words", {"json": "abcd"}, "string_too_long"),
        ("/words", {"content": b"a", "headers": TEXT}, "string_too_short"),
    ],
)
def test_a_body_the_inline_schema_rules_out_answers_422(
    keywords: Built, path: str, request_: dict[str, Any], error: str
) -> None:
    status, body, received = _post(keywords, path, **request_)
    assert (status, body["fields"], body["detail"][0]["type"]) == (422, ["body"], error)
    assert received == []


@pytest.mark.parametrize(
    ("path", "request_", "value"),
    [
        ("/codes", {"json": "abc"}, "abc"),
        ("/batches", {"json": [1, 2]}, [1, 2]),
        ("/levels", {"json": 10}, 10),
        ("/levels", {}, None),
        ("/notes", {"content": b"abcde", "headers": TEXT}, "abcde"),
        ("/words", {"json": "abc"}, "abc"),
        ("/words", {"content": b"abcd", "headers": TEXT}, "abcd"),
    ],
)
def test_a_body_within_the_keywords_reaches_the_implementation(
    keywords: Built, path: str, request_: dict[str, Any], value: Any
) -> None:
    assert _post(keywords, path, **request_)[1:] == (None, [value])


def test_the_keywords_are_documented(keywords: Built) -> None:
    paths = keywords.runtime.routes_openapi(keywords.server.create_app())["paths"]

    def schema(path: str, media: str = "application/json") -> dict[str, Any]:
        found: dict[str, Any] = paths[path]["post"]["requestBody"]["content"][media]["schema"]
        return found

    assert (schema("/codes")["maxLength"], schema("/codes")["pattern"]) == (5, "^[a-z]+$")
    assert schema("/batches")["maxItems"] == 2
    level = schema("/levels")["anyOf"][0]  # an optional body: FastAPI adds null
    assert (level["minimum"], level["maximum"]) == (1, 10)
    assert schema("/notes", "text/plain")["maxLength"] == 5
    assert schema("/words")["maxLength"] == 3
    assert schema("/words", "text/plain")["minLength"] == 2
