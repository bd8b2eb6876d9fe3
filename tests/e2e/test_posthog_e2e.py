"""The generated client drives the generated server over real HTTP, for all 55 operations.

The server is ``examples.posthog_fake`` served by uvicorn on 127.0.0.1 (see
``conftest.py``). Every scenario runs twice, with ``Client`` and with ``AsyncClient``
(the ``api`` fixture), each in a project of its own. Scenarios assert values that
round-trip: what the client sends is what the implementation stores and what comes
back, including status codes (201, 204, 405, 409), query encoding, ``null`` versus an
absent field, binary content and both pagination styles. The last test runs every
scenario again and checks that together they reach each operation of the spec from
both clients (on its own: it depends on no other test having run).
Cross-cutting behaviour (auth, errors, retries, timeouts) is in ``test_posthog_e2e_behaviour.py``.
"""

from __future__ import annotations

import inspect
import json
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import yaml
from e2e_paths import PAGE_SIZE, SPEC
from posthog_client import (
    BadRequestError,
    ConflictError,
    MethodNotAllowedError,
    NotFoundError,
    UnprocessableEntityError,
)
from posthog_client.models import ExportFormatEnum, PatchedDashboardRequest

from examples.posthog_fake import DEFAULT_ACCOUNTS
from examples.posthog_fake.store import account_uuid

if TYPE_CHECKING:
    from conftest import Api, PostHogHarness

ALICE, BOB = DEFAULT_ACCOUNTS  # all scopes / read only


def sent_json(posthog: PostHogHarness, operation_id: str) -> object:
    """The JSON body of the latest call of ``operation_id``, as the server received it."""
    return json.loads(posthog.recorder.last(operation_id).body)


def link(url: object) -> tuple[str, dict[str, str]]:
    """A ``next``/``previous`` URL as (URL without query, query parameters)."""
    parsed = httpx.URL(str(url))
    return str(parsed.copy_with(query=None)), dict(parsed.params)


def query_of(posthog: PostHogHarness, operation_id: str) -> str:
    """The raw query string of the latest call of ``operation_id``."""
    return posthog.recorder.last(operation_id).query


def test_project_dashboards(api: Api, posthog: PostHogHarness) -> None:
    c, p = api.client, api.project
    created = api.raw(c.dashboards.create)(
        p, {"name": "KPIs", "description": "weekly", "tags": ["core"], "restriction_level": 37}
    )
    assert created.status_code == 201
    d = created.parsed
    assert (d.name, d.description, d.tags, d.pinned, d.deleted) == (
        "KPIs",
        "weekly",
        ["core"],
        False,
        False,
    )
    assert (d.restriction_level, d.effective_restriction_level, d.creation_mode) == (
        37,
        37,
        "default",
    )
    assert d.created_by.email == ALICE.email  # the principal reached the implementation
    assert c.dashboards.retrieve(p, d.id) == d

    # PATCH sends only the fields set: an explicit None is null, unset fields are absent.
    patched = c.dashboards.partial_update(
        p, d.id, body=PatchedDashboardRequest(name=None, pinned=True)
    )
    assert sent_json(posthog, "dashboards_partial_update") == {"name": None, "pinned": True}
    assert (patched.name, patched.pinned, patched.description, patched.tags) == (
        None,
        True,
        "weekly",
        ["core"],
    )
    with pytest.raises(
        UnprocessableEntityError
    ) as error:  # description is not nullable in the spec
        c.dashboards.partial_update(p, d.id, body={"description": None})
    assert json.loads(error.value.body)["fields"] == ["body.description"]  # the server's own check

    page = c.dashboards.list(p)
    assert (page.count, page.next, page.previous) == (1, None, None)
    assert [(x.id, x.name, x.pinned) for x in page.results] == [(d.id, None, True)]

    sharing = c.dashboards.sharing_list(p, d.id)
    assert sharing.enabled is False and sharing.access_token
    assert c.dashboards.sharing_list(p, d.id) == sharing

    assert c.dashboards.move_tile_partial_update(p, d.id, body={"name": "moved"}) is None
    assert sent_json(posthog, "dashboards_move_tile_partial_update") == {"name": "moved"}
    with pytest.raises(NotFoundError):
        c.dashboards.move_tile_partial_update(p, 10**9, body={})

    assert c.dashboards.create_from_template_json(p, {"name": "Web", "use_template": "web"}) is None
    names = {x.name: x.creation_mode for x in c.dashboards.list(p).results}
    assert names == {None: "default", "Web": "template"}

    with pytest.raises(MethodNotAllowedError) as refused:  # hard delete: the documented 405
        c.dashboards.destroy(p, d.id)
    assert refused.value.status_code == 405 and refused.value.body == b""
    c.dashboards.partial_update(p, d.id, body={"deleted": True})  # soft delete instead
    assert [x.name for x in c.dashboards.list(p).results] == ["Web"]
    assert c.dashboards.retrieve(p, d.id).deleted is True


