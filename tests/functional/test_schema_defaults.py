"""A property's default means what the spec says, also where DMCG alone would lose it.

A string default of a uuid, date or date-time property is converted to the field's type
(the implementation reads a real UUID or date when the property was omitted) and
documented as the spec's string; a default the type does not take is left out with a
warning. A required property's default (DMCG drops it) is documented and never applies:
the property must still be sent. Both flavours pass ``mypy --strict``.
"""

from __future__ import annotations

import datetime
import textwrap
import uuid
from pathlib import Path
from typing import Any

import pytest
from apiforge_testkit import Built, build, mypy, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Defaults, version: "1.0"}
    paths:
      /things:
        post:
          operationId: createThing
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Thing'}
          responses:
            "204": {description: Created.}
    components:
      schemas:
        Colour:
          type: string
          enum: [red, green, blue]
        Thing:
          type: object
          required: [label, colour, token]
          properties:
            label: {type: string, default: unnamed}
            colour:
              allOf: [{$ref: '#/components/schemas/Colour'}]
              default: blue
            token: {type: string, format: uuid, nullable: true, default: 07EF8B4D-AA09-4FFA-898D-C710796AFF41}
            id: {type: string, format: uuid, default: 07EF8B4D-AA09-4FFA-898D-C710796AFF42}
            day: {type: string, format: date, default: "2024-02-29"}
            at: {type: string, format: date-time, default: "2024-02-29T10:00:00Z"}
            bad: {type: string, format: uuid, default: not-a-uuid}
    """
)
_REQUIRED = {"label": "a", "colour": "red", "token": None}


@pytest.fixture(scope="module")
def defaults(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("defaults"), SPEC, "defaults.yaml", "fn_schema_defaults")


def _received(built: Built, body: dict[str, Any]) -> tuple[int, list[Any]]:
    received: list[Any] = []

    class Impl:
        async def create_thing(self, *, body: Any, context: Any) -> None:
            received.append(body)

    with server_client(built.server, things=Impl()) as http:
        return http.post("/things", json=body).status_code, received


def test_the_server_applies_converted_defaults_to_omitted_properties(defaults: Built) -> None:
    status, received = _received(defaults, _REQUIRED)
    assert status == 204
    thing = received[0]
    assert thing.id == uuid.UUID("07EF8B4D-AA09-4FFA-898D-C710796AFF42")
    assert thing.day == datetime.date(2024, 2, 29)
    assert thing.at == datetime.datetime(2024, 2, 29, 10, tzinfo=datetime.timezone.utc)
    assert thing.bad is None


def test_a_required_property_with_a_default_must_still_be_sent(defaults: Built) -> None:
    for name in _REQUIRED:
        status, received = _received(defaults, {k: v for k, v in _REQUIRED.items() if k != name})
        assert status == 422 and received == [], name


def test_the_client_reads_the_converted_default_too(defaults: Built) -> None:
    thing = defaults.models("client").Thing(**_REQUIRED)
    assert thing.id == uuid.UUID(
        "07EF8B4D-AA09-4FFA-898D-C710796AFF42"
    ) and thing.day == datetime.date(2024, 2, 29)


def test_defaults_are_documented_as_the_spec_has_them(defaults: Built) -> None:
    schema = defaults.runtime.routes_openapi(defaults.server.create_app())["components"]["schemas"][
        "Thing"
    ]
    properties = schema["properties"]
    assert set(schema["required"]) == set(_REQUIRED)
    assert properties["label"]["default"] == "unnamed" and properties["colour"]["default"] == "blue"
    assert properties["token"]["default"] == "07EF8B4D-AA09-4FFA-898D-C710796AFF41"
    assert properties["id"]["default"] == "07EF8B4D-AA09-4FFA-898D-C710796AFF42"
    assert (properties["day"]["default"], properties["at"]["default"]) == (
        "2024-02-29",
        "2024-02-29T10:00:00Z",
    )
    assert "default" not in properties["bad"]


def test_an_unconvertible_default_is_dropped_with_a_warning(defaults: Built) -> None:
    assert defaults.generated.codes().count("default-dropped") == 1


def test_the_generated_defaults_pass_mypy(defaults: Built, tmp_path: Path) -> None:
    result = mypy([defaults.generated], tmp_path / "mypy" / "cache")
    assert result.returncode == 0, result.stdout + result.stderr
