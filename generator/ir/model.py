"""The intermediate representation: what the API is, not how Python spells it.

Plain frozen dataclasses. No openapi-pydantic object, import string, type string
or template name enters here; each node keeps a :class:`SpecLocation` for
diagnostics. Object, enum and composed schemas are always referred to by their
component name (:mod:`apiforge.ir.nested` hoists inline ones), so a :class:`TypeRef`
is a small closed vocabulary.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal, TypeVar

from apiforge.diagnostics import SpecLocation

TypeKind = Literal[
    "model", "string", "integer", "number", "boolean", "binary", "array", "map", "any", "literal"
]
ParamLocation = Literal["path", "query", "header", "cookie"]
SchemaKind = Literal["object", "enum", "alias"]


@dataclass(frozen=True)
class TypeRef:
    """A type used by an operation: a primitive, a container, or a component schema."""

    kind: TypeKind
    model: str | None = None  # component key, when kind == "model"
    format: str | None = None  # string formats: date-time, date, uuid, ...
    item: TypeRef | None = None  # element of an array, value of a map
    nullable: bool = False
    # the allowed values, when kind == "literal" (``const``)
    values: tuple[str | int | bool, ...] = ()
    checks: tuple[tuple[str, object], ...] = ()  # an item's inline validation_keywords


@dataclass(frozen=True)
class Parameter:
    """A path, query, header or cookie parameter."""

    name: str
    location: ParamLocation
    required: bool
    type: TypeRef
    style: str | None
    explode: bool | None
    description: str
    deprecated: bool
    spec_location: SpecLocation
    default: tuple[
        object, ...
    ] = ()  # (value,) when the schema gives a default; () when it gives none
    keywords: tuple[
        tuple[str, object], ...
    ] = ()  # the schema's validation keywords and format, as spelt
    allow_reserved: bool = False  # a query parameter's ``allowReserved: true``

    @property
    def serialization(self) -> tuple[str, bool]:
        """(style, explode) with OpenAPI's defaults: ``form`` in a query or cookie, ``simple``
        in a path or header; explode only for ``form``."""
        style = self.style or ("form" if self.location in ("query", "cookie") else "simple")
        return style, self.explode if self.explode is not None else style == "form"


# Schema keywords of a parameter (or an inline body schema) that the server enforces or documents beside its type.
VALIDATION_KEYWORDS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "format",
)
_VALIDATION_KEYWORD_SET = frozenset(VALIDATION_KEYWORDS)


def validation_keywords(schema: object) -> tuple[tuple[str, object], ...]:
    """The :data:`VALIDATION_KEYWORDS` ``schema`` spells, in that order (``()`` for a non-mapping)."""
    if not isinstance(schema, dict) or _VALIDATION_KEYWORD_SET.isdisjoint(schema):
        return ()
    return tuple((k, schema[k]) for k in VALIDATION_KEYWORDS if k in schema)


MediaKind = Literal["json", "form", "multipart", "text", "binary"]


@functools.lru_cache(maxsize=1024)  # a pure function of the text, asked per use of a body
def media_essence(media_type: str) -> str:
    """The media type without parameters, lower case (``application/json``)."""
    return media_type.lower().split(";")[0].strip()


@functools.lru_cache(maxsize=1024)  # as media_essence
def media_kind(media_type: str) -> MediaKind:
    """How a body of this media type is encoded (parameters such as ``charset`` aside)."""
    media = media_essence(media_type)
    if media.endswith(("/json", "+json")):
        return "json"
    if media == "application/x-www-form-urlencoded":
        return "form"
    if media.startswith("multipart/"):
        return "multipart"
    if media.startswith("text/"):
        return "text"
    return "binary"


@dataclass(frozen=True)
class Content:
    """One media type of a request or response body."""

    media_type: str
    type: TypeRef | None  # None: the spec gives no schema
    # The Encoding Object of a form body's properties: (property, style, explode) as the spec gives them.
    encoding: tuple[tuple[str, str | None, bool | None], ...] = ()
    # A request body's inline schema's validation keywords (a component's own model enforces its).
    keywords: tuple[tuple[str, object], ...] = ()
    # A form body's contentType of each property that names exactly one media type (no list, no wildcard).
    part_types: tuple[tuple[str, str], ...] = ()

    @property
    def kind(self) -> MediaKind:
        """How this body is encoded."""
        return media_kind(self.media_type)

    @property
    def essence(self) -> str:
        """The media type without parameters, lower case (``text/plain``)."""
        return media_essence(self.media_type)

    @property
    def reads_as_json(self) -> bool:
        """True when a reader decodes this body as JSON (``*/*`` with a schema too)."""
        if self.type is not None and self.type.kind == "binary":
            return False
        return (
            self.kind == "json" or media_essence(self.media_type) == "*/*" and self.type is not None
        )

    @property
    def is_range(self) -> bool:
        """True when the media type is a range (``image/*``, ``*/*``): a sender names the type."""
        return "*" in media_essence(self.media_type)

    @property
    def is_structured(self) -> bool:
        """True when the schema describes data (an object, array, map...), not bytes or text."""
        return self.type is not None and self.type.kind not in ("binary", "string", "any")


