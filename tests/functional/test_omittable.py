"""An optional property the spec does not mark nullable: the server lets a request omit it but
not send ``null`` (422), documents it without a null branch, and its implementation sees None
when it was omitted. The client stays lenient (a server's stray null still parses)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from apiforge_testkit import Built, mock_client, server_client


class _Echo:
    def __init__(self) -> None:
        self.seen: list[Any] = []

    async def put_thing(self, id: int, *, body: Any, context: Any) -> Any:
        self.seen.append(body)
        return body


def _put(b: Built, payload: dict[str, Any]) -> tuple[httpx.Response, _Echo]:
    echo = _Echo()
    with server_client(b.server, things=echo) as http:
        return http.put("/things/1", json=payload), echo


REQUIRED = {"required_nullable": None, "required_not_nullable": "x"}


def test_the_server_accepts_an_omitted_optional_property_and_its_implementation_sees_none(
    built: Callable[[str], Built],
) -> None:
    response, echo = _put(built("nullable"), REQUIRED)
    assert response.status_code == 200, response.text
    assert echo.seen[0].optional_not_nullable is None and echo.seen[0].optional_owner is None
    assert response.json() == REQUIRED  # omitted stays omitted


def test_the_server_rejects_an_explicit_null_for_a_non_nullable_optional_property(
    built: Callable[[str], Built],
) -> None:
    b = built("nullable")
    for name in ("optional_not_nullable", "optional_owner"):
        response, echo = _put(b, {**REQUIRED, name: None})
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"] == ["body", name]
        assert echo.seen == []
    response, _ = _put(b, {**REQUIRED, "optional_not_nullable": 3, "optional_owner": {"name": "o"}})
    assert response.status_code == 200 and response.json()["optional_not_nullable"] == 3


def test_nullable_optional_properties_still_take_null(built: Callable[[str], Built]) -> None:
    response, _ = _put(built("nullable"), {**REQUIRED, "optional_nullable": None, "owner": None})
    assert response.status_code == 200, response.text
    assert response.json() == {**REQUIRED, "optional_nullable": None, "owner": None}


def test_the_server_documents_no_null_and_no_default_for_them(
    built: Callable[[str], Built],
) -> None:
    b = built("nullable")
    document = b.runtime.routes_openapi(
        b.server.create_app(things=_Echo())
    )  # what the routes document
    body = document["paths"]["/things/{id}"]["put"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    name = body["$ref"].rsplit("/", 1)[-1]
    properties = document["components"]["schemas"][name]["properties"]
    assert {k: v for k, v in properties["optional_not_nullable"].items() if k != "title"} == {
        "type": "integer"
    }
    assert set(properties["optional_owner"]) == {"$ref"}
    assert {"type": "null"} in properties["optional_nullable"]["anyOf"]


def test_the_client_model_still_accepts_a_stray_null(built: Callable[[str], Built]) -> None:
    b = built("nullable")
    thing = {**REQUIRED, "optional_not_nullable": None}
    with mock_client(b.client, lambda request: httpx.Response(200, json=thing)) as client:
        assert client.things.get_thing(1).optional_not_nullable is None
