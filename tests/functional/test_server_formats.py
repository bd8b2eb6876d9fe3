"""Formats in the server: every ``format`` of the spec is documented by the routes (``routes_openapi(app)``);
int32/int64 ranges and email addresses (a light check: no email-validator dependency) are
validated. The client stays lenient: plain ``int`` and ``str``."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from apiforge_testkit import Built, server_client


class _Contacts:
    async def create_contact(self, *, body: Any, context: Any) -> Any:
        return body


def _post(b: Built, payload: dict[str, Any]) -> Any:
    with server_client(b.server, contacts=_Contacts()) as http:
        return http.post("/contacts", json=payload)


def test_the_server_documents_every_format(built: Callable[[str], Built]) -> None:
    b = built("formats")
    document = b.runtime.routes_openapi(
        b.server.create_app(contacts=_Contacts())
    )  # what the routes document
    schemas = document["components"]["schemas"]
    contact = next(s for name, s in schemas.items() if name.startswith("Contact"))["properties"]
    formats = {
        name: contact[name].get("format") for name in ("id", "email", "age", "ratio", "phone")
    }
    assert formats == {
        "id": "int64",
        "email": "email",
        "age": "int32",
        "ratio": "double",
        "phone": "phone-number",
    }
    assert contact["email"]["maxLength"] == 40
    assert contact["backup_emails"]["items"] == {"type": "string", "format": "email"}
    assert schemas["Score"]["format"] == "float"


def test_the_server_checks_int_ranges_and_email_addresses(built: Callable[[str], Built]) -> None:
    b = built("formats")
    good = {
        "id": 2**63 - 1,
        "email": "ann@example.org",
        "age": -(2**31),
        "backup_emails": ["b@x.io"],
    }
    response = _post(b, good)
    assert response.status_code == 201, response.text
    assert response.json() == good
    for bad, field in (
        ({"id": 2**63}, "id"),
        ({"age": 2**31}, "age"),
        ({"email": "not an address"}, "email"),
        ({"email": "ann@localhost"}, "email"),
        ({"backup_emails": ["@x.io"]}, "backup_emails"),
    ):
        response = _post(b, {**good, **bad})
        assert response.status_code == 422, (bad, response.text)
        assert response.json()["detail"][0]["loc"][:2] == ["body", field]


def test_the_client_models_stay_plain(built: Callable[[str], Built]) -> None:
    models = built("formats").models()
    source = inspect.getsource(models)
    assert "EmailStr" not in source and "_Format" not in source
    contact = models.Contact.model_validate({"id": 2**70, "email": "whatever"})
    assert (contact.id, contact.email) == (2**70, "whatever")
