"""An operation that documents no response at all (OpenAPI 3.1 makes ``responses`` optional).

The generated client types such a method ``-> None`` and the generated server answers it
200 with an empty body; the client used to raise ``UnexpectedStatusError`` ("undocumented
status (documented: none)") for every 2xx, so the operation could never succeed. A 2xx is
now its success (None); an error status still raises.
"""

from __future__ import annotations

import importlib
import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.1.0
    info: {title: Quiet, version: "1.0"}
    paths:
      /events:
        post:
          operationId: postEvent
          requestBody:
            required: true
            content: {application/json: {schema: {type: object, properties: {name: {type: string}}}}}
    """
)


@pytest.fixture(scope="module")
def quiet(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("quiet"), SPEC, "quiet.yaml", "fn_no_documented_response")


class Events:
    def __init__(self) -> None:
        self.names: list[str] = []

    async def post_event(self, *, body: Any, context: Any) -> None:
        self.names.append(body.name)
        if body.name == "refuse":
            raise importlib.import_module("fn_no_documented_response_server.runtime").ApiError(
                409, "no"
            )


def test_a_2xx_is_the_operation_s_success(quiet: Built) -> None:
    events = Events()
    with (
        serve(quiet.server.create_app(events=events)) as url,
        quiet.client.Client(base_url=url, max_retries=0) as client,
    ):
        assert client.events.post_event({"name": "first"}) is None
        with pytest.raises(quiet.client.APIStatusError):
            client.events.post_event({"name": "refuse"})
    assert events.names == ["first", "refuse"]
