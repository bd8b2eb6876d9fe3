"""Client runtime, request side: parameter styles, path quoting, headers, auth, bodies.

The runtime (templates/runtime/client/_runtime) is loaded by path as the ``_runtime``
subpackage of a stand-in generated package and driven through ``httpx.MockTransport``.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import enum
import io
import pickle
import uuid
from typing import Any

import httpx
import pytest

# --------------------------------------------------------------------------- loader
from client_runtime_loader import load_client_runtime
from pydantic import BaseModel, Field

rt = load_client_runtime()
BASE = "https://api.test/v1"


# -------------------------------------------------------------------------- helpers
class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Widget(BaseModel):
    name: str | None = None
    label: str | None = Field(default=None, alias="displayLabel")
    color: Color | None = None
    size: int = 1


def operation(**overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "operation_id": "op",
        "method": "GET",
        "path": "/items",
        "responses": {"200": rt.Outcome("json")},
        "security": (("auth",),),
    }
    fields.update(overrides)
    return rt.Operation(**fields)


def send(
    op: Any,
    args: dict[str, Any] | None = None,
    body: Any = None,
    options: Any = None,
    **client_kwargs: Any,
) -> httpx.Request:
    """Call ``op`` once through a MockTransport and return the request it sent."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    client = rt.SyncClientBase(
        base_url=BASE, transport=httpx.MockTransport(handler), **client_kwargs
    )
    with client:
        client._call(op, args or {}, body, options)
    assert len(seen) == 1
    return seen[0]


def query_of(request: httpx.Request) -> str:
    return request.url.query.decode("ascii")


def q(name: str, **param: Any) -> Any:
    return rt.Param(name, "query", **param)


# ------------------------------------------------------------------------ query styles
@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [
        (q("tag"), ["a", "b c"], "tag=a&tag=b%20c"),
        (q("id__in", style="form", explode=False), [1, 2, 3], "id__in=1,2,3"),
        (q("id__in", explode=False), ["a,b", "c"], "id__in=a%2Cb,c"),
        (q("id", style="spaceDelimited"), [3, 4], "id=3+4"),
        (q("id", style="spaceDelimited"), ["a b", "c+"], "id=a%20b+c%2B"),
        (q("id", style="pipeDelimited"), [3, 4], "id=3|4"),
        (q("id", style="pipeDelimited", explode=True), [3, 4], "id=3&id=4"),
        (q("color"), {"R": 100, "G": 200}, "R=100&G=200"),
        (q("color", explode=False), {"R": 100, "G": 200}, "color=R,100,G,200"),
        (q("color", style="spaceDelimited"), {"R": 1, "G": 2}, "color=R+1+G+2"),
        (
            q("filter", style="deepObject", explode=True),
            {"role": "admin", "name": {"first": "Al"}, "ids": [1, 2]},
            "filter[role]=admin&filter[name][first]=Al&filter[ids]=1&filter[ids]=2",
        ),
        (q("flag"), True, "flag=true"),
        (q("flag"), False, "flag=false"),
        (q("color"), Color.BLUE, "color=blue"),
        (q("colors", explode=False), [Color.RED, Color.BLUE], "colors=red,blue"),
        (
            q("at"),
            dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc),
            "at=2024-05-01T12%3A00%3A00Z",
        ),
        (q("day"), dt.date(2024, 5, 1), "day=2024-05-01"),
        (q("uid"), uuid.UUID(int=1), "uid=00000000-0000-0000-0000-000000000001"),
        (q("n"), 1.5, "n=1.5"),
        (q("s"), "a+b&c=d/é", "s=a%2Bb%26c%3Dd%2F%C3%A9"),
        (q("tag"), [], ""),
        (q("tag"), ["a", None, "b"], "tag=a&tag=&tag=b"),  # None: the empty item
        # allowReserved: reserved characters go as they are, except those that would
        # end the query or split it (#, &, =, +), brackets, and % (which stays data).
        (q("s", allow_reserved=True), "a/b:c?d@e!$'()*,;", "s=a/b:c?d@e!$'()*,;"),
        (q("s", allow_reserved=True), "a&b=c#d+e [f] 5%", "s=a%26b%3Dc%23d%2Be%20%5Bf%5D%205%25"),
        (q("p", allow_reserved=True, explode=False), ["a/b", "c:d"], "p=a/b,c:d"),
        (q("p", allow_reserved=True, explode=False), ["a,b", "c"], "p=a%2Cb,c"),
        (
            q("f", style="deepObject", allow_reserved=True),
            {"path": "/x/y", "ids": ["a/b"]},
            "f[path]=/x/y&f[ids]=a/b",
        ),
        (q("m", allow_reserved=True), {"k": "a/b"}, "k=a/b"),
    ],
)
def test_query_parameter_styles(param: Any, value: Any, expected: str) -> None:
    request = send(operation(params=(param,)), {param.name: value})
    assert query_of(request) == expected


