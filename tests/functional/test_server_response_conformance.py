"""What an implementation returns goes through the documented response before it is sent.

``read_write_only.yaml``'s ``createAccount`` answers 201 with an ``Account`` whose
``password`` is ``writeOnly``: the server's ``AccountResponse`` has no such field. A dict,
another model or a subclass instance carrying the password must not send it; a body that
does not fit the response is a bug of the implementation: 500, logged with the fields at
fault (never their values), instead of a response breaking the API's contract.
"""

from __future__ import annotations

import logging
import textwrap
import types
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build, server_client
from live_server import serve

ACCOUNT = {"email": "ann@example.com", "password": "hunter2"}


@pytest.fixture(scope="module")
def accounts(built: Callable[[str], Built]) -> Built:
    return built("read_write_only")


class Returning:
    """An implementation of ``createAccount`` returning ``make(body)``."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        self.make = make

    async def create_account(self, *, body: Any, context: Any) -> Any:
        return self.make(body)


def _post(accounts: Built, make: Callable[[Any], Any]) -> Any:
    with server_client(accounts.server, accounts=Returning(make)) as http:
        return http.post("/accounts", json=ACCOUNT)


def test_a_returned_dict_loses_its_write_only_field(accounts: Built) -> None:
    response = _post(accounts, lambda body: {"id": 7, **body.model_dump()})
    assert response.status_code == 201
    assert response.json() == {"id": 7, "email": "ann@example.com"}


def test_a_subclass_instance_sends_only_the_documented_fields(accounts: Built) -> None:
    response_model = accounts.models("server").AccountResponse

    class Stored(response_model):  # type: ignore[misc, valid-type]
        password: str

    response = _post(accounts, lambda body: Stored(id=7, **body.model_dump()))
    assert response.status_code == 201
    assert response.json() == {"id": 7, "email": "ann@example.com"}


def test_a_status_wrapper_body_is_read_into_the_response_too(accounts: Built) -> None:
    created = accounts.runtime.Created
    response = _post(accounts, lambda body: created({"id": 7, **body.model_dump()}))
    assert response.status_code == 201
    assert response.json() == {"id": 7, "email": "ann@example.com"}


def test_a_body_of_the_wrong_shape_is_a_logged_500(
    accounts: Built, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = _post(accounts, lambda body: body)  # the request model: no id
    assert response.status_code == 500
    assert response.json()["operation_id"] == "createAccount"
    assert "hunter2" not in response.text
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("createAccount" in m and "201" in m and "id" in m for m in logged), logged
    assert not any("hunter2" in m for m in logged)


def test_an_instance_of_the_response_model_is_sent_as_it_is(accounts: Built) -> None:
    response_model = accounts.models("server").AccountResponse
    response = _post(accounts, lambda body: response_model(id=7, email=body.email))
    assert response.status_code == 201
    assert response.json() == {"id": 7, "email": "ann@example.com"}


def test_none_for_a_nullable_json_body_is_sent_as_null(built: Callable[[str], Built]) -> None:
    nullable = built("nullable")

    class Things:
        async def get_thing(self, id: int, *, since: Any = None, context: Any) -> Any:
            return None

    with server_client(nullable.server, things=Things()) as http:
        response = http.get("/things/1")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == b"null"


def test_none_for_a_body_that_is_not_nullable_is_a_logged_500(
    accounts: Built, caplog: pytest.LogCaptureFixture
) -> None:
    """The 201 promises an ``Account``: ``None`` breaks that promise like a wrong body does."""
    created = accounts.runtime.Created
    for make in (lambda body: None, lambda body: created()):
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            response = _post(accounts, make)
        assert response.status_code == 500
        assert response.json()["operation_id"] == "createAccount"
        logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert any("createAccount" in m and "201" in m and "None" in m for m in logged), logged


BODILESS = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Bodiless, version: "1.0"}
    paths:
      /items/{id}:
        delete:
          operationId: deleteItem
          parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
          responses:
            "204": {description: gone}
            "404": {description: missing, content: {application/json: {schema: {$ref: "#/components/schemas/Missing"}}}}
        head:
          operationId: headItem
          parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
          responses:
            "200": {description: exists, content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}}
        put:
          operationId: putItem
          parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
          responses:
            "200": {description: stored, content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}}
            "202": {description: queued}
    components:
      schemas:
        Item: {type: object, required: [id], properties: {id: {type: integer}}}
        Missing: {type: object, properties: {reason: {type: string}}}
    """
)