def preferred_request(contents: tuple[Content, ...]) -> Content:
    """The media type a generated client sends: JSON, then form, then multipart, then spec order."""
    for wanted in ("json", "form", "multipart"):
        for content in contents:
            if content.kind == wanted:
                return content
    return contents[0]


def sent_range(body: RequestBody | None) -> bool:
    """True when the media type a client sends ``body`` as is a range: the caller names one."""
    return body is not None and preferred_request(body.contents).is_range


def preferred_response(contents: tuple[Content, ...]) -> Content | None:
    """The media type a generated client reads: JSON first, then spec order; None without content."""
    for content in contents:
        if content.reads_as_json:
            return content
    return contents[0] if contents else None


@dataclass(frozen=True)
class RequestBody:
    """An operation's request body, with its media types in spec order."""

    required: bool
    contents: tuple[Content, ...]
    description: str
    spec_location: SpecLocation


@dataclass(frozen=True)
class Response:
    """One documented response: status is "200", "2XX" or "default"."""

    status: str
    description: str
    contents: tuple[Content, ...]  # empty: no body
    spec_location: SpecLocation

    @property
    def is_success(self) -> bool:
        """2xx and 3xx statuses (and ranges) are outcomes, not errors."""
        return self.status[0] in "23"


def _placed(here: SpecLocation, location: SpecLocation) -> bool:
    """Whether ``here`` is ``location`` (as ``==`` says, the pointer first: it differs most)."""
    return here.pointer == location.pointer and (here.file, here.line, here.column) == (
        location.file,
        location.line,
        location.column,
    )


_Located = TypeVar("_Located", Parameter, Response)


def relocated(made: _Located, location: SpecLocation) -> _Located:
    """``made``, or a copy of it at ``location`` when it sits elsewhere.

    A parameter or response met again (a ``$ref`` or a YAML alias to the same node) is read
    once: only where it is used differs, and a shared ``$ref`` target's not even that.
    The copy is ``replace(made, spec_location=location)`` with its fields copied as they
    are (neither class runs anything at construction, a test says so): ``replace`` costs
    ~10x as much, and a 1,000-operation spec relocates some 3,000.
    """
    if _placed(made.spec_location, location):
        return made
    copy: _Located = _new(made.__class__)
    copy.__dict__.update(made.__dict__, spec_location=location)
    return copy


_new = object.__new__  # relocated fills the copy's fields itself


@dataclass(frozen=True)
class SecurityRequirement:
    """One scheme of a requirement, with the scopes it needs."""

    scheme: str
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class SecurityScheme:
    """A usable credential placement: bearer, basic or an API key in header/query/cookie."""

    name: str
    kind: Literal["bearer", "basic", "api_key", "oauth2", "openid"]
    param_name: str | None  # API key name (header/query/cookie key)
    location: Literal["header", "query", "cookie"] | None
    spec_location: SpecLocation


