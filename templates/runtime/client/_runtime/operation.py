"""Operation descriptors: the pure data generated code emits for each API operation.

Generated resource modules hold one module-level ``Operation`` constant per operation
and pass it, with the caller's arguments, to ``SyncClientBase._call`` or
``AsyncClientBase._call``. Nothing in this module performs I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final, Generic, Literal, TypedDict, TypeVar

import httpx

__all__ = [
    "NOT_GIVEN",
    "Body",
    "BodyKind",
    "NotGiven",
    "Operation",
    "Outcome",
    "OutcomeKind",
    "Param",
    "ParamLocation",
    "RequestOptions",
    "Security",
    "T",
    "is_given",
]

T = TypeVar("T")

ParamLocation = Literal["path", "query", "header", "cookie"]
BodyKind = Literal["json", "form", "multipart", "text", "binary"]
OutcomeKind = Literal["json", "bytes", "text", "empty"]
Security = tuple[tuple[str, ...], ...]
"""An operation's security alternatives (any one will do), each the names of the schemes
it needs together; ``()`` among them is the empty requirement (credentials optional)."""

_PLACEHOLDER: Final = re.compile(r"\{([^{}]+)\}")
_URL_ENDS: Final = {"#": "%23", "?": "%3F"}
"""The characters that end a URL's path, and their escapes in a path template's literal text
(httpx escapes the rest of what a path cannot hold as it sends)."""

_DEFAULT_STYLES: Final[Mapping[str, str]] = {
    "path": "simple",
    "query": "form",
    "header": "simple",
    "cookie": "form",
}


class NotGiven:
    """Type of the ``NOT_GIVEN`` sentinel: "the caller did not pass this argument".

    ``None`` cannot play that role for parameters and body fields, because an explicit
    ``None`` can be meaningful (a JSON ``null``). Both ``None`` and ``NOT_GIVEN`` mean
    "not sent" for parameters; ``NOT_GIVEN`` entries are also dropped from mapping
    bodies, while ``None`` entries there become ``null``. Copies and pickles of
    ``NOT_GIVEN`` are ``NOT_GIVEN`` itself, so ``value is NOT_GIVEN`` stays reliable.
    """

    def __reduce__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


def is_given(value: object) -> bool:
    """Return True unless ``value`` is ``None`` or ``NOT_GIVEN`` (i.e. "send it")."""
    return value is not None and not isinstance(value, NotGiven)


@dataclass(frozen=True)
class Param:
    """One OpenAPI parameter of an operation, by its wire name and location.

    ``style`` and ``explode`` keep ``None`` when the spec leaves them out; use
    ``resolved_style`` and ``resolved_explode`` for the OpenAPI defaults.
    ``allow_reserved``: a query value's reserved characters (``/``, ``:``...) are sent
    unescaped (OpenAPI ``allowReserved``). ``key``: the parameter's key in a call's
    arguments when another parameter of the operation has its wire name (in another
    location): ``"query:id"`` beside the path's ``id``; ``None`` keys it by ``name``.
    """

    name: str
    location: ParamLocation
    style: str | None = None
    explode: bool | None = None
    required: bool = False
    allow_reserved: bool = False
    key: str | None = None

    @property
    def arg_key(self) -> str:
        """The parameter's key in a call's arguments: ``key``, else its wire name."""
        return self.name if self.key is None else self.key

    @property
    def resolved_style(self) -> str:
        """The style to serialise with: the explicit one or the location's default."""
        return self.style or _DEFAULT_STYLES[self.location]

    @property
    def resolved_explode(self) -> bool:
        """The explode flag: the explicit one, else True for ``form`` and False otherwise."""
        if self.explode is not None:
            return self.explode
        return self.resolved_style == "form"


@dataclass(frozen=True)
class Body:
    """The request body of an operation, described by its media type.

    ``encoding`` is a form body's Encoding Object: ``(property, style, explode)`` for each
    property the spec gives a style or explode (``style`` ``form``, ``deepObject``,
    ``pipeDelimited`` or ``spaceDelimited``; the OpenAPI defaults already applied).
    ``part_types`` is a multipart body's: ``(property, media type)`` for each property
    whose Encoding Object names one ``contentType`` (no list, no wildcard); a form body's
    names the fields sent as JSON text (a JSON ``contentType``, no style). ``null``: a
    required JSON body whose schema admits null, so ``None`` is sent as ``null``.
    """

    media_type: str
    encoding: tuple[tuple[str, str, bool], ...] = ()
    part_types: tuple[tuple[str, str], ...] = ()
    null: bool = False

    @cached_property
    def essence(self) -> str:
        """``media_type`` without parameters, lower case (worked out once per operation)."""
        return self.media_type.split(";", 1)[0].strip().lower()

    @cached_property
    def kind(self) -> BodyKind:
        """How the body is encoded, derived from ``media_type``.

        ``json`` for ``*/json`` and ``*+json``, ``form`` for
        ``application/x-www-form-urlencoded``, ``multipart`` for ``multipart/*``,
        ``text`` for ``text/*`` and ``binary`` for anything else.
        """
        essence = self.essence
        if essence.endswith(("/json", "+json")):
            return "json"
        if essence == "application/x-www-form-urlencoded":
            return "form"
        if essence.startswith("multipart/"):
            return "multipart"
        if essence.startswith("text/"):
            return "text"
        return "binary"


