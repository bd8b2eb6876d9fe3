"""Generated names and docs a reviewer would keep (issue 16, item 12).

Each test renders a small spec (no formatting) or runs the naming pass, and checks
one thing a reviewer rewrote by hand before: numbered enum members, an enum type
named after another operation, a method repeating its verb, placeholder parameter
docs, FastAPI's defaults on every route, boilerplate resource docstrings, a runtime
class named like common schemas.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apiforge.config.targets import Target
from apiforge.diagnostics import Sink
from apiforge.ir.build import build
from apiforge.ir.shapes import build_shapes
from apiforge.load.load import load
from apiforge.naming.names import Names, resolve_names
from apiforge.naming.schemas import enum_member_names, without_repeated_verb
from apiforge.pipeline import Rendered, render

REPO = Path(__file__).resolve().parents[2]

SPEC = """\
openapi: 3.0.3
info: {title: Jobs, version: "1"}
paths:
  /jobs/:
    get:
      operationId: jobs_list
      parameters:
        - {name: order, in: query, schema: {type: string, enum: [asc, desc]}}
        - {$ref: "#/components/parameters/Format"}
        - {name: page-size, in: query, schema: {type: integer, default: 20}}
      responses:
        "200": {description: Jobs., content: {application/json: {schema: {$ref: "#/components/schemas/Status"}}}}
        "4XX": {description: Bad., content: {application/json: {schema: {$ref: "#/components/schemas/Status"}}}}
  /jobs/run_all/:
    post:
      operationId: jobs_run_all_create
      parameters:
        - {name: order, in: query, schema: {type: string, enum: [asc, desc]}}
        - {$ref: "#/components/parameters/Format"}
      responses:
        "204": {description: Started.}
  /teams/{id}/jobs/:
    get:
      operationId: teams_jobs_list
      summary: List a team's jobs
      tags: [jobs]
      deprecated: true
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {$ref: "#/components/parameters/Format"}
      responses:
        "204": {description: None.}
components:
  parameters:
    Format:
      name: format
      in: query
      schema: {type: string, enum: [json, csv]}
  schemas:
    Status:
      type: object
      properties:
        level: {$ref: "#/components/schemas/Level"}
    Level:
      type: integer
      enum: [21, 37]
      description: |
        * `21` - Can view
        * `37` - Can edit
