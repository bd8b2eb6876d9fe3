"""oneOf in the server: documented as oneOf, and read as the union of its members: a value
any member accepts is taken (an integer where the members are integer and number: the
members of real specs overlap), a value no member accepts is refused. The client's union
stays lenient (the first member that fits)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apiforge_testkit import Built, server_client


class _Things:
    async def create_thing(self, *, body: Any, context: Any) -> Any:
        return 1


def _post(b: Built, **fields: Any) -> Any:
    with server_client(b.server, things=_Things()) as http:
        return http.post("/things", json={"name": "n", **fields})


def test_a_value_matching_one_member_or_several_is_accepted(built: Callable[[str], Built]) -> None:
    b = built("composition")
    for fields in ({"size": 3}, {"size": "large"}, {"code": 1.5}, {"code": 2}, {}):
        response = _post(b, **fields)
        assert response.status_code == 200, (fields, response.text)


def test_a_value_matching_no_member_is_rejected(built: Callable[[str], Built]) -> None:
    b = built("composition")
    for fields in ({"size": 1.5}, {"size": None}, {"code": "two"}):
        response = _post(b, **fields)
        assert response.status_code == 422, (fields, response.text)
        assert response.json()["detail"][0]["loc"][:2] == ["body", next(iter(fields))]


def test_one_of_is_documented_as_one_of(built: Callable[[str], Built]) -> None:
    b = built("composition")
    document = b.runtime.routes_openapi(
        b.server.create_app(things=_Things())
    )  # what the routes document
    thing = next(
        s for name, s in document["components"]["schemas"].items() if name.startswith("Thing")
    )
    assert thing["properties"]["size"]["oneOf"] == [{"type": "integer"}, {"type": "string"}]
    assert "anyOf" in thing["properties"]["label"]  # the spec's anyOf stays anyOf
    response = document["paths"]["/things"]["post"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    response = document["components"]["schemas"][response["$ref"].rsplit("/", 1)[-1]]
    assert [member.get("type", "$ref" in member) for member in response["oneOf"]] == [
        "integer",
        True,
    ]


def test_the_client_union_stays_lenient(built: Callable[[str], Built]) -> None:
    models = built("composition").models()
    assert models.Thing.model_validate({"name": "n", "code": 2}).code == 2