def test_environment_dashboards(api: Api, posthog: PostHogHarness) -> None:
    c, p = api.client, api.project
    envs = c.environments.dashboards
    d = envs.create(p, {"name": "Env", "pinned": True})
    assert c.dashboards.retrieve(p, d.id) == envs.retrieve(p, d.id) == d  # one store, two paths
    assert (
        envs.partial_update(p, d.id, body={"description": "env board"}).description == "env board"
    )
    assert [x.id for x in envs.list(p).results] == [d.id]
    assert envs.sharing_list(p, d.id).enabled is False

    assert envs.stream_tiles_retrieve(p, d.id, format="txt") is None
    assert query_of(posthog, "environments_dashboards_stream_tiles_retrieve") == "format=txt"
    with pytest.raises(NotFoundError):
        envs.stream_tiles_retrieve(p, 10**9)

    assert (
        envs.create_from_template_json(p, {"name": "T", "use_template": "x"}, format="json") is None
    )
    assert (
        query_of(posthog, "environments_dashboards_create_from_template_json_create")
        == "format=json"
    )

    unlisted = envs.create_unlisted_dashboard
    assert api.raw(unlisted)(p, {"name": "Onboarding", "tags": ["onboarding"]}).status_code == 200
    with pytest.raises(ConflictError) as conflict:  # one unlisted dashboard per tag: 409
        unlisted(p, {"name": "Again", "tags": ["onboarding"]})
    assert conflict.value.status_code == 409
    assert unlisted(p, {"name": "Other", "tags": ["activation"]}) is None
    assert sorted(str(x.name) for x in envs.list(p).results) == ["Env", "Onboarding", "Other", "T"]

    with pytest.raises(MethodNotAllowedError):
        envs.destroy(p, d.id)


@pytest.mark.parametrize("group", ["projects", "environments"])
def test_dashboard_collaborators(api: Api, group: str) -> None:
    c, p = api.client, api.project
    collaborators = (
        c.dashboards.collaborators
        if group == "projects"
        else c.environments.dashboards.collaborators
    )
    d = c.dashboards.create(p, {"name": "Shared"})
    bob_uuid, stranger = account_uuid(BOB), uuid.UUID(int=42)

    created = api.raw(collaborators.create)(p, d.id, {"level": 37, "user_uuid": str(bob_uuid)})
    assert created.status_code == 201
    bob = created.parsed
    assert (bob.user.email, bob.level, bob.dashboard_id, bob.user_uuid) == (
        BOB.email,
        37,
        d.id,
        bob_uuid,
    )
    collaborators.create(p, d.id, {"level": 21, "user_uuid": stranger})
    assert [x.user_uuid for x in collaborators.list(p, d.id)] == [bob_uuid, stranger]
    with pytest.raises(BadRequestError):
        collaborators.create(p, d.id, {"level": 21, "user_uuid": stranger})

    assert api.raw(collaborators.destroy)(p, d.id, stranger).status_code == 204
    with pytest.raises(NotFoundError):
        collaborators.destroy(p, d.id, stranger)
    assert collaborators.list(p, d.id) == [bob]
    with pytest.raises(NotFoundError):
        collaborators.list(p, 10**9)


