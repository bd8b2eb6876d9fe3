"""Configuration: what to generate from which spec, resolved into frozen values.

``Target`` is the resolved, frozen form the pipeline takes. (The user-facing
``[tool.apiforge]`` file layer that resolves into it is built on top; see issue 5.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Target:
    """One spec and the packages generated from it.

    Attributes:
        spec: the root OpenAPI document.
        output: the directory the packages are written into (``generated/``).
        client_package: import name of the client package, or None for no client.
        server_package: import name of the server package, or None for no server.
        api_key_env: environment variable the client reads its API key from.
        base_url_env: environment variable that overrides the client's base URL.
        strict: treat warnings as errors.
        allow_remote_refs: allow http(s) $refs while loading.
        format: run the pinned formatter over the output.
    """

    spec: Path
    output: Path
    client_package: str | None
    server_package: str | None
    api_key_env: str | None = None
    base_url_env: str | None = None
    strict: bool = False
    allow_remote_refs: bool = False
    format: bool = True

    @staticmethod
    def for_spec(spec: Path, output: Path, **overrides: object) -> Target:
        """Defaults derived from the spec file name: ``posthog.yaml`` -> ``posthog_client``."""
        slug = "".join(c if c.isalnum() else "_" for c in spec.stem.lower()).strip("_") or "api"
        if slug[0].isdigit():
            slug = "api_" + slug
        values: dict[str, object] = {
            "client_package": f"{slug}_client",
            "server_package": f"{slug}_server",
            "api_key_env": f"{slug.upper()}_API_KEY",
            "base_url_env": f"{slug.upper()}_BASE_URL",
        }
        values.update(overrides)
        return Target(spec=spec, output=output, **values)  # type: ignore[arg-type]
