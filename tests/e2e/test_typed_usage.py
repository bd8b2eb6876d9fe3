"""The generated PostHog packages type-check the way their users see them, in pyright and mypy.

pyright (VS Code's Pylance) shows errors in a vendored generated package to everyone who
opens it, so ``generated/`` must pass pyright's default mode as it passes ``mypy --strict``.
Then a user's program, written against the client and the server as their READMEs show,
must pass both checkers with its ``assert_type`` expectations, and a wrong server
implementation must be caught by both.
"""

from __future__ import annotations

from pathlib import Path

from e2e_paths import GENERATED_CLIENT, GENERATED_SERVER
from typecheckers import mypy, pyright

CLIENT_USER = """
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
from typing_extensions import assert_type

from posthog_client import (
    APIConnectionError,
    APIError,
    APIResponse,
    APIStatusError,
    AsyncClient,
    Client,
    NotFoundError,
    ResponseValidationError,
    async_with_raw_response,
    with_raw_response,
)
from posthog_client.models import (
    DashboardBasicResponse,
    DashboardRequest,
    DashboardResponse,
    PaginatedDashboardBasicListResponse,
    PatchedDashboardRequest,
)


def sync_use(client: Client) -> None:
    page = client.dashboards.list("1", limit=10)
    assert_type(page, PaginatedDashboardBasicListResponse)
    assert_type(page.results[0], DashboardBasicResponse)
    assert_type(client.dashboards.list_all("1"), Iterator[DashboardBasicResponse])
    # an optional property with an alias: omitted, or given by its Python name
    created = client.dashboards.create("1", DashboardRequest(name="x"))
    assert_type(created, DashboardResponse)
    client.dashboards.partial_update("1", 2, body=PatchedDashboardRequest(field_create_in_folder="f"))
    raw = with_raw_response(client.dashboards.retrieve)("1", 2)
    assert_type(raw, APIResponse[DashboardResponse])
    try:
        client.dashboards.retrieve("1", 3)
    except NotFoundError as exc:
        assert_type(exc.status_code, int)
        assert_type(exc.response, httpx.Response)
    except APIStatusError as exc:
        assert_type(exc.status_code, int)
    except APIConnectionError as exc:
        assert_type(exc.status_code, None)
        assert_type(exc.response, None)
    except ResponseValidationError as exc:
        assert_type(exc.response, httpx.Response)
    except APIError as exc:
        assert_type(exc.status_code, int | None)
        assert_type(exc.response, httpx.Response | None)


async def async_use(client: AsyncClient) -> None:
    assert_type(await client.dashboards.retrieve("1", 2), DashboardResponse)
    items = client.dashboards.list_all("1")
    assert_type(items, AsyncIterator[DashboardBasicResponse])
    raw = await async_with_raw_response(client.environments.dashboards.retrieve)("1", 2)
    assert_type(raw.parsed, DashboardResponse)


with Client(api_key="k") as c:
    sync_use(c)
"""

SERVER_USER = """
from __future__ import annotations

from posthog_server import create_app
from posthog_server import runtime as rt
from posthog_server.interfaces import EnvironmentsDashboardsBase
from posthog_server.models import DashboardRequest, PaginatedDashboardBasicListResponse


class Dashboards(EnvironmentsDashboardsBase):
    async def list(
        self, project_id: str, *, limit: int | None, offset: int | None, context: rt.RequestContext
    ) -> PaginatedDashboardBasicListResponse:
        return PaginatedDashboardBasicListResponse(count=0, results=[])

    async def create_unlisted_dashboard(
        self, project_id: str, *, format: object, body: DashboardRequest, context: rt.RequestContext
    ) -> rt.Ok[None] | rt.Conflict[None]:
        return rt.Conflict(None)


app = create_app(environments_dashboards=Dashboards())
"""

WRONG_SERVER = """
from __future__ import annotations

from posthog_server import runtime as rt
from posthog_server.interfaces import EnvironmentsDashboardsBase
from posthog_server.models import DashboardRequest, DashboardResponse


class Dashboards(EnvironmentsDashboardsBase):
    # wrong: `id` is an int in the spec
    async def retrieve(self, project_id: str, id: str, *, context: rt.RequestContext) -> DashboardResponse:
        raise NotImplementedError

    # wrong: 201 is not a documented status
    async def create_unlisted_dashboard(self, project_id: str, *, format: object, body: DashboardRequest, context: rt.RequestContext) -> rt.Created[None]:
        raise NotImplementedError
"""

# the 1-based numbers of the lines after each "# wrong" comment: where both checkers report
WRONG_LINES = {n + 2 for n, line in enumerate(WRONG_SERVER.splitlines()) if "# wrong" in line}


def _programs(tmp_path: Path) -> tuple[Path, Path, Path]:
    paths = (tmp_path / "client_user.py", tmp_path / "server_user.py", tmp_path / "wrong.py")
    for path, text in zip(paths, (CLIENT_USER, SERVER_USER, WRONG_SERVER)):
        path.write_text(text)
    return paths


def test_generated_packages_pass_pyright(tmp_path: Path) -> None:
    errors = pyright([GENERATED_CLIENT, GENERATED_SERVER], tmp_path)
    assert not errors, "\n".join(map(str, errors))


def test_user_programs_pass_pyright_and_a_wrong_implementation_fails(tmp_path: Path) -> None:
    client_user, server_user, wrong = _programs(tmp_path)
    errors = pyright(
        [client_user, server_user, wrong],
        tmp_path,
        extra_paths=[GENERATED_CLIENT, GENERATED_SERVER],
    )
    assert [e for e in errors if e.file != wrong] == [], "\n".join(map(str, errors))
    assert {e.line for e in errors if e.file == wrong} == WRONG_LINES, "\n".join(map(str, errors))


def test_user_programs_pass_mypy_strict_and_a_wrong_implementation_fails(tmp_path: Path) -> None:
    client_user, server_user, wrong = _programs(tmp_path)
    errors = mypy(
        [client_user, server_user, wrong],
        tmp_path,
        search_paths=[GENERATED_CLIENT, GENERATED_SERVER],
    )
    assert [e for e in errors if e.file != wrong] == [], "\n".join(map(str, errors))
    assert {e.line for e in errors if e.file == wrong} == WRONG_LINES, "\n".join(map(str, errors))