def test_data_color_themes(api: Api, posthog: PostHogHarness) -> None:
    c, p = api.client, api.project
    themes = c.environments.data_color_themes
    created = api.raw(themes.create)(p, {"name": "Brand", "colors": ["#000000", "#ffffff"]})
    assert created.status_code == 201
    theme = created.parsed
    assert (theme.name, theme.colors, theme.is_global) == ("Brand", ["#000000", "#ffffff"], "false")
    assert themes.retrieve(p, theme.id) == theme
    cleared = themes.partial_update(p, theme.id, body={"colors": None})  # nullable: null is stored
    assert (cleared.name, cleared.colors) == ("Brand", None)
    assert themes.partial_update(p, theme.id, body={"name": "Brand 2"}).colors is None
    assert [(t.id, t.name) for t in themes.list(p).results] == [(theme.id, "Brand 2")]
    assert api.raw(themes.destroy)(p, theme.id).status_code == 204
    with pytest.raises(NotFoundError):
        themes.retrieve(p, theme.id)
    assert themes.list(p).count == 0


def test_datasets(api: Api, posthog: PostHogHarness) -> None:
    c, p = api.client, api.project
    datasets = c.environments.datasets
    made = [
        datasets.create(p, {"name": n, "description": f"{n} set"})
        for n in ("alpha", "beta", "gamma")
    ]
    alpha, beta, gamma = made
    assert (alpha.name, alpha.description, alpha.deleted, alpha.created_by.email) == (
        "alpha",
        "alpha set",
        False,
        ALICE.email,
    )
    assert datasets.retrieve(p, beta.id) == beta

    assert [d.id for d in datasets.list(p, id_in=[beta.id]).results] == [beta.id]
    assert query_of(posthog, "environments_datasets_list") == f"id__in={beta.id}"
    assert [d.name for d in datasets.list(p, order_by=["-name"]).results] == [
        "gamma",
        "beta",
        "alpha",
    ]
    assert [d.name for d in datasets.list(p, search="ETA").results] == ["beta"]

    patched = datasets.partial_update(p, alpha.id, body={"description": None, "metadata": {"v": 2}})
    assert (patched.name, patched.description, patched.metadata) == ("alpha", None, {"v": 2})
    datasets.partial_update(p, gamma.id, body={"deleted": True})
    assert [d.name for d in datasets.list(p).results] == ["alpha", "beta"]
    assert datasets.retrieve(p, gamma.id).deleted is True


def test_datasets_array_query_parameters(api: Api, posthog: PostHogHarness) -> None:
    """``style: form, explode: false`` arrays travel comma-separated, in one parameter."""
    c, p = api.client, api.project
    a, b, _ = (c.environments.datasets.create(p, {"name": n}) for n in "abc")
    page = c.environments.datasets.list(p, id_in=[a.id, b.id], order_by=["-name", "created_at"])
    assert [d.name for d in page.results] == ["b", "a"]
    assert httpx.QueryParams(query_of(posthog, "environments_datasets_list")) == httpx.QueryParams(
        {"id__in": f"{a.id},{b.id}", "order_by": "-name,created_at"}
    )
    with pytest.raises(UnprocessableEntityError) as error:  # the server validates the items
        c.environments.datasets.list(
            p, request_options={"extra_query": {"id__in": f"{a.id},not-a-uuid"}}
        )
    assert json.loads(error.value.body)["fields"] == ["query.id__in.1"]


