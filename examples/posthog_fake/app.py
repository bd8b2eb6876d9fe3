"""Bind the fake's implementations to the generated server: ``create_fake_app``.

:class:`Implementations` types every field with the generated Protocol it must
satisfy, so ``mypy --strict`` checks each fake class against ``posthog_server.interfaces``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from typing import Any

from fastapi import FastAPI
from posthog_server import create_app
from posthog_server import runtime as rt
from posthog_server.interfaces import (
    DashboardsApi,
    DashboardsCollaboratorsApi,
    EnvironmentsDashboardsApi,
    EnvironmentsDashboardsCollaboratorsApi,
    EnvironmentsDataColorThemesApi,
    EnvironmentsDatasetItemsApi,
    EnvironmentsDatasetsApi,
    EnvironmentsExportsApi,
    EnvironmentsGroupsApi,
    EnvironmentsInsightsApi,
    EnvironmentsSessionRecordingsApi,
    EnvironmentsSessionsPropertyDefinitionsApi,
    EnvironmentsSessionsValuesApi,
    EnvironmentsSubscriptionsApi,
)

from .analytics import (
    Groups,
    Insights,
    SessionPropertyDefinitions,
    SessionRecordings,
    SessionValues,
)
from .assets import DataColorThemes, Exports, Subscriptions
from .auth import DEFAULT_ACCOUNTS, TokenAuthenticator
from .dashboards import DashboardCollaborators, EnvironmentDashboards, ProjectDashboards
from .datasets import DatasetItems, Datasets
from .store import FakePostHog

__all__ = ["Implementations", "create_fake_app"]


@dataclass(frozen=True)
class Implementations:
    """One implementation per ``create_app`` keyword, all sharing one :class:`FakePostHog`."""

    environments_dashboards: EnvironmentsDashboardsApi
    environments_dashboards_collaborators: EnvironmentsDashboardsCollaboratorsApi
    environments_data_color_themes: EnvironmentsDataColorThemesApi
    environments_dataset_items: EnvironmentsDatasetItemsApi
    environments_datasets: EnvironmentsDatasetsApi
    environments_exports: EnvironmentsExportsApi
    environments_groups: EnvironmentsGroupsApi
    environments_insights: EnvironmentsInsightsApi
    environments_session_recordings: EnvironmentsSessionRecordingsApi
    environments_sessions_property_definitions: EnvironmentsSessionsPropertyDefinitionsApi
    environments_sessions_values: EnvironmentsSessionsValuesApi
    environments_subscriptions: EnvironmentsSubscriptionsApi
    dashboards: DashboardsApi
    dashboards_collaborators: DashboardsCollaboratorsApi

    @classmethod
    def of(cls, fake: FakePostHog) -> Implementations:
        """Every group implemented over ``fake``."""
        collaborators = DashboardCollaborators(fake)
        return cls(
            environments_dashboards=EnvironmentDashboards(fake),
            environments_dashboards_collaborators=collaborators,
            environments_data_color_themes=DataColorThemes(fake),
            environments_dataset_items=DatasetItems(fake),
            environments_datasets=Datasets(fake),
            environments_exports=Exports(fake),
            environments_groups=Groups(fake),
            environments_insights=Insights(fake),
            environments_session_recordings=SessionRecordings(fake),
            environments_sessions_property_definitions=SessionPropertyDefinitions(),
            environments_sessions_values=SessionValues(),
            environments_subscriptions=Subscriptions(fake),
            dashboards=ProjectDashboards(fake),
            dashboards_collaborators=collaborators,
        )

    def bindings(self, omit: Collection[str] = ()) -> dict[str, Any]:
        """``create_app`` keyword arguments, leaving out the groups named in ``omit``."""
        names = {f.name for f in fields(self)}
        unknown = set(omit) - names
        if unknown:
            raise ValueError(f"unknown group(s): {', '.join(sorted(unknown))}")
        return {name: getattr(self, name) for name in sorted(names - set(omit))}


def create_fake_app(
    fake: FakePostHog | None = None,
    *,
    authenticate: rt.Authenticator | None = None,
    middleware: Sequence[rt.OperationMiddleware] = (),
    omit: Collection[str] = (),
    **fastapi_kwargs: Any,
) -> FastAPI:
    """The generated PostHog app serving an in-memory fake.

    Args:
        fake: the state to serve (a fresh, empty one by default).
        authenticate: the token check (default: :class:`TokenAuthenticator` over the
            fake's accounts).
        middleware: operation middleware, outermost first (they see ``operation_id``).
        omit: ``create_app`` keywords to leave unbound: their operations answer 501.
        fastapi_kwargs: passed on to ``FastAPI(...)``.
    """
    fake = fake or FakePostHog()
    check = authenticate or TokenAuthenticator(fake.accounts or DEFAULT_ACCOUNTS)
    return create_app(
        **Implementations.of(fake).bindings(omit),
        authenticate=check,
        middleware=middleware,
        **fastapi_kwargs,
    )
