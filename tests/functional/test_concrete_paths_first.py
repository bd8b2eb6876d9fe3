"""A concrete path wins over a templated one that also matches it, whatever the spec's order.

OpenAPI: "When matching URLs, concrete (non-templated) paths would be matched before their
templated counterparts." dracoon lists ``DELETE /v4/nodes/{node_id}`` before
``DELETE /v4/nodes/deleted_nodes``, evetech ``/mail/{mail_id}/`` before ``/mail/labels/``;
the generated server routed such requests to the templated operation (a 422 for a
non-integer id, or the wrong implementation), in ``create_app`` and ``create_router`` alike.
"""

from __future__ import annotations

import importlib
import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build
from fastapi import FastAPI
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Nodes, version: "1.0"}
    paths:
      /nodes/{node_id}:
        delete:
          operationId: deleteNode
          parameters: [{name: node_id, in: path, required: true, schema: {type: integer}}]
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: string}}}}
      /nodes/{node_id}/tags/{tag}:
        get:
          operationId: getTag
          parameters:
            - {name: node_id, in: path, required: true, schema: {type: string}}
            - {name: tag, in: path, required: true, schema: {type: string}}
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: string}}}}
      /trash/deleted_nodes:
        delete:
          operationId: emptyTrash
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: string}}}}
      /nodes/deleted_nodes:
        delete:
          operationId: deleteDeletedNodes
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: string}}}}
      /nodes/{node_id}/tags/labels:
        get:
          operationId: getLabels
          parameters: [{name: node_id, in: path, required: true, schema: {type: string}}]
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: string}}}}
    """
)


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("nodes"), SPEC, "nodes.yaml", "fn_concrete_first")


class Impl:
    """Each operation answers its own name."""

    async def delete_node(self, node_id: int, *, context: Any) -> str:
        return f"deleteNode {node_id}"

    async def get_tag(self, node_id: str, tag: str, *, context: Any) -> str:
        return f"getTag {tag}"

    async def empty_trash(self, *, context: Any) -> str:
        return "emptyTrash"

    async def delete_deleted_nodes(self, *, context: Any) -> str:
        return "deleteDeletedNodes"

    async def get_labels(self, node_id: str, *, context: Any) -> str:
        return "getLabels"


def _apps(nodes: Built) -> list[Any]:
    interfaces = importlib.import_module(f"{nodes.generated.server}.interfaces")
    groups = {group: Impl() for group in interfaces.Implementations.__annotations__}
    mounted = FastAPI()
    mounted.include_router(nodes.server.create_router(**groups))
    return [nodes.server.create_app(**groups), mounted]


@pytest.mark.parametrize("kind", ["create_app", "create_router"])
def test_the_concrete_path_is_served_by_its_own_operation(nodes: Built, kind: str) -> None:
    app = _apps(nodes)[kind == "create_router"]
    with serve(app) as url, nodes.client.Client(base_url=url, max_retries=0) as client:
        assert client.nodes.deleted_nodes.delete_deleted_nodes() == "deleteDeletedNodes"
        assert client.nodes.delete_node(7) == "deleteNode 7"
        assert client.nodes.tags.labels.get_labels("n") == "getLabels"
        assert client.nodes.tags.get_tag("n", "t") == "getTag t"
        assert client.trash.deleted_nodes.empty_trash() == "emptyTrash"