def test_dataset_items(api: Api, posthog: PostHogHarness) -> None:
    c, p = api.client, api.project
    items = c.environments.dataset_items
    ds, other = (c.environments.datasets.create(p, {"name": n}) for n in ("qa", "other"))
    created = api.raw(items.create)(p, {"dataset": ds.id, "input": {"q": "2+2"}, "output": None})
    assert created.status_code == 201
    item = created.parsed
    assert sent_json(posthog, "environments_dataset_items_create") == {
        "dataset": str(ds.id),
        "input": {"q": "2+2"},
        "output": None,
    }
    assert (item.dataset, item.input, item.output, item.metadata, item.deleted) == (
        ds.id,
        {"q": "2+2"},
        None,
        None,
        False,
    )
    items.create(p, {"dataset": other.id, "input": 1})
    assert items.retrieve(p, item.id) == item
    assert [i.id for i in items.list(p, dataset=ds.id).results] == [item.id]
    assert items.list(p).count == 2
    with pytest.raises(BadRequestError) as error:
        items.create(p, {"dataset": uuid.UUID(int=7)})
    assert json.loads(error.value.body)["attr"] == "dataset"

    patched = items.partial_update(
        p, item.id, body={"metadata": {"source": "e2e"}, "output": {"a": 4}}
    )
    assert (patched.input, patched.output, patched.metadata) == (
        {"q": "2+2"},
        {"a": 4},
        {"source": "e2e"},
    )
    with pytest.raises(MethodNotAllowedError):
        items.destroy(p, item.id)
    items.partial_update(p, item.id, body={"deleted": True})
    assert items.list(p, dataset=ds.id).count == 0


def test_exports_with_binary_content(api: Api, posthog: PostHogHarness) -> None:
    c, p = api.client, api.project
    exports = c.environments.exports
    d = c.dashboards.create(p, {"name": "Exported"})
    created = []
    for fmt in ExportFormatEnum:  # enum values with '/', '.' and '-' go through the body
        raw = api.raw(exports.create)(
            p, {"export_format": fmt, "dashboard": d.id, "export_context": {"path": "/x"}}
        )
        assert raw.status_code == 201
        asset = raw.parsed
        assert (asset.export_format, asset.dashboard, asset.insight, asset.export_context) == (
            fmt,
            d.id,
            None,
            {"path": "/x"},
        )
        assert asset.filename.startswith(f"export-{asset.id}.")
        assert exports.retrieve(p, asset.id) == asset
        content = exports.content_retrieve(p, asset.id)
        assert isinstance(content, bytes)
        assert content == posthog.fake.project(p).export_content[asset.id]
        created.append(asset)
    png, csv = created[0], created[2]
    assert exports.content_retrieve(p, png.id).startswith(b"\x89PNG\r\n\x1a\n")  # not valid UTF-8
    assert (
        exports.content_retrieve(p, csv.id)
        == f"export,subject\r\n{csv.id},dashboard {d.id}\r\n".encode()
    )
    page = exports.list(p)
    assert (page.count, len(page.results)) == (len(ExportFormatEnum), PAGE_SIZE)
    assert [a.id for a in exports.list_all(p)] == [a.id for a in created]
    with pytest.raises(NotFoundError):
        exports.content_retrieve(p, 10**9)


