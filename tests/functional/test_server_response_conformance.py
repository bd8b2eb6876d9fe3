"""What an implementation returns goes through the documented response before it is sent.

``read_write_only.yaml``'s ``createAccount`` answers 201 with an ``Account`` whose
``password`` is ``writeOnly``: the server's ``AccountResponse`` has no such field. A dict,
another model or a subclass instance carrying the password must not send it; a body that
does not fit the response is a bug of the implementation: 500, logged with the fields at
fault (never their values), instead of a response breaking the API's contract.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from apiforge_testkit import Built, server_client

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


def test_none_for_a_body_that_is_not_nullable_stays_empty(accounts: Built) -> None:
    response = _post(accounts, lambda body: None)
    assert response.status_code == 201
    assert response.content == b""
