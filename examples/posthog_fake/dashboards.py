"""Dashboards, their collaborators and sharing configurations.

``/api/projects/{id}/dashboards/`` and ``/api/environments/{id}/dashboards/`` serve the
same dashboards (an environment is a project's team), so both implementations share
one store; only their custom actions differ. Hard deletes answer 405 (the spec's
documented response): set ``deleted`` with a PATCH instead. Lists leave out deleted
dashboards, while retrieve and PATCH still reach them, so a dashboard can be restored.
"""

from __future__ import annotations

import builtins
import hashlib
import uuid
from typing import Any

from posthog_server import runtime as rt
from posthog_server.models import (
    CreationModeEnum,
    DashboardBasicResponse,
    DashboardCollaboratorRequest,
    DashboardCollaboratorResponse,
    DashboardFormat,
    DashboardRequest,
    DashboardResponse,
    PaginatedDashboardBasicListResponse,
    PatchedDashboardRequest,
    PrivilegeLevelEnum,
    RestrictionLevelEnum,
    SharingConfigurationResponse,
)

from .paging import limit_offset_page
from .store import (
    FakePostHog,
    Project,
    bad_request,
    check_enum,
    not_found,
    sent_fields,
    updated,
)

__all__ = ["DashboardCollaborators", "EnvironmentDashboards", "ProjectDashboards", "sharing_for"]

# What a PATCH may change (the rest is read-only or write-only).
_PATCHABLE = frozenset(
    {"name", "description", "pinned", "last_accessed_at", "deleted", "breakdown_colors",
     "data_color_theme_id", "tags", "restriction_level", "last_refresh"}
)  # fmt: skip
_BASIC_FIELDS = set(DashboardBasicResponse.model_fields)


def sharing_for(
    fake: FakePostHog, project: Project, kind: str, key: str
) -> SharingConfigurationResponse:
    """The sharing configuration of one resource, created (disabled) on first access."""
    config = project.sharing.get((kind, key))
    if config is None:
        token = hashlib.sha256(f"{project.team_id}:{kind}:{key}".encode()).hexdigest()[:22]
        config = SharingConfigurationResponse(
            created_at=fake.now(), enabled=False, access_token=token
        )
        project.sharing[(kind, key)] = config
    return config


class _Dashboards:
    """The operations both dashboard groups share."""

    def __init__(self, fake: FakePostHog) -> None:
        self._fake = fake

    def _get(self, project_id: str, dashboard_id: int) -> DashboardResponse:
        dashboard = self._fake.project(project_id).dashboards.get(dashboard_id)
        if dashboard is None:
            raise not_found()
        return dashboard

    def _create(
        self,
        project_id: str,
        body: DashboardRequest,
        context: rt.RequestContext,
        mode: CreationModeEnum = CreationModeEnum.default,
        **overrides: Any,
    ) -> DashboardResponse:
        sent = sent_fields(body) | overrides
        project = self._fake.project(project_id)
        tiles: list[dict[str, Any]] = []
        if sent.get("use_dashboard") is not None:
            source = project.dashboards.get(sent["use_dashboard"])
            if source is None:
                raise bad_request("use_dashboard", "Dashboard to duplicate does not exist.")
            mode, tiles = CreationModeEnum.duplicate, list(source.tiles)
        elif sent.get("use_template") is not None:
            mode = CreationModeEnum.template
            tiles = [{"template": sent["use_template"], "insight": None}]
        restriction = sent.get("restriction_level", RestrictionLevelEnum.value_21)
        dashboard = DashboardResponse(
            id=self._fake.next_id(),
            name=sent.get("name"),
            description=sent.get("description", ""),
            pinned=sent.get("pinned", False),
            last_accessed_at=sent.get("last_accessed_at"),
            created_at=self._fake.now(),
            created_by=self._fake.user(context.principal),
            is_shared=False,
            deleted=sent.get("deleted", False),
            creation_mode=mode,
            breakdown_colors=sent.get("breakdown_colors"),
            data_color_theme_id=sent.get("data_color_theme_id"),
            filters={},
            variables={},
            tags=sent.get("tags", []),
            tiles=tiles,
            restriction_level=restriction,
            effective_restriction_level=restriction,
            effective_privilege_level=PrivilegeLevelEnum.can_edit_dashboard,
            user_access_level="editor",
            access_control_version="v2",
            last_refresh=sent.get("last_refresh"),
        )
        project.dashboards[dashboard.id] = dashboard
        return dashboard

    async def list(
        self, project_id: str, *, limit: int | None, offset: int | None, context: rt.RequestContext
    ) -> PaginatedDashboardBasicListResponse:
        """List the dashboards that are not deleted, oldest first."""
        live = [d for d in self._fake.project(project_id).dashboards.values() if not d.deleted]
        page = limit_offset_page(live, context.request.url, limit, offset, self._fake.page_size)
        results = [
            DashboardBasicResponse.model_validate(
                d.model_dump(include=_BASIC_FIELDS, exclude_unset=True)
            )
            for d in page.results
        ]
        return PaginatedDashboardBasicListResponse.model_validate(
            {"count": page.count, "next": page.next, "previous": page.previous, "results": results}
        )

    async def create(
        self, project_id: str, *, body: DashboardRequest, context: rt.RequestContext
    ) -> DashboardResponse:
        """Create a dashboard (duplicating ``use_dashboard`` or from ``use_template``)."""
        return self._create(project_id, body, context)

    async def sharing_list(
        self, project_id: str, dashboard_id: int, *, context: rt.RequestContext
    ) -> SharingConfigurationResponse:
        """The dashboard's sharing configuration."""
        self._get(project_id, dashboard_id)
        project = self._fake.project(project_id)
        return sharing_for(self._fake, project, "dashboard", str(dashboard_id))

    async def retrieve(
        self, project_id: str, id: int, *, context: rt.RequestContext
    ) -> DashboardResponse:
        """One dashboard (deleted ones too, so they can be restored)."""
        return self._get(project_id, id)

    async def destroy(self, project_id: str, id: int, *, context: rt.RequestContext) -> None:
        """Hard delete is not allowed: the route answers its documented 405."""
        return

    async def partial_update(
        self,
        project_id: str,
        id: int,
        *,
        body: PatchedDashboardRequest | None,
        context: rt.RequestContext,
    ) -> DashboardResponse:
        """Change only the fields sent; ``restriction_level`` drives the effective level."""
        dashboard = self._get(project_id, id)
        sent = sent_fields(body)
        changes = {key: value for key, value in sent.items() if key in _PATCHABLE}
        if "restriction_level" in changes:
            changes["effective_restriction_level"] = changes["restriction_level"]
        dashboard = updated(dashboard, changes)
        self._fake.project(project_id).dashboards[id] = dashboard
        return dashboard


