"""A local fake PostHog: the generated ``posthog_server`` bound to an in-memory store.

Run it (from the repository root)::

    .venv/bin/python -m examples.posthog_fake --port 8010

then point the generated client at it::

    from posthog_client import Client
    from examples.posthog_fake import ALL_SCOPES_TOKEN

    with Client(base_url="http://127.0.0.1:8010", api_key=ALL_SCOPES_TOKEN) as client:
        client.environments.dashboards.create("1", {"name": "KPIs"})

Or build the ASGI app in-process (tests)::

    fake = FakePostHog(page_size=5)
    app = create_fake_app(fake, middleware=[...])

It implements every Protocol of ``posthog_server.interfaces``: see README.md for what
each resource does and which tokens exist.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def _ensure_generated_packages_importable() -> None:
    """Put the repository's generated packages on ``sys.path`` when they are not installed.

    This lets ``python -m examples.posthog_fake`` run straight from a checkout; an
    installed ``posthog_server``/``posthog_client`` always wins.
    """
    generated = Path(__file__).resolve().parents[2] / "generated"
    for package in ("posthog_server", "posthog_client"):
        project_dir = generated / package
        if importlib.util.find_spec(package) is None and project_dir.is_dir():
            sys.path.insert(0, str(project_dir))


_ensure_generated_packages_importable()

from .app import Implementations, create_fake_app
from .assets import render_export
from .auth import (
    ALL_SCOPES,
    ALL_SCOPES_TOKEN,
    DEFAULT_ACCOUNTS,
    READ_ONLY_TOKEN,
    READ_SCOPES,
    Account,
    TokenAuthenticator,
)
from .store import FakePostHog, Project

__all__ = [
    "ALL_SCOPES",
    "ALL_SCOPES_TOKEN",
    "DEFAULT_ACCOUNTS",
    "READ_ONLY_TOKEN",
    "READ_SCOPES",
    "Account",
    "FakePostHog",
    "Implementations",
    "Project",
    "TokenAuthenticator",
    "create_fake_app",
    "render_export",
]