def test_none_and_not_given_parameters_are_not_sent() -> None:
    op = operation(params=(q("a"), q("b"), rt.Param("X-Opt", "header")))
    request = send(op, {"a": None, "b": rt.NOT_GIVEN, "X-Opt": rt.NOT_GIVEN})
    assert query_of(request) == ""
    assert "x-opt" not in request.headers


def test_query_parameters_keep_declaration_order() -> None:
    op = operation(params=(q("limit"), q("offset"), q("search")))
    request = send(op, {"search": "x", "offset": 20, "limit": 10})
    assert query_of(request) == "limit=10&offset=20&search=x"


def test_missing_required_and_unknown_parameters_raise_type_error() -> None:
    op = operation(params=(q("limit", required=True),))
    with pytest.raises(TypeError, match="missing required query parameter 'limit'"):
        send(op, {})
    with pytest.raises(TypeError, match="unknown parameter"):
        send(op, {"limit": 1, "nope": 2})


# -------------------------------------------------------------------------------- path
def test_path_parameters_are_quoted_with_no_safe_characters() -> None:
    op = operation(
        path="/projects/{project_id}/dashboards/{id}/",
        params=(
            rt.Param("project_id", "path", required=True),
            rt.Param("id", "path", required=True),
        ),
    )
    request = send(op, {"project_id": "a/b c", "id": "?#%&"})
    assert request.url.raw_path == b"/v1/projects/a%2Fb%20c/dashboards/%3F%23%25%26/"
    assert request.url.host == "api.test"


def test_a_parameter_named_quote_is_just_data() -> None:
    op = operation(
        path="/quotes/{quote}",
        params=(rt.Param("quote", "path", required=True), q("urllib"), q("parse")),
    )
    request = send(op, {"quote": "x/y", "urllib": "1", "parse": "2"})
    assert request.url.raw_path == b"/v1/quotes/x%2Fy?urllib=1&parse=2"


def test_base_url_trailing_slash_and_path_values() -> None:
    op = operation(path="/items/{id}", params=(rt.Param("id", "path", required=True),))
    request = send(op, {"id": 7})
    assert str(request.url) == "https://api.test/v1/items/7"
    seen: list[httpx.Request] = []
    client = rt.SyncClientBase(
        base_url="https://api.test/v1/",
        transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200, json={})),
    )
    client._call(op, {"id": True})
    assert str(seen[0].url) == "https://api.test/v1/items/true"


