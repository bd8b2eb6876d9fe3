"""Parameters named alike in different places, and exploded object cookies, over real uvicorn.

An operation may take ``id`` in its path, its query, a header and a cookie at once (a
sendgrid ``PATCH /contactdb/lists/{list_id}`` requires a path and a query ``list_id``).
The generated client takes each as an argument of its own (``id``, ``id_2``...) and sends
every one, so the generated server, which reads each, receives what was passed. An
object (or array) cookie with ``style: form, explode: true`` is sent as one cookie per
property (per item), and the server reads it back from those cookies.
"""

from __future__ import annotations

import inspect
import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Same names, version: "1.0"}
    paths:
      /lists/{id}:
        parameters:
          - {name: id, in: path, required: true, schema: {type: string}}
        patch:
          operationId: patchList
          parameters:
            - {name: id, in: query, required: true, schema: {type: integer}}
            - {name: id, in: header, schema: {type: string}}
            - {name: id, in: cookie, schema: {type: string}}
          responses:
            "200":
              description: What the server received.
              content: {application/json: {schema: {type: object}}}
      /cookies:
        get:
          operationId: readCookies
          parameters:
            - name: prefs
              in: cookie
              style: form
              explode: true
              schema:
                type: object
                properties:
                  theme: {type: string}
                  size: {type: integer}
            - {name: tags, in: cookie, explode: true, schema: {type: array, items: {type: string}}}
          responses:
            "200":
              description: What the server received.
              content: {application/json: {schema: {type: object}}}
    """
)


@pytest.fixture(scope="module")
def same_names(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("same"), SPEC, "same.yaml", "fn_same_names")


class Received:
    """Answers each call with the arguments it received."""

    async def patch_list(self, *args: Any, context: Any, **kwargs: Any) -> dict[str, Any]:
        return {"args": list(args), **kwargs}

    async def read_cookies(self, *, context: Any, prefs: Any, tags: Any) -> dict[str, Any]:
        return {"prefs": None if prefs is None else prefs.model_dump(), "tags": tags}


def _bound(built: Built) -> Any:
    groups = [
        name
        for name in built.server.create_app.__kwdefaults__
        if name not in ("authenticate", "middleware", "validation_error")
    ]
    return built.server.create_app(**dict.fromkeys(groups, Received()))


def test_the_client_takes_and_sends_every_same_named_parameter(same_names: Built) -> None:
    assert same_names.generated.codes() == []  # no parameter is left out any more
    with (
        serve(_bound(same_names)) as base_url,
        same_names.client.Client(base_url=base_url, max_retries=0) as client,
    ):
        method = client.lists.patch_list
        assert list(inspect.signature(method).parameters)[:4] == ["id", "id_2", "id_3", "id_4"]
        received = method("a/b", id_2=7, id_3="h", id_4="c")
        alone = method("x", id_2=8)
    assert received == {"args": ["a/b"], "id_2": 7, "id_3": "h", "id_4": "c"}
    assert alone == {"args": ["x"], "id_2": 8, "id_3": None, "id_4": None}


def test_exploded_object_and_array_cookies_reach_the_server(same_names: Built) -> None:
    """One cookie per property, and one per item (``tags=a; tags=b``), all read back."""
    with (
        serve(_bound(same_names)) as base_url,
        same_names.client.Client(base_url=base_url, max_retries=0) as client,
    ):
        sent = client.cookies.read_cookies(prefs={"theme": "dark", "size": 3}, tags=["a", "b"])
        none = client.cookies.read_cookies()
    assert sent == {"prefs": {"theme": "dark", "size": 3}, "tags": ["a", "b"]}
    assert none == {"prefs": None, "tags": None}