"""


def _names(tmp_path: Path) -> tuple[Names, object]:
    spec = tmp_path / "jobs.yaml"
    spec.write_text(SPEC)
    sink = Sink()
    loaded = load(spec, sink)
    assert loaded is not None
    api, source = build(loaded.document, sink, str(spec))
    return resolve_names(api, build_shapes(source.schemas, source.locations, sink)), api


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    spec = tmp_path_factory.mktemp("names") / "jobs.yaml"
    spec.write_text(SPEC)
    sink = Sink()
    result = render(Target.for_spec(spec, spec.parent, format=False), sink)
    assert result is not None, [d.render() for d in sink]
    return result


def test_a_method_does_not_repeat_its_verb(tmp_path: Path) -> None:
    names, _ = _names(tmp_path)
    assert names.operations["jobs_run_all_create"].method == "run_all_create"  # no repeated verb
    assert names.operations["jobs_list"].method == "list"


def test_drf_custom_action_drops_the_repeated_verb() -> None:
    assert without_repeated_verb("create_from_template_json_create") == "create_from_template_json"
    assert without_repeated_verb("move_tile_partial_update") == "move_tile_partial_update"
    assert without_repeated_verb("update_partial_update") == "update"
    assert without_repeated_verb("create") == "create"


def test_parameter_enums_are_named_after_what_they_are(tmp_path: Path) -> None:
    names, api = _names(tmp_path)
    by_param = {
        (op.operation_id, p.name): names.schemas[p.type.model]
        for op in api.operations  # type: ignore[attr-defined]
        for p in op.parameters
        if p.type.kind == "model"
    }
    # A reusable parameter's schema: after the parameter, not after the first operation.
    assert by_param[("teams_jobs_list", "format")] == "Format"
    # An inline schema two operations share: after their common resource and the parameter.
    assert by_param[("jobs_run_all_create", "order")] == "JobsOrder"


def test_posthog_dashboard_format_is_not_named_after_another_operation() -> None:
    sink = Sink()
    loaded = load(REPO / "spec" / "posthog.yaml", sink)
    assert loaded is not None
    api, _ = build(loaded.document, sink, "spec/posthog.yaml")
    names = resolve_names(api)
    assert "DashboardFormat" in names.schemas.values()
    assert "EnvironmentsDashboardsStreamTilesRetrieveFormat" not in names.schemas.values()
    methods = {n.method for n in names.operations.values()}
    assert (
        "create_from_template_json" in methods and "create_from_template_json_create" not in methods
    )


@pytest.mark.parametrize(
    ("values", "varnames", "description", "expected"),
    [
        (
            [21, 37],
            (),
            "* `21` - Can view dashboard\n* `37` - Can edit dashboard\n",
            ("can_view_dashboard", "can_edit_dashboard"),
        ),
        ([21, 37], (), "", ("value_21", "value_37")),
        ([-1, 2], (), "", ("value_minus_1", "value_2")),
        ([-1, 1.5], (), "", ("int__1", "float_1_5")),
        ([1, 2], ("ONE", "TwoThings"), "", ("one", "two_things")),
        (
            ["queued", "in-progress", "class", "A", "a"],
            (),
            "",
            ("queued", "in_progress", "class_", "A", "a"),
        ),
        ([True, None], (), "", ("bool_True", "NoneType_None")),
    ],
)
def test_enum_member_names(
    values: list[object], varnames: tuple[str, ...], description: str, expected: tuple[str, ...]
) -> None:
    assert enum_member_names(values, varnames, description) == expected


def test_the_naming_pass_names_every_enum_member(tmp_path: Path) -> None:
    names, _ = _names(tmp_path)
    by_class = {names.schemas[key]: members for key, members in names.members.items()}
    assert by_class["Level"] == ("can_view", "can_edit")
    assert by_class["Format"] == ("json", "csv")


def test_routes_leave_out_fastapi_defaults(rendered: Rendered) -> None:
    app = "".join(
        text
        for path, text in rendered.files.items()
        if path.startswith("jobs_server/jobs_server/routes/")
    )
    for default in (
        'description=""',
        "description=''",
        "tags=[]",
        "deprecated=False",
        "summary=''",
    ):
        assert default not in app
    assert (
        'tags=["jobs"]' in app
        and "deprecated=True" in app
        and 'summary="List a team\'s jobs"' in app
    )


def test_undocumented_parameters_say_what_the_spec_knows(rendered: Rendered) -> None:
    client = rendered.files["jobs_client/jobs_client/client/jobs.py"]
    assert "(query parameter" not in client and "(path parameter" not in client
    assert 'order: One of "asc", "desc".' in client  # quoted by escape.literal
    assert (
        "page_size: The server's default is 20. Sent as the query parameter ``page-size``."
        in client
    )


def test_resource_docstrings_say_where_and_what(rendered: Rendered) -> None:
    client = rendered.files["jobs_client/jobs_client/client/jobs.py"]
    assert (
        "Synchronous operations under" not in client
        and "Asynchronous operations under" not in client
    )
    assert '"""``client.jobs``: list, run_all_create."""' in client


def test_the_any_status_wrapper_does_not_take_a_common_schema_name(rendered: Rendered) -> None:
    """A spec's ``Status`` model and the runtime's wrapper can be imported side by side."""
    runtime = "".join(
        text
        for path, text in rendered.files.items()
        if path.startswith("jobs_server/jobs_server/_runtime/")
    )
    assert "class WithStatus(" in runtime and "\nclass Status(" not in runtime
    interfaces = rendered.files["jobs_server/jobs_server/interfaces.py"]
    assert "rt.WithStatus[Status]" in interfaces


def test_client_operations_leave_out_runtime_defaults(rendered: Rendered) -> None:
    client = "".join(
        text
        for path, text in rendered.files.items()
        if path.startswith("jobs_client/jobs_client/client/")
    )
    for default in (
        "deprecated=False",
        "errors={}",
        "body=None",
        "security=()",
        "params=()",
    ):
        assert default not in client
    assert "deprecated=True" in client and "params=(" in client and "responses={" in client