@pytest.mark.parametrize(
    ("style", "explode", "value", "expected"),
    [
        (None, None, [3, 4, 5], "3,4,5"),
        (None, True, {"role": "admin", "n": 1}, "role=admin,n=1"),
        (None, False, {"role": "admin", "n": 1}, "role,admin,n,1"),
        ("label", None, 5, ".5"),
        ("label", None, [3, 4], ".3,4"),
        ("label", True, [3, 4], ".3.4"),
        ("label", True, {"a": 1, "b": 2}, ".a=1.b=2"),
        ("label", True, ["a.b", "c"], ".a%2Eb.c"),  # an item's own delimiter is escaped
        ("label", True, {"k.1": "v.2"}, ".k%2E1=v%2E2"),
        ("label", None, ["a.b", "c"], ".a.b,c"),
        (None, None, ["a", None, "b"], "a,,b"),  # None: the empty item
        ("matrix", None, 5, ";id=5"),
        ("matrix", None, [3, 4], ";id=3,4"),
        ("matrix", True, [3, 4], ";id=3;id=4"),
        ("matrix", True, {"a": 1, "b": 2}, ";a=1;b=2"),
        ("matrix", False, {"a": 1, "b": 2}, ";id=a,1,b,2"),
        (None, None, ["a/b", "c,d"], "a%2Fb,c%2Cd"),
    ],
)
def test_path_styles(style: str | None, explode: bool | None, value: Any, expected: str) -> None:
    param = rt.Param("id", "path", style=style, explode=explode)
    assert rt.encoding.path_segment(param, value) == expected


@pytest.mark.parametrize(
    ("path", "style", "value"),
    [
        ("/items/{id}", None, ".."),
        ("/items/{id}/delete", None, "."),
        ("/items/{id}", None, ""),
        ("/items/{id}", "label", ""),
        ("/items/{id}", "label", "."),
        ("/items/{a}{id}", None, "."),
    ],
)
def test_a_path_value_that_would_change_the_path_is_rejected(
    path: str, style: str | None, value: str
) -> None:
    # httpx resolves dot segments ("/v1/items/.." is sent as "/v1/"): the call would
    # reach another operation, so it must fail before anything is sent.
    op = operation(
        path=path,
        params=(rt.Param("id", "path", style=style, required=True), rt.Param("a", "path")),
    )
    seen: list[httpx.Request] = []
    client = rt.SyncClientBase(
        base_url=BASE,
        transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200, json={})),
    )
    with pytest.raises(ValueError, match="another path"):
        client._call(op, {"id": value, "a": "."})
    assert seen == []


@pytest.mark.parametrize(
    ("path", "value", "raw_path"),
    [
        ("/items/{id}", "...", b"/v1/items/..."),
        ("/items/{id}", ".x", b"/v1/items/.x"),
        ("/items/v{id}", "", b"/v1/items/v"),
        ("/items/{id}.json", ".", b"/v1/items/..json"),
    ],
)
def test_dots_and_empty_values_inside_a_segment_are_sent(
    path: str, value: str, raw_path: bytes
) -> None:
    op = operation(path=path, params=(rt.Param("id", "path", required=True),))
    assert send(op, {"id": value}).url.raw_path == raw_path


def test_missing_path_parameter_raises() -> None:
    op = operation(path="/items/{id}", params=(rt.Param("id", "path"),))
    with pytest.raises(TypeError, match="missing path parameter 'id'"):
        send(op, {})


# ------------------------------------------------------------------- headers, cookies
def test_header_parameters_use_simple_style() -> None:
    op = operation(
        params=(
            rt.Param("X-Request-Id", "header"),
            rt.Param("X-Ids", "header"),
            rt.Param("X-Obj", "header", explode=True),
            rt.Param("X-Flat", "header"),
        )
    )
    request = send(
        op,
        {"X-Request-Id": "r-1", "X-Ids": [1, 2], "X-Obj": {"a": 1, "b": "x"}, "X-Flat": {"a": 1}},
    )
    assert request.headers["x-request-id"] == "r-1"
    assert request.headers["x-ids"] == "1,2"
    assert request.headers["x-obj"] == "a=1,b=x"
    assert request.headers["x-flat"] == "a,1"


def test_header_parameter_with_line_break_is_rejected() -> None:
    op = operation(params=(rt.Param("X-Note", "header"),))
    with pytest.raises(ValueError, match="line break"):
        send(op, {"X-Note": "a\r\nInjected: yes"})


def test_authorization_header_parameter_is_ignored_as_openapi_requires() -> None:
    op = operation(params=(rt.Param("Authorization", "header"),))
    request = send(op, {"Authorization": "Bearer attacker"}, auth=rt.bearer_auth("tok"))
    assert request.headers["authorization"] == "Bearer tok"


