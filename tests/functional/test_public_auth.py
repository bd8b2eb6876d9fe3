"""The credentials ``Client(auth=...)`` takes can be made from the package's public names.

The constructor's ``auth`` argument is an ``Auth`` (made with ``api_key_auth``,
``bearer_auth``... and joined with ``combine_auth``); those used to live only in the
private ``_runtime`` module, so using the documented argument meant importing it.
"""

from __future__ import annotations

import textwrap

import httpx
import pytest
from apiforge_testkit import Built, build, mock_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Tenants, version: "1.0"}
    security: [{key: [], tenant: []}]
    paths:
      /ping:
        get:
          operationId: ping
          responses: {"204": {description: ok}}
    components:
      securitySchemes:
        key: {type: apiKey, in: header, name: X-API-Key}
        tenant: {type: apiKey, in: header, name: X-Tenant}
    """
)
NAMES = ("Auth", "api_key_auth", "basic_auth", "bearer_auth", "combine_auth")


@pytest.fixture(scope="module")
def tenants(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("public_auth"), SPEC, "tenants.yaml", "fn_public_auth")


def test_the_package_exports_the_credential_factories(tenants: Built) -> None:
    package = tenants.client
    assert set(NAMES) <= set(package.__all__)
    for name in NAMES:
        assert getattr(package, name) is getattr(package._runtime, name)


def test_credentials_made_from_public_names_are_sent(tenants: Built) -> None:
    package = tenants.client
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    tenant = package.combine_auth(package.api_key_auth("X-Tenant", "header", "acme"))
    assert isinstance(tenant, package.Auth)
    with mock_client(package, handler, api_key="k", auth=tenant) as client:
        client.ping.ping()
    assert (seen[0].headers["x-api-key"], seen[0].headers["x-tenant"]) == ("k", "acme")