def test_none_where_no_body_is_documented_stays_empty_over_uvicorn(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A 204, an undocumented-content status and a HEAD reply still answer None with no body."""
    built = build(
        tmp_path_factory.mktemp("bodiless"), BODILESS, "bodiless.yaml", "fn_bodiless_returns"
    )
    runtime = built.runtime

    class Items:
        async def delete_item(self, id: int, *, context: Any) -> Any:
            return None

        async def head_item(self, id: int, *, context: Any) -> Any:
            return None if id == 1 else {"id": id, "secret": "hunter2"}

        async def put_item(self, id: int, *, context: Any) -> Any:
            return runtime.Accepted() if id == 2 else None

    with serve(built.server.create_app(items=Items())) as url, httpx.Client(base_url=url) as http:
        deleted = http.delete("/items/1")
        assert (deleted.status_code, deleted.content) == (204, b"")
        head = http.head("/items/1")
        assert (head.status_code, head.content) == (200, b"")
        # A body returned to HEAD is conformed as GET's would be: its length tells nothing
        # of a field the response leaves out (it once gave len('{"id":2,"secret":...}')).
        head = http.head("/items/2")
        assert (head.status_code, head.headers["content-length"]) == (200, str(len('{"id":2}')))
        queued = http.put("/items/2")
        assert (queued.status_code, queued.content) == (202, b"")
        assert http.put("/items/1").status_code == 500  # the 200 documents an Item


OPEN = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Open accounts, version: "1.0"}
    paths:
      /accounts:
        post:
          operationId: createAccount
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: "#/components/schemas/Account"}}}
          responses:
            "201":
              description: The account, without its password.
              content: {application/json: {schema: {$ref: "#/components/schemas/Account"}}}
    components:
      schemas:
        Account:
          type: object
          additionalProperties: true
          required: [email, password]
          properties:
            id: {type: integer, readOnly: true}
            email: {type: string}
            password: {type: string, writeOnly: true}
            Secret-Pin: {type: string, writeOnly: true}
    """
)


def test_a_left_out_property_is_no_extra_of_a_class_keeping_extras(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """``additionalProperties: true``: the password is no extra of the response (nor the id of
    the request), whether the implementation returns a dict or builds the response class."""
    built = build(tmp_path_factory.mktemp("open"), OPEN, "open.yaml", "fn_open_accounts")
    response_model = built.models("server").AccountResponse
    received: list[Any] = []

    class Accounts:
        async def create_account(self, *, body: Any, context: Any) -> Any:
            received.append(body)
            if body.email == "built@example.com":
                return response_model(id=7, **body.model_dump())  # Secret_Pin=, password=
            if body.email == "row@example.com":  # a database row's mapping: no dict
                return types.MappingProxyType({"id": 7, **body.model_dump(by_alias=True)})
            return {"id": 7, **body.model_dump(by_alias=True)}

    sent = {**ACCOUNT, "id": 99, "Secret-Pin": "1234", "note": "kept"}
    with (
        serve(built.server.create_app(accounts=Accounts())) as url,
        httpx.Client(base_url=url) as http,
    ):
        for email in ("ann@example.com", "built@example.com", "row@example.com"):
            response = http.post("/accounts", json={**sent, "email": email})
            assert response.status_code == 201
            assert response.json() == {"id": 7, "email": email, "note": "kept"}
    assert all(body.model_extra == {"note": "kept"} for body in received)


DEFAULT_ERROR = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Azure-like, version: "1.0"}
    paths:
      /users/{name}:
        delete:
          operationId: deleteUser
          parameters: [{name: name, in: path, required: true, schema: {type: string}}]
          responses:
            "200": {description: deleted}
            default: {description: error, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        get:
          operationId: getUser
          parameters: [{name: name, in: path, required: true, schema: {type: string}}]
          responses:
            "200": {description: found, content: {text/plain: {schema: {type: string}}}}
            default: {description: error, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
    components:
      schemas:
        Error: {type: object, required: [code], properties: {code: {type: string}}}
    """
)


def test_a_default_response_does_not_answer_for_a_documented_status(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Azure's shape: ``200`` without a body (or with text) beside a ``default`` JSON error.
    ``default`` answered for 200 too: ``None`` became a 500 ("a body is documented") and
    a text reply was validated as an ``Error``."""
    built = build(tmp_path_factory.mktemp("azure"), DEFAULT_ERROR, "azure.yaml", "fn_azure_like")

    class Users:
        async def delete_user(self, name: str, *, context: Any) -> None:
            return None

        async def get_user(self, name: str, *, context: Any) -> str:
            return "ann"

    with (
        serve(built.server.create_app(users=Users())) as url,
        built.client.Client(base_url=url, max_retries=0) as client,
    ):
        assert client.users.delete_user("ann") is None
        assert client.users.get_user("ann") == "ann"