def test_cookie_parameters_and_cookie_credentials_share_one_header() -> None:
    op = operation(
        params=(
            rt.Param("session", "cookie"),
            rt.Param("prefs", "cookie", explode=False),
            rt.Param("tags", "cookie"),
        )
    )
    request = send(
        op,
        {"session": "abc=/+", "prefs": [1, 2], "tags": ["x y", "z"]},
        auth=rt.api_key_auth("api_key", "cookie", "k;1"),
    )
    parts = request.headers["cookie"].split("; ")
    assert sorted(parts) == sorted(
        ["api_key=k%3B1", "session=abc=/+", "prefs=1,2", "tags=x%20y", "tags=z"]
    )


def test_default_headers_and_precedence() -> None:
    request = send(operation())
    assert request.headers["user-agent"] == "apiforge-client"
    assert request.headers["accept"] == "application/json"

    op = operation(params=(rt.Param("X-Level", "header"),))
    request = send(
        op,
        {"X-Level": "param"},
        options={"extra_headers": {"X-Level": "extra", "X-Trace": "t"}},
        headers={"X-Level": "client", "X-Team": "core"},
        user_agent="posthog-python/1.0",
    )
    assert request.headers["user-agent"] == "posthog-python/1.0"
    assert request.headers["x-level"] == "extra"
    assert request.headers["x-team"] == "core"
    assert request.headers["x-trace"] == "t"


def test_accept_json_only_when_all_success_bodies_are_json() -> None:
    op = operation(responses={"200": rt.Outcome("bytes")})
    assert send(op).headers["accept"] == "*/*"
    op = operation(responses={"200": rt.Outcome("json"), "204": rt.Outcome("empty")})
    assert send(op).headers["accept"] == "application/json"


def test_accept_names_the_documented_json_media_types() -> None:
    vendor = "application/vnd.api+json"
    op = operation(responses={"200": rt.Outcome("json")}, accept=vendor)
    assert send(op).headers["accept"] == vendor
    assert send(op, options={"extra_headers": {"Accept": "x/y"}}).headers["accept"] == "x/y"
    # One client keeps a header prefix per Accept value: neither op gets the other's.
    plain = operation(responses={"200": rt.Outcome("json")})
    seen: list[httpx.Request] = []
    client = rt.SyncClientBase(
        base_url=BASE,
        transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200, json={})),
    )
    for each in (op, plain, op, plain):
        client._call(each, {})
    assert [r.headers["accept"] for r in seen] == [vendor, "application/json"] * 2
    # No JSON body to read: no Accept of its own, whatever ``accept`` says.
    assert (
        send(operation(responses={"200": rt.Outcome("text")}, accept=vendor)).headers["accept"]
        == "*/*"
    )


def test_extra_query_and_per_call_timeout() -> None:
    op = operation(params=(q("a"),))
    request = send(
        op, {"a": 1}, options={"extra_query": {"debug": True, "ids": [1, 2], "skip": None}}
    )
    assert query_of(request) == "a=1&debug=true&ids=1&ids=2"
    assert request.extensions["timeout"] == httpx.Timeout(60.0).as_dict()

    request = send(op, options={"timeout": 5})
    assert request.extensions["timeout"] == httpx.Timeout(5.0).as_dict()
    request = send(op, options={"timeout": None})
    assert request.extensions["timeout"] == httpx.Timeout(None).as_dict()
    request = send(op, timeout=httpx.Timeout(3.0, connect=1.0))
    assert request.extensions["timeout"] == httpx.Timeout(3.0, connect=1.0).as_dict()


# ------------------------------------------------------------------------------- auth
def test_bearer_auth_only_on_authenticated_operations() -> None:
    auth = rt.bearer_auth("tok")
    assert send(operation(), auth=auth).headers["authorization"] == "Bearer tok"
    assert "authorization" not in send(operation(security=()), auth=auth).headers