class ProjectDashboards(_Dashboards):
    """``create_app(dashboards=...)``: ``/api/projects/{project_id}/dashboards/``."""

    async def move_tile_partial_update(
        self,
        project_id: str,
        id: int,
        *,
        body: PatchedDashboardRequest | None,
        context: rt.RequestContext,
    ) -> None:
        """Accept a tile move on an existing dashboard (the fake keeps no tile layout)."""
        self._get(project_id, id)

    async def create_from_template_json(
        self, project_id: str, *, body: DashboardRequest, context: rt.RequestContext
    ) -> None:
        """Create a dashboard from a template; the spec documents no response body."""
        self._create(project_id, body, context, CreationModeEnum.template)


class EnvironmentDashboards(_Dashboards):
    """``create_app(environments_dashboards=...)``: ``/api/environments/{project_id}/dashboards/``."""

    async def stream_tiles_retrieve(
        self,
        project_id: str,
        id: int,
        *,
        format: DashboardFormat | None,
        context: rt.RequestContext,
    ) -> None:
        """Check the dashboard exists; the spec documents no response body."""
        self._get(project_id, id)

    async def create_from_template_json(
        self,
        project_id: str,
        *,
        format: DashboardFormat | None,
        body: DashboardRequest,
        context: rt.RequestContext,
    ) -> None:
        """Create a dashboard from a template; the spec documents no response body."""
        self._create(project_id, body, context, CreationModeEnum.template)

    async def create_unlisted_dashboard(
        self,
        project_id: str,
        *,
        format: DashboardFormat | None,
        body: DashboardRequest,
        context: rt.RequestContext,
    ) -> rt.Ok[None] | rt.Conflict[None]:
        """Create the one unlisted dashboard of a tag (the first of ``tags``), else 409."""
        tags = body.tags or []
        tag = str(tags[0]) if tags else body.use_template or "unlisted"
        project = self._fake.project(project_id)
        existing = project.dashboards.get(project.unlisted_dashboards.get(tag, -1))
        if existing is not None and not existing.deleted:
            return rt.Conflict()
        dashboard = self._create(project_id, body, context, CreationModeEnum.template, tags=[tag])
        project.unlisted_dashboards[tag] = dashboard.id
        return rt.Ok()


class DashboardCollaborators:
    """Both collaborator groups: users given an explicit privilege level on a dashboard."""

    def __init__(self, fake: FakePostHog) -> None:
        self._fake = fake

    def _of(
        self, project_id: str, dashboard_id: int
    ) -> dict[uuid.UUID, DashboardCollaboratorResponse]:
        project = self._fake.project(project_id)
        if dashboard_id not in project.dashboards:
            raise not_found()
        return project.collaborators.setdefault(dashboard_id, {})

    async def list(
        self, project_id: str, dashboard_id: int, *, context: rt.RequestContext
    ) -> builtins.list[DashboardCollaboratorResponse]:
        """The dashboard's collaborators, in the order they were added."""
        return list(self._of(project_id, dashboard_id).values())

    async def create(
        self,
        project_id: str,
        dashboard_id: int,
        *,
        body: DashboardCollaboratorRequest,
        context: rt.RequestContext,
    ) -> DashboardCollaboratorResponse:
        """Add a collaborator; a user can be added only once (400)."""
        collaborators = self._of(project_id, dashboard_id)
        check_enum("level", body.level)
        if body.user_uuid in collaborators:
            raise bad_request("user_uuid", "This user is already a collaborator.", "unique")
        now = self._fake.now()
        collaborator = DashboardCollaboratorResponse(
            id=uuid.uuid5(body.user_uuid, str(dashboard_id)),
            dashboard_id=dashboard_id,
            user=self._fake.user_by_uuid(body.user_uuid),
            level=body.level,
            added_at=now,
            updated_at=now,
            user_uuid=body.user_uuid,
        )
        collaborators[body.user_uuid] = collaborator
        return collaborator

    async def destroy(
        self,
        project_id: str,
        dashboard_id: int,
        user_uuid: uuid.UUID,
        *,
        context: rt.RequestContext,
    ) -> None:
        """Remove a collaborator (204)."""
        collaborators = self._of(project_id, dashboard_id)
        if collaborators.pop(user_uuid, None) is None:
            raise not_found()
