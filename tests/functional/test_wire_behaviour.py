"""What goes over the wire: parameter styles, bodies of every kind, responses, pagination, names."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, mock_client, server_client


def _recorder(
    status: int = 200, **reply: Any
) -> tuple[list[httpx.Request], Callable[[httpx.Request], httpx.Response]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, **reply)

    return seen, handler


def test_query_styles_deep_object_and_delimited_arrays(built: Callable[[str], Built]) -> None:
    b = built("param_styles")
    seen, handler = _recorder(json={})
    with mock_client(b.client, handler) as client:
        client.search.search(
            [1, 2],
            tags=["a", "b"],
            csv=[1, 2],
            spaced=["x", "y"],
            piped=["p", "q"],
            filter={"name": "ann lee", "min_age": 3},
            session="s1",
            x_trace="t",
        )
    request = seen[0]
    assert request.url.path == "/search/1,2"
    query = request.url.query.decode()
    assert query.split("&") == [
        "tags=a",
        "tags=b",
        "csv=1,2",
        "spaced=x+y",
        "piped=p|q",
        "filter[name]=ann%20lee",
        "filter[min_age]=3",
        "limit=10",
    ] or query.split("&") == [
        "tags=a",
        "tags=b",
        "csv=1,2",
        "spaced=x+y",
        "piped=p|q",
        "filter[name]=ann%20lee",
        "filter[min_age]=3",
    ]
    assert request.headers["X-Trace"] == "t" and request.headers["Cookie"] == "session=s1"


def test_label_and_matrix_path_styles(built: Callable[[str], Built]) -> None:
    b = built("param_styles")
    models = b.models()
    seen, handler = _recorder(204)
    with mock_client(b.client, handler) as client:
        assert client.label.matrix.styled_path(["red", "blue"], models.Point(x=1, y=2)) is None
    assert seen[0].url.raw_path == b"/label/.red,blue/matrix/;x=1;y=2"


def test_server_decodes_every_parameter_style(built: Callable[[str], Built]) -> None:
    b = built("param_styles")
    calls: list[dict[str, Any]] = []

    class Impl:
        async def search(self, ids: Any, **kwargs: Any) -> Any:
            kwargs.pop("context")
            calls.append({"ids": ids, **kwargs})
            return {}

    with server_client(b.server, search=Impl()) as http:
        response = http.get(
            "/search/1,2?tags=a&tags=b&csv=1,2&spaced=x%20y&piped=p|q&filter[name]=x&limit=5",
            headers={"X-Trace": "t"},
        )
    assert response.status_code == 200, response.text
    call = calls[0]
    assert call["ids"] == [1, 2] and call["tags"] == ["a", "b"] and call["csv"] == [1, 2]
    assert call["spaced"] == ["x", "y"] and call["piped"] == ["p", "q"]
    assert call["limit"] == 5 and call["x_trace"] == "t" and call["filter"].name == "x"


def test_multipart_upload_from_the_client(built: Callable[[str], Built]) -> None:
    b = built("binary")
    seen, handler = _recorder(201, json={"id": 1, "size": 5})
    with mock_client(b.client, handler) as client:
        avatar = client.avatars.upload_avatar(
            {"image": ("me.png", b"\x89PNG\x00", "image/png"), "caption": "me", "tags": ["a", "b"]}
        )
    assert avatar.size == 5
    request = seen[0]
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    body = request.read()
    assert b'name="image"; filename="me.png"' in body and b"\x89PNG\x00" in body
    assert body.count(b'name="tags"') == 2 and b'name="caption"' in body


def test_multipart_upload_reaches_the_server_implementation(built: Callable[[str], Built]) -> None:
    b = built("binary")
    models = b.models("server")

    class Impl:
        async def upload_avatar(self, *, body: Any, context: Any) -> Any:
            assert isinstance(body, models.UploadAvatarBody)
            return models.Avatar(
                id=1, size=len(body.image), caption=f"{body.caption}:{','.join(body.tags)}"
            )

    with server_client(b.server, avatars=Impl()) as http:
        response = http.post(
            "/avatars",
            files={"image": ("me.png", b"\x89PNG\x00", "image/png")},
            data={"caption": "me", "tags": ["a", "b"]},
        )
        missing = http.post(
            "/avatars", files={"caption": (None, "no image")}
        )  # multipart, without the file
        urlencoded = http.post(
            "/avatars", data={"caption": "no image"}
        )  # the spec lists multipart only
    assert response.status_code == 201, response.text
    assert response.json() == {"id": 1, "size": 5, "caption": "me:a,b"}
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "image"]
    assert urlencoded.status_code == 415


def test_binary_upload_and_download_through_client_and_server(
    built: Callable[[str], Built],
) -> None:
    b = built("binary")
    stored: dict[str, bytes] = {}

    class Files:
        async def upload_file(self, name: str, *, body: bytes, context: Any) -> None:
            stored[name] = body

        async def download_file(self, name: str, *, context: Any) -> Any:
            rt = b.runtime
            if name not in stored:
                return rt.NotFound(b.models("server").Error(message=f"no {name}"))
            return rt.Ok(stored[name])

    with server_client(b.server, files=Files()) as http:
        transport = http._transport  # route the generated client through the app in-process

        def handler(request: httpx.Request) -> httpx.Response:
            return transport.handle_request(request)

        with mock_client(b.client, handler) as client:
            client.files.upload_file("a.bin", b"\x00\x01\xff")
            assert client.files.download_file("a.bin") == b"\x00\x01\xff"
            with pytest.raises(b.client.NotFoundError) as error:
                client.files.download_file("nope")
    assert stored == {"a.bin": b"\x00\x01\xff"}
    assert error.value.parsed.message == "no nope"


def test_image_download_returns_bytes(built: Callable[[str], Built]) -> None:
    b = built("binary")
    seen, handler = _recorder(content=b"\x89PNG", headers={"Content-Type": "image/png"})
    with mock_client(b.client, handler) as client:
        assert client.avatars.get_avatar_image(3) == b"\x89PNG"
    assert seen[0].url.path == "/avatars/3.png"


def test_several_success_responses_and_media_types(built: Callable[[str], Built]) -> None:
    b = built("multi_content")
    models = b.models()
    seen, created = _recorder(201, json={"title": "t"})
    with mock_client(b.client, created) as client:
        document = client.documents.create_document({"title": "t"})
    assert (
        isinstance(document, models.Document)
        and seen[0].headers["Content-Type"] == "application/json"
    )
    _, accepted = _recorder(202, json={"job_id": "j"})
    with mock_client(b.client, accepted) as client:
        job = client.documents.create_document({"title": "t"})
    assert isinstance(job, models.Job)
    _, conflict = _recorder(
        409,
        json={"title": "dup", "status": 409},
        headers={"Content-Type": "application/problem+json"},
    )
    with mock_client(b.client, conflict) as client, pytest.raises(b.client.ConflictError) as error:
        client.documents.create_document({"title": "t"})
    assert error.value.parsed.title == "dup"
    _, not_modified = _recorder(304)
    with mock_client(b.client, not_modified) as client:
        assert client.documents.get_document("d") is None
    seen, text = _recorder(text="hello")
    with mock_client(b.client, text) as client:
        assert client.documents.put_document_text("d", "hello") == "hello"
    assert seen[0].content == b"hello" and seen[0].headers["Content-Type"].startswith("text/plain")


def test_form_urlencoded_body_from_the_client_to_the_server(built: Callable[[str], Built]) -> None:
    b = built("multi_content")
    received: list[Any] = []

    class Impl:
        async def add_comment(self, id: str, *, body: Any, context: Any) -> Any:
            received.append(body)
            return b.runtime.Created({"document": id, **body.model_dump(exclude_unset=True)})

    with server_client(b.server, documents=Impl()) as http:
        transport = http._transport

        def handler(request: httpx.Request) -> httpx.Response:
            return transport.handle_request(request)

        with mock_client(b.client, handler) as client:
            reply = client.documents.add_comment(
                "d1", {"text": "fine", "rating": 4, "tags": ["x", "y"]}
            )
        invalid = http.post("/documents/d1/comments", data={"text": "t", "rating": "9"})
    assert reply == {"document": "d1", "text": "fine", "rating": 4, "tags": ["x", "y"]}
    assert type(received[0]).__name__ == "AddCommentBody"
    assert invalid.status_code == 422


def test_a_body_with_several_media_types_is_served_in_the_preferred_one(
    built: Callable[[str], Built],
) -> None:
    b = built("multi_content")

    class Impl:
        async def create_document(self, *, body: Any, context: Any) -> Any:
            return b.runtime.Created(body)

    with server_client(b.server, documents=Impl()) as http:
        response = http.post("/documents", json={"title": "t"})
    assert response.status_code == 201 and response.json() == {"title": "t"}


def test_pagination_iterates_over_every_page(built: Callable[[str], Built]) -> None:
    b = built("pagination")
    pages = {
        "": {
            "results": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}],
            "next": "http://api.test/users?cursor=2",
        },
        "2": {"results": [{"id": 3, "name": "c"}], "next": None},
    }

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=pages[request.url.params.get("cursor", "")])

    with mock_client(b.client, handler) as client:
        assert [u.id for u in client.users.list_users_all()] == [1, 2, 3]


def test_non_ascii_names_are_reachable(built: Callable[[str], Built]) -> None:
    b = built("non_ascii")
    models = b.models()
    seen, handler = _recorder(json={"naïve": "oui", "名前": "花", "größe": 2, "saveur": "été"})
    with mock_client(b.client, handler) as client:
        cafe = client.cafe.obtenir_cafe("noir", grosse=3, 名前="花")
    assert seen[0].url.raw_path.split(b"?")[0] == b"/caf%C3%A9/noir"
    assert dict(seen[0].url.params) == {"größe": "3", "名前": "花"}
    dumped = cafe.model_dump(by_alias=True, exclude_unset=True)
    assert dumped == {"naïve": "oui", "名前": "花", "größe": 2, "saveur": models.Saveur("été")}


def test_clashing_names_stay_distinct(built: Callable[[str], Built]) -> None:
    b = built("name_clashes")
    models = b.models()
    seen, handler = _recorder(json=[])
    with mock_client(b.client, handler) as client:
        client.pets.get_pets(
            page_size=1, page_size_2=2, page_size_3=3, body_="b", ops_="o", rt_="r"
        )
    _, integer = _recorder(json=7)
    with mock_client(b.client, integer) as client:
        assert client.int.int() == 7  # an `int` resource and method next to the builtin
    assert dict(seen[0].url.params) == {
        "page-size": "1",
        "page_size": "2",
        "pageSize": "3",
        "body": "b",
        "ops": "o",
        "rt": "r",
    }
    assert {
        "Pet",
        "Pet2",
        "PET",
        "ClientModel",
        "RequestModel",
        "FieldModel",
        "BaseModelModel",
        "AnyModel",
    } <= set(dir(models))
    assert b.runtime.routes_openapi(b.server.create_app(int_=None))["paths"]


def test_duplicate_and_missing_operation_ids_each_get_a_method(
    built: Callable[[str], Built],
) -> None:
    b = built("duplicate_operation_ids")
    codes = b.generated.codes()
    assert codes.count("missing-operation-id") == 3 and codes.count("duplicate-operation-id") == 1
    seen, handler = _recorder(json="1")
    with mock_client(b.client, handler) as client:
        assert client.a.fetch() == "1"
        assert client.b.fetch_2() == 1
    assert [r.url.path for r in seen] == ["/a", "/b"]


def test_json_body_encoding_is_exact(built: Callable[[str], Built]) -> None:
    b = built("inline_schemas")
    models = b.models()
    seen, handler = _recorder(201, json={"id": "o1", "status": "new"})
    with mock_client(b.client, handler) as client:
        order = client.orders.create_order(
            models.CreateOrderBody(items=[models.CreateOrderBodyItemsItem(sku="s")]), channel="web"
        )
    assert json.loads(seen[0].content) == {"items": [{"sku": "s"}]}
    assert seen[0].url.query == b"channel=web" and order.status.value == "new"
