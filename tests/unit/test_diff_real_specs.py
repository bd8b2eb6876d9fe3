"""Pairs built from real specs by realistic edits, diffed through files (load -> IR -> names).

The shared corpus holds no two versions of one API, so each pair is a real spec
and the next release its maintainers could plausibly ship: Twilio Studio v2
(form bodies, enums, JSON) and PostHog (``spec/posthog.yaml``, YAML). Every
change must name its Python symbol and point at file:line on both sides.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml
from shared_specs import SPECS_DIR, require_specs

from apiforge.diagnostics import Sink
from apiforge.diff.engine import diff_files
from apiforge.diff.model import Bump, Report

REPO = Path(__file__).resolve().parents[2]
TWILIO = SPECS_DIR / "twilio-oai" / "spec" / "json" / "twilio_studio_v2.json"


def _operation(document: dict[str, Any], operation_id: str) -> dict[str, Any]:
    for item in document["paths"].values():
        for value in item.values():
            if isinstance(value, dict) and value.get("operationId") == operation_id:
                return value
    raise KeyError(operation_id)


def _report(
    old: Path, new_document: dict[str, Any], tmp_path: Path, packages: dict[str, Any]
) -> Report:
    new = tmp_path / ("next" + old.suffix)
    text = (
        json.dumps(new_document, indent=2)
        if old.suffix == ".json"
        else yaml.safe_dump(new_document, sort_keys=False)
    )
    new.write_text(text, encoding="utf-8")
    return diff_files(old, new, Sink(), packages)


def _kinds(report: Report) -> set[tuple[str, str, str, str]]:
    return {(c.rule, c.audience, c.level.value, c.symbol) for c in report.changes}


def _lines_point_at(
    report: Report, needle_old: str | None, needle_new: str | None, rule: str
) -> None:
    change = next(c for c in report.changes if c.rule == rule)
    for location, needle in ((change.old, needle_old), (change.new, needle_new)):
        if needle is None:
            assert location is None
            continue
        assert location is not None and location.line is not None
        lines = Path(location.file).read_text(encoding="utf-8").splitlines()
        node = "\n".join(
            lines[location.line - 1 : location.line + 2]
        )  # a JSON object opens a line early
        assert needle in node, (location, node)


def test_twilio_studio_next_release(tmp_path: Path) -> None:
    require_specs()
    old = json.loads(TWILIO.read_text(encoding="utf-8"))
    new = copy.deepcopy(old)
    del new["paths"]["/v2/Flows/{FlowSid}/Executions/{Sid}"][
        "delete"
    ]  # executions can no longer be deleted
    listing = _operation(new, "ListFlow")
    listing["parameters"] = [p for p in listing["parameters"] if p.get("name") != "PageToken"]
    new["components"]["schemas"]["flow_enum_status"]["enum"].append("archived")
    new["components"]["schemas"]["studio.v2.flow"]["properties"]["friendly_name"]["description"] = (
        "Its name."
    )
    report = _report(TWILIO, new, tmp_path, {"studio_client": "client", "studio_server": "server"})
    kinds = _kinds(report)
    assert (
        "operation-removed",
        "client",
        "breaking",
        "client.flows.executions.delete_execution(...)",
    ) in kinds
    assert (
        "operation-removed",
        "server",
        "compatible",
        "FlowsExecutionsApi.delete_execution(...)",
    ) in kinds
    assert (
        "parameter-removed",
        "client",
        "breaking",
        "client.flows.list_flow(page_token=...)",
    ) in kinds
    assert (
        "enum-value-added",
        "client",
        "compatible",
        "models.FlowEnumStatus",
    ) in kinds  # open enums
    assert (
        "enum-value-added",
        "server",
        "possibly breaking",
        "models.FlowEnumStatus",
    ) in kinds  # UpdateFlow sends it
    assert not any(
        c.rule.startswith("field") for c in report.changes
    )  # a description is no API change
    # the route stops passing page_token=, so implementations that take it must change too
    assert (
        "parameter-removed",
        "server",
        "breaking",
        "FlowsApi.list_flow(page_token=...)",
    ) in kinds
    assert (report.bump("client"), report.bump("server")) == (Bump.MAJOR, Bump.MAJOR)
    _lines_point_at(report, '"delete"', None, "operation-removed")
    _lines_point_at(report, '"PageToken"', '"get"', "parameter-removed")  # new side: the operation
    _lines_point_at(report, '"flow_enum_status"', '"flow_enum_status"', "enum-value-added")


# Dashboard has readOnly properties: the packages export DashboardRequest and DashboardResponse.
DASHBOARD_NAME = "models.DashboardRequest.name / models.DashboardResponse.name"


def test_posthog_next_release(tmp_path: Path) -> None:
    spec = REPO / "spec" / "posthog.yaml"
    old = yaml.safe_load(spec.read_text(encoding="utf-8"))
    new = copy.deepcopy(old)
    limit = new["components"]["parameters"]["Limit"]["schema"]
    limit["maximum"] = 50  # page size capped lower
    dashboard = new["components"]["schemas"]["Dashboard"]
    dashboard["required"].append("name")  # responses always carry a name; create needs one
    _operation(new, "dashboards_list")["deprecated"] = True
    report = _report(spec, new, tmp_path, {"posthog_client": "client", "posthog_server": "server"})
    kinds = _kinds(report)
    assert (
        "parameter-constraint-narrower",
        "client",
        "possibly breaking",
        "client.dashboards.list(limit=...)",
    ) in kinds
    assert (
        "parameter-constraint-narrower",
        "server",
        "compatible",
        "DashboardsApi.list(limit=...)",
    ) in kinds
    assert (
        "field-made-required",
        "client",
        "breaking",
        DASHBOARD_NAME,
    ) in kinds  # Dashboard is a body too
    assert (
        "field-made-required",
        "server",
        "breaking",
        DASHBOARD_NAME,
    ) in kinds  # and a response
    assert ("operation-deprecated", "client", "compatible", "client.dashboards.list(...)") in kinds
    _lines_point_at(report, "name:", "name:", "field-made-required")
    assert report.bump("client") is Bump.MAJOR


def test_reordered_yaml_is_no_change(tmp_path: Path) -> None:
    spec = REPO / "spec" / "posthog.yaml"
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    shuffled = dict(reversed(list(document.items())))
    report = _report(spec, shuffled, tmp_path, {"posthog_client": "client"})
    assert report.changes == ()
    assert report.bump("client") is Bump.NONE
