"""Canned PostHog JSON shared by the runtime benchmarks (valid against generated/ models)."""

from __future__ import annotations

import json
from typing import Any

USER = {
    "id": 1,
    "uuid": "0188a0e8-4d4b-0000-5c5d-1c6b2a2b3c4d",
    "distinct_id": "abc123",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "is_email_verified": True,
    "hedgehog_config": None,
}


def dashboard_basic(i: int) -> dict[str, Any]:
    return {
        "id": i,
        "name": f"Dashboard {i}",
        "description": "Weekly product metrics",
        "pinned": i % 2 == 0,
        "created_at": "2026-01-02T03:04:05Z",
        "created_by": USER,
        "is_shared": False,
        "deleted": False,
        "creation_mode": "default",
        "tags": ["growth", "weekly"],
        "restriction_level": 21,
        "effective_restriction_level": 21,
        "effective_privilege_level": 37,
        "user_access_level": "editor",
        "access_control_version": "v2",
    }


def page(size: int = 3) -> dict[str, Any]:
    """A PaginatedDashboardBasicList page (what ``dashboards.list`` returns)."""
    return {
        "count": 123,
        "next": "https://us.posthog.com/api/projects/1/dashboards/?limit=3&offset=3",
        "previous": None,
        "results": [dashboard_basic(i) for i in range(1, size + 1)],
    }


DASHBOARD = {
    **dashboard_basic(42),
    "last_accessed_at": "2026-01-03T00:00:00Z",
    "filters": {"date_from": "-7d"},
    "variables": {},
    "tiles": [{"id": 1, "insight": {"id": 7, "name": "Pageviews"}, "layouts": {}}],
    "last_refresh": None,
}

PAGE_BYTES = json.dumps(page()).encode()
DASHBOARD_BYTES = json.dumps(DASHBOARD).encode()
