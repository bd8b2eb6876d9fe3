"""String keywords beside a format that is spelt as another type (``maxLength`` on a date).

pydantic cannot apply ``max_length`` or ``pattern`` to a ``date``, ``datetime``, ``UUID``
or IP address: ``Field(max_length=10)`` on ``_dt.date`` raised TypeError on every value,
valid or not, so a client failed on a valid response and the server answered 500. Such a
keyword is left out (the type's own parsing checks the value); one the type takes, such
as ``maxLength`` on a ``uri``, is still enforced.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build, server_client
from pydantic import ValidationError

SPEC = textwrap.dedent(
    r"""
    openapi: 3.0.3
    info: {title: Format keywords, version: "1.0"}
    paths:
      /events:
        post:
          operationId: postEvent
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: "#/components/schemas/Event"}
          responses:
            "200":
              description: The event as stored.
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/Event"}
    components:
      schemas:
        Day: {type: string, format: date, maxLength: 10}
        Event:
          type: object
          required: [day]
          properties:
            day: {$ref: "#/components/schemas/Day"}
            on: {type: string, format: date, pattern: '^\d{4}-\d{2}-\d{2}$', maxLength: 10}
            at: {type: string, format: date-time, minLength: 20, maxLength: 40}
            id: {type: string, format: uuid, pattern: "^[0-9a-f-]+$"}
            host: {type: string, format: ipv4, pattern: "^[0-9.]+$"}
            host6: {type: string, format: ipv6, maxLength: 45}
            starts: {type: string, format: time, maxLength: 20}
            lasts: {type: string, format: duration, minLength: 1}
            times:
              type: array
              items: {type: string, format: date-time, maxLength: 40}
            link: {type: string, format: uri, maxLength: 30}
    """
)

VALID = {
    "day": "2020-01-31",
    "on": "2020-02-01",
    "at": "2020-01-31T10:00:00+00:00",
    "id": "12345678-1234-1234-1234-123456789abc",
    "host": "10.0.0.1",
    "host6": "::1",
    "starts": "10:00:00",
    "lasts": "P1D",
    "times": ["2020-01-31T10:00:00Z"],
    "link": "https://example.org/a",
}


@pytest.fixture(scope="module")
def formats(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(
        tmp_path_factory.mktemp("format_keywords"), SPEC, "formats.yaml", "fn_format_keywords"
    )


@pytest.mark.parametrize("kind", ["client", "server"])
def test_valid_formatted_values_validate(formats: Built, kind: str) -> None:
    event = formats.models(kind).Event.model_validate(VALID)
    assert (str(event.day.root), str(event.on), str(event.id)) == (
        "2020-01-31",
        "2020-02-01",
        VALID["id"],
    )


@pytest.mark.parametrize("kind", ["client", "server"])
def test_a_keyword_the_type_takes_is_still_enforced(formats: Built, kind: str) -> None:
    with pytest.raises(ValidationError, match="link"):
        formats.models(kind).Event.model_validate(
            {**VALID, "link": "https://example.org/" + "a" * 40}
        )


@pytest.mark.parametrize("kind", ["client", "server"])
def test_a_value_the_format_rules_out_is_still_refused(formats: Built, kind: str) -> None:
    with pytest.raises(ValidationError, match="day"):
        formats.models(kind).Event.model_validate({**VALID, "day": "31/01/2020"})


class _Events:
    async def post_event(self, *, body: Any, context: Any) -> Any:
        return body


def test_the_server_answers_a_valid_body(formats: Built) -> None:
    with server_client(formats.server, events=_Events()) as http:
        response = http.post("/events", json=VALID)
    assert response.status_code == 200, response.text
    assert response.json()["day"] == "2020-01-31"