@dataclass(frozen=True)
class Outcome:
    """How to read one documented response.

    ``type`` is what a pydantic ``TypeAdapter`` validates when ``kind == "json"``
    (a model class, ``list[Model]``, ``dict[str, Any]``, ``int``...). ``None`` returns
    the decoded JSON unvalidated. ``unwrap``: ``type`` is a ``RootModel`` of a union of
    models, validated as it is (discriminator, errors) and returned as its ``root``, the
    member itself; ``"items"``/``"values"``: ``type`` is a list/dict of such RootModels,
    returned as a list/dict of their roots. ``text``: the spec leaves the media type open
    (``*/*``) and ``type`` is a string type, so a reply the server marks ``text/*`` is read
    as its text (validated as ``type``), not as JSON. ``text_types``: the text media types
    (``"text/plain"``, ``"text/*"``) the status documents beside its JSON body: a reply of
    one of them is its text, a ``str`` (decoded with the charset it names).
    """

    kind: OutcomeKind
    type: Any = None
    unwrap: bool | Literal["items", "values"] = False
    text: bool = False
    text_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operation(Generic[T]):
    """Everything the runtime needs to perform one API operation; ``T`` is its result.

    ``responses`` maps documented success statuses (``"200"``, ``"2XX"``, or
    ``"default"`` when it is the only success-ish response) to outcomes; ``errors``
    maps documented error statuses (``"404"``, ``"4XX"``, ``"default"``) to the
    outcome that fills ``APIError.parsed``. ``accept`` is the ``Accept`` header of an
    operation whose success bodies are JSON of other media types than
    ``application/json`` (``"application/vnd.api+json"``). ``security``: its alternatives,
    none when it takes no credentials (see ``credentials``).
    """

    operation_id: str
    method: str
    path: str
    params: tuple[Param, ...] = ()
    body: Body | None = None
    responses: Mapping[str, Outcome] = field(default_factory=dict)
    errors: Mapping[str, Outcome] = field(default_factory=dict)
    security: Security = ()
    deprecated: bool = False
    accept: str | None = None

    # Derived once per operation (on first use) so that a call does not recompute them.
    # ``cached_property`` stores into the instance ``__dict__``, which a frozen
    # dataclass allows; the fields, equality and ``repr`` are unaffected.

    @cached_property
    def param_names(self) -> frozenset[str]:
        """The keys of the declared parameters in a call's arguments (see ``Param.key``)."""
        return frozenset(param.arg_key for param in self.params)

    @cached_property
    def wants_json(self) -> bool:
        """True when every documented success body is JSON (so ``Accept: application/json``).

        A ``text`` outcome is not: asking such a server for JSON makes some (Spring) send
        the bare string labelled JSON.
        """
        outcomes = self.responses.values()
        kinds = {outcome.kind for outcome in outcomes} - {"empty"}
        return kinds == {"json"} and not any(outcome.text for outcome in outcomes)

    @cached_property
    def accept_header(self) -> str | None:
        """The ``Accept`` header to send: ``accept``, else ``application/json`` when
        ``wants_json``, else none (httpx's ``*/*``); followed by the text types statuses
        document beside JSON (``text/plain;q=0.5``), which JSON goes before."""
        if not self.wants_json:
            return None
        outcomes = (*self.responses.values(), *self.errors.values())
        texts = dict.fromkeys(media for o in outcomes for media in o.text_types)
        return ", ".join([self.accept or "application/json", *(f"{t};q=0.5" for t in texts)])

    @cached_property
    def path_parts(self) -> tuple[tuple[str, str | None], ...]:
        """``path`` split at its ``{name}`` placeholders: ``(literal, name or None)`` pairs.

        ``"/a/{id}/b"`` -> ``(("/a/", "id"), ("/b", None))``. The literals are ready for
        a URL: ``"/#X-Target=Op"`` (AWS specs) is sent as ``/%23X-Target=Op``, not as ``/``
        with a fragment.
        """
        parts: list[tuple[str, str | None]] = []
        start = 0
        for match in _PLACEHOLDER.finditer(self.path):
            parts.append((_literal(self.path[start : match.start()]), match.group(1)))
            start = match.end()
        parts.append((_literal(self.path[start:]), None))
        return tuple(parts)


def _literal(text: str) -> str:
    """A path template's literal text, with ``#`` and ``?`` escaped (they would end the path)."""
    for character, escape in _URL_ENDS.items():
        text = text.replace(character, escape)
    return text


class RequestOptions(TypedDict, total=False):
    """Per-call overrides, passed by users as ``options=`` to any operation method.

    - ``timeout``: replaces the client's timeout (``None`` disables it).
    - ``extra_headers``: sent last, so they override every other header.
    - ``extra_query``: added to the operation's query parameters; one named like a
      query credential replaces it.
    - ``max_retries``: replaces the client's retry budget.
    - ``retry_non_idempotent``: also retry POST/PATCH after the request was sent.
    """

    timeout: float | httpx.Timeout | None
    extra_headers: Mapping[str, str]
    extra_query: Mapping[str, Any]
    max_retries: int
    retry_non_idempotent: bool
