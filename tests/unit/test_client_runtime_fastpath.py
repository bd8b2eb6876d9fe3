"""Client runtime: the per-call shortcuts behave exactly like the straightforward code.

``build_request`` keeps per-client header prefixes and per-operation derived data, and
builds the remaining headers as plain pairs; ``read_outcome`` validates JSON bytes
directly. Each test here compares a shortcut with the plain computation it replaces
(``httpx.Headers`` for headers, ``json.loads`` + ``validate_python`` for bodies).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import enum
import json
import pickle
import re
import uuid
from typing import Any

import httpx
import pydantic
import pytest
from client_runtime_loader import load_client_runtime
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter

rt = load_client_runtime()
BASE = "https://api.test/v1"


# -------------------------------------------------------------------- headers
def reference_headers(
    op: Any, args: dict[str, Any], body: Any, options: Any, cfg: Any
) -> list[tuple[str, str]]:
    """The documented header precedence, built step by step with ``httpx.Headers``."""
    opts = options or {}
    headers = httpx.Headers({"User-Agent": cfg.user_agent})
    kinds = {outcome.kind for outcome in op.responses.values()} - {"empty"}
    if kinds == {"json"}:
        headers["Accept"] = "application/json"
    headers.update(cfg.headers)
    cookies: list[str] = []
    if op.security and cfg.auth is not None:
        for name, value in cfg.auth.headers:
            headers[name] = value
        cookies.extend(rt.encoding.cookie_pair(n, v) for n, v in cfg.auth.cookies)
    for param in op.params:
        value = args.get(param.name)
        if value is None:
            continue
        if param.location == "header" and param.name.lower() not in {
            "accept",
            "content-type",
            "authorization",
        }:
            headers[param.name] = rt.encoding.header_value(param, value)
        elif param.location == "cookie":
            cookies.extend(rt.encoding.cookie_pairs(param, value))
    if cookies:
        existing = headers.get("Cookie")
        headers["Cookie"] = "; ".join(([existing] if existing else []) + cookies)
    if body is not None and op.body is not None:
        encoded = rt.bodies.encode_body(op.body, body)
        if encoded.content_type is not None:
            headers["Content-Type"] = encoded.content_type
    headers.update(opts.get("extra_headers", {}))
    return headers.multi_items()


# Names that collide case-insensitively with each other and with the built-in headers.
NAMES = ["X-A", "x-a", "X-B", "Cookie", "cookie", "User-Agent", "accept", "Content-Type"]
VALUES = st.text(alphabet="abc=; ", min_size=0, max_size=4)
PAIRS = st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=4)
# A call's extra headers and header parameters are checked as sendable: no whitespace at
# either end (HTTP/1.1).
SENDABLE = VALUES.map(str.strip)


@settings(max_examples=300, deadline=None)
@given(
    client_headers=st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=4),
    auth_headers=PAIRS,
    auth_cookies=st.lists(st.tuples(st.sampled_from(["k", "s"]), VALUES), max_size=2),
    authenticated=st.booleans(),
    json_only=st.booleans(),
    header_args=st.dictionaries(st.sampled_from(["X-A", "X-C", "Accept"]), SENDABLE, max_size=3),
    cookie_arg=st.none() | VALUES,
    body=st.none() | st.just({"a": 1}),
    extra=st.none() | st.dictionaries(st.sampled_from(NAMES), SENDABLE, max_size=3),
)
def test_headers_match_httpx_headers_step_by_step(
    client_headers: dict[str, str],
    auth_headers: list[tuple[str, str]],
    auth_cookies: list[tuple[str, str]],
    authenticated: bool,
    json_only: bool,
    header_args: dict[str, str],
    cookie_arg: str | None,
    body: Any,
    extra: dict[str, str] | None,
) -> None:
    auth = rt.Auth(headers=tuple(auth_headers), cookies=tuple(auth_cookies))
    cfg = rt.request.ClientSettings(
        base_url=BASE, headers=client_headers, auth=auth, timeout=1.0, user_agent="ua"
    )
    op = rt.Operation(
        "op",
        "POST",
        "/x",
        params=(
            rt.Param("X-A", "header"),
            rt.Param("X-C", "header"),
            rt.Param("Accept", "header"),
            rt.Param("sid", "cookie"),
        ),
        body=rt.Body("application/json"),
        responses={"200": rt.Outcome("json" if json_only else "bytes")},
        security=(("key",),) if authenticated else (),
    )
    args: dict[str, Any] = {**header_args, "sid": cookie_arg}
    options = None if extra is None else {"extra_headers": extra}
    for _ in range(2):  # the second call uses the cached prefix
        prepared = rt.request.build_request(op, args, body, options, cfg)
        assert list(prepared.headers) == reference_headers(op, args, body, options, cfg)


def test_header_prefix_is_built_once_per_kind_of_request() -> None:
    cfg = rt.request.ClientSettings(
        base_url=BASE,
        headers={"X-Team": "core"},
        auth=rt.bearer_auth("tok"),
        timeout=1.0,
        user_agent="ua",
    )
    op = rt.Operation("op", "GET", "/x", security=(("bearer",),))
    placed = cfg.placed(op, {})
    with_auth = cfg.header_prefix(placed, accept_json=True)
    assert with_auth is cfg.header_prefix(placed, accept_json=True)
    assert with_auth == (
        ("user-agent", "ua"),
        ("accept", "application/json"),
        ("x-team", "core"),
        ("authorization", "Bearer tok"),
    )
    assert cfg.header_prefix(None, accept_json=False) == (
        ("user-agent", "ua"),
        ("x-team", "core"),
    )
    # The cache is no part of the settings' value.
    fresh = rt.request.ClientSettings(
        base_url=BASE,
        headers={"X-Team": "core"},
        auth=rt.bearer_auth("tok"),
        timeout=1.0,
        user_agent="ua",
    )
    assert fresh == cfg
    assert "_header_prefixes" not in repr(cfg)


def test_clients_do_not_share_headers_or_credentials() -> None:
    op = rt.Operation(
        "op",
        "GET",
        "/x",
        params=(rt.Param("q", "query"),),
        responses={"200": rt.Outcome("json")},
        security=(("key",),),
    )
    one = rt.request.ClientSettings(
        base_url=BASE,
        headers={"X-Team": "one"},
        auth=rt.api_key_auth("key", "query", "k1"),
        timeout=1.0,
        user_agent="ua1",
    )
    two = rt.request.ClientSettings(
        base_url=BASE,
        headers={"X-Team": "two"},
        auth=rt.bearer_auth("k2"),
        timeout=1.0,
        user_agent="ua2",
    )
    first = rt.request.build_request(op, {"q": 1}, None, None, one)
    second = rt.request.build_request(op, {"q": 1}, None, None, two)
    assert first.url == f"{BASE}/x?q=1&key=k1"
    assert second.url == f"{BASE}/x?q=1"
    assert ("x-team", "one") in first.headers and ("x-team", "two") in second.headers
    assert ("authorization", "Bearer k2") in second.headers
    assert all(name != "authorization" for name, _ in first.headers)
    assert rt.request.build_request(op, {"q": 1}, None, None, one) == first


# ----------------------------------------------------------------- operations
def test_operation_derived_data() -> None:
    op = rt.Operation(
        "op",
        "GET",
        "/a/{id}/b{ext}/c",
        params=(rt.Param("id", "path"), rt.Param("ext", "path"), rt.Param("q", "query")),
        responses={"200": rt.Outcome("json"), "204": rt.Outcome("empty")},
    )
    assert op.param_names == {"id", "ext", "q"}
    assert op.wants_json is True
    assert op.path_parts == (("/a/", "id"), ("/b", "ext"), ("/c", None))
    assert rt.Operation("op", "GET", "/plain").path_parts == (("/plain", None),)
    assert rt.Operation("op", "GET", "{x}").path_parts == (("", "x"), ("", None))
    assert (
        rt.Operation("op", "GET", "/x", responses={"200": rt.Outcome("text")}).wants_json is False
    )
    assert rt.Operation("op", "GET", "/x").wants_json is False  # nothing documented


@pytest.mark.parametrize(
    "path",
    ["/a/{id}", "{id}", "/{id}{id}", "/a/{ id }/{{x}}", "/{}/{id}", "no/slash/{id}", "/a{id}b"],
)
def test_rendered_path_matches_placeholder_substitution(path: str) -> None:
    names = ("id", " id ", "x")
    op = rt.Operation("op", "GET", path, params=tuple(rt.Param(n, "path") for n in names))
    args = {"id": "v/1", " id ": 7, "x": ";"}
    expected = re.sub(
        r"\{([^{}]+)\}",
        lambda m: rt.encoding.path_segment(rt.Param(m.group(1), "path"), args[m.group(1)]),
        path,
    )
    expected = expected if expected.startswith("/") else "/" + expected
    assert rt.request.build_request(op, args, None, None, settings_()).url == BASE + expected


def test_cached_values_leave_operations_plain_data() -> None:
    op = rt.Operation(
        "op",
        "GET",
        "/a/{id}",
        params=(rt.Param("id", "path"),),
        responses={"200": rt.Outcome("json")},
    )
    twin = rt.Operation(
        "op",
        "GET",
        "/a/{id}",
        params=(rt.Param("id", "path"),),
        responses={"200": rt.Outcome("json")},
    )
    rt.request.build_request(op, {"id": 1}, None, None, settings_())  # fills the caches
    assert op == twin and repr(op) == repr(twin)
    assert pickle.loads(pickle.dumps(op)) == op
    assert copy.deepcopy(op) == op
    moved = dataclasses.replace(
        op, path="/b/{id}", params=(rt.Param("id", "path"), rt.Param("x", "query"))
    )
    assert moved.path_parts == (("/b/", "id"), ("", None))
    assert moved.param_names == {"id", "x"}
    prepared = rt.request.build_request(moved, {"id": 1, "x": 2}, None, None, settings_())
    assert prepared.url == f"{BASE}/b/1?x=2"


def test_unknown_and_missing_parameters_still_raise() -> None:
    op = rt.Operation("op", "GET", "/a/{id}", params=(rt.Param("id", "path", required=True),))
    with pytest.raises(TypeError, match=r"unknown parameter\(s\): a, b"):
        rt.request.build_request(op, {"id": 1, "b": 1, "a": 2}, None, None, settings_())
    with pytest.raises(TypeError, match="missing required path parameter 'id'"):
        rt.request.build_request(op, {"id": rt.NOT_GIVEN}, None, None, settings_())


def settings_() -> Any:
    return rt.request.ClientSettings(
        base_url=BASE, headers={}, auth=None, timeout=1.0, user_agent="ua"
    )


# ------------------------------------------------------------------- encoding
class Shade(str, enum.Enum):
    DARK = "dark"


class Level(enum.IntEnum):
    HIGH = 3


@pytest.mark.parametrize(
    "value",
    ["a b/é", "", 0, -12, 10**30, True, False, None, Shade.DARK, Level.HIGH, 1.5, uuid.UUID(int=1)],
)
def test_scalar_shortcuts_agree_with_pydantic(value: Any) -> None:
    """``to_jsonable`` returns plain str/int/bool/None as is; everything else is dumped."""
    dumped = TypeAdapter(Any).dump_python(value, mode="json", by_alias=True, exclude_unset=True)
    assert rt.encoding.to_jsonable(value) == dumped
    assert type(rt.encoding.to_jsonable(value)) is type(dumped)


@pytest.mark.parametrize("text", ["abc", "ABC123", "", "a-b", "a b", "é", "٣", "a/b", "x_y.z~"])
def test_percent_encoding_shortcut_agrees_with_quote(text: str) -> None:
    import urllib.parse

    assert rt.encoding._pct(text) == urllib.parse.quote(text, safe="")


# ----------------------------------------------------------------- responses
class Inner(BaseModel):
    when: dt.datetime
    ids: list[uuid.UUID] = []


class Outer(BaseModel):
    name: str
    count: int
    ratio: float | None = None
    inner: Inner | None = None
    tags: dict[str, Any] = {}


BODIES = [
    b'{"name":"a","count":1}',
    b'{"name":"a","count":"2","ratio":1}',
    b'{"name":"\\u00e9\\n","count":1,"ratio":NaN,"tags":{"big":123456789012345678901234567890}}',
    (
        b'{"name":"a","count":1,"inner":{"when":"2024-01-02T03:04:05Z",'
        b'"ids":["12345678-1234-5678-1234-567812345678"]}}'
    ),
    b'{"name":"a","count":1,"name":"b"}',
    b'  {"name":"a","count":1}\n',
    '{"name":"é","count":1}'.encode("utf-16"),  # json.loads reads UTF-16/32
    b'\xef\xbb\xbf{"name":"a","count":1}',  # and a UTF-8 BOM
    b'{"name":"\\ud800","count":1}',  # and a lone surrogate escape
]


@pytest.mark.parametrize("content", BODIES)
def test_json_outcome_reads_like_json_loads_then_validate_python(content: bytes) -> None:
    response = httpx.Response(200, content=content)
    read = rt.response.read_outcome(rt.Outcome("json", Outer), response)
    expected = TypeAdapter(Outer).validate_python(json.loads(content))
    assert repr(read) == repr(expected)  # repr, as NaN != NaN


@pytest.mark.parametrize("content", [b'{"name":"a","count":"x"}', b'{"count":1}', b"[]", b"null"])
def test_invalid_json_data_raises_the_validation_error(content: bytes) -> None:
    response = httpx.Response(200, content=content)
    with pytest.raises(pydantic.ValidationError) as info:
        rt.response.read_outcome(rt.Outcome("json", Outer), response)
    with pytest.raises(pydantic.ValidationError) as reference:
        TypeAdapter(Outer).validate_python(json.loads(content))
    assert [e["type"] for e in info.value.errors()] == [e["type"] for e in reference.value.errors()]


@pytest.mark.parametrize(
    "content", [b"<html>", b'{"name":"a",}', b'"a\tb"', b'{"a":1} x', b'"\xff"', b"\x00"]
)
def test_bodies_that_are_not_json_fail_with_json_loads_own_error(content: bytes) -> None:
    response = httpx.Response(200, content=content)
    with pytest.raises(ValueError) as info:
        rt.response.read_outcome(rt.Outcome("json", Outer), response)
    with pytest.raises(ValueError) as reference:
        json.loads(content)
    assert type(info.value) is type(reference.value)
    assert str(info.value) == str(reference.value)


def test_empty_and_untyped_json_bodies() -> None:
    empty = httpx.Response(200, content=b"")
    assert rt.response.read_outcome(rt.Outcome("json", Outer | None), empty) is None
    with pytest.raises(pydantic.ValidationError):
        rt.response.read_outcome(rt.Outcome("json", Outer), empty)
    assert rt.response.read_outcome(rt.Outcome("json"), empty) is None
    untyped = httpx.Response(200, content=b'{"a":[1,2.5,null]}')
    assert rt.response.read_outcome(rt.Outcome("json"), untyped) == {"a": [1, 2.5, None]}
