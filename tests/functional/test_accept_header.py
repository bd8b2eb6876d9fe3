"""The client's ``Accept`` names the JSON media types the operation documents.

A server that negotiates (Django REST framework with a JSON:API renderer, say) answers
406 to ``Accept: application/json`` when it only renders ``application/vnd.api+json``;
APIs such as Vimeo's select behaviour by the vendor type. Plain JSON (with or without a
charset) and a ``*/*`` body with a schema still ask for ``application/json``; a body
that is not JSON leaves httpx's ``*/*``.
"""

from __future__ import annotations

import textwrap

import httpx
import pytest
from apiforge_testkit import Built, build, mock_client


def _get(op_id: str, path: str, content: str) -> str:
    return f"""
      {path}:
        get:
          operationId: {op_id}
          responses:
            "200":
              description: ok
              content: {content}
            "404":
              description: missing
              content: {{application/problem+json: {{schema: {{type: object}}}}}}
    """


SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Accepts, version: "1.0"}
    paths:
    """
) + "".join(
    textwrap.indent(textwrap.dedent(text), "  ")
    for text in (
        _get("vendor", "/vendor", "{application/vnd.api+json: {schema: {type: object}}}"),
        _get("plain", "/plain", "{application/json; charset=utf-8: {schema: {type: object}}}"),
        _get("anything", "/anything", "{'*/*': {schema: {type: object}}}"),
        _get("text", "/text", "{text/csv: {schema: {type: string}}}"),
    )
)


@pytest.fixture(scope="module")
def accepts(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("accepts"), SPEC, "accepts.yaml", "fn_accept_header")


@pytest.mark.parametrize(
    ("resource", "accept"),
    [
        ("vendor", "application/vnd.api+json"),
        ("plain", "application/json"),
        ("anything", "application/json"),
        ("text", "*/*"),
    ],
)
def test_accept_names_the_documented_json_types(accepts: Built, resource: str, accept: str) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={}) if resource != "text" else httpx.Response(200)

    with mock_client(accepts.client, handler) as client:
        getattr(getattr(client, resource), resource)()
    assert sent[0].headers["accept"] == accept
