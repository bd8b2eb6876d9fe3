"""Empty matrix values and header text a header cannot carry, from the generated client.

An empty matrix value goes as ``;id`` (OpenAPI's style table), which the generated
server, over real uvicorn, reads back as the empty value; a header parameter holding a
non-ASCII character fails with an error naming it, before anything is sent.
"""

from __future__ import annotations

import textwrap
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build, mock_client
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Edges, version: "1.0"}
    paths:
      /notes/{id}/tags{tags}:
        get:
          operationId: getNote
          parameters:
            - {name: id, in: path, required: true, style: matrix, schema: {type: string}}
            - name: tags
              in: path
              required: true
              style: matrix
              explode: true
              schema: {type: array, items: {type: string}}
            - {name: X-Author, in: header, schema: {type: string}}
          responses:
            "200":
              description: The values received.
              content: {application/json: {schema: {type: object}}}
    """
)


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("edges"), SPEC, "edges.yaml", "fn_empty_matrix")


def test_empty_matrix_values_are_named_without_a_value(edges: Built) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    with mock_client(edges.client, handler) as client:
        client.notes.get_note("", ["a", ""])
    assert sent[0].url.raw_path == b"/notes/;id/tags;tags=a;tags"


def test_a_non_ascii_header_value_fails_before_sending(edges: Built) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    with (
        mock_client(edges.client, handler) as client,
        pytest.raises(ValueError, match="header parameter 'X-Author' contains 'é'"),
    ):
        client.notes.get_note("n", ["a"], x_author="Zoé")
    assert sent == []


class Notes:
    async def get_note(self, id: Any, tags: Any, *, x_author: Any, context: Any) -> Any:
        return {"id": id, "tags": tags, "author": x_author}


def test_the_server_reads_the_empty_values_back(edges: Built) -> None:
    with (
        serve(edges.server.create_app(notes=Notes())) as base_url,
        edges.client.Client(base_url=base_url, max_retries=0) as client,
    ):
        assert client.notes.get_note("", ["a", ""], x_author="Zoe") == {
            "id": "",
            "tags": ["a", ""],
            "author": "Zoe",
        }