def test_a_credential_named_in_extra_query_is_replaced_not_repeated() -> None:
    """As ``extra_headers`` replace credential headers, ``extra_query`` replaces a query key."""
    auth = rt.combine_auth(
        rt.api_key_auth("key", "query", "k1"), rt.api_key_auth("team", "query", "t1")
    )
    request = send(operation(), options={"extra_query": {"key": "k2"}}, auth=auth)
    assert query_of(request) == "key=k2&team=t1"


def test_api_key_and_basic_auth_placements() -> None:
    request = send(operation(), auth=rt.api_key_auth("X-API-Key", "header", "k"))
    assert request.headers["x-api-key"] == "k"
    request = send(
        operation(params=(q("a"),)), {"a": 1}, auth=rt.api_key_auth("key", "query", "s/3")
    )
    assert query_of(request) == "a=1&key=s%2F3"
    request = send(operation(), auth=rt.basic_auth("user", "pässword"))
    expected = base64.b64encode("user:pässword".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected}"


def test_auth_factories_without_secret_return_none_and_combine() -> None:
    assert rt.bearer_auth(None) is None
    assert rt.api_key_auth("k", "query", None) is None
    assert rt.basic_auth(None, "x") is None
    # Variables set to nothing: no credentials, not "Basic Og==" (an empty user and password).
    assert rt.basic_auth("", "") is None and rt.basic_auth("", None) is None
    assert rt.basic_auth("", "token") is not None  # a token as the password is common
    assert rt.combine_auth(None, None) is None
    both = rt.combine_auth(rt.bearer_auth("tok"), None, rt.api_key_auth("team", "query", "t1"))
    request = send(operation(), auth=both)
    assert request.headers["authorization"] == "Bearer tok"
    assert query_of(request) == "team=t1"


def test_auth_repr_never_shows_secrets() -> None:
    auth = rt.combine_auth(rt.bearer_auth("s3cret"), rt.api_key_auth("key", "cookie", "s3cret"))
    assert "s3cret" not in repr(auth)
    assert "Authorization" in repr(auth)


# ------------------------------------------------------------------------------ bodies
def json_op(media_type: str = "application/json") -> Any:
    return operation(method="POST", body=rt.Body(media_type))


def test_json_model_body_distinguishes_absent_null_and_value() -> None:
    widget = Widget.model_validate({"name": None, "displayLabel": "L", "color": "red"})
    request = send(json_op(), body=widget)
    assert request.headers["content-type"] == "application/json"
    # "size" was never set: absent. "name" was explicitly null. Aliases and enum values.
    assert request.content == b'{"name":null,"displayLabel":"L","color":"red"}'
    assert send(json_op(), body=Widget()).content == b"{}"


def test_json_mapping_and_list_bodies_are_sent_as_is() -> None:
    body = {
        "a": None,
        "skip": rt.NOT_GIVEN,
        "when": dt.date(2024, 1, 2),
        "w": Widget(size=2),
        "items": [Color.RED, uuid.UUID(int=2)],
        "text": "é",
    }
    request = send(json_op(), body=body)
    assert request.content == (
        b'{"a":null,"when":"2024-01-02","w":{"size":2},'
        b'"items":["red","00000000-0000-0000-0000-000000000002"],"text":"\xc3\xa9"}'
    )
    assert send(json_op(), body=[1, 2]).content == b"[1,2]"
    assert send(json_op(), body=[]).content == b"[]"


def test_json_subtype_media_type_is_kept() -> None:
    request = send(json_op("application/vnd.api+json"), body={"a": 1})
    assert request.headers["content-type"] == "application/vnd.api+json"
    assert request.content == b'{"a":1}'


def test_no_body_sends_no_content() -> None:
    request = send(json_op(), body=None)
    assert request.content == b""
    assert "content-type" not in request.headers


def test_body_on_an_operation_without_one_raises() -> None:
    with pytest.raises(TypeError, match="takes no request body"):
        send(operation(), body={"a": 1})


