"""The fake's state: every project's objects, held in memory, plus shared helpers.

One :class:`FakePostHog` holds any number of projects, created on first use (any
``project_id`` works, as if the key had access to it). Integer ids come from one
sequence shared by every kind of object, so an id of one kind never finds an object of
another. The implementations in the sibling modules are thin: they read and write
these dictionaries and build the generated response models.

Objects without a create operation in the spec (groups, insights, session
recordings) are added with the ``add_*`` methods, as a test or a demo would seed them.

The state is not thread-safe: mutate it from the server's event loop (the
implementations do) or while no request is in flight (seeding).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Any, TypeVar

from posthog_server import runtime as rt
from posthog_server.models import (
    DashboardCollaboratorResponse,
    DashboardResponse,
    DataColorThemeResponse,
    DatasetItemResponse,
    DatasetResponse,
    ExportedAssetResponse,
    GroupResponse,
    InsightResponse,
    PrivilegeLevelEnum,
    RestrictionLevelEnum,
    SharingConfigurationResponse,
    SubscriptionResponse,
    UserBasicResponse,
)
from pydantic import BaseModel

from .auth import DEFAULT_ACCOUNTS, Account

__all__ = [
    "FakePostHog",
    "Project",
    "bad_request",
    "check_enum",
    "not_found",
    "sent_fields",
    "updated",
]

M = TypeVar("M", bound=BaseModel)

_USER_NAMESPACE = uuid.UUID("5b0f6c52-6a59-4f7e-9a43-0c6e8e3a7c11")


@dataclass
class Project:
    """Everything stored for one ``project_id`` (PostHog's team / environment)."""

    team_id: int
    dashboards: dict[int, DashboardResponse] = field(default_factory=dict)
    collaborators: dict[int, dict[uuid.UUID, DashboardCollaboratorResponse]] = field(
        default_factory=dict
    )
    unlisted_dashboards: dict[str, int] = field(default_factory=dict)  # tag -> dashboard id
    sharing: dict[tuple[str, str], SharingConfigurationResponse] = field(default_factory=dict)
    themes: dict[int, DataColorThemeResponse] = field(default_factory=dict)
    datasets: dict[uuid.UUID, DatasetResponse] = field(default_factory=dict)
    dataset_items: dict[uuid.UUID, DatasetItemResponse] = field(default_factory=dict)
    exports: dict[int, ExportedAssetResponse] = field(default_factory=dict)
    export_content: dict[int, bytes] = field(default_factory=dict)
    groups: list[GroupResponse] = field(default_factory=list)
    insights: dict[int, InsightResponse] = field(default_factory=dict)
    recordings: set[str] = field(default_factory=set)
    subscriptions: dict[int, SubscriptionResponse] = field(default_factory=dict)


class FakePostHog:
    """The in-memory PostHog: projects, users and the id sequence.

    Args:
        accounts: the users and their personal API keys (see ``auth.py``).
        page_size: the default ``limit`` of limit/offset lists and the page size of
            cursor lists (PostHog uses 100; tests use a small one to get many pages).
        clock: returns the current aware datetime (defaults to UTC now).
        uuid_factory: makes the uuids of new datasets, dataset items and recordings
            (defaults to ``uuid.uuid4``; pass a counter for reproducible runs).
    """

    def __init__(
        self,
        *,
        accounts: Iterable[Account] = DEFAULT_ACCOUNTS,
        page_size: int = 100,
        clock: Callable[[], datetime] | None = None,
        uuid_factory: Callable[[], uuid.UUID] = uuid.uuid4,
    ) -> None:
        if page_size < 1:
            raise ValueError("page_size must be positive")
        self.accounts = tuple(accounts)
        self.page_size = page_size
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._uuid_factory = uuid_factory
        self._ids = itertools.count(1)
        self._projects: dict[str, Project] = {}

    # ---- basics ------------------------------------------------------------------

    def now(self) -> datetime:
        """The fake's current time (aware)."""
        return self._clock()

    def next_id(self) -> int:
        """A fresh integer id, unique across every kind of object."""
        return next(self._ids)

    def new_uuid(self) -> uuid.UUID:
        """A fresh uuid for a new object."""
        return self._uuid_factory()

    def project(self, project_id: str) -> Project:
        """The state of ``project_id``, created empty on first use."""
        project = self._projects.get(project_id)
        if project is None:
            project = self._projects[project_id] = Project(team_id=len(self._projects) + 1)
        return project

    # ---- users -------------------------------------------------------------------

    def user(self, principal: rt.Principal | None) -> UserBasicResponse | None:
        """The user behind ``principal`` (its subject is an account email), if any."""
        subject = getattr(principal, "subject", None)
        for account in self.accounts:
            if account.email == subject:
                return _account_user(account)
        return None

    def user_by_uuid(self, user_uuid: uuid.UUID) -> UserBasicResponse:
        """The account with this uuid, or a placeholder user invented for it."""
        for account in self.accounts:
            if account_uuid(account) == user_uuid:
                return _account_user(account)
        return UserBasicResponse(
            id=1000 + user_uuid.int % 1_000_000,
            uuid=user_uuid,
            distinct_id=str(user_uuid),
            first_name="",
            last_name="",
            email=f"user-{user_uuid.hex[:12]}@example.com",
            is_email_verified=None,
            hedgehog_config=None,
        )

    # ---- seeding (objects the API cannot create) ------------------------------------

    def add_group(
        self,
        project_id: str,
        group_type_index: int,
        group_key: str,
        properties: Mapping[str, Any] | None = None,
    ) -> GroupResponse:
        """Add a group (PostHog creates groups from ingested events, not through the API)."""
        group = GroupResponse(
            group_type_index=group_type_index,
            group_key=group_key,
            group_properties=dict(properties or {}),
            created_at=self.now(),
        )
        self.project(project_id).groups.append(group)
        return group

    def add_insight(
        self,
        project_id: str,
        name: str | None,
        *,
        created_by: str | None = None,
        description: str | None = None,
        tags: Collection[str] = (),
        query: Any = None,
    ) -> InsightResponse:
        """Add a saved insight; ``created_by`` is an account email."""
        creator = next((_account_user(a) for a in self.accounts if a.email == created_by), None)
        now, insight_id = self.now(), self.next_id()
        insight = InsightResponse(
            id=insight_id,
            short_id=base64.b32encode(insight_id.to_bytes(5, "big")).decode()[:8].lower(),
            name=name,
            derived_name=name,
            filters={},
            query=query,
            order=None,
            deleted=False,
            dashboards=[],
            dashboard_tiles=[],
            last_refresh=None,
            cache_target_age=None,
            next_allowed_client_refresh=None,
            result=None,
            hasMore=None,
            columns=None,
            created_at=now,
            created_by=creator,
            description=description,
            updated_at=now,
            tags=list(tags),
            favorited=False,
            saved=True,
            last_modified_at=now,
            last_modified_by=creator,
            is_sample=False,
            effective_restriction_level=RestrictionLevelEnum.value_21,
            effective_privilege_level=PrivilegeLevelEnum.can_edit_dashboard,
            user_access_level="editor",
            timezone="UTC",
            is_cached="false",
            query_status=None,
            hogql=None,
            types=None,
        )
        self.project(project_id).insights[insight_id] = insight
        return insight

    def add_session_recording(self, project_id: str, recording_id: uuid.UUID | None = None) -> str:
        """Add a session recording (recorded by the JS SDK, not the API); returns its id."""
        key = str(recording_id or self.new_uuid())
        self.project(project_id).recordings.add(key)
        return key

    def seed_demo(self, project_id: str = "1") -> None:
        """Populate ``project_id`` with a few groups, insights and a session recording."""
        for index, (key, name) in enumerate([("acme", "Acme"), ("globex", "Globex")]):
            self.add_group(project_id, 0, key, {"name": name, "employees": 10 * (index + 1)})
        owner = self.accounts[0].email if self.accounts else None
        self.add_insight(project_id, "Weekly active users", created_by=owner, tags=["core"])
        self.add_insight(project_id, "Signup funnel", created_by=owner)
        self.add_session_recording(project_id, uuid.UUID(int=1))


# ---- helpers shared by the implementations -------------------------------------------


def account_uuid(account: Account) -> uuid.UUID:
    """The stable uuid of an account's user."""
    return uuid.uuid5(_USER_NAMESPACE, account.email)


def _account_user(account: Account) -> UserBasicResponse:
    return UserBasicResponse(
        id=account.user_id,
        uuid=account_uuid(account),
        distinct_id=hashlib.sha256(account.email.encode()).hexdigest()[:16],
        first_name=account.first_name,
        last_name=account.last_name,
        email=account.email,
        is_email_verified=True,
        hedgehog_config=None,
    )


def not_found(detail: str = "Not found.") -> rt.ApiError:
    """PostHog's 404 body (``{"type", "code", "detail", "attr"}``) as an ``ApiError``."""
    extra = {"type": "invalid_request", "code": "not_found", "attr": None}
    return rt.ApiError(404, detail, extra=extra)


def bad_request(attr: str, detail: str, code: str = "invalid") -> rt.ApiError:
    """PostHog's 400 validation body for field ``attr``."""
    extra = {"type": "validation_error", "code": code, "attr": attr}
    return rt.ApiError(400, detail, extra=extra)


def check_enum(attr: str, value: object) -> None:
    """Reject (400) an enum value the spec does not list.

    The generated enums are open (``_missing_`` admits unknown values, so a client keeps
    working against a newer server); a server must still refuse them.
    """
    values = value if isinstance(value, list) else [value]
    for item in values:
        if isinstance(item, Enum) and item.name not in type(item).__members__:
            raise bad_request(attr, f'"{item.value}" is not a valid choice.', "invalid_choice")


def sent_fields(body: BaseModel | None) -> dict[str, Any]:
    """The fields the client actually sent (absent stays absent, ``null`` stays ``None``).

    A ``null`` the spec forbids never gets here: the generated server answers 422 first.
    Enum values the spec does not list are rejected (see :func:`check_enum`).
    """
    if body is None:
        return {}
    sent = body.model_dump(exclude_unset=True)
    for name, value in sent.items():
        check_enum(name, value)
    return sent


def updated(model: M, values: Mapping[str, Any]) -> M:
    """A re-validated copy of ``model`` with ``values`` applied (unknown keys ignored).

    Unset fields stay unset, so they stay absent from the JSON response.
    """
    data = model.model_dump(exclude_unset=True)
    data.update({key: value for key, value in values.items() if key in type(model).model_fields})
    return type(model).model_validate(data)
