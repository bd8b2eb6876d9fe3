"""The generated server reads every parameter as its spec says, validates it, and documents it so.

A styled parameter (non-exploded or delimited array, object, deepObject, label or
matrix path segment, a query parameter named like a path parameter) reaches the
implementation as a typed value; a value the schema rules out answers 422 naming the
parameter; ``app.openapi()`` shows the style, explode flag and constraints.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from apiforge_testkit import Built, build, generate, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Styled parameters, version: "1.0"}
    paths:
      /items/{code}:
        get:
          operationId: getItem
          parameters:
            - {name: code, in: path, required: true, schema: {type: string, pattern: "^[A-Z]{2}[0-9]+$", maxLength: 6}}
            - {name: code, in: query, schema: {type: integer, minimum: 1}}
            - {name: page, in: query, required: true, schema: {type: integer, minimum: 1, maximum: 50, default: 1}}
            - {name: size, in: query, schema: {type: integer, format: int64, maximum: 100, exclusiveMaximum: true, default: 20}}
            - name: where
              in: query
              required: true
              style: deepObject
              schema: {$ref: "#/components/schemas/Where"}
            - {name: X-Ids, in: header, schema: {type: array, items: {type: integer}, maxItems: 3}}
            - {name: X-Where, in: header, explode: true, schema: {$ref: "#/components/schemas/Where"}}
            - {name: flags, in: cookie, explode: false, schema: {type: array, items: {type: string}}}
            - {name: X-Lines, in: header, schema: {type: array, items: {$ref: "#/components/schemas/Where"}}}
            - name: X-Obj
              in: header
              schema:
                type: object
                properties:
                  name: {type: string}
                  inner: {$ref: "#/components/schemas/Where"}
                  nums: {type: array, items: {type: integer}}
            - {name: pairs, in: query, explode: false, schema: {type: array, items: {type: array, items: {type: integer}}}}
            - name: filter
              in: query
              style: deepObject
              schema:
                type: object
                properties:
                  tags: {type: array, items: {type: string}}
                  inner: {$ref: "#/components/schemas/Where"}
                  either: {oneOf: [{type: string}, {type: array, items: {type: string}}]}
            - {name: free, in: query, style: deepObject, schema: {type: object, additionalProperties: true}}
          responses:
            "200":
              description: Echo.
              content:
                application/json:
                  schema: {type: object, additionalProperties: true}
      /items/café/{ids}:
        get:
          operationId: getCafe
          parameters:
            - {name: ids, in: path, required: true, schema: {type: array, items: {type: string}}}
          responses:
            "200":
              description: Echo.
              content:
                application/json:
                  schema: {type: object, additionalProperties: true}
    components:
      schemas:
        Where:
          type: object
          properties:
            name: {type: string}
            min_age: {type: integer}
    """
)


