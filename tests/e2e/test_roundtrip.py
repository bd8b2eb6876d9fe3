"""The served app's own OpenAPI document round-trips the input spec.

``routes_openapi(create_fake_app())`` (FastAPI's rendering of the generated routes;
``app.openapi()`` itself serves the embedded spec, checked equal to it below) is compared with spec/posthog.yaml by ``openapi_compare.differences``: paths, methods,
operationIds, security, parameters, request bodies and responses, schemas compared
structurally after normalization (see that module for each rule and why).

The target is zero differences. Differences that come from known generator gaps are
listed in ``KNOWN_GAPS`` with the change that would remove them; every other
difference fails the first test, and a gap that no longer shows up fails the second
(delete its entry: the ratchet only turns one way). The list is empty now: any difference fails..
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import yaml
from e2e_paths import SPEC
from openapi_compare import Gap, differences
from posthog_server.runtime import routes_openapi

from examples.posthog_fake import create_fake_app

KNOWN_GAPS: tuple[Gap, ...] = ()


@functools.cache
def spec_document() -> dict[str, Any]:
    """spec/posthog.yaml as data (read once; callers must not mutate it)."""
    document: dict[str, Any] = yaml.safe_load(SPEC.read_text())
    return document


@functools.cache
def app_document() -> dict[str, Any]:
    """The OpenAPI document FastAPI derives from the served app's routes (built once)."""
    return routes_openapi(create_fake_app())


def test_app_openapi_serves_the_spec_it_was_generated_from() -> None:
    app = create_fake_app()
    served = app.openapi()
    assert app.openapi() is served  # read once, then kept
    assert not differences(spec_document(), served)
    assert served["paths"].keys() == spec_document()["paths"].keys()


def test_app_openapi_matches_the_spec() -> None:
    found = differences(spec_document(), app_document())
    unexpected = [
        line for line in found if not any(gap.explains("posthog", line) for gap in KNOWN_GAPS)
    ]
    assert not unexpected, (
        f"{len(unexpected)} unexpected difference(s) between spec/posthog.yaml and app.openapi():\n"
        + "\n".join(unexpected)
        + f"\n\n(and {len(found) - len(unexpected)} explained by KNOWN_GAPS)"
    )


def test_every_known_gap_still_exists() -> None:
    found = differences(spec_document(), app_document())
    gone = [
        gap.name for gap in KNOWN_GAPS if not any(gap.explains("posthog", line) for line in found)
    ]
    assert not gone, f"gaps that no longer show (remove them from KNOWN_GAPS): {gone}"


def test_the_comparison_sees_what_it_should() -> None:
    """Self-check of the comparer on edited copies of the spec."""
    spec = spec_document()
    assert differences(spec, copy.deepcopy(spec)) == []

    edited = copy.deepcopy(spec)
    item = edited["paths"]["/api/environments/{project_id}/insights/"]["get"]
    item["operationId"] = "renamed"
    item["parameters"][1]["required"] = True  # created_by
    del edited["paths"]["/api/environments/{project_id}/sessions/values/"]
    edited["components"]["schemas"]["Group"]["properties"]["group_key"]["type"] = "integer"
    edited["components"]["schemas"]["Dashboard"]["properties"]["name"]["readOnly"] = True
    found = differences(spec, edited)
    insights = "GET /api/environments/{project_id}/insights/"
    groups = "GET /api/environments/{project_id}/groups/"
    expected = [
        f"{insights}: operationId: spec 'environments_insights_list', app 'renamed'",
        f"{insights}: parameter query 'created_by': required: spec false, app true",
        "GET /api/environments/{project_id}/sessions/values/: missing from the app",
        (
            f"{groups}: response 200: content.application/json.properties.results.items"
            '.properties.group_key.type: spec "string", app "integer"'
        ),
        (
            "POST /api/projects/{project_id}/dashboards/: request body: content.application/json"
            '.properties.name: spec {"nullable": true, "type": "string"}, app <absent>'
        ),
    ]
    for line in expected:
        assert line in found, f"{line!r} not reported; got:\n" + "\n".join(found)

    anonymous = copy.deepcopy(spec)  # a spec without operationId accepts the app's synthesized one
    del anonymous["paths"]["/api/environments/{project_id}/insights/"]["get"]["operationId"]
    assert differences(anonymous, spec) == []