def test_form_body() -> None:
    op = operation(method="POST", body=rt.Body("application/x-www-form-urlencoded"))
    request = send(op, body={"name": "x y", "tags": ["a", "b"], "flag": True, "gone": None})
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.content == b"name=x+y&tags=a&tags=b&flag=true"
    request = send(op, body=Widget(name="n", color=Color.BLUE))
    assert request.content == b"name=n&color=blue"


def multipart_parts(request: httpx.Request) -> dict[str, tuple[str, bytes]]:
    """Parse a multipart body into {name: (headers text, payload)}."""
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=", 1)[1].encode()
    parts: dict[str, tuple[str, bytes]] = {}
    for chunk in request.content.split(b"--" + boundary)[1:-1]:
        head, _, payload = chunk.strip(b"\r\n").partition(b"\r\n\r\n")
        head_text = head.decode()
        name = head_text.split('name="', 1)[1].split('"', 1)[0]
        key = name
        while key in parts:
            key += "+"
        parts[key] = (head_text, payload)
    return parts


def test_multipart_body_with_files_and_fields() -> None:
    op = operation(method="POST", body=rt.Body("multipart/form-data"))
    upload = io.BytesIO(b"file-object")
    upload.name = "/tmp/report.csv"
    body = {
        "title": "Q1",
        "public": False,
        "doc": ("notes.txt", b"hello", "text/plain"),
        "raw": b"\x00\x01",
        "report": upload,
        "meta": {"k": 1},
        "tags": ["a", "b"],
        "none": None,
    }
    parts = multipart_parts(send(op, body=body))
    assert parts["title"] == ('Content-Disposition: form-data; name="title"', b"Q1")
    assert parts["public"][1] == b"false"
    assert parts["doc"] == (
        'Content-Disposition: form-data; name="doc"; filename="notes.txt"\r\nContent-Type: text/plain',
        b"hello",
    )
    assert 'filename="upload"' in parts["raw"][0] and parts["raw"][1] == b"\x00\x01"
    assert 'filename="report.csv"' in parts["report"][0]
    assert parts["report"][1] == b"file-object"
    assert parts["meta"] == (
        'Content-Disposition: form-data; name="meta"\r\nContent-Type: application/json',
        b'{"k":1}',
    )
    assert (parts["tags"][1], parts["tags+"][1]) == (b"a", b"b")
    assert "none" not in parts


def test_multipart_parts_take_the_content_type_the_encoding_object_names() -> None:
    body_spec = rt.Body(
        "multipart/form-data",
        part_types=(
            ("meta", "application/json"),
            ("doc", "application/vnd.doc+json"),
            ("pic", "image/png"),
            ("pics", "image/png"),
            ("own", "image/png"),
            ("note", "text/plain; charset=utf-8"),
        ),
    )
    op = operation(method="POST", body=body_spec)
    photo = io.BytesIO(b"\x89PNG-file")
    photo.name = "/tmp/photo.bin"
    body = {
        "meta": '{"a":1}',
        "doc": {"b": 2},
        "pic": b"\x89PNG",
        "pics": [("one.bin", b"1"), photo],
        "own": ("x.jpg", b"jpeg", "image/jpeg"),
        "note": "hi",
        "other": "plain",
    }
    parts = multipart_parts(send(op, body=body))
    assert parts["meta"] == (
        'Content-Disposition: form-data; name="meta"\r\nContent-Type: application/json',
        b'{"a":1}',
    )
    assert parts["doc"] == (
        'Content-Disposition: form-data; name="doc"\r\nContent-Type: application/vnd.doc+json',
        b'{"b":2}',
    )
    assert parts["pic"] == (
        'Content-Disposition: form-data; name="pic"; filename="upload"\r\nContent-Type: image/png',
        b"\x89PNG",
    )
    assert parts["pics"][0].endswith('filename="one.bin"\r\nContent-Type: image/png')
    assert parts["pics+"] == (
        'Content-Disposition: form-data; name="pics"; filename="photo.bin"\r\nContent-Type: image/png',
        b"\x89PNG-file",
    )
    assert parts["own"][0].endswith("Content-Type: image/jpeg")  # the caller's own type wins
    assert parts["note"][0].endswith("Content-Type: text/plain; charset=utf-8")
    assert parts["other"] == ('Content-Disposition: form-data; name="other"', b"plain")


