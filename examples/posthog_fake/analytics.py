"""Groups, insights, session recordings and sessions: the read side of PostHog.

None of these can be created through the spec's operations; seed them with
``FakePostHog.add_group`` / ``add_insight`` / ``add_session_recording``. Groups use
cursor pagination (``next`` carries ``cursor=``), insights limit/offset. The property
definition and value endpoints document no response body, so they answer an empty 200.
"""

from __future__ import annotations

import uuid

from posthog_server import runtime as rt
from posthog_server.models import (
    CursorPaginatedGroupListResponse,
    EnvironmentsInsightsListFormat,
    EnvironmentsInsightsListRefresh,
    PaginatedInsightListResponse,
    SharingConfigurationResponse,
)

from .dashboards import sharing_for
from .paging import cursor_page, limit_offset_page
from .store import FakePostHog, check_enum, not_found, updated

__all__ = ["Groups", "Insights", "SessionPropertyDefinitions", "SessionRecordings", "SessionValues"]

# refresh modes that compute synchronously (so the result is fresh, not cached)
_BLOCKING = frozenset({"blocking", "force_blocking"})


class Groups:
    """``create_app(environments_groups=...)``."""

    def __init__(self, fake: FakePostHog) -> None:
        self._fake = fake

    async def list(
        self,
        project_id: str,
        *,
        group_type_index: int,
        cursor: str | None,
        search: str | None,
        context: rt.RequestContext,
    ) -> CursorPaginatedGroupListResponse:
        """Groups of one type, matching ``search`` in their key or name, in creation order."""
        rows = [
            g
            for g in self._fake.project(project_id).groups
            if g.group_type_index == group_type_index
        ]
        if search:
            needle = search.casefold()
            rows = [g for g in rows if needle in _group_text(g.group_key, g.group_properties)]
        page = cursor_page(rows, context.request.url, cursor, self._fake.page_size)
        return CursorPaginatedGroupListResponse.model_validate(
            {"next": page.next, "previous": page.previous, "results": page.results}
        )

    async def find_retrieve(
        self, project_id: str, *, group_key: str, group_type_index: int, context: rt.RequestContext
    ) -> None:
        """200 when the group exists, else 404 (the spec documents no response body)."""
        for group in self._fake.project(project_id).groups:
            if group.group_key == group_key and group.group_type_index == group_type_index:
                return
        raise not_found()

    async def property_definitions_retrieve(
        self, project_id: str, *, context: rt.RequestContext
    ) -> None:
        """Empty 200 (no response body is documented)."""
        return

    async def property_values_retrieve(
        self, project_id: str, *, context: rt.RequestContext
    ) -> None:
        """Empty 200 (no response body is documented)."""
        return


def _group_text(key: str, properties: object) -> str:
    name = properties.get("name") if isinstance(properties, dict) else None
    return f"{key}\n{name or ''}".casefold()


class Insights:
    """``create_app(environments_insights=...)``."""

    def __init__(self, fake: FakePostHog) -> None:
        self._fake = fake

    async def list(
        self,
        project_id: str,
        *,
        created_by: int | None,
        format: EnvironmentsInsightsListFormat | None,
        limit: int | None,
        offset: int | None,
        refresh: EnvironmentsInsightsListRefresh | None,
        short_id: str | None,
        context: rt.RequestContext,
    ) -> PaginatedInsightListResponse:
        """Insights not deleted, filtered by creator and short id.

        ``refresh`` (default ``force_cache``) shows in the results: a blocking mode
        marks them freshly computed (``is_cached`` "false", ``last_refresh`` now);
        every other mode serves them from the cache (``is_cached`` "true").
        """
        check_enum("format", format)
        check_enum("refresh", refresh)
        rows = [i for i in self._fake.project(project_id).insights.values() if not i.deleted]
        if created_by is not None:
            rows = [i for i in rows if i.created_by is not None and i.created_by.id == created_by]
        if short_id is not None:
            rows = [i for i in rows if i.short_id == short_id]
        page = limit_offset_page(rows, context.request.url, limit, offset, self._fake.page_size)
        mode = refresh.value if refresh is not None else "force_cache"
        fresh = mode in _BLOCKING
        now = self._fake.now().isoformat()
        results = [
            updated(
                i,
                {
                    "is_cached": "false" if fresh else "true",
                    "last_refresh": now if fresh else i.last_refresh,
                },
            )
            for i in page.results
        ]
        return PaginatedInsightListResponse.model_validate(
            {"count": page.count, "next": page.next, "previous": page.previous, "results": results}
        )


class SessionRecordings:
    """``create_app(environments_session_recordings=...)``."""

    def __init__(self, fake: FakePostHog) -> None:
        self._fake = fake

    async def destroy(self, project_id: str, id: uuid.UUID, *, context: rt.RequestContext) -> None:
        """Delete a recording (204); its sharing configuration goes with it."""
        project = self._fake.project(project_id)
        if str(id) not in project.recordings:
            raise not_found()
        project.recordings.discard(str(id))
        project.sharing.pop(("recording", str(id)), None)

    async def sharing_list(
        self, project_id: str, recording_id: str, *, context: rt.RequestContext
    ) -> SharingConfigurationResponse:
        """The recording's sharing configuration."""
        project = self._fake.project(project_id)
        if recording_id not in project.recordings:
            raise not_found()
        return sharing_for(self._fake, project, "recording", recording_id)


class SessionPropertyDefinitions:
    """``create_app(environments_sessions_property_definitions=...)``."""

    async def retrieve(self, project_id: str, *, context: rt.RequestContext) -> None:
        """Empty 200 (no response body is documented)."""
        return


class SessionValues:
    """``create_app(environments_sessions_values=...)``."""

    async def retrieve(self, project_id: str, *, context: rt.RequestContext) -> None:
        """Empty 200 (no response body is documented)."""
        return
