"""Data color themes, exported assets (with their file content) and subscriptions.

Themes are really deleted (204). Subscriptions answer 405 to a hard delete (the spec's
documented response; PATCH ``deleted`` instead) and lists leave deleted ones out. An
export's file is rendered when the export is created, so ``content`` is ready at once;
its bytes start with the real signature of the export format (PNG, PDF, GIF...).
"""

from __future__ import annotations

import json
from typing import Any

from posthog_server import runtime as rt
from posthog_server.models import (
    DataColorThemeRequest,
    DataColorThemeResponse,
    ExportedAssetRequest,
    ExportedAssetResponse,
    ExportFormatEnum,
    PaginatedDataColorThemeListResponse,
    PaginatedExportedAssetListResponse,
    PaginatedSubscriptionListResponse,
    PatchedDataColorThemeRequest,
    PatchedSubscriptionRequest,
    SubscriptionRequest,
    SubscriptionResponse,
)

from .paging import limit_offset_page
from .store import FakePostHog, not_found, sent_fields, updated

__all__ = ["DataColorThemes", "Exports", "Subscriptions", "render_export"]

_SUBSCRIPTION_PATCHABLE = frozenset(SubscriptionRequest.model_fields)
_SIGNATURES: dict[str, bytes] = {
    "image/png": b"\x89PNG\r\n\x1a\n",
    "application/pdf": b"%PDF-1.4\n",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": b"PK\x03\x04",
    "video/webm": b"\x1aE\xdf\xa3",
    "video/mp4": b"\x00\x00\x00\x18ftypmp42",
    "image/gif": b"GIF89a",
}
_EXTENSIONS: dict[str, str] = {
    "image/png": "png",
    "application/pdf": "pdf",
    "text/csv": "csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "video/webm": "webm",
    "video/mp4": "mp4",
    "image/gif": "gif",
    "application/json": "json",
}


def render_export(asset: ExportedAssetResponse) -> bytes:
    """The fake file of an export: the format's signature, then a line naming the asset."""
    fmt = asset.export_format.value
    what = (
        f"dashboard {asset.dashboard}"
        if asset.dashboard is not None
        else f"insight {asset.insight}"
    )
    if fmt == "text/csv":
        return f"export,subject\r\n{asset.id},{what}\r\n".encode()
    if fmt == "application/json":
        return json.dumps({"export": asset.id, "subject": what}).encode()
    return _SIGNATURES.get(fmt, b"") + f"fake export {asset.id} of {what}\n".encode()


class DataColorThemes:
    """``create_app(environments_data_color_themes=...)``."""

    def __init__(self, fake: FakePostHog) -> None:
        self._fake = fake

    def _get(self, project_id: str, theme_id: int) -> DataColorThemeResponse:
        theme = self._fake.project(project_id).themes.get(theme_id)
        if theme is None:
            raise not_found()
        return theme

    async def list(
        self, project_id: str, *, limit: int | None, offset: int | None, context: rt.RequestContext
    ) -> PaginatedDataColorThemeListResponse:
        """The project's themes in creation order."""
        rows = list(self._fake.project(project_id).themes.values())
        page = limit_offset_page(rows, context.request.url, limit, offset, self._fake.page_size)
        return PaginatedDataColorThemeListResponse.model_validate(
            {
                "count": page.count,
                "next": page.next,
                "previous": page.previous,
                "results": page.results,
            }
        )

    async def create(
        self, project_id: str, *, body: DataColorThemeRequest, context: rt.RequestContext
    ) -> DataColorThemeResponse:
        """Create a project theme (``is_global`` is "false": global ones come with PostHog)."""
        sent = sent_fields(body)
        theme = DataColorThemeResponse(
            id=self._fake.next_id(),
            name=sent["name"],
            colors=sent.get("colors"),
            is_global="false",
            created_at=self._fake.now(),
            created_by=self._fake.user(context.principal),
        )
        self._fake.project(project_id).themes[theme.id] = theme
        return theme

    async def retrieve(
        self, project_id: str, id: int, *, context: rt.RequestContext
    ) -> DataColorThemeResponse:
        """One theme."""
        return self._get(project_id, id)

    async def destroy(self, project_id: str, id: int, *, context: rt.RequestContext) -> None:
        """Delete the theme (204)."""
        self._get(project_id, id)
        del self._fake.project(project_id).themes[id]

    async def partial_update(
        self,
        project_id: str,
        id: int,
        *,
        body: PatchedDataColorThemeRequest | None,
        context: rt.RequestContext,
    ) -> DataColorThemeResponse:
        """Change only the fields sent."""
        theme = updated(self._get(project_id, id), sent_fields(body))
        self._fake.project(project_id).themes[id] = theme
        return theme