class Echo:
    """Records the arguments of every call."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    async def get_cafe(self, ids: Any, **kwargs: Any) -> Any:
        self.calls.append({"ids": ids})
        return {}

    async def get_item(self, code: Any, **kwargs: Any) -> Any:
        kwargs.pop("context")
        self.calls.append({"code_path": code, **kwargs})
        return {}


@pytest.fixture(scope="module")
def styled(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("styled"), SPEC, "styled.yaml", "fn_styled")


def _call(
    built: Built, url: str, headers: dict[str, str] | None = None, headers_cookie: str = ""
) -> tuple[int, Any, list[dict[str, Any]]]:
    echo = Echo()
    headers = {**(headers or {}), **({"Cookie": headers_cookie} if headers_cookie else {})}
    groups = {
        name: echo
        for name in built.server.create_app.__kwdefaults__
        if name not in ("authenticate", "middleware", "validation_error")
    }
    with server_client(built.server, **groups) as http:
        response = http.get(url, headers=headers)
    return response.status_code, response.json(), echo.calls


def test_every_style_reaches_the_implementation_typed(styled: Built) -> None:
    status, body, calls = _call(
        styled,
        "/items/AB12?code=7&page=2&where[name]=ann&where[min_age]=3",
        headers={"X-Ids": "1, 2", "X-Where": "name=bo,min_age=4"},
        headers_cookie="flags=a,b",
    )
    assert status == 200, body
    call = calls[0]
    assert (
        call["code_path"] == "AB12" and call["code_2"] == 7
    )  # same name, path and query: both read
    assert call["page"] == 2 and call["size"] == 20  # the spec's default applies
    assert (call["where"].name, call["where"].min_age) == ("ann", 3)
    assert call["x_ids"] == [1, 2] and (call["x_where"].name, call["x_where"].min_age) == ("bo", 4)
    assert call["flags"] == ["a", "b"]


def test_a_quoted_cookie_is_unquoted_as_request_cookies_does(styled: Built) -> None:
    """``"a\\054b\\"c"`` (Python's ``http.cookies`` quoting of ``a,b"c``) is the text
    ``a,b"c``: the items ``a`` and ``b"c``."""
    url = "/items/AB12?page=1&where[name]=x"
    status, body, calls = _call(styled, url, headers_cookie='flags="a\\054b\\"c"')
    assert status == 200, body
    assert calls[0]["flags"] == ["a", 'b"c']


def test_a_deep_object_nests_by_its_brackets_and_collects_its_arrays(styled: Built) -> None:
    base = "/items/AB12?page=1&where[name]=x"
    url = base + "&filter[tags]=a&filter[tags][]=b&filter[inner][name]=n&filter[inner][min_age]=4"
    status, body, calls = _call(styled, url)
    assert status == 200, body
    found = calls[0]["filter"]
    assert found.tags == ["a", "b"] and (found.inner.name, found.inner.min_age) == ("n", 4)
    status, body, calls = _call(styled, base + "&filter[tags]=one")
    assert status == 200 and calls[0]["filter"].tags == ["one"]  # one item is still an array


def test_a_deep_object_collects_repeated_values_where_an_array_is_one_option(
    styled: Built,
) -> None:
    base = "/items/AB12?page=1&where[name]=x"
    status, body, calls = _call(styled, base + "&filter[either]=solo&free[k]=one&free[m]=1")
    assert status == 200, body
    assert calls[0]["filter"].either == "solo" and calls[0]["free"] == {"k": "one", "m": "1"}
    status, body, calls = _call(
        styled, base + "&filter[either]=a&filter[either]=b&free[k]=1&free[k]=2"
    )
    assert status == 200, body
    assert calls[0]["filter"].either == ["a", "b"] and calls[0]["free"] == {"k": ["1", "2"]}


def test_a_deep_object_nested_hundreds_of_levels_answers_without_a_server_error(
    styled: Built,
) -> None:
    """Brackets nest only so deep: the 422 echoing the value can still be encoded."""
    status, body, _ = _call(
        styled, "/items/AB12?page=1&where[name]=x&filter[inner][name]" + "[a]" * 400 + "=1"
    )
    assert status in (200, 422), body


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/items/ab12?page=1&where[name]=x", "path.code"),  # pattern
        ("/items/AB1234567?page=1&where[name]=x", "path.code"),  # maxLength
        ("/items/AB12?page=0&where[name]=x", "query.page"),  # minimum
        ("/items/AB12?page=51&where[name]=x", "query.page"),  # maximum
        ("/items/AB12?page=1&size=100&where[name]=x", "query.size"),  # exclusiveMaximum
        (
            "/items/AB12?page=1&code=0&where[name]=x",
            "query.code",
        ),  # the query twin of a path parameter
        ("/items/AB12?page=1", "query.where"),  # a required deepObject without keys
        ("/items/AB12?page=1&where[min_age]=old", "query.where.min_age"),
    ],
)
def test_a_value_the_schema_rules_out_answers_422_naming_the_field(
    styled: Built, url: str, field: str
) -> None:
    status, body, calls = _call(styled, url)
    assert status == 422 and calls == []
    assert body["fields"] == [field]


def test_json_items_spelt_with_percent_escapes_are_split_outside_the_json(
    styled: Built,
) -> None:
    """``%5B1,2%5D,%5B3%5D`` (curl, encodeURI) is the two items ``[1,2]`` and ``[3]``."""
    base = "/items/AB12?page=1&where[name]=x&pairs="
    for pairs in ("%5B1,2%5D,%5B3%5D", "%5B1%2C2%5D,%5B3%5D", "[1,2],[3]"):
        status, body, calls = _call(styled, base + pairs)
        assert status == 200, (pairs, body)
        assert calls[0]["pairs"] == [[1, 2], [3]]


def test_an_object_header_with_structured_properties_splits_outside_their_json(
    styled: Built,
) -> None:
    base = "/items/AB12?page=1&where[name]=x"
    for header in ('name,n,inner,{"name":"a,b","min_age":2},nums,[1,2]', "nums,[1,2],name,n"):
        status, body, calls = _call(styled, base, headers={"X-Obj": header})
        assert status == 200, (header, body)
        assert (calls[0]["x_obj"].name, calls[0]["x_obj"].nums) == ("n", [1, 2])
    assert calls[0]["x_obj"].inner is None
    status, body, calls = _call(
        styled, base, headers={"X-Obj": 'name,n,inner,{"min_age":2,"name":"z"}'}
    )
    assert status == 200 and calls[0]["x_obj"].inner.min_age == 2, body


def test_header_array_limits_and_items_are_checked(styled: Built) -> None:
    assert _call(styled, "/items/AB12?page=1&where[name]=x", headers={"X-Ids": "1,2,3,4"})[1][
        "fields"
    ] == ["header.X-Ids"]
    assert _call(styled, "/items/AB12?page=1&where[name]=x", headers={"X-Ids": "1,x"})[1][
        "fields"
    ] == ["header.X-Ids.1"]


def _flat(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional parameter's schema without FastAPI's ``anyOf: [X, null]`` wrapper."""
    members = [m for m in schema.get("anyOf", []) if m != {"type": "null"}]
    rest = {k: v for k, v in schema.items() if k != "anyOf"}
    return {**members[0], **rest} if len(members) == 1 else schema


