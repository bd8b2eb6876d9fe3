"""The authenticator learns which security scheme a credential came for.

One hook serves every scheme of an API. Told only the credential's text, it could not
refuse an API key presented as a bearer token; it gets an ``rt.Credential``, the text
itself (a ``str``: a one-argument hook written for a bare token still works) with the
spec's scheme name and the way the credential travelled.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Scheme credentials, version: "1.0"}
    paths:
      /bearer:
        get:
          operationId: viaBearer
          security: [{token: []}]
          responses: {"204": {description: ok}}
      /either:
        get:
          operationId: viaEither
          security: [{key: []}, {token: []}]
          responses: {"204": {description: ok}}
      /both:
        get:
          operationId: viaBoth
          security: [{key: [], login: []}]
          responses: {"204": {description: ok}}
    components:
      securitySchemes:
        key: {type: apiKey, in: header, name: X-Key}
        token: {type: http, scheme: bearer}
        login: {type: http, scheme: basic}
    """
)


@pytest.fixture(scope="module")
def schemes(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(
        tmp_path_factory.mktemp("scheme_credentials"),
        SPEC,
        "schemes.yaml",
        "fn_scheme_credentials",
    )


class Impl:
    async def via_bearer(self, *, context: Any) -> None:
        return None

    async def via_either(self, *, context: Any) -> None:
        return None

    async def via_both(self, *, context: Any) -> None:
        return None


def _groups() -> dict[str, Impl]:
    impl = Impl()
    return {"bearer": impl, "either": impl, "both": impl}


def test_the_hook_is_told_the_scheme_and_kind(schemes: Built) -> None:
    runtime = schemes.runtime
    seen: list[tuple[str, str, str]] = []

    def authenticate(credential: Any) -> Any:
        assert isinstance(credential, str)
        seen.append((str(credential), credential.scheme, credential.kind))
        return runtime.SimplePrincipal("someone")

    with server_client(schemes.server, authenticate=authenticate, **_groups()) as http:
        assert http.get("/bearer", headers={"Authorization": "Bearer t1"}).status_code == 204
        assert http.get("/either", headers={"X-Key": "k1"}).status_code == 204
        # user:pw in base64 for the basic scheme
        both = {"X-Key": "k2", "Authorization": "Basic dXNlcjpwdw=="}
        assert http.get("/both", headers=both).status_code == 204
    assert seen == [
        ("t1", "token", "bearer"),
        ("k1", "key", "api_key_header"),
        ("k2", "key", "api_key_header"),
        ("user:pw", "login", "basic"),
    ]


def test_a_key_is_not_accepted_as_a_bearer_token(schemes: Built) -> None:
    runtime = schemes.runtime
    keys = {"k": "key"}  # the credentials this API issued, by the scheme they are for

    def authenticate(credential: Any) -> Any:
        if keys.get(credential) != credential.scheme:
            return None
        return runtime.SimplePrincipal("someone")

    with server_client(schemes.server, authenticate=authenticate, **_groups()) as http:
        assert http.get("/either", headers={"X-Key": "k"}).status_code == 204
        assert http.get("/either", headers={"Authorization": "Bearer k"}).status_code == 401
        assert http.get("/bearer", headers={"Authorization": "Bearer k"}).status_code == 401


def test_a_one_argument_hook_for_bare_tokens_still_works(schemes: Built) -> None:
    runtime = schemes.runtime
    principals = {"t": runtime.SimplePrincipal("t")}

    async def authenticate(token: str) -> Any:
        return principals.get(token)  # a dict keyed by plain strings

    with server_client(schemes.server, authenticate=authenticate, **_groups()) as http:
        assert http.get("/bearer", headers={"Authorization": "Bearer t"}).status_code == 204
        assert http.get("/bearer", headers={"Authorization": "Bearer x"}).status_code == 401
