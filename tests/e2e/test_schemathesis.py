"""Schemathesis fuzzes the served fake from our spec (spec/posthog.yaml), over real HTTP.

The schema is the input spec, not the app's ``/openapi.json``: what the generated
server accepts and answers must match the document it was generated from. Before the
schema is built, the fake is seeded through the generated ``AsyncClient`` (over an
in-process ASGI transport) with dashboards, collaborators, themes, datasets, items,
exports, subscriptions, groups, insights and recordings, and Schemathesis draws path
ids and references from dictionaries of those ids most of the time, so the
retrieve/update/content/sharing operations answer real 2xx bodies, not just 404s.

Each operation gets a bounded, seeded number of generated requests (positive and
negative), sent with the all-scopes token; ``E2E_SCHEMATHESIS_SEED=<n>`` explores
another seed. Checks:

* ``not_a_server_error``: no 5xx;
* ``response_schema_conformance``: every documented response matches its schema;
* ``positive_data_acceptance``: a request valid per the spec is never refused by the
  server's own validation (no 422): only 2xx, the documented 405/409, or the fake's
  business answers (400 for a dangling reference or a duplicate, 404 for unknown ids);
* ``undocumented_status_is_a_generic_error`` (below): Schemathesis'
  ``status_code_conformance`` cannot pass, because the spec documents no error statuses
  at all (no 400/401/403/404/422); instead, any status the operation does not document
  must be one of those generic errors.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import schemathesis
from e2e_paths import SPEC
from posthog_client import AsyncClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import positive_data_acceptance, response_schema_conformance

from examples.posthog_fake import ALL_SCOPES_TOKEN, DEFAULT_ACCOUNTS, FakePostHog, create_fake_app
from examples.posthog_fake.store import account_uuid

if TYPE_CHECKING:
    from conftest import Served

PROJECT = "1"
AUTH = {"Authorization": f"Bearer {ALL_SCOPES_TOKEN}"}
MAX_EXAMPLES = 10
SEED = os.environ.get("E2E_SCHEMATHESIS_SEED")
GENERIC_ERRORS = frozenset({400, 401, 403, 404, 422})
# What a valid request may get: success, the documented 405/409, and the fake's
# business refusals (400: a reference to a missing object, a duplicate; 404: unknown id).
ACCEPTED = ["2xx", "400", "404", "405", "409"]


def _seeded_fake() -> FakePostHog:
    """A fake with a few objects of every kind, created through the generated client."""
    counter = itertools.count(1)
    fake = FakePostHog(page_size=5, uuid_factory=lambda: uuid.UUID(int=next(counter)))
    for index in range(12):
        fake.add_group(PROJECT, index % 2, f"key-{index}", {"name": f"Group {index}"})
        fake.add_insight(PROJECT, f"Insight {index}", created_by=DEFAULT_ACCOUNTS[0].email)
    for _ in range(30):  # the destroy operation runs first: leave some for sharing_list
        fake.add_session_recording(PROJECT)

    async def seed() -> None:
        transport = httpx.ASGITransport(app=create_fake_app(fake))
        async with AsyncClient(
            base_url="http://fake", api_key=ALL_SCOPES_TOKEN, transport=transport
        ) as c:
            for n in range(3):
                d = await c.dashboards.create(
                    PROJECT, {"name": f"Dashboard {n}", "tags": [f"t{n}"]}
                )
                for account in DEFAULT_ACCOUNTS:
                    body = {"level": 37, "user_uuid": account_uuid(account)}
                    await c.dashboards.collaborators.create(PROJECT, d.id, body)
                await c.environments.data_color_themes.create(
                    PROJECT, {"name": f"Theme {n}", "colors": ["#123456"]}
                )
                ds = await c.environments.datasets.create(PROJECT, {"name": f"Dataset {n}"})
                await c.environments.dataset_items.create(
                    PROJECT, {"dataset": ds.id, "input": {"n": n}}
                )
                await c.environments.exports.create(
                    PROJECT, {"export_format": "text/csv", "dashboard": d.id}
                )
                await c.environments.subscriptions.create(PROJECT, {
                    "dashboard": d.id, "target_type": "email", "target_value": "a@example.com",
                    "frequency": "daily", "start_date": "2030-01-01T00:00:00Z",
                })  # fmt: skip

    asyncio.run(seed())
    return fake


FAKE = _seeded_fake()
_project = FAKE.project(PROJECT)
INT_IDS = sorted(
    {*_project.dashboards, *_project.themes, *_project.exports, *_project.subscriptions}
)


def _pick(dictionary: str, probability: float = 0.75) -> dict[str, Any]:
    return {"dictionary": dictionary, "probability": probability}


CONFIG = schemathesis.Config.from_dict(
    {
        "seed": int(SEED or "20240601"),
        "dictionaries": {
            "int-ids": {"values": INT_IDS},
            "dashboards": {"values": sorted(_project.dashboards)},
            "datasets": {"values": [str(key) for key in _project.datasets]},
            "dataset-items": {"values": [str(key) for key in _project.dataset_items]},
            "recordings": {"values": sorted(_project.recordings)},
            "users": {"values": [str(account_uuid(a)) for a in DEFAULT_ACCOUNTS]},
            "group-keys": {"values": [g.group_key for g in _project.groups]},
        },
        "parameters": {
            "project_id": PROJECT,
            "path.id": _pick("int-ids"),
            "path.dashboard_id": _pick("dashboards"),
            "path.recording_id": _pick("recordings"),
            "path.user__uuid": _pick("users"),
            "query.dataset": _pick("datasets", 0.5),
            "query.group_key": _pick("group-keys"),
            "body.dataset": _pick("datasets"),
            "body.user_uuid": _pick("users", 0.5),
        },
        "operations": [  # operations whose `id` is a uuid
            {
                "include-operation-id-regex": f"^environments_{name}_",
                "parameters": {"project_id": PROJECT, "path.id": _pick(dictionary)},
            }
            for name, dictionary in [
                ("datasets", "datasets"),
                ("dataset_items", "dataset-items"),
                ("session_recordings", "recordings"),
            ]
        ],
        # derandomized unless a seed is asked for; no example database: runs never differ
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": SEED is None,
            "database": "none",
        },
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
    }
)
schema = schemathesis.openapi.from_path(str(SPEC), config=CONFIG)


@pytest.fixture(scope="module")
def fuzzed(serve: Callable[[Any], Served]) -> Served:
    """The seeded fake over HTTP on 127.0.0.1."""
    return serve(create_fake_app(FAKE))


def undocumented_status_is_a_generic_error(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """A status the operation does not document must be a generic 400/401/403/404/422."""
    documented = {str(code) for code in case.operation.definition.raw.get("responses", {})}
    status = response.status_code
    if str(status) in documented or f"{status // 100}XX" in documented or "default" in documented:
        return None
    if status not in GENERIC_ERRORS:
        raise AssertionError(f"undocumented status {status} (documented: {sorted(documented)})")
    return None


@schema.parametrize()
def test_responses_conform_to_the_spec(case: schemathesis.Case, fuzzed: Served) -> None:
    case.call_and_validate(
        base_url=fuzzed.base_url,
        headers=AUTH,
        checks=[
            not_a_server_error,
            response_schema_conformance,
            positive_data_acceptance,
            undocumented_status_is_a_generic_error,
        ],
    )