def test_the_app_documents_styles_and_constraints(styled: Built) -> None:
    operation = styled.runtime.routes_openapi(styled.server.create_app())["paths"]["/items/{code}"][
        "get"
    ]
    params = {(p["in"], p["name"]): p for p in operation["parameters"]}
    code = params[("path", "code")]["schema"]
    assert (code["type"], code["pattern"], code["maxLength"]) == ("string", "^[A-Z]{2}[0-9]+$", 6)
    assert (
        params[("query", "page")]["schema"]["minimum"] == 1
        and params[("query", "page")]["schema"]["maximum"] == 50
    )
    size = _flat(params[("query", "size")]["schema"])
    assert (size["exclusiveMaximum"], size["format"], size["default"]) == (100, "int64", 20)
    where = params[("query", "where")]
    assert (where["style"], where["explode"], where["required"]) == (
        "deepObject",
        False,
        True,
    )  # explode defaults to false but for form
    assert set(where["schema"]["properties"]) == {"name", "min_age"}
    assert (params[("cookie", "flags")]["style"], params[("cookie", "flags")]["explode"]) == (
        "form",
        False,
    )
    assert params[("header", "X-Ids")]["schema"]["maxItems"] == 3
    assert params[("query", "code")]["schema"]["minimum"] == 1


def test_label_and_matrix_path_segments_are_decoded(built: Callable[[str], Built]) -> None:
    b = built("param_styles")
    seen: list[tuple[Any, Any]] = []

    class Impl:
        async def styled_path(self, color: Any, point: Any, *, context: Any) -> None:
            seen.append((color, point))

    with server_client(b.server, label_matrix=Impl()) as http:
        ok = http.get("/label/.red,blue/matrix/;x=1;y=2")
        bad = http.get("/label/.red/matrix/;x=one")
    assert ok.status_code == 204, ok.text
    color, point = seen[0]
    assert color == ["red", "blue"] and (point.x, point.y) == (1, 2)
    assert bad.status_code == 422 and bad.json()["fields"] == ["path.point.x"]


def test_an_escaped_delimiter_in_a_path_segment_stays_in_its_item(
    built: Callable[[str], Built],
) -> None:
    """``/label/.a%2Cb,c%20d``: the bare ``,`` delimits, the escaped one is data (the path
    is split as sent, then decoded), as the client escapes an item's own delimiters."""
    b = built("param_styles")
    seen: list[tuple[Any, Any]] = []

    class Impl:
        async def styled_path(self, color: Any, point: Any, *, context: Any) -> None:
            seen.append((color, point))

    with server_client(b.server, label_matrix=Impl()) as http:
        reply = http.get("/label/.a%2Cb,%20c%3Bd/matrix/;x=1;y=2;x%3By=3")
    assert reply.status_code == 204, reply.text
    color, point = seen[0]
    assert color == ["a,b", " c;d"] and (point.x, point.y) == (1, 2)