class UploadForm(BaseModel):
    title: str
    file: bytes
    note: str | None = None
    caption: str | None = Field(default=None, alias="Caption")


def test_multipart_model_body_and_no_file_multipart() -> None:
    op = operation(method="POST", body=rt.Body("multipart/form-data"))
    form = UploadForm.model_validate({"title": "t", "file": b"\xff\xfe", "Caption": "c"})
    parts = multipart_parts(send(op, body=form))
    assert set(parts) == {"title", "file", "Caption"}  # unset "note" is absent
    assert parts["file"][1] == b"\xff\xfe"
    # Without any file the body is still multipart, not urlencoded.
    parts = multipart_parts(send(op, body={"only": "field"}))
    assert parts == {"only": ('Content-Disposition: form-data; name="only"', b"field")}


@pytest.mark.parametrize(
    ("media_type", "value", "content", "content_type"),
    [
        ("application/octet-stream", b"\x00\xff", b"\x00\xff", "application/octet-stream"),
        ("image/png", bytearray(b"png"), b"png", "image/png"),
        ("*/*", io.BytesIO(b"stream"), b"stream", "application/octet-stream"),
        ("application/octet-stream", "text", b"text", "application/octet-stream"),
        ("text/plain", "héllo", "héllo".encode(), "text/plain; charset=utf-8"),
        ("text/csv; charset=latin-1", b"a,b", b"a,b", "text/csv; charset=latin-1"),
    ],
)
def test_binary_and_text_bodies(
    media_type: str, value: Any, content: bytes, content_type: str
) -> None:
    request = send(operation(method="PUT", body=rt.Body(media_type)), body=value)
    assert request.content == content
    assert request.headers["content-type"] == content_type


@pytest.mark.parametrize(
    ("media_type", "kind"),
    [
        ("application/json", "json"),
        ("application/problem+json; charset=utf-8", "json"),
        ("text/json", "json"),
        ("application/x-www-form-urlencoded", "form"),
        ("multipart/form-data", "multipart"),
        ("multipart/mixed", "multipart"),
        ("text/plain", "text"),
        ("application/octet-stream", "binary"),
        ("image/png", "binary"),
    ],
)
def test_body_kind_from_media_type(media_type: str, kind: str) -> None:
    assert rt.Body(media_type).kind == kind


# ---------------------------------------------------------------------------- misc
def test_param_defaults() -> None:
    assert (rt.Param("a", "query").resolved_style, rt.Param("a", "query").resolved_explode) == (
        "form",
        True,
    )
    assert (rt.Param("a", "path").resolved_style, rt.Param("a", "path").resolved_explode) == (
        "simple",
        False,
    )
    assert rt.Param("a", "cookie").resolved_explode is True
    assert rt.Param("a", "header").resolved_explode is False
    assert rt.Param("a", "query", style="deepObject").resolved_explode is False


def test_not_given_sentinel() -> None:
    assert not rt.NOT_GIVEN
    assert repr(rt.NOT_GIVEN) == "NOT_GIVEN"
    assert copy.deepcopy(rt.NOT_GIVEN) is rt.NOT_GIVEN
    assert copy.copy(rt.NOT_GIVEN) is rt.NOT_GIVEN
    assert pickle.loads(pickle.dumps(rt.NOT_GIVEN)) is rt.NOT_GIVEN


def test_build_request_is_pure() -> None:
    settings = rt.request.ClientSettings(
        base_url=BASE, headers={}, auth=rt.bearer_auth("t"), timeout=1.0, user_agent="ua"
    )
    op = operation(path="/a/{id}", params=(rt.Param("id", "path"), q("x")))
    prepared = rt.request.build_request(op, {"id": 1, "x": "y"}, None, None, settings)
    again = rt.request.build_request(op, {"id": 1, "x": "y"}, None, None, settings)
    assert prepared == again
    assert prepared.url == "https://api.test/v1/a/1?x=y"
    assert ("Authorization", "Bearer t") in prepared.headers or (
        "authorization",
        "Bearer t",
    ) in prepared.headers