class Exports:
    """``create_app(environments_exports=...)``."""

    def __init__(self, fake: FakePostHog) -> None:
        self._fake = fake

    def _get(self, project_id: str, export_id: int) -> ExportedAssetResponse:
        asset = self._fake.project(project_id).exports.get(export_id)
        if asset is None:
            raise not_found()
        return asset

    async def list(
        self, project_id: str, *, limit: int | None, offset: int | None, context: rt.RequestContext
    ) -> PaginatedExportedAssetListResponse:
        """The project's exports in creation order."""
        rows = list(self._fake.project(project_id).exports.values())
        page = limit_offset_page(rows, context.request.url, limit, offset, self._fake.page_size)
        return PaginatedExportedAssetListResponse.model_validate(
            {
                "count": page.count,
                "next": page.next,
                "previous": page.previous,
                "results": page.results,
            }
        )

    async def create(
        self, project_id: str, *, body: ExportedAssetRequest, context: rt.RequestContext
    ) -> ExportedAssetResponse:
        """Export a dashboard or an insight; the file is rendered right away."""
        sent = sent_fields(body)
        export_format: ExportFormatEnum = sent["export_format"]
        asset_id = self._fake.next_id()
        asset = ExportedAssetResponse(
            id=asset_id,
            dashboard=sent.get("dashboard"),
            insight=sent.get("insight"),
            export_format=export_format,
            created_at=self._fake.now(),
            has_content="true",
            export_context=sent.get("export_context"),
            filename=f"export-{asset_id}.{_EXTENSIONS.get(export_format.value, 'bin')}",
            expires_after=sent.get("expires_after"),
        )
        project = self._fake.project(project_id)
        project.exports[asset_id] = asset
        project.export_content[asset_id] = render_export(asset)
        return asset

    async def retrieve(
        self, project_id: str, id: int, *, context: rt.RequestContext
    ) -> ExportedAssetResponse:
        """One export's metadata."""
        return self._get(project_id, id)

    async def content_retrieve(
        self, project_id: str, id: int, *, context: rt.RequestContext
    ) -> bytes:
        """The exported file's bytes."""
        self._get(project_id, id)
        return self._fake.project(project_id).export_content[id]


class Subscriptions:
    """``create_app(environments_subscriptions=...)``."""

    def __init__(self, fake: FakePostHog) -> None:
        self._fake = fake

    def _get(self, project_id: str, subscription_id: int) -> SubscriptionResponse:
        subscription = self._fake.project(project_id).subscriptions.get(subscription_id)
        if subscription is None:
            raise not_found()
        return subscription

    @staticmethod
    def _summary(values: dict[str, Any]) -> str:
        unit = {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year"}
        interval = values.get("interval") or 1
        noun = unit.get(str(getattr(values["frequency"], "value", values["frequency"])), "time")
        return f"sent every {noun}" if interval == 1 else f"sent every {interval} {noun}s"

    async def list(
        self, project_id: str, *, limit: int | None, offset: int | None, context: rt.RequestContext
    ) -> PaginatedSubscriptionListResponse:
        """Subscriptions not deleted, in creation order."""
        rows = [s for s in self._fake.project(project_id).subscriptions.values() if not s.deleted]
        page = limit_offset_page(rows, context.request.url, limit, offset, self._fake.page_size)
        return PaginatedSubscriptionListResponse.model_validate(
            {
                "count": page.count,
                "next": page.next,
                "previous": page.previous,
                "results": page.results,
            }
        )

    async def create(
        self, project_id: str, *, body: SubscriptionRequest, context: rt.RequestContext
    ) -> SubscriptionResponse:
        """Subscribe someone to a dashboard or an insight."""
        sent = sent_fields(body)
        values: dict[str, Any] = {"interval": 1, "deleted": False} | sent
        subscription = SubscriptionResponse.model_validate(
            values
            | {
                "id": self._fake.next_id(),
                "created_at": self._fake.now(),
                "created_by": self._fake.user(context.principal),
                "summary": self._summary(values),
                "next_delivery_date": values["start_date"],
            }
        )
        self._fake.project(project_id).subscriptions[subscription.id] = subscription
        return subscription

    async def retrieve(
        self, project_id: str, id: int, *, context: rt.RequestContext
    ) -> SubscriptionResponse:
        """One subscription (deleted ones too, so they can be restored)."""
        return self._get(project_id, id)

    async def destroy(self, project_id: str, id: int, *, context: rt.RequestContext) -> None:
        """Hard delete is not allowed: the route answers its documented 405."""
        return

    async def partial_update(
        self,
        project_id: str,
        id: int,
        *,
        body: PatchedSubscriptionRequest | None,
        context: rt.RequestContext,
    ) -> SubscriptionResponse:
        """Change only the fields sent; the summary follows frequency and interval."""
        subscription = self._get(project_id, id)
        sent = sent_fields(body)
        changes = {key: value for key, value in sent.items() if key in _SUBSCRIPTION_PATCHABLE}
        merged = subscription.model_dump(exclude_unset=True) | changes
        changes["summary"] = self._summary(merged)
        subscription = updated(subscription, changes)
        self._fake.project(project_id).subscriptions[id] = subscription
        return subscription
