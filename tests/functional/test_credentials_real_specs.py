"""Credentials by scheme on real specs with several schemes (the shared corpus), over uvicorn.

The Swagger petstore takes an OAuth 2 token on most pet operations and an ``api_key``
header on ``getPetById`` and ``getInventory``: one ``api_key=`` went to both, as a bearer
token. ReadMe's security-multiple spec combines schemes (AND) and offers alternatives
(OR), two of which need the ``Authorization`` header twice (basic with a bearer token).
"""

from __future__ import annotations

from typing import Any

import pytest
from apiforge_testkit import Built, build
from live_server import serve
from shared_specs import SPECS_DIR, require_specs

README = "readme-oas-examples/3.0/yaml"


def _built(tmp_path_factory: pytest.TempPathFactory, spec: str, name: str) -> Built:
    require_specs()
    text = (SPECS_DIR / README / f"{spec}.yaml").read_text(encoding="utf-8")
    return build(tmp_path_factory.mktemp(name), text, f"{spec}.yaml", name)


@pytest.fixture(scope="module")
def petstore(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _built(tmp_path_factory, "petstore", "fn_creds_petstore")


@pytest.fixture(scope="module")
def multiple(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _built(tmp_path_factory, "security-multiple", "fn_creds_multiple")


class Recorder:
    """The generated app (no implementations: 501s) behind a layer keeping each request's
    credential-bearing parts: query, ``Authorization``, the API key headers and cookies."""

    def __init__(self, built: Built) -> None:
        self.app = built.server.create_app(
            authenticate=lambda secret: built.runtime.SimplePrincipal(secret, frozenset())
        )
        self.seen: list[tuple[str, dict[str, str]]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
            kept = {
                name: headers[name]
                for name in ("authorization", "api_key", "x-api-key", "cookie")
                if name in headers
            }
            if scope["query_string"]:
                kept["query"] = scope["query_string"].decode()
            self.seen.append((scope["path"], kept))
        await self.app(scope, receive, send)


def _sent(package: Any, call: Any) -> None:
    """Make ``call``; the server's answer (401, 501...) does not matter here."""
    try:
        call()
    except package.APIStatusError:
        pass


def test_petstore_sends_each_operation_its_own_schemes_credential(petstore: Built) -> None:
    recorder = Recorder(petstore)
    package = petstore.client
    credentials = {"petstore_auth": "oauth-token", "api_key": "the-key"}
    with serve(recorder) as url:
        client = package.Client(base_url=url, credentials=credentials, max_retries=0)
        _sent(package, lambda: client.pet.get_pet_by_id(1))
        _sent(package, lambda: client.pet.find_pets_by_status(status=["available"]))
        _sent(package, lambda: client.store.inventory.get_inventory())
        _sent(package, lambda: client.user.logout_user())
    assert recorder.seen == [
        ("/pet/1", {"api_key": "the-key"}),
        ("/pet/findByStatus", {"authorization": "Bearer oauth-token", "query": "status=available"}),
        ("/store/inventory", {"api_key": "the-key"}),
        ("/user/logout", {}),
    ]


def test_petstore_api_key_is_the_oauth_token_and_never_an_api_key(petstore: Built) -> None:
    recorder = Recorder(petstore)
    package = petstore.client
    with serve(recorder) as url:
        client = package.Client(base_url=url, api_key="oauth-token", max_retries=0)
        with pytest.raises(package.MissingCredentialsError, match="'api_key'"):
            client.pet.get_pet_by_id(1)
        _sent(package, lambda: client.pet.find_pets_by_status(status=["sold"]))
    assert recorder.seen == [
        ("/pet/findByStatus", {"authorization": "Bearer oauth-token", "query": "status=sold"}),
    ]


@pytest.mark.parametrize(
    ("credentials", "expected"),
    [
        # The first alternative, {oauth2, basic}, needs Authorization twice: the next that fits.
        (
            {"oauth2": "o", "basic": ("u", "p"), "bearer_jwt": "jwt"},
            {"authorization": "Bearer jwt"},
        ),
        ({"basic": ("u", "p")}, {"authorization": "Basic dTpw"}),
        (
            {"apiKey_cookie": "c", "apiKey_header": "h", "apiKey_query": "q"},
            {"cookie": "api_key=c", "x-api-key": "h", "query": "apiKey=q"},
        ),
        # {bearer, bearer_jwt}: two bearer schemes, one Authorization header; one token
        # answers both (as one token answers Google's two OAuth 2 flows), so it comes before
        # the API-key trio.
        (
            {"apiKey_cookie": "c", "apiKey_header": "h", "apiKey_query": "q", "bearer": "b"},
            {"authorization": "Bearer b"},
        ),
    ],
)
def test_alternatives_combining_schemes(
    multiple: Built, credentials: dict[str, Any], expected: dict[str, str]
) -> None:
    recorder = Recorder(multiple)
    package = multiple.client
    with serve(recorder) as url:
        client = package.Client(base_url=url, credentials=credentials, max_retries=0)
        _sent(package, client.many_and_or.post_anything_many_and_or)
    assert recorder.seen == [("/anything/many-and-or", expected)]


def test_an_and_requirement_needs_every_scheme(multiple: Built) -> None:
    recorder = Recorder(multiple)
    package = multiple.client
    with serve(recorder) as url:
        client = package.Client(
            base_url=url, credentials={"oauth2": "o", "apiKey_header": "h"}, max_retries=0
        )
        with pytest.raises(package.MissingCredentialsError):
            client.and_.post_anything_and()  # also needs basic
        _sent(package, client.and_or.post_anything_and_or)
        _sent(package, client.or_.post_anything_or)
    assert recorder.seen == [
        ("/anything/and-or", {"authorization": "Bearer o", "x-api-key": "h"}),
        ("/anything/or", {"authorization": "Bearer o"}),
    ]