def test_groups_cursor_pagination(api: Api, posthog: PostHogHarness) -> None:
    c, p = api.client, api.project
    groups = c.environments.groups
    keys = [f"org-{n:02}" for n in range(10)]
    for n, key in enumerate(keys):
        posthog.fake.add_group(p, 0, key, {"name": f"Org {n}"})
    posthog.fake.add_group(p, 1, "project-a", {"name": "Org 1 project"})

    first = groups.list(p, group_type_index=0)
    assert [g.group_key for g in first.results] == keys[:PAGE_SIZE] and first.previous is None
    next_url = httpx.URL(str(first.next))
    assert next_url.params["group_type_index"] == "0" and "cursor" in next_url.params
    second = groups.list(p, group_type_index=0, cursor=next_url.params["cursor"])
    assert [g.group_key for g in second.results] == keys[PAGE_SIZE : 2 * PAGE_SIZE]
    assert second.previous is not None
    assert [g.group_key for g in groups.list_all(p, group_type_index=0)] == keys
    assert [g.group_key for g in groups.list_all(p, group_type_index=1)] == ["project-a"]
    assert [g.group_key for g in groups.list_all(p, group_type_index=0, search="org 1")] == [
        "org-01"
    ]
    with pytest.raises(NotFoundError):
        groups.list(p, group_type_index=0, cursor="not-a-cursor")

    assert groups.find_retrieve(p, group_key="org-03", group_type_index=0) is None
    assert (
        query_of(posthog, "environments_groups_find_retrieve")
        == "group_key=org-03&group_type_index=0"
    )
    with pytest.raises(NotFoundError):
        groups.find_retrieve(p, group_key="org-03", group_type_index=1)
    assert groups.property_definitions_retrieve(p) is None
    assert groups.property_values_retrieve(p) is None


def test_insights_filters_and_enums(api: Api, posthog: PostHogHarness) -> None:
    c, p = api.client, api.project
    insights = c.environments.insights
    seeded = [
        posthog.fake.add_insight(p, f"Insight {n}", created_by=ALICE.email if n < 4 else None)
        for n in range(6)
    ]

    page = insights.list(p)
    assert (page.count, [i.id for i in page.results]) == (6, [i.id for i in seeded[:PAGE_SIZE]])
    assert {i.is_cached for i in page.results} == {"true"}  # default refresh: force_cache
    fresh = insights.list(p, refresh="blocking", format="csv", limit=2)
    assert query_of(posthog, "environments_insights_list") == "format=csv&limit=2&refresh=blocking"
    assert {i.is_cached for i in fresh.results} == {"false"} and all(
        i.last_refresh for i in fresh.results
    )
    assert [i.name for i in insights.list(p, created_by=ALICE.user_id).results] == [
        f"Insight {n}" for n in range(4)
    ]
    assert [i.id for i in insights.list(p, short_id=seeded[5].short_id).results] == [seeded[5].id]
    # list_all keeps the filters on every page it follows (they travel in `next`)
    every = list(insights.list_all(p, refresh="force_blocking", limit=4))
    assert [i.id for i in every] == [i.id for i in seeded] and {i.is_cached for i in every} == {
        "false"
    }


def test_session_recordings_and_sessions(api: Api, posthog: PostHogHarness) -> None:
    c, p = api.client, api.project
    recordings = c.environments.session_recordings
    recording = uuid.UUID(int=2024)
    posthog.fake.add_session_recording(p, recording)
    sharing = recordings.sharing_list(p, str(recording))
    assert sharing.enabled is False and sharing.access_token
    assert api.raw(recordings.destroy)(p, recording).status_code == 204
    for gone in (
        lambda: recordings.sharing_list(p, str(recording)),
        lambda: recordings.destroy(p, recording),
    ):
        with pytest.raises(NotFoundError):
            gone()
    assert c.environments.sessions.property_definitions.retrieve(p) is None
    assert c.environments.sessions.values.retrieve(p) is None


def test_subscriptions(api: Api, posthog: PostHogHarness) -> None:
    c, p = api.client, api.project
    subscriptions = c.environments.subscriptions
    d = c.dashboards.create(p, {"name": "Weekly"})
    start = datetime(2030, 1, 7, 9, 0, tzinfo=timezone.utc)
    created = api.raw(subscriptions.create)(
        p,
        {
            "dashboard": d.id,
            "target_type": "email",
            "target_value": "team@example.com",
            "frequency": "weekly",
            "interval": 2,
            "byweekday": ["monday", "friday"],
            "start_date": start,
        },
    )
    assert created.status_code == 201
    s = created.parsed
    assert (s.dashboard, s.insight, s.target_type, s.frequency, s.byweekday) == (
        d.id,
        None,
        "email",
        "weekly",
        ["monday", "friday"],
    )
    assert (s.start_date, s.next_delivery_date, s.summary) == (start, start, "sent every 2 weeks")
    assert subscriptions.retrieve(p, s.id) == s
    daily = subscriptions.partial_update(
        p, s.id, body={"frequency": "daily", "interval": 1, "title": None}
    )
    assert (daily.summary, daily.title, daily.target_value) == (
        "sent every day",
        None,
        "team@example.com",
    )
    assert [x.id for x in subscriptions.list(p).results] == [s.id]
    with pytest.raises(MethodNotAllowedError):
        subscriptions.destroy(p, s.id)
    subscriptions.partial_update(p, s.id, body={"deleted": True})
    assert subscriptions.list(p).count == 0


