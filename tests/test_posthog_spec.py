"""Checks of spec/posthog.yaml, the hand-written PostHog OpenAPI 3.0.3 document.

The table below is the expectation, written from PostHog's API reference pages:
one row per operation with its method, path, operationId, the personal API key
scope and the documented status code (the success status, or 405 where the page
says hard delete is not allowed). Rows whose scope the pages do not name carry
an inferred scope and are listed in INFERRED_SCOPE.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate

SPEC_PATH = Path(__file__).resolve().parents[1] / "spec" / "posthog.yaml"

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

ENV = "/api/environments/{project_id}"
PROJ = "/api/projects/{project_id}"

# (method, path, operationId, scope, documented status)
OPERATIONS = [
    # environments: dashboards
    ("GET", f"{ENV}/dashboards/", "environments_dashboards_list", "dashboard:read", 200),
    ("POST", f"{ENV}/dashboards/", "environments_dashboards_create", "dashboard:write", 201),
    (
        "GET",
        f"{ENV}/dashboards/{{dashboard_id}}/collaborators/",
        "environments_dashboards_collaborators_list",
        "dashboard:read",
        200,
    ),
    (
        "POST",
        f"{ENV}/dashboards/{{dashboard_id}}/collaborators/",
        "environments_dashboards_collaborators_create",
        "dashboard:write",
        201,
    ),
    (
        "DELETE",
        f"{ENV}/dashboards/{{dashboard_id}}/collaborators/{{user__uuid}}/",
        "environments_dashboards_collaborators_destroy",
        "dashboard:write",
        204,
    ),
    (
        "GET",
        f"{ENV}/dashboards/{{dashboard_id}}/sharing/",
        "environments_dashboards_sharing_list",
        "sharing_configuration:read",
        200,
    ),
    (
        "DELETE",
        f"{ENV}/dashboards/{{id}}/",
        "environments_dashboards_destroy",
        "dashboard:write",
        405,
    ),
    ("GET", f"{ENV}/dashboards/{{id}}/", "environments_dashboards_retrieve", "dashboard:read", 200),
    (
        "PATCH",
        f"{ENV}/dashboards/{{id}}/",
        "environments_dashboards_partial_update",
        "dashboard:write",
        200,
    ),
    (
        "GET",
        f"{ENV}/dashboards/{{id}}/stream_tiles/",
        "environments_dashboards_stream_tiles_retrieve",
        "dashboard:read",
        200,
    ),
    (
        "POST",
        f"{ENV}/dashboards/create_from_template_json/",
        "environments_dashboards_create_from_template_json_create",
        "dashboard:write",
        200,
    ),
    (
        "POST",
        f"{ENV}/dashboards/create_unlisted_dashboard/",
        "environments_dashboards_create_unlisted_dashboard_create",
        "dashboard:write",
        200,
    ),
    # environments: data color themes
    (
        "GET",
        f"{ENV}/data_color_themes/",
        "environments_data_color_themes_list",
        "project:read",
        200,
    ),
    (
        "POST",
        f"{ENV}/data_color_themes/",
        "environments_data_color_themes_create",
        "project:write",
        201,
    ),
    (
        "DELETE",
        f"{ENV}/data_color_themes/{{id}}/",
        "environments_data_color_themes_destroy",
        "project:write",
        204,
    ),
    (
        "GET",
        f"{ENV}/data_color_themes/{{id}}/",
        "environments_data_color_themes_retrieve",
        "project:read",
        200,
    ),
    (
        "PATCH",
        f"{ENV}/data_color_themes/{{id}}/",
        "environments_data_color_themes_partial_update",
        "project:write",
        200,
    ),
    # environments: dataset items
    ("GET", f"{ENV}/dataset_items/", "environments_dataset_items_list", "dataset:read", 200),
    ("POST", f"{ENV}/dataset_items/", "environments_dataset_items_create", "dataset:write", 201),
    (
        "DELETE",
        f"{ENV}/dataset_items/{{id}}/",
        "environments_dataset_items_destroy",
        "dataset:write",
        405,
    ),
    (
        "GET",
        f"{ENV}/dataset_items/{{id}}/",
        "environments_dataset_items_retrieve",
        "dataset:read",
        200,
    ),
    (
        "PATCH",
        f"{ENV}/dataset_items/{{id}}/",
        "environments_dataset_items_partial_update",
        "dataset:write",
        200,
    ),
    # environments: datasets
    ("GET", f"{ENV}/datasets/", "environments_datasets_list", "dataset:read", 200),
    ("POST", f"{ENV}/datasets/", "environments_datasets_create", "dataset:write", 201),
    ("GET", f"{ENV}/datasets/{{id}}/", "environments_datasets_retrieve", "dataset:read", 200),
    (
        "PATCH",
        f"{ENV}/datasets/{{id}}/",
        "environments_datasets_partial_update",
        "dataset:write",
        200,
    ),
    # environments: exports
    ("GET", f"{ENV}/exports/", "environments_exports_list", "export:read", 200),
    ("POST", f"{ENV}/exports/", "environments_exports_create", "export:write", 201),
    ("GET", f"{ENV}/exports/{{id}}/", "environments_exports_retrieve", "export:read", 200),
    (
        "GET",
        f"{ENV}/exports/{{id}}/content/",
        "environments_exports_content_retrieve",
        "export:read",
        200,
    ),
    # environments: groups
    ("GET", f"{ENV}/groups/", "environments_groups_list", "group:read", 200),
    ("GET", f"{ENV}/groups/find/", "environments_groups_find_retrieve", "group:read", 200),
    (
        "GET",
        f"{ENV}/groups/property_definitions/",
        "environments_groups_property_definitions_retrieve",
        "group:read",
        200,
    ),
    (
        "GET",
        f"{ENV}/groups/property_values/",
        "environments_groups_property_values_retrieve",
        "group:read",
        200,
    ),
    # environments: insights
    ("GET", f"{ENV}/insights/", "environments_insights_list", "insight:read", 200),
    # environments: session recordings
    (
        "DELETE",
        f"{ENV}/session_recordings/{{id}}/",
        "environments_session_recordings_destroy",
        "session_recording:write",
        204,
    ),
    (
        "GET",
        f"{ENV}/session_recordings/{{recording_id}}/sharing/",
        "environments_session_recordings_sharing_list",
        "sharing_configuration:read",
        200,
    ),
    # environments: sessions
    (
        "GET",
        f"{ENV}/sessions/property_definitions/",
        "environments_sessions_property_definitions_retrieve",
        "query:read",
        200,
    ),
    ("GET", f"{ENV}/sessions/values/", "environments_sessions_values_retrieve", "query:read", 200),
    # environments: subscriptions
    ("GET", f"{ENV}/subscriptions/", "environments_subscriptions_list", "subscription:read", 200),
    (
        "POST",
        f"{ENV}/subscriptions/",
        "environments_subscriptions_create",
        "subscription:write",
        201,
    ),
    (
        "DELETE",
        f"{ENV}/subscriptions/{{id}}/",
        "environments_subscriptions_destroy",
        "subscription:write",
        405,
    ),
    (
        "GET",
        f"{ENV}/subscriptions/{{id}}/",
        "environments_subscriptions_retrieve",
        "subscription:read",
        200,
    ),
    (
        "PATCH",
        f"{ENV}/subscriptions/{{id}}/",
        "environments_subscriptions_partial_update",
        "subscription:write",
        200,
    ),
    # projects: dashboards
    ("GET", f"{PROJ}/dashboards/", "dashboards_list", "dashboard:read", 200),
    ("POST", f"{PROJ}/dashboards/", "dashboards_create", "dashboard:write", 201),
    (
        "GET",
        f"{PROJ}/dashboards/{{dashboard_id}}/collaborators/",
        "dashboards_collaborators_list",
        "dashboard:read",
        200,
    ),
    (
        "POST",
        f"{PROJ}/dashboards/{{dashboard_id}}/collaborators/",
        "dashboards_collaborators_create",
        "dashboard:write",
        201,
    ),
    (
        "DELETE",
        f"{PROJ}/dashboards/{{dashboard_id}}/collaborators/{{user__uuid}}/",
        "dashboards_collaborators_destroy",
        "dashboard:write",
        204,
    ),
    (
        "GET",
        f"{PROJ}/dashboards/{{dashboard_id}}/sharing/",
        "dashboards_sharing_list",
        "sharing_configuration:read",
        200,
    ),
    ("DELETE", f"{PROJ}/dashboards/{{id}}/", "dashboards_destroy", "dashboard:write", 405),
    ("GET", f"{PROJ}/dashboards/{{id}}/", "dashboards_retrieve", "dashboard:read", 200),
    ("PATCH", f"{PROJ}/dashboards/{{id}}/", "dashboards_partial_update", "dashboard:write", 200),
    (
        "PATCH",
        f"{PROJ}/dashboards/{{id}}/move_tile/",
        "dashboards_move_tile_partial_update",
        "dashboard:write",
        200,
    ),
    (
        "POST",
        f"{PROJ}/dashboards/create_from_template_json/",
        "dashboards_create_from_template_json_create",
        "dashboard:write",
        200,
    ),
]

# Operations whose reference page names no API key scope: the scope in the
# table is inferred, and the operation must say so.
INFERRED_SCOPE = {
    "environments_dashboards_stream_tiles_retrieve",
    "environments_dashboards_create_from_template_json_create",
    "environments_dashboards_create_unlisted_dashboard_create",
    "environments_groups_find_retrieve",
    "environments_groups_property_definitions_retrieve",
    "environments_groups_property_values_retrieve",
    "environments_sessions_property_definitions_retrieve",
    "environments_sessions_values_retrieve",
    "dashboards_move_tile_partial_update",
    "dashboards_create_from_template_json_create",
}

# Responses the pages document as "No response body".
NO_BODY = {
    "environments_dashboards_collaborators_destroy",
    "environments_dashboards_destroy",
    "environments_dashboards_stream_tiles_retrieve",
    "environments_dashboards_create_from_template_json_create",
    "environments_dashboards_create_unlisted_dashboard_create",
    "environments_data_color_themes_destroy",
    "environments_dataset_items_destroy",
    "environments_groups_find_retrieve",
    "environments_groups_property_definitions_retrieve",
    "environments_groups_property_values_retrieve",
    "environments_session_recordings_destroy",
    "environments_sessions_property_definitions_retrieve",
    "environments_sessions_values_retrieve",
    "environments_subscriptions_destroy",
    "dashboards_collaborators_destroy",
    "dashboards_destroy",
    "dashboards_move_tile_partial_update",
    "dashboards_create_from_template_json_create",
}

EXPECTED = {(row[0], row[1]): row for row in OPERATIONS}


@pytest.fixture(scope="module")
def spec() -> dict:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _operations(spec: dict) -> dict[tuple[str, str], dict]:
    ops = {}
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                ops[(method.upper(), path)] = item[method]
    return ops


def _resolve(spec: dict, node: dict) -> dict:
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"non-local $ref {ref}"
        target = spec
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_table_is_consistent():
    assert len(OPERATIONS) == 55
    assert len(EXPECTED) == 55
    assert len({row[2] for row in OPERATIONS}) == 55
    ids = {row[2] for row in OPERATIONS}
    assert INFERRED_SCOPE <= ids
    assert NO_BODY <= ids


def test_spec_is_valid_openapi_3_0_3(spec):
    assert spec["openapi"] == "3.0.3"
    validate(spec)


def test_info_and_servers(spec):
    assert spec["info"]["title"] == "PostHog API"
    assert spec["info"]["version"]
    assert spec["info"]["description"]
    servers = spec["servers"]
    assert servers[0] == {"url": "https://us.posthog.com", "description": "US Cloud"}
    assert {"url": "https://eu.posthog.com", "description": "EU Cloud"} in servers


def test_security_scheme(spec):
    scheme = spec["components"]["securitySchemes"]["PersonalAPIKeyAuth"]
    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"


def test_exactly_the_documented_operations(spec):
    assert set(_operations(spec)) == set(EXPECTED)


def test_operation_ids_are_unique(spec):
    ids = [op.get("operationId") for op in _operations(spec).values()]
    assert all(ids)
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    "method,path,operation_id,scope,status", OPERATIONS, ids=[row[2] for row in OPERATIONS]
)
def test_operation_matches_table(spec, method, path, operation_id, scope, status):
    op = _operations(spec)[(method, path)]
    assert op["operationId"] == operation_id
    assert op["security"] == [{"PersonalAPIKeyAuth": [scope]}]
    assert op.get("tags"), "every operation is tagged"

    codes = {str(code) for code in op["responses"]}
    assert str(status) in codes
    success = sorted(code for code in codes if code.startswith("2"))
    if status == 405:
        assert not success, "a hard delete that is not allowed has no success response"
    else:
        assert success[0] == str(status)

    response = _resolve(spec, op["responses"][str(status)])
    if operation_id in NO_BODY:
        assert "content" not in response
    if operation_id in INFERRED_SCOPE:
        assert op.get("x-apiforge-inferred") is True


def test_path_parameters_are_declared(spec):
    for path, item in spec["paths"].items():
        in_path = set(re.findall(r"{([^}]+)}", path))
        shared = [_resolve(spec, p) for p in item.get("parameters", [])]
        for method in HTTP_METHODS:
            if method not in item:
                continue
            own = [_resolve(spec, p) for p in item[method].get("parameters", [])]
            declared = {p["name"] for p in shared + own if p["in"] == "path"}
            assert declared == in_path, (method, path)
            for p in shared + own:
                if p["in"] == "path":
                    assert p["required"] is True


def test_every_ref_resolves(spec):
    for ref in _refs(spec):
        _resolve(spec, {"$ref": ref})


def test_patched_schemas_have_no_required(spec):
    schemas = spec["components"]["schemas"]
    patched = [name for name in schemas if name.startswith("Patched")]
    assert {
        "PatchedDashboard",
        "PatchedDataColorTheme",
        "PatchedDataset",
        "PatchedDatasetItem",
        "PatchedSubscription",
    } <= set(patched)
    for name in patched:
        assert "required" not in schemas[name], name
        assert schemas[name]["properties"] == schemas[name[len("Patched") :]]["properties"], name


def test_patch_bodies_use_patched_schemas(spec):
    for (method, path), op in _operations(spec).items():
        if method != "PATCH":
            continue
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        assert schema["$ref"].split("/")[-1].startswith("Patched"), path


def test_object_schemas_and_required_fields(spec):
    for name, schema in spec["components"]["schemas"].items():
        if name.endswith("Enum"):
            assert schema["enum"], name
            continue
        assert schema["type"] == "object", name
        for field in schema.get("required", []):
            assert field in schema["properties"], (name, field)


def test_pagination_wrappers(spec):
    schemas = spec["components"]["schemas"]
    for name, schema in schemas.items():
        if name.startswith("Paginated"):
            props = schema["properties"]
            assert props["count"]["type"] == "integer"
            assert set(schema["required"]) == {"count", "results"}
        elif name.startswith("CursorPaginated"):
            props = schema["properties"]
            assert "count" not in props
            assert schema["required"] == ["results"]
        else:
            continue
        for link in ("next", "previous"):
            assert props[link]["type"] == "string", (name, link)
            assert props[link]["format"] == "uri", (name, link)
            assert props[link]["nullable"] is True, (name, link)
        assert props["results"]["type"] == "array"


def test_documented_enums(spec):
    schemas = spec["components"]["schemas"]
    assert schemas["RestrictionLevelEnum"]["type"] == "integer"
    assert schemas["RestrictionLevelEnum"]["enum"] == [21, 37]
    for name, shown in {
        "CreationModeEnum": "default",
        "ExportFormatEnum": "image/png",
        "TargetTypeEnum": "email",
        "FrequencyEnum": "daily",
        "ByweekdayEnum": "monday",
        "RoleAtOrganizationEnum": "engineering",
    }.items():
        assert shown in schemas[name]["enum"], name


def test_insights_query_parameters(spec):
    op = _operations(spec)[("GET", f"{ENV}/insights/")]
    params = {p["name"]: p for p in (_resolve(spec, q) for q in op["parameters"])}
    refresh = params["refresh"]["schema"]
    assert refresh["default"] == "force_cache"
    assert set(refresh["enum"]) == {
        "async",
        "async_except_on_cache_miss",
        "blocking",
        "force_async",
        "force_blocking",
        "force_cache",
        "lazy_async",
    }
    assert set(params["format"]["schema"]["enum"]) == {"csv", "json"}


def test_groups_and_datasets_query_parameters(spec):
    ops = _operations(spec)
    groups = {
        p["name"]: p
        for p in (_resolve(spec, q) for q in ops[("GET", f"{ENV}/groups/")]["parameters"])
    }
    assert {"cursor", "group_type_index", "search"} <= set(groups)
    assert groups["group_type_index"]["schema"]["type"] == "integer"
    assert groups["group_type_index"]["required"] is True

    datasets = {
        p["name"]: p
        for p in (_resolve(spec, q) for q in ops[("GET", f"{ENV}/datasets/")]["parameters"])
    }
    assert datasets["id__in"]["schema"]["type"] == "array"
    assert datasets["order_by"]["schema"]["type"] == "array"
    assert datasets["search"]["schema"]["type"] == "string"


def test_create_unlisted_dashboard_conflict(spec):
    op = _operations(spec)[("POST", f"{ENV}/dashboards/create_unlisted_dashboard/")]
    assert "409" in op["responses"]


def test_export_content_is_binary_and_marked_inferred(spec):
    op = _operations(spec)[("GET", f"{ENV}/exports/{{id}}/content/")]
    response = op["responses"]["200"]
    assert response.get("x-apiforge-inferred") is True
    assert response["content"]
    for media in response["content"].values():
        assert media["schema"] == {"type": "string", "format": "binary"}
