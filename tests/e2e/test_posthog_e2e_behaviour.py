"""Cross-cutting behaviour of the generated client and server, over real HTTP.

Authentication and scopes, error mapping (404, 422, 501), retries on 429 with
``Retry-After``, per-call timeouts and extra headers, raw responses, the middleware
hook and the async client used natively. Scenario coverage of the 55 operations is in
``test_posthog_e2e.py``; the fixtures are in ``conftest.py``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest
from posthog_client import (
    APIStatusError,
    APITimeoutError,
    AsyncClient,
    AuthenticationError,
    Client,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

from examples.posthog_fake import (
    ALL_SCOPES_TOKEN,
    DEFAULT_ACCOUNTS,
    READ_ONLY_TOKEN,
    FakePostHog,
    create_fake_app,
)

if TYPE_CHECKING:
    from conftest import Api, PostHogHarness, Served

ALICE = DEFAULT_ACCOUNTS[0]
AUTH = {"Authorization": f"Bearer {ALL_SCOPES_TOKEN}"}


@pytest.fixture(autouse=True)
def _no_pending_429s(posthog: PostHogHarness) -> Iterator[None]:
    """A test that fails half-way must not leave 429s for the next one."""
    yield
    posthog.flaky.pending.clear()


def body_of(error: APIStatusError) -> dict[str, object]:
    """The JSON error body the server sent."""
    parsed: dict[str, object] = json.loads(error.body)
    return parsed


# ---- authentication ---------------------------------------------------------------


def test_bearer_token_and_principal_reach_the_implementation(
    api: Api, posthog: PostHogHarness
) -> None:
    api.client.environments.dashboards.list(api.project)
    seen = posthog.recorder.last("environments_dashboards_list")
    assert seen.authorization == f"Bearer {ALL_SCOPES_TOKEN}"
    assert (seen.subject, seen.mode) == (ALICE.email, api.mode)
    assert seen.path == f"/api/environments/{api.project}/dashboards/"


def test_missing_token_is_401(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("POSTHOG_API_KEY", "POSTHOG_PERSONAL_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    anonymous = api.make(api_key=None)
    with pytest.raises(AuthenticationError) as error:
        anonymous.dashboards.list(api.project)
    assert error.value.status_code == 401
    assert error.value.headers["www-authenticate"] == "Bearer"
    assert body_of(error.value) == {
        "detail": "not authenticated",
        "operation_id": "dashboards_list",
    }


def test_unknown_token_is_401(api: Api) -> None:
    with pytest.raises(AuthenticationError) as error:
        api.make(api_key="phx_not_a_key").dashboards.list(api.project)
    assert body_of(error.value)["detail"] == "invalid credentials"


def test_read_only_token_is_403_on_writes_naming_the_scope(api: Api) -> None:
    reader = api.make(api_key=READ_ONLY_TOKEN)
    assert reader.dashboards.list(api.project).count == 0
    with pytest.raises(PermissionDeniedError) as error:
        reader.dashboards.create(api.project, {"name": "nope"})
    assert error.value.status_code == 403
    assert "dashboard:write" in str(error.value)
    assert body_of(error.value)["missing_scopes"] == ["dashboard:write"]
    assert 'scope="dashboard:write"' in error.value.headers["www-authenticate"]
    with pytest.raises(PermissionDeniedError, match="export:write"):
        reader.environments.exports.create(api.project, {"export_format": "image/png"})


# ---- error mapping ----------------------------------------------------------------


def test_404_becomes_not_found_error_with_the_body(api: Api) -> None:
    with pytest.raises(NotFoundError) as error:
        api.client.environments.data_color_themes.retrieve(api.project, 10**9)
    assert error.value.status_code == 404
    assert body_of(error.value) == {
        "detail": "Not found.",
        "type": "invalid_request",
        "code": "not_found",
        "attr": None,
        "operation_id": "environments_data_color_themes_retrieve",
    }
    assert error.value.parsed is None  # the spec documents no 404 body schema
    assert error.value.request is not None and error.value.request.method == "GET"


def test_422_names_the_invalid_field(posthog: PostHogHarness) -> None:
    """Invalid parameters and bodies, sent with a plain httpx client."""
    cases = [
        ("GET", "/api/projects/1/dashboards/?limit=ten", None, ["query.limit"], "dashboards_list"),
        (
            "GET",
            "/api/environments/1/groups/",
            None,
            ["query.group_type_index"],
            "environments_groups_list",
        ),
        ("GET", "/api/projects/1/dashboards/abc/", None, ["path.id"], "dashboards_retrieve"),
        (
            "POST",
            "/api/environments/1/datasets/",
            {"description": "no name"},
            ["body.name"],
            "environments_datasets_create",
        ),
        (
            "POST",
            "/api/environments/1/exports/",
            {"export_format": "image/png", "expires_after": "not a date"},
            ["body.expires_after"],
            "environments_exports_create",
        ),
    ]
    with httpx.Client(base_url=posthog.base_url, headers=AUTH) as http:
        for method, url, body, fields, operation_id in cases:
            response = http.request(method, url, json=body)
            assert response.status_code == 422, (url, response.text)
            assert response.json()["fields"] == fields
            assert response.json()["operation_id"] == operation_id


def test_client_raises_unprocessable_entity_error(api: Api) -> None:
    with pytest.raises(UnprocessableEntityError) as error:
        api.client.dashboards.list(api.project, request_options={"extra_query": {"offset": "x"}})
    assert body_of(error.value)["fields"] == ["query.offset"]


def test_enum_value_outside_the_spec_is_422(posthog: PostHogHarness) -> None:
    with httpx.Client(base_url=posthog.base_url, headers=AUTH) as http:
        response = http.get("/api/environments/1/insights/", params={"refresh": "bogus"})
    assert response.status_code == 422


def test_unbound_group_answers_501(serve: object) -> None:
    served: Served = serve(create_fake_app(FakePostHog(), omit={"environments_insights"}))  # type: ignore[operator]
    with Client(base_url=served.base_url, api_key=ALL_SCOPES_TOKEN) as client:
        with pytest.raises(InternalServerError) as error:
            client.environments.insights.list("1")
        assert client.dashboards.list("1").count == 0  # the bound groups still work
    assert error.value.status_code == 501
    assert body_of(error.value) == {
        "detail": "operation environments_insights_list is not implemented",
        "operation_id": "environments_insights_list",
    }

    async def call_async() -> int | None:
        async with AsyncClient(base_url=served.base_url, api_key=ALL_SCOPES_TOKEN) as client:
            try:
                await client.environments.insights.list("1")
            except InternalServerError as exc:
                return exc.status_code
        return None

    assert asyncio.run(call_async()) == 501


# ---- retries, timeouts, headers ---------------------------------------------------------


def test_429_with_retry_after_is_retried(api: Api, posthog: PostHogHarness) -> None:
    themes, p, flaky = api.client.environments.data_color_themes, api.project, posthog.flaky
    listing, creating = (
        "environments_data_color_themes_list",
        "environments_data_color_themes_create",
    )

    flaky.fail(listing, 2)  # the default max_retries is 2: the third attempt succeeds
    assert themes.list(p).count == 0
    assert flaky.attempts[listing] == 3

    flaky.fail(listing, 1)
    with pytest.raises(RateLimitError) as error:
        themes.list(p, request_options={"max_retries": 0})
    assert (error.value.status_code, error.value.headers["retry-after"]) == (429, "0")
    assert flaky.attempts[listing] == 1
    flaky.fail(listing, 1)
    with pytest.raises(RateLimitError):
        api.make(max_retries=0).environments.data_color_themes.list(p)

    flaky.fail(creating, 1)  # a POST may have had effects: not retried by default...
    with pytest.raises(RateLimitError):
        themes.create(p, {"name": "once"})
    assert flaky.attempts[creating] == 1
    flaky.fail(creating, 1)  # ...unless the caller says it is safe
    theme = themes.create(p, {"name": "twice"}, request_options={"retry_non_idempotent": True})
    assert flaky.attempts[creating] == 2 and [t.id for t in themes.list(p).results] == [theme.id]


def test_per_call_timeout_and_extra_headers(api: Api, posthog: PostHogHarness) -> None:
    dashboards, p = api.client.dashboards, api.project
    slow = {"X-Fake-Delay": "1"}  # the test app's delay middleware sleeps this long
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        dashboards.list(
            p, request_options={"timeout": 0.2, "max_retries": 0, "extra_headers": slow}
        )
    assert time.monotonic() - started < 1.5

    posthog.flaky.fail("dashboards_retrieve", 0)  # resets the attempt counter
    with pytest.raises(APITimeoutError):  # a timed-out GET is retried (backoff <= 0.5 s)
        dashboards.retrieve(
            p, 1, request_options={"timeout": 0.2, "max_retries": 1, "extra_headers": slow}
        )
    # The client stopped waiting for the retry after 0.2 s; on a loaded machine the server
    # thread may reach it only later, so its count is awaited (it must not go past 2).
    deadline = time.monotonic() + 10
    while posthog.flaky.attempts["dashboards_retrieve"] < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert posthog.flaky.attempts["dashboards_retrieve"] == 2

    dashboards.list(p, request_options={"extra_headers": {"X-Trace-Id": "trace-42"}})
    assert posthog.recorder.last("dashboards_list").headers["x-trace-id"] == "trace-42"


def test_raw_response_carries_status_headers_and_bytes(api: Api) -> None:
    c, p = api.client, api.project
    asset = c.environments.exports.create(p, {"export_format": "image/gif", "insight": 7})
    raw = api.raw(c.environments.exports.content_retrieve)(p, asset.id)
    assert raw.status_code == 200 and raw.parsed.startswith(b"GIF89a")
    assert raw.headers["content-length"] == str(len(raw.parsed))
    assert raw.request.url.path == f"/api/environments/{p}/exports/{asset.id}/content/"


def test_middleware_sees_every_operation_id(api: Api, posthog: PostHogHarness) -> None:
    c, p = api.client, api.project
    start = len(posthog.recorder.seen)
    d = c.dashboards.create(p, {"name": "m"})
    c.dashboards.retrieve(p, d.id)
    c.environments.dashboards.sharing_list(p, d.id)
    seen = [s.operation_id for s in posthog.recorder.seen[start:] if s.path.split("/")[3] == p]
    assert seen == [
        "dashboards_create",
        "dashboards_retrieve",
        "environments_dashboards_sharing_list",
    ]


def test_async_client_natively_concurrent(posthog: PostHogHarness) -> None:
    """Many requests in flight at once on one AsyncClient, then ``async for`` pagination."""

    async def scenario() -> tuple[list[int], list[int]]:
        async with AsyncClient(base_url=posthog.base_url, api_key=ALL_SCOPES_TOKEN) as client:
            made = await asyncio.gather(
                *(
                    client.environments.subscriptions.create(
                        "native",
                        {
                            "insight": n,
                            "target_type": "slack",
                            "target_value": "#e2e",
                            "frequency": "monthly",
                            "start_date": "2031-01-01T00:00:00Z",
                        },
                    )
                    for n in range(10)
                )
            )
            listed = [s.id async for s in client.environments.subscriptions.list_all("native")]
            return sorted(s.id for s in made), sorted(listed)

    made, listed = asyncio.run(scenario())
    assert len(set(made)) == 10 and listed == made
