"""Generated models behave as the spec says: aliases, open enums, unions, nullability, extras."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, mock_client, server_client


def _json_reply(
    status: int, body: Any, seen: list[httpx.Request] | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(status, json=body)

    return handler


def test_keyword_named_fields_round_trip_by_alias_through_the_client(
    built: Callable[[str], Built],
) -> None:
    b = built("keywords_names")
    models = b.models()
    seen: list[httpx.Request] = []
    reply = {
        "class": "c",
        "from": 2,
        "import": True,
        "1st": "one",
        "with-dash": "d",
        "model_config": "m",
    }
    with mock_client(b.client, _json_reply(201, reply, seen)) as client:
        result = client.class_.return_("here", models.Keywords(class_="x", from_=1, with_dash="-"))
    assert json.loads(seen[0].content) == {"class": "x", "from": 1, "with-dash": "-"}
    assert seen[0].url.path == "/class/here"
    assert (
        result.class_,
        result.from_,
        result.import_,
        result.field_1st,
        result.model_config_,
    ) == ("c", 2, True, "one", "m")


def test_keyword_named_parameters_keep_their_wire_names(built: Callable[[str], Built]) -> None:
    b = built("keywords_names")
    seen: list[httpx.Request] = []
    with mock_client(b.client, _json_reply(200, {"class": "c", "from": 1}, seen)) as client:
        client.class_.import_(
            "x", async_=True, type="t", lambda_=3, self_="s", request_options_="r"
        )
    request = seen[0]
    assert dict(request.url.params) == {
        "async": "true",
        "type": "t",
        "self": "s",
        "request_options": "r",
    }
    assert request.headers["lambda"] == "3"


def test_keyword_named_fields_round_trip_through_the_server(built: Callable[[str], Built]) -> None:
    b = built("keywords_names")

    class Impl:
        async def return_(self, from_: str, *, body: Any, context: Any) -> Any:
            return body.model_copy(update={"type": from_})

    with server_client(b.server, class_=Impl()) as http:
        response = http.post("/class/abc", json={"class": "x", "from": 1, "with space": "s"})
    assert response.status_code == 201, response.text
    assert response.json() == {"class": "x", "from": 1, "with space": "s", "type": "abc"}


def test_open_enum_accepts_an_unknown_value(built: Callable[[str], Built]) -> None:
    b = built("enums")
    models = b.models()
    reply = [{"color": "dark-blue", "priority": 10}, {"color": "ultraviolet", "priority": 99}]
    with mock_client(b.client, _json_reply(200, reply)) as client:
        known, unknown = client.items.list_items(color=models.Color.field_1st)
    assert known.color is models.Color.dark_blue and known.priority is models.Priority.value_10
    assert unknown.color.value == "ultraviolet" and isinstance(unknown.color, models.Color)
    assert unknown.priority.value == 99
    assert models.Item(color="ultraviolet").model_dump(mode="json")["color"] == "ultraviolet"


def test_enum_values_that_are_not_identifiers_are_sent_verbatim(
    built: Callable[[str], Built],
) -> None:
    b = built("enums")
    models = b.models()
    seen: list[httpx.Request] = []
    with mock_client(b.client, _json_reply(200, [], seen)) as client:
        client.items.list_items(color=models.Color.with_space, size="large")
        client.items.list_items(color="")
    assert seen[0].url.query == b"color=with%20space&size=large"
    assert seen[1].url.query == b"color="


def test_discriminated_union_parses_the_right_member(built: Callable[[str], Built]) -> None:
    b = built("discriminator")
    models = b.models()
    with mock_client(
        b.client, _json_reply(201, {"pet_type": "dog", "name": "Rex", "bark": "woof"})
    ) as client:
        pet = client.pets.create_pet({"pet_type": "dog", "name": "Rex"})
    assert type(pet) is models.Dog and pet.bark == "woof"  # the member itself, no ``.root``
    with mock_client(b.client, _json_reply(200, {"kind": "Square", "side": 2})) as client:
        shape = client.shapes.get_shape()
    assert isinstance(shape, models.Square) and shape.side == 2


def test_discriminated_union_rejects_an_unknown_tag_on_the_server(
    built: Callable[[str], Built],
) -> None:
    b = built("discriminator")

    class Impl:
        async def create_pet(self, *, body: Any, context: Any) -> Any:
            return body

    with server_client(b.server, pets=Impl()) as http:
        ok = http.post("/pets", json={"pet_type": "cat", "name": "Tom", "indoor": True})
        bad = http.post("/pets", json={"pet_type": "fish", "name": "Nemo"})
    assert ok.status_code == 201 and ok.json() == {"pet_type": "cat", "name": "Tom", "indoor": True}
    assert bad.status_code == 422


def test_overlapping_union_members_without_discriminator_parse(
    built: Callable[[str], Built],
) -> None:
    b = built("discriminator")
    with mock_client(b.client, _json_reply(200, {"name": "n", "label": "l"})) as client:
        value = client.values.get_value()
    assert value.root.name == "n"
    with mock_client(b.client, _json_reply(200, "plain")) as client:
        assert client.values.get_value().root == "plain"


def test_nullable_fields_accept_null_and_required_nullable_must_be_present(
    built: Callable[[str], Built],
) -> None:
    b = built("nullable")
    models = b.models()
    thing = models.Thing.model_validate(
        {
            "required_nullable": None,
            "required_not_nullable": "x",
            "owner": None,
            "tags": ["a", None],
        }
    )
    assert thing.required_nullable is None and thing.owner is None and thing.tags == ["a", None]
    with pytest.raises(ValueError):
        models.Thing.model_validate({"required_not_nullable": "x"})
    with pytest.raises(ValueError):
        models.Thing.model_validate({"required_nullable": None, "required_not_nullable": None})
    with mock_client(b.client, _json_reply(200, None)) as client:
        assert client.things.get_thing(1) is None


def test_additional_properties_typed_open_and_closed(built: Callable[[str], Built]) -> None:
    models = built("additional_properties").models()
    settings = models.Settings.model_validate({"theme": "dark", "font": "mono"})
    assert settings.model_dump() == {"theme": "dark", "font": "mono"}
    with pytest.raises(ValueError):
        models.Settings.model_validate({"theme": "dark", "size": 3})
    assert models.Open.model_validate({"name": "n", "extra": [1]}).model_dump() == {
        "name": "n",
        "extra": [1],
    }
    with pytest.raises(ValueError):
        models.Closed.model_validate({"name": "n", "extra": 1})
    assert models.MapOfArrays.model_validate({"a": [1, 2]}).root == {"a": [1, 2]}


def test_recursive_and_mutually_recursive_models(built: Callable[[str], Built]) -> None:
    models = built("recursive").models()
    tree = models.Node.model_validate(
        {"name": "root", "children": [{"name": "leaf", "children": []}]}
    )
    assert tree.children[0].name == "leaf"
    person = models.Person.model_validate(
        {"name": "a", "employer": {"name": "c", "employees": [{"name": "b"}]}}
    )
    assert person.employer.employees[0].name == "b"
    forest = models.Forest.model_validate([{"x": [{}]}])
    assert forest.root[0].root["x"].root[0].root == {}


def test_read_only_and_write_only_split_request_and_response(built: Callable[[str], Built]) -> None:
    b = built("read_write_only")
    models = b.models()
    seen: list[httpx.Request] = []
    reply = {"id": 7, "email": "a@b.c", "created_at": "2024-01-01T00:00:00Z"}
    with mock_client(b.client, _json_reply(201, reply, seen)) as client:
        account = client.accounts.create_account(
            models.AccountRequest(email="a@b.c", password="pw")
        )
    assert json.loads(seen[0].content) == {"email": "a@b.c", "password": "pw"}
    assert isinstance(account, models.AccountResponse) and account.id == 7
    assert "password" not in models.AccountResponse.model_fields


def test_defaults_of_every_type(built: Callable[[str], Built]) -> None:
    models = built("defaults").models()
    options = models.Options(required_with_default=1)
    assert options.text == 'it\'s "quoted" \\ and\nmultiline'
    assert (options.count, options.ratio, options.enabled, options.nothing) == (3, 1.5, True, None)
    assert options.tags == ["a", "b"] and options.limits == {"max": 10}
    assert options.order is models.Order.desc
    with pytest.raises(
        ValueError
    ):  # required stays required: the default documents the usual value
        models.Options()


def test_const_parameter_and_type_arrays_in_openapi_31(built: Callable[[str], Built]) -> None:
    b = built("openapi_31")
    models = b.models()
    seen: list[httpx.Request] = []
    reply = {"name": "click", "version": 2, "at": None}
    with mock_client(b.client, _json_reply(200, reply, seen)) as client:
        event = client.events.post_event(
            models.Event(name="click", version=2), kind="click", limit=None
        )
    assert seen[0].url.query == b"kind=click"
    assert event.at is None and event.version == 2
    with pytest.raises(ValueError):
        models.Event(name="x", version=3)


def test_mixed_type_enum_keeps_every_scalar_as_sent(built: Callable[[str], Built]) -> None:
    """``Mixed`` lists both ``1`` and ``true``: no Python Enum keeps them apart, so it is a
    RootModel, open on the client (any value, as sent) and closed on the server."""
    b = built("enums")
    models, server_models = b.models(), b.models("server")
    for value in (1, True, "two", None, 2.5):
        item = models.Item.model_validate({"color": "red", "mixed": value})
        assert item.model_dump(mode="json")["mixed"] == value
        assert type(item.model_dump(mode="json")["mixed"]) is type(value)
    for value in (1, True, "two"):
        dumped = server_models.Mixed.model_validate(value).model_dump(mode="json")
        assert dumped == value and type(dumped) is type(value)
    for value in (2.5, "three", False, [1]):
        with pytest.raises(ValueError):
            server_models.Mixed.model_validate(value)


def test_the_server_closes_the_enums_the_client_keeps_open(built: Callable[[str], Built]) -> None:
    b = built("enums")

    class Impl:
        async def list_items(self, *, color: Any, size: Any, context: Any) -> Any:
            return [{"color": color.value}]

    with server_client(b.server, items=Impl()) as http:
        known = http.get("/items", params={"color": "dark-blue"})
        unknown = http.get("/items", params={"color": "ultraviolet"})
    assert known.status_code == 200 and known.json() == [{"color": "dark-blue"}]
    assert unknown.status_code == 422
    assert b.models("client").Color("ultraviolet").value == "ultraviolet"
    with pytest.raises(ValueError):
        b.models("server").Color("ultraviolet")