def test_limit_offset_pagination(api: Api, posthog: PostHogHarness) -> None:
    c, p = api.client, api.project
    ids = [c.dashboards.create(p, {"name": f"D{n}"}).id for n in range(9)]
    base = f"{posthog.base_url}/api/projects/{p}/dashboards/"

    first = c.dashboards.list(p)
    assert (first.count, [d.id for d in first.results]) == (9, ids[:4])
    assert (link(first.next), first.previous) == ((base, {"limit": "4", "offset": "4"}), None)
    middle = c.dashboards.list(p, offset=4)
    assert link(middle.previous) == (base, {"limit": "4"})  # DRF drops offset=0
    assert link(middle.next) == (base, {"limit": "4", "offset": "8"})
    last = c.dashboards.list(p, offset=8)
    assert ([d.id for d in last.results], last.next) == (ids[8:], None)
    assert link(last.previous) == (base, {"limit": "4", "offset": "4"})
    assert [d.id for d in c.dashboards.list(p, limit=2, offset=6).results] == ids[6:8]

    calls = len(posthog.recorder.seen)
    assert [d.id for d in c.dashboards.list_all(p)] == ids
    assert len(posthog.recorder.seen) - calls == 3  # pages of 4, 4 and 1
    assert [d.id for d in c.dashboards.list_all(p, limit=2)] == ids
    assert [d.id for d in c.environments.dashboards.list_all(p, offset=7)] == ids[7:]


def _scenarios() -> list[tuple[Callable[..., None], dict[str, Any]]]:
    """Every scenario test of this module with each of its parameter sets."""
    found: list[tuple[Callable[..., None], dict[str, Any]]] = []
    for name, function in sorted(globals().items()):
        if not name.startswith("test_") or name == "test_every_operation_reached_the_server":
            continue
        cases: list[dict[str, Any]] = [{}]
        for mark in getattr(function, "pytestmark", []):
            if mark.name == "parametrize":
                names = [n.strip() for n in mark.args[0].split(",")]
                rows = [v if len(names) > 1 else (v,) for v in mark.args[1]]
                cases = [{**case, **dict(zip(names, row))} for case in cases for row in rows]
        found.extend((function, case) for case in cases)
    return found


def test_every_operation_reached_the_server(api: Api, posthog: PostHogHarness) -> None:
    """The scenarios above, together, drive all 55 operationIds from this kind of client.

    It runs every scenario itself (each with fresh clients in a fresh project), so it
    needs no other test to have run first, and counts only the requests it caused.
    """
    start = len(posthog.recorder.seen)
    for scenario, case in _scenarios():
        clients = type(api)(api.mode, posthog)
        try:
            wanted = inspect.signature(scenario).parameters
            given = {"api": clients, "posthog": posthog, **case}
            scenario(**{name: value for name, value in given.items() if name in wanted})
        finally:
            clients.close()
    reached = {seen.operation_id for seen in posthog.recorder.seen[start:] if seen.mode == api.mode}
    spec = yaml.safe_load(SPEC.read_text())
    operation_ids = {
        op["operationId"]
        for item in spec["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert len(operation_ids) == 55
    assert not sorted(operation_ids - reached), (
        f"{api.mode} client never reached: {sorted(operation_ids - reached)}"
    )
