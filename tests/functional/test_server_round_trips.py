"""What the generated client sends reaches the generated server's implementation as sent.

Over real uvicorn, one generation and one server for the module:

* cookie parameters: the client percent-escapes what a cookie cannot hold (``a b,c;d``
  goes as ``a%20b%2Cc%3Bd``); the server decodes names and values, splitting a
  non-exploded array on its bare commas first. An exploded object cookie without
  declared properties leaves alone the cookie a security scheme reads;
* a status documenting ``application/json`` and ``text/plain`` can be answered in
  either: the interface admits ``rt.Ok[str]``, sent as ``text/plain`` to a caller that
  accepts it, as the generated client does (its method returns ``X | str``);
* a ``HEAD`` operation's interface lets the implementation return ``None`` (no body
  is sent anyway);
* array items keep their text in every location: an escaped space or delimiter is data
  (a query's bare ``+`` beside a comma is stripped), the client escapes an item's own
  (refusing header text it cannot escape), and a ``None`` item travels as the empty item.
"""

from __future__ import annotations

import asyncio
import datetime
import importlib
import textwrap
import typing
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build
from live_server import serve
from starlette.responses import Response

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Round trips, version: "1.0"}
    paths:
      /prefs:
        get:
          operationId: readPrefs
          security: [{session: []}]
          parameters:
            - {name: theme, in: cookie, schema: {type: string}}
            - {name: flags, in: cookie, explode: false, schema: {type: array, items: {type: string}}}
            - name: extra
              in: cookie
              schema: {type: object, additionalProperties: {type: string}}
            - {name: amount, in: cookie, schema: {oneOf: [{type: number}, {type: string}]}}
          responses:
            "200":
              description: What the server received.
              content: {application/json: {schema: {type: object}}}
      /search:
        get:
          operationId: search
          security: []
          parameters:
            - name: states
              in: query
              explode: false
              schema: {type: array, items: {type: string, enum: [active, pending]}}
            - {name: shade, in: query, schema: {type: string, enum: [dark, null], nullable: true}}
          responses:
            "200":
              description: The states received, or whatever the implementation answers.
              content:
                application/json: {schema: {}}
                text/plain: {schema: {type: string}}
            "203":
              description: A flag as JSON, or as its text.
              content:
                application/json: {schema: {type: boolean}}
                text/plain: {schema: {type: string}}
      /documents/{id}:
        get:
          operationId: getDocument
          security: []
          parameters: [{name: id, in: path, required: true, schema: {type: string}}]
          responses:
            "200":
              description: The document as JSON or plain text.
              content:
                application/json: {schema: {$ref: "#/components/schemas/Document"}}
                text/plain: {schema: {type: string}}
            "404":
              description: Missing.
              content:
                application/json: {schema: {$ref: "#/components/schemas/Document"}}
                text/plain: {schema: {type: string}}
        head:
          operationId: headDocument
          security: []
          parameters: [{name: id, in: path, required: true, schema: {type: string}}]
          responses:
            "200":
              description: Exists.
              content: {application/json: {schema: {$ref: "#/components/schemas/Document"}}}
            "404":
              description: Missing.
              content: {application/json: {schema: {$ref: "#/components/schemas/Document"}}}
      /memos/{id}:
        get:
          operationId: getMemo
          security: []
          parameters: [{name: id, in: path, required: true, schema: {type: string}}]
          responses:
            "200":
              description: ASP.NET's way, the JSON schema under every type it may produce.
              content:
                text/plain: {schema: {$ref: "#/components/schemas/Document"}}
                application/json: {schema: {$ref: "#/components/schemas/Document"}}
      /my items/{ids}/{tags}:
        get:
          operationId: echoItems
          security: []
          parameters:
            - {name: ids, in: path, required: true, schema: {type: array, items: {type: string}}}
            - name: tags
              in: path
              required: true
              style: label
              explode: true
              schema: {type: array, items: {type: string}}
            - {name: csv, in: query, explode: false, schema: {type: array, items: {type: string}}}
            - name: spaced
              in: query
              style: spaceDelimited
              explode: false
              schema: {type: array, items: {type: string}}
            - {name: X-Items, in: header, schema: {type: array, items: {type: string}}}
            - {name: nulls, in: query, schema: {type: array, items: {$ref: "#/components/schemas/OnlyNull"}}}
            - {name: maybe, in: query, schema: {type: array, items: {type: integer, nullable: true}}}
            - name: joined
              in: query
              explode: false
              schema: {type: array, items: {type: integer, nullable: true}}
            - name: days
              in: query
              explode: false
              schema: {type: array, items: {type: string, format: date, nullable: true}}
            - {name: each_day, in: query, schema: {type: array, items: {type: string, format: date, nullable: true}}}
            - name: X-Ids
              in: header
              schema: {type: array, items: {type: string, format: uuid, nullable: true}}
            - {name: names, in: query, explode: false, schema: {type: array, items: {type: string, nullable: true}}}
          responses:
            "200":
              description: What the server received.
              content: {application/json: {schema: {type: object}}}
    components:
      schemas:
        OnlyNull: {enum: [null]}
        Document:
          type: object
          required: [title]
          properties: {title: {type: string}}
      securitySchemes:
        session: {type: apiKey, in: cookie, name: session}
    """
)


@pytest.fixture(scope="module")
def trips(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("trips"), SPEC, "trips.yaml", "fn_server_round_trips")


@pytest.fixture(scope="module")
def base_url(trips: Built) -> Iterator[str]:
    rt, models = trips.runtime, trips.models("server")

    class Prefs:
        async def read_prefs(self, *, context: Any, **received: Any) -> dict[str, Any]:
            return received

    class Documents:
        async def get_document(self, id: str, *, context: Any) -> Any:
            document = models.Document(title=id)
            if id == "missing":
                return rt.NotFound(document)
            if id == "gone-text":
                return rt.NotFound("no such document")
            if id == "latin":
                text = "café".encode("latin-1")
                return Response(text, media_type="text/plain; charset=iso-8859-1")
            if id == "always-text" or context.request.headers.get("accept") == "text/plain":
                return rt.Ok(f"# {document.title}")
            return rt.Ok(document)

        async def head_document(self, id: str, *, context: Any) -> Any:
            return rt.NotFound() if id == "missing" else None

    class Search:
        async def search(self, *, context: Any, states: Any = None, shade: Any = None) -> Any:
            if states == ["pending"]:
                return rt.NonAuthoritativeInformation("on")  # text: "on" is no JSON boolean
            return rt.Ok("hello") if not states else rt.Ok(states)

    class Items:
        async def echo_items(
            self, ids: Any, tags: Any, *, context: Any, **received: Any
        ) -> dict[str, Any]:
            received.update(ids=ids, tags=tags)
            return {k: [getattr(i, "value", i) for i in v] for k, v in received.items() if v}

    class Memos:
        async def get_memo(self, id: str, *, context: Any) -> Any:
            return rt.Ok(models.Document(title=context.request.headers["accept"]))

    app = trips.server.create_app(
        my_items=Items(),
        memos=Memos(),
        prefs=Prefs(),
        documents=Documents(),
        search=Search(),
        authenticate=lambda key: rt.SimplePrincipal(key) if key == "sesame" else None,
    )
    with serve(app) as url:
        yield url


def _returned(trips: Built, method: str) -> tuple[Any, ...]:
    """The members of the union an interface method of ``DocumentsApi`` returns."""
    interfaces = importlib.import_module(f"{trips.generated.server}.interfaces")
    hints = typing.get_type_hints(getattr(interfaces.DocumentsApi, method))
    return typing.get_args(hints["return"])


def _client(trips: Built, base_url: str) -> Any:
    return trips.client.Client(base_url=base_url, api_key="sesame", max_retries=0)


def test_cookie_values_arrive_decoded(trips: Built, base_url: str) -> None:
    with _client(trips, base_url) as client:
        received = client.prefs.read_prefs(theme="a b,c;d%41", flags=["x,y", " z"])
    assert received == {
        "theme": "a b,c;d%41",
        "flags": ["x,y", " z"],
        "extra": None,
        "amount": None,
    }


def test_an_object_cookie_takes_neither_credential_nor_parameter_cookies(
    trips: Built, base_url: str
) -> None:
    """``extra`` reads one cookie per entry: not ``session`` (the credential), nor ``theme``."""
    with _client(trips, base_url) as client:
        received = client.prefs.read_prefs(theme="t", extra={"note": "p q", "é": "1"})
    assert received["extra"] == {"note": "p q", "é": "1"}


@pytest.mark.parametrize(
    ("extra", "owner"),
    [({"session": "forged"}, "security scheme 'session'"), ({"theme": "t"}, "'theme'")],
)
def test_an_object_cookie_may_not_send_a_cookie_another_sends(
    trips: Built, base_url: str, extra: dict[str, str], owner: str
) -> None:
    """A key naming the credential cookie (or another cookie parameter) would send a second
    cookie of that name: refused before sending, by the sync and the async client alike."""

    async def call() -> None:
        async with trips.client.AsyncClient(base_url=base_url, api_key="sesame") as client:
            await client.prefs.read_prefs(extra=extra)

    with _client(trips, base_url) as client, pytest.raises(ValueError) as raised:
        client.prefs.read_prefs(extra=extra)
    assert "'extra'" in str(raised.value) and owner in str(raised.value)
    with pytest.raises(ValueError, match=owner):
        asyncio.run(call())


def test_a_status_with_a_text_type_is_answered_as_text(trips: Built, base_url: str) -> None:
    rt = trips.runtime
    assert rt.Ok[str] in _returned(
        trips, "get_document"
    )  # an implementation returning text type-checks
    with _client(trips, base_url) as client:
        assert client.documents.get_document("memo").title == "memo"
    text = httpx.get(f"{base_url}/documents/memo", headers={"Accept": "text/plain"})
    assert (text.status_code, text.headers["content-type"], text.text) == (
        200,
        "text/plain; charset=utf-8",
        "# memo",
    )


def test_a_head_implementation_may_return_no_body(trips: Built, base_url: str) -> None:
    returned = _returned(trips, "head_document")  # rt.Ok[Document | None] | rt.NotFound[...]
    assert all(type(None) in typing.get_args(typing.get_args(r)[0]) for r in returned)
    rt = trips.client._runtime
    with _client(trips, base_url) as client:
        raw = rt.with_raw_response(client.documents.head_document)("memo")
        with pytest.raises(rt.NotFoundError):
            client.documents.head_document("missing")
    assert (raw.parsed, raw.status_code, raw.http_response.content) == (None, 200, b"")


def test_the_client_reads_a_status_s_text_alternative(trips: Built, base_url: str) -> None:
    """The generated client asks for JSON, then the text type (``q=0.5``): a reply of the text
    type is returned as a ``str`` (its method's return type says so), decoded as its charset
    says; an error status's text is the error's ``parsed``."""
    client_api = importlib.import_module(f"{trips.generated.client}.client.documents")
    hints = typing.get_type_hints(client_api.DocumentsResource.get_document)
    assert str in typing.get_args(hints["return"])
    with _client(trips, base_url) as client:
        assert client.documents.get_document("memo").title == "memo"  # JSON comes first
        assert client.documents.get_document("always-text") == "# always-text"
        assert client.documents.get_document("latin") == "café"
        with pytest.raises(trips.client.NotFoundError) as raised:
            client.documents.get_document("gone-text")
    assert raised.value.parsed == "no such document"
    assert raised.value.response.request.headers["accept"] == "application/json, text/plain;q=0.5"


def test_the_async_client_reads_a_status_s_text_alternative(trips: Built, base_url: str) -> None:
    async def read() -> tuple[Any, ...]:
        async with trips.client.AsyncClient(base_url=base_url, max_retries=0) as client:
            documents = client.documents
            with pytest.raises(trips.client.NotFoundError) as raised:
                await documents.get_document("gone-text")
            return (
                (await documents.get_document("memo")).title,
                await documents.get_document("always-text"),
                await documents.get_document("latin"),
                raised.value.parsed,
            )

    assert asyncio.run(read()) == ("memo", "# always-text", "café", "no such document")


def test_a_text_type_with_the_json_schema_is_no_text_alternative(
    trips: Built, base_url: str
) -> None:
    """ASP.NET lists ``text/plain`` with the JSON body's schema for every response: no text
    the client could return, so the method returns the model alone and asks for JSON only,
    and the server's interface offers no ``str`` the client would then fail to read."""
    client_api = importlib.import_module(f"{trips.generated.client}.client.memos")
    hints = typing.get_type_hints(client_api.MemosResource.get_memo)
    assert hints["return"] is trips.models().Document
    interfaces = importlib.import_module(f"{trips.generated.server}.interfaces")
    returned = typing.get_args(typing.get_type_hints(interfaces.MemosApi.get_memo)["return"])
    assert trips.runtime.Ok[str] not in returned and str not in returned
    with _client(trips, base_url) as client:
        assert client.memos.get_memo("m").title == "application/json"


def test_text_goes_only_to_callers_that_accept_it(base_url: str) -> None:
    """A ``str`` that is no JSON body is a 500 for a caller asking for JSON only (never a text
    reply it cannot read); a caller accepting text (or anything) gets the text."""
    url = f"{base_url}/documents/always-text"
    for accept, status in [
        (None, 200),
        ("text/*", 200),
        ("application/json, text/plain;q=0.5", 200),
        ("application/json", 500),
        ("text/plain;q=0", 500),
    ]:
        headers = {"Accept": accept} if accept is not None else {}
        reply = (
            httpx.get(url, headers=headers) if accept else httpx.get(url, headers={"Accept": ""})
        )
        assert reply.status_code == status, (accept, reply.text)


def test_a_str_for_an_any_json_body_or_a_loose_value_keeps_its_type(
    trips: Built, base_url: str
) -> None:
    """A ``str`` is valid JSON for a schema-less body (sent as JSON, as before the text
    alternative); ``"on"`` is no JSON boolean however lax pydantic is (sent as text)."""
    reply = httpx.get(f"{base_url}/search")
    assert (reply.headers["content-type"], reply.json()) == ("application/json", "hello")
    flag = httpx.get(f"{base_url}/search", params={"states": "pending"})
    assert (flag.status_code, flag.headers["content-type"], flag.text) == (
        203,
        "text/plain; charset=utf-8",
        "on",
    )


def test_bare_spaces_around_a_query_lists_commas_are_not_part_of_its_items(base_url: str) -> None:
    """A bare space (``+``) beside a comma is stripped; an escaped one (``%20``) is data, as
    in a path or a cookie: `` pending`` is no member of the enum."""
    for query, status in (
        ("states=active,+pending", 200),
        ("states=active%2C+pending", 200),  # httpx's params= for "active, pending"
        ("states=active,%20pending", 422),
        ("states=active%2C%20pending", 422),
    ):
        reply = httpx.get(f"{base_url}/search?{query}")
        assert reply.status_code == status, (query, reply.text)
        if status == 200:
            assert reply.json() == ["active", "pending"], query


ITEMS = {
    "ids": ["a, b", " c ", ""],
    "tags": ["x.y", " z", "%2E"],
    "csv": [" a", "b ,c", "", "d+e", "f%2Cg"],
    "spaced": ["New York", " x+y ", "z"],
    "x_items": ["p q", "", "r"],
    "nulls": [None],
    "maybe": [1, None, 3],
    "joined": [None, 2],
}


def test_items_arrive_exactly_as_the_client_sent_them(trips: Built, base_url: str) -> None:
    """Every location's items keep their text: an item's own delimiter (``,``, a label's
    ``.``, spaceDelimited's space) and its spaces are escaped by the client and read back
    as data; a ``None`` item is sent as the empty item and read as null where the item type
    admits no string (``getUserList``'s array of a null-only enum). The path's static
    segment ``my items`` is sent escaped (``my%20items``) and still matched as sent."""
    with _client(trips, base_url) as client:
        received = client.my_items.echo_items(**ITEMS)
    assert received == ITEMS


def test_a_none_item_of_a_formatted_string_arrives_as_none(trips: Built, base_url: str) -> None:
    """The empty item the client sends for ``None`` is null where ``""`` is not a valid item
    (a date, a UUID), and the empty string where it is (a plain string)."""
    day, some_id = datetime.date(2024, 1, 2), uuid.UUID(int=1)
    with _client(trips, base_url) as client:
        received = client.my_items.echo_items(
            ["i"],
            ["t"],
            days=[day, None],
            each_day=[None, day],
            x_ids=[some_id, None],
            names=["a", None],
        )
    assert received["days"] == ["2024-01-02", None]
    assert received["each_day"] == [None, "2024-01-02"]
    assert received["x_ids"] == [str(some_id), None]
    assert received["names"] == ["a", ""]


def test_an_empty_scalar_is_no_member_of_a_nullable_enum(base_url: str) -> None:
    """Only an array's empty item is read as null: ``?shade=`` spells no member of
    ``[dark, null]`` (the client leaves a ``None`` scalar out)."""
    assert httpx.get(f"{base_url}/search?shade=dark").status_code == 200
    reply = httpx.get(f"{base_url}/search?shade=")
    assert reply.status_code == 422, reply.text


def test_an_item_spelt_in_other_ways_reads_as_the_same_text(base_url: str) -> None:
    """httpx's ``params=`` escape every delimiter (``%2C``; a space as ``+``) and OpenAPI's
    spaceDelimited example spells its delimiter ``%20``: with no bare delimiter in the value,
    the escaped ones delimit."""
    reply = httpx.get(
        f"{base_url}/my%20items/a/.b",
        params={"csv": "a, b", "spaced": "x y"},
        headers={"X-Items": "p, q"},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json() == {
        "ids": ["a"],
        "tags": ["b"],
        "csv": ["a", "b"],
        "spaced": ["x", "y"],
        "x_items": ["p", "q"],
    }
    reply = httpx.get(f"{base_url}/my%20items/a/.b?spaced=blue%20black%20brown")
    assert reply.json()["spaced"] == ["blue", "black", "brown"]


@pytest.mark.parametrize("item", ["a,b", " a", "a\t"])
def test_a_header_item_its_header_cannot_carry_is_refused_before_sending(
    trips: Built, base_url: str, item: str
) -> None:
    """A header has no escapes: an item's ``,`` would split it, and HTTP drops spaces and
    tabs at its items' ends (h11 refused a leading one): a ``ValueError`` naming the
    parameter, before sending."""
    with _client(trips, base_url) as client, pytest.raises(ValueError, match="'X-Items'"):
        client.my_items.echo_items(["i"], ["t"], x_items=["p", item])


@pytest.mark.parametrize(
    ("sent", "received"),
    [("1.10", "1.10"), ("-0", "-0"), ("12345678901234567890", "12345678901234567890"), (1.5, 1.5)],
)
def test_a_number_or_string_keeps_a_string_the_number_would_not_spell_back(
    trips: Built, base_url: str, sent: Any, received: Any
) -> None:
    with _client(trips, base_url) as client:
        assert client.prefs.read_prefs(amount=sent)["amount"] == received