@dataclass(frozen=True)
class Operation:
    """One method on one path."""

    operation_id: str
    method: str  # upper case
    path: str
    summary: str
    description: str
    tags: tuple[str, ...]
    deprecated: bool
    parameters: tuple[Parameter, ...]
    body: RequestBody | None
    responses: tuple[Response, ...]
    security: tuple[SecurityRequirement, ...]  # first alternative that the generator supports
    spec_location: SpecLocation
    # Every supported alternative (OR), each a combination of schemes (AND), in spec order;
    # ``()`` for the spec's empty requirement ``{}``.
    security_alternatives: tuple[tuple[SecurityRequirement, ...], ...] = ()
    security_optional: bool = False  # the spec lists ``{}``: credentials are optional
    # Credentials are required, but only in schemes the generator does not support (``http``
    # digest, ``mutualTLS``...): the server refuses every request rather than serve it unchecked.
    security_unsupported: bool = False

    @property
    def success_responses(self) -> tuple[Response, ...]:
        """Documented 2xx/3xx responses (or ``default`` when nothing else is a success)."""
        found = tuple(r for r in self.responses if r.is_success)
        if found:
            return found
        return tuple(r for r in self.responses if r.status == "default")


@dataclass(frozen=True)
class Property:
    """A property of an object schema, as far as operations need to know it."""

    name: str
    type: TypeRef
    required: bool


@dataclass(frozen=True)
class Schema:
    """A component schema: the models stage renders it, operations refer to it by key."""

    key: str
    kind: SchemaKind
    properties: tuple[Property, ...]
    enum_values: tuple[object, ...]
    spec_location: SpecLocation
    description: str = ""
    # x-enum-varnames / x-enumNames, when the spec gives one per value
    enum_varnames: tuple[str, ...] = ()
    alias_of: str | None = None  # an alias's component, when its schema is a bare ``$ref``


@dataclass(frozen=True)
class Server:
    """A base URL the API is served from."""

    url: str
    description: str


@dataclass(frozen=True)
class Api:
    """The whole API: the root of the IR."""

    title: str
    version: str
    description: str
    servers: tuple[Server, ...]
    operations: tuple[Operation, ...]
    schemas: dict[str, Schema]
    security_schemes: tuple[SecurityScheme, ...]
    tags: tuple[tuple[str, str], ...] = ()  # the document's tags: (name, description)
    # ir.security.client_schemes: the schemes operations take (the client's credentials=),
    # and the main one, whose credential Client's own arguments give (api_key=, username=...)
    used_schemes: tuple[str, ...] = ()
    main_scheme: str | None = None


NO_SERVER = "http://localhost"  # where a client goes when the document names no server


def default_base_url(api: Api) -> str:
    """What the client's ``DEFAULT_BASE_URL`` holds: the first server's URL (its variables'
    defaults filled in), a relative one on :data:`NO_SERVER`."""
    url = api.servers[0].url if api.servers else NO_SERVER
    return NO_SERVER + url if url.startswith("/") else url


def form_fields(api: Api, body: RequestBody | None) -> tuple[Property, ...]:
    """The fields of a form or multipart request body, when its schema is an object that lists them."""
    if body is None:
        return ()
    content = preferred_request(body.contents)
    if (
        content.kind not in ("form", "multipart")
        or content.type is None
        or content.type.kind != "model"
    ):
        return ()
    schema = unaliased(api, content.type.model)
    return schema.properties if schema is not None and schema.kind == "object" else ()


def unaliased(api: Api, key: str | None) -> Schema | None:
    """Component ``key``, or the one it is an alias of (``UploadAlias: {$ref: Upload}``),
    however many aliases deep; None when there is none (or the aliases go round)."""
    schema = api.schemas.get(key or "")
    seen: set[str] = set()
    while schema is not None and schema.alias_of is not None:
        if schema.key in seen:
            return None
        seen.add(schema.key)
        schema = api.schemas.get(schema.alias_of)
    return schema


PAGE_PROPERTIES = ("next", "results")
"""The only properties :func:`page_results` reads (``view_reuse.py`` keeps no others)."""


def page_results(api: Api, op: Operation) -> TypeRef | None:
    """The ``results`` array when ``op`` returns a page (a GET whose model has it and a ``next``)."""
    if op.method != "GET":
        return None
    for response in op.success_responses:
        for content in response.contents:
            ref = content.type
            if ref is None or ref.kind != "model" or ref.model not in api.schemas:
                continue
            props = {
                p.name: p.type
                for p in api.schemas[ref.model].properties
                if p.name in PAGE_PROPERTIES
            }
            nxt, results = PAGE_PROPERTIES
            found = props.get(results)
            if nxt in props and found is not None and found.kind == "array":
                return found
    return None
