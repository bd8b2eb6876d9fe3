"""Datasets and dataset items (PostHog's LLM-analytics datasets).

Datasets have no delete operation and dataset items answer 405 to one: both are
soft-deleted with a PATCH of ``deleted``. Lists leave deleted objects out; retrieve and
PATCH still reach them (so they can be restored). An item must belong to a dataset of
the same project (400 otherwise).
"""

from __future__ import annotations

import builtins
import uuid
from operator import attrgetter
from typing import Any

from posthog_server import runtime as rt
from posthog_server.models import (
    DatasetItemRequest,
    DatasetItemResponse,
    DatasetRequest,
    DatasetResponse,
    PaginatedDatasetItemListResponse,
    PaginatedDatasetListResponse,
    PatchedDatasetItemRequest,
    PatchedDatasetRequest,
)

from .paging import limit_offset_page
from .store import FakePostHog, Project, bad_request, not_found, sent_fields, updated

__all__ = ["DatasetItems", "Datasets"]

_ORDERABLE = frozenset({"created_at", "updated_at", "name"})


class Datasets:
    """``create_app(environments_datasets=...)``."""

    def __init__(self, fake: FakePostHog) -> None:
        self._fake = fake

    def _get(self, project_id: str, dataset_id: uuid.UUID) -> DatasetResponse:
        dataset = self._fake.project(project_id).datasets.get(dataset_id)
        if dataset is None:
            raise not_found()
        return dataset

    async def list(
        self,
        project_id: str,
        *,
        id_in: builtins.list[uuid.UUID] | None,
        limit: int | None,
        offset: int | None,
        order_by: builtins.list[str] | None,
        search: str | None,
        context: rt.RequestContext,
    ) -> PaginatedDatasetListResponse:
        """Datasets not deleted, filtered by ``id__in`` and ``search``, sorted by ``order_by``.

        ``id__in`` and ``order_by`` are arrays sent comma-separated (``style: form,
        explode: false``), which the generated server splits and validates (a bad uuid
        answers 422 before reaching this method). Fields of
        ``order_by`` other than created_at, updated_at and name are ignored (as DRF's
        OrderingFilter does); the default order is creation order.
        """
        rows = [d for d in self._fake.project(project_id).datasets.values() if not d.deleted]
        if id_in is not None:
            wanted = set(id_in)
            rows = [d for d in rows if d.id in wanted]
        if search:
            needle = search.casefold()
            rows = [d for d in rows if needle in f"{d.name}\n{d.description or ''}".casefold()]
        for field in reversed([f for f in order_by or () if f]):  # stable sorts: the first field wins
            name = field.removeprefix("-")
            if name in _ORDERABLE:
                rows.sort(key=attrgetter(name), reverse=field.startswith("-"))
        page = limit_offset_page(rows, context.request.url, limit, offset, self._fake.page_size)
        return PaginatedDatasetListResponse.model_validate(
            {
                "count": page.count,
                "next": page.next,
                "previous": page.previous,
                "results": page.results,
            }
        )

    async def create(
        self, project_id: str, *, body: DatasetRequest, context: rt.RequestContext
    ) -> DatasetResponse:
        """Create a dataset."""
        sent = sent_fields(body)
        project, now = self._fake.project(project_id), self._fake.now()
        dataset = DatasetResponse(
            id=self._fake.new_uuid(),
            name=sent["name"],
            description=sent.get("description"),
            metadata=sent.get("metadata"),
            created_at=now,
            updated_at=now,
            deleted=sent.get("deleted", False),
            created_by=self._fake.user(context.principal),
            team=project.team_id,
        )
        project.datasets[dataset.id] = dataset
        return dataset

    async def retrieve(
        self, project_id: str, id: uuid.UUID, *, context: rt.RequestContext
    ) -> DatasetResponse:
        """One dataset."""
        return self._get(project_id, id)

    async def partial_update(
        self,
        project_id: str,
        id: uuid.UUID,
        *,
        body: PatchedDatasetRequest | None,
        context: rt.RequestContext,
    ) -> DatasetResponse:
        """Change only the fields sent."""
        dataset = self._get(project_id, id)
        changes: dict[str, Any] = sent_fields(body)
        changes["updated_at"] = self._fake.now()
        dataset = updated(dataset, changes)
        self._fake.project(project_id).datasets[id] = dataset
        return dataset


class DatasetItems:
    """``create_app(environments_dataset_items=...)``."""

    def __init__(self, fake: FakePostHog) -> None:
        self._fake = fake

    def _get(self, project_id: str, item_id: uuid.UUID) -> DatasetItemResponse:
        item = self._fake.project(project_id).dataset_items.get(item_id)
        if item is None:
            raise not_found()
        return item

    @staticmethod
    def _check_dataset(project: Project, dataset_id: uuid.UUID) -> None:
        if dataset_id not in project.datasets:
            raise bad_request("dataset", f'Invalid pk "{dataset_id}" - object does not exist.')

    async def list(
        self,
        project_id: str,
        *,
        dataset: uuid.UUID | None,
        limit: int | None,
        offset: int | None,
        context: rt.RequestContext,
    ) -> PaginatedDatasetItemListResponse:
        """Items not deleted, optionally of one dataset, in creation order."""
        rows = [i for i in self._fake.project(project_id).dataset_items.values() if not i.deleted]
        if dataset is not None:
            rows = [i for i in rows if i.dataset == dataset]
        page = limit_offset_page(rows, context.request.url, limit, offset, self._fake.page_size)
        return PaginatedDatasetItemListResponse.model_validate(
            {
                "count": page.count,
                "next": page.next,
                "previous": page.previous,
                "results": page.results,
            }
        )

    async def create(
        self, project_id: str, *, body: DatasetItemRequest, context: rt.RequestContext
    ) -> DatasetItemResponse:
        """Add an item to a dataset of this project."""
        sent = sent_fields(body)
        project, now = self._fake.project(project_id), self._fake.now()
        self._check_dataset(project, body.dataset)
        item = DatasetItemResponse(
            id=self._fake.new_uuid(),
            dataset=body.dataset,
            input=sent.get("input"),
            output=sent.get("output"),
            metadata=sent.get("metadata"),
            ref_trace_id=sent.get("ref_trace_id"),
            ref_timestamp=sent.get("ref_timestamp"),
            ref_source_id=sent.get("ref_source_id"),
            deleted=sent.get("deleted", False),
            created_at=now,
            updated_at=now,
            created_by=self._fake.user(context.principal),
            team=project.team_id,
        )
        project.dataset_items[item.id] = item
        return item

    async def retrieve(
        self, project_id: str, id: uuid.UUID, *, context: rt.RequestContext
    ) -> DatasetItemResponse:
        """One dataset item."""
        return self._get(project_id, id)

    async def destroy(self, project_id: str, id: uuid.UUID, *, context: rt.RequestContext) -> None:
        """Hard delete is not allowed: the route answers its documented 405."""
        return

    async def partial_update(
        self,
        project_id: str,
        id: uuid.UUID,
        *,
        body: PatchedDatasetItemRequest | None,
        context: rt.RequestContext,
    ) -> DatasetItemResponse:
        """Change only the fields sent (a new ``dataset`` must exist)."""
        item = self._get(project_id, id)
        changes: dict[str, Any] = sent_fields(body)
        if "dataset" in changes:
            self._check_dataset(self._fake.project(project_id), changes["dataset"])
        changes["updated_at"] = self._fake.now()
        item = updated(item, changes)
        self._fake.project(project_id).dataset_items[id] = item
        return item