@pytest.mark.parametrize("value", ["café", "naïve", "日本", "a\x00b", "a\x7fb", ["ok", "é"]])
def test_header_parameter_a_header_cannot_carry_is_rejected_before_sending(value: Any) -> None:
    op = operation(params=(rt.Param("X-Name", "header"),))
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    client = rt.SyncClientBase(base_url=BASE, transport=httpx.MockTransport(handler))
    with client, pytest.raises(ValueError, match="header parameter 'X-Name' contains") as info:
        client._call(op, {"X-Name": value})
    assert not isinstance(info.value, UnicodeError) and sent == []


@pytest.mark.parametrize(
    ("explode", "value"),
    [(False, " a"), (False, "a\t"), (False, ["a", "b,c"]), (False, ["a "]), (True, {"a=b": 1})]
    + [(False, {"a": "b,c"}), (True, {"a": " b"})],
)
def test_header_text_the_server_would_split_or_strip_is_refused(explode: bool, value: Any) -> None:
    """A header has no escapes: an item's, key's or value's ``,`` (an exploded key's ``=``)
    would split it, and spaces or tabs at its ends are dropped (h11 refuses them)."""
    op = operation(params=(rt.Param("X-Name", "header", explode=explode),))
    with pytest.raises(ValueError, match="header parameter 'X-Name'"):
        send(op, {"X-Name": value})


def test_header_json_items_and_scalar_commas_are_sent() -> None:
    op = operation(params=(rt.Param("X-Name", "header"), rt.Param("X-Rows", "header")))
    request = send(op, {"X-Name": "a, b", "X-Rows": [{"k": "x, y"}, None]})
    assert request.headers["x-name"] == "a, b"
    assert request.headers["x-rows"] == '{"k":"x, y"},'


def test_a_non_exploded_header_object_sends_a_key_holding_an_equals_sign() -> None:
    """Only an exploded object spells ``key=value``: a non-exploded one's ``=`` splits nothing."""
    op = operation(params=(rt.Param("X-Name", "header"),))
    assert send(op, {"X-Name": {"a=b": "c"}}).headers["x-name"] == "a=b,c"


def test_header_parameter_keeps_spaces_and_tabs() -> None:
    op = operation(params=(rt.Param("X-Name", "header"),))
    assert send(op, {"X-Name": "a b\tc"}).headers["x-name"] == "a b\tc"


# OpenAPI 3.0.3's style table: an empty value is ";id" (matrix) and "." (label); RFC 6570,
# which the table cites, gives an exploded array's or object's empty items the same form.
@pytest.mark.parametrize(
    ("style", "explode", "value", "expected"),
    [
        ("matrix", False, "", ";id"),
        ("matrix", True, "", ";id"),
        ("matrix", False, [], ";id"),
        ("matrix", True, [], ";id"),
        ("matrix", False, {}, ";id"),
        ("matrix", True, {}, ";id"),
        ("matrix", True, ["a", ""], ";id=a;id"),
        ("matrix", False, ["a", ""], ";id=a,"),
        ("matrix", True, {"a": "1", "b": ""}, ";a=1;b"),
        ("matrix", False, {"a": "1", "b": ""}, ";id=a,1,b,"),
        ("label", False, "", "."),
        ("label", True, [], "."),
        ("label", False, {}, "."),
    ],
)
def test_empty_matrix_and_label_values_follow_the_style_table(
    style: str, explode: bool, value: Any, expected: str
) -> None:
    param = rt.Param("id", "path", style=style, explode=explode)
    assert rt.encoding.path_segment(param, value) == expected
    # (after a literal: "." alone is a dot segment, which the client refuses to send)
    op = operation(path="/items/x{id}", params=(param,))
    assert send(op, {"id": value}).url.raw_path == b"/v1/items/x" + expected.encode()