def test_a_path_with_non_ascii_text_splits_its_values_as_sent(styled: Built) -> None:
    status, body, calls = _call(styled, "/items/caf%C3%A9/a%2Cb,%C3%A9")
    assert status == 200, body
    assert calls == [{"ids": ["a,b", "\u00e9"]}]


def test_an_app_mounted_under_a_prefix_reads_its_path_as_sent(
    built: Callable[[str], Built],
) -> None:
    """Below a mount (``root_path``), a path with a ``%2F`` still splits on bare delimiters."""
    from types import SimpleNamespace

    from starlette.applications import Starlette
    from starlette.routing import Mount

    b = built("param_styles")
    seen: list[Any] = []

    class Impl:
        async def styled_path(self, color: Any, point: Any, *, context: Any) -> None:
            seen.append(color)

    def mounted(**implementations: Any) -> Starlette:
        return Starlette(routes=[Mount("/api", app=b.server.create_app(**implementations))])

    with server_client(SimpleNamespace(create_app=mounted), label_matrix=Impl()) as http:
        reply = http.get("/api/label/.a%2Fb%2Cc,d/matrix/;x=1;y=2")
    assert reply.status_code == 204, reply.text
    assert seen == [["a/b,c", "d"]]


def test_the_server_reads_every_parameter_without_a_warning(tmp_path: Path) -> None:
    spec = tmp_path / "styled.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    generated = generate(spec, tmp_path, "fn_styled_warnings")
    assert generated.ok and generated.codes() == [], generated.report()


def test_an_escaped_delimiter_stays_in_its_item_over_uvicorn(
    built: Callable[[str], Built],
) -> None:
    """The client sends ``piped=a%7Cb|c``: a bare ``|`` delimits, an escaped one is data.

    A value whose delimiters are all escaped (``csv=1%2C2``, as httpx's ``params=`` send
    it) is still read decoded, as before.
    """
    import httpx
    from live_server import serve

    b = built("param_styles")
    seen: list[dict[str, Any]] = []

    class Impl:
        async def search(self, ids: Any, *, context: Any, **params: Any) -> dict[str, Any]:
            seen.append(params)
            return {}

    with serve(b.server.create_app(search=Impl())) as url:
        with b.client.Client(base_url=url, max_retries=0) as client:
            client.search.search([1], piped=["a|b", "c"])
        with httpx.Client(base_url=url) as http:
            assert http.get("/search/1", params={"csv": "1,2", "piped": "a|b"}).status_code == 200
            raw = http.get("/search/1?piped=x%7Cy|z%2Bw+v")
            assert raw.status_code == 200
    assert seen[0]["piped"] == ["a|b", "c"]
    assert (seen[1]["csv"], seen[1]["piped"]) == ([1, 2], ["a", "b"])
    assert seen[2]["piped"] == ["x|y", "z+w v"]


def test_arrays_of_objects_and_arrays_travel_as_json_items_over_uvicorn(styled: Built) -> None:
    """The client sends each object or array item as JSON (a query's commas escaped, a
    header's not); the server splits outside the JSON and reads each item back."""
    from live_server import serve

    echo = Echo()
    lines = [{"name": "a,b", "min_age": 1}, {"name": "c"}]
    where = {"name": "x"}
    with (
        serve(styled.server.create_app(items=echo)) as url,
        styled.client.Client(base_url=url, max_retries=0) as client,
    ):
        client.items.get_item("AB12", page=1, where=where, x_lines=lines, pairs=[[1, 2], [3]])
        client.items.get_item("AB12", page=1, where=where, x_lines=lines[1:], pairs=[[4, 5]])
    first, second = calls = echo.calls
    assert [(w.name, w.min_age) for w in first["x_lines"]] == [("a,b", 1), ("c", None)]
    assert [c["pairs"] for c in calls] == [[[1, 2], [3]], [[4, 5]]]
    assert second["x_lines"][0].name == "c"
