"""Server responses: every documented status and media type of a route, as FastAPI and the runtime need them.

FastAPI documents a response's model under one media type and always documents the
route's own status. The route therefore passes FastAPI one model per status (so it
derives the schema) and lists, under ``rt.CONTENT_KEY`` of ``openapi_extra``, every
status with every media type the spec gives it; ``rt.install_openapi`` rewrites the
document from that list. The runtime answers a status with its documented media type
(``rt.Route(media_types=...)``), so a ``404`` documented as ``application/problem+json``
is sent as such. A route with inputs documents the ``422`` its validation answers
(``rt.ValidationErrorBody``) unless the spec documents its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from apiforge.ir.model import Content, Operation, Response, preferred_response
from apiforge.render.common import OutcomeView
from apiforge.render.escape import literal
from apiforge.render.types import Annotator

# The status wrapper classes of the server runtime (templates/runtime/server/_runtime/statuses.py).
STATUS_CLASSES = {
    200: "Ok",
    201: "Created",
    202: "Accepted",
    203: "NonAuthoritativeInformation",
    204: "NoContent",
    205: "ResetContent",
    206: "PartialContent",
    207: "MultiStatus",
    300: "MultipleChoices",
    301: "MovedPermanently",
    302: "Found",
    303: "SeeOther",
    304: "NotModified",
    307: "TemporaryRedirect",
    308: "PermanentRedirect",
    400: "BadRequest",
    401: "Unauthorized",
    402: "PaymentRequired",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    408: "RequestTimeout",
    409: "Conflict",
    410: "Gone",
    411: "LengthRequired",
    412: "PreconditionFailed",
    413: "ContentTooLarge",
    415: "UnsupportedMediaType",
    416: "RangeNotSatisfiable",
    417: "ExpectationFailed",
    418: "ImATeapot",
    421: "MisdirectedRequest",
    422: "UnprocessableEntity",
    423: "Locked",
    424: "FailedDependency",
    425: "TooEarly",
    426: "UpgradeRequired",
    428: "PreconditionRequired",
    429: "TooManyRequests",
    431: "RequestHeaderFieldsTooLarge",
    451: "UnavailableForLegalReasons",
    500: "InternalServerError",
    501: "NotImplemented_",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
    505: "HttpVersionNotSupported",
}
_BINARY = {"type": "string", "format": "binary"}
_TEXT = {"type": "string"}


@dataclass(frozen=True)
class RouteResponses:
    """The literals a route declaration spells for its responses."""

    entries: str  # the ``responses=`` dict literal
    content: str  # the rt.CONTENT_KEY dict literal: status -> media type -> schema source
    media_types: str  # the rt.Route(media_types=...) dict literal, or "None"


def route_responses(
    op: Operation,
    outcomes: list[OutcomeView],
    main: OutcomeView | None,
    has_inputs: bool,
    annotator: Annotator,
) -> RouteResponses:
    """The responses of ``op``'s route; ``main`` is the status a plain return answers."""
    exact_main = main is not None and main.code.isdigit()
    entries = [_entry(o) for o in outcomes if not (exact_main and o is main)]
    content = {r.status: _media(r, o, annotator) for r, o in zip(op.responses, outcomes)}
    if has_inputs and not any(r.status == "422" for r in op.responses):
        entries.append("422: {'description': 'Validation Error', 'model': rt.ValidationErrorBody}")
        content["422"] = {"application/json": "True"}
    main_media = main.media_type if main else None
    media_types: dict[str, str | None] = {
        o.code: o.media_type
        for o in outcomes
        if o is not main and o.media_type and o.media_type != main_media
    }
    if _catches_all(media_types):  # "4XX"/"default" answers for every status not listed
        media_types = {
            o.code: o.media_type for o in outcomes if o.code in media_types or o.code.isdigit()
        }
    listed = ", ".join(
        f"{literal(status)}: {{"
        + ", ".join(f"{literal(media)}: {schema}" for media, schema in media.items())
        + "}"
        for status, media in content.items()
    )
    return RouteResponses(
        entries="{" + ", ".join(entries) + "}",
        content="{" + listed + "}",
        media_types=literal(media_types) if media_types else "None",
    )


def _catches_all(by_status: Mapping[str, object]) -> bool:
    """True when a range or ``default`` key would answer for statuses it does not name."""
    return any(not code.isdigit() for code in by_status)


def _entry(outcome: OutcomeView) -> str:
    model = (
        f", 'model': {outcome.annotation}"
        if outcome.kind == "json" and outcome.annotation != "Any"
        else ""
    )
    key = outcome.status if not outcome.code.isdigit() else str(outcome.status_code)
    return f"{key}: {{'description': {outcome.description}{model}}}"


def _media(response: Response, outcome: OutcomeView, annotator: Annotator) -> dict[str, str]:
    """Media type -> python expression of its schema (see ``rt.CONTENT_KEY``)."""
    preferred = preferred_response(response.contents)
    has_model = outcome.kind == "json" and outcome.annotation != "Any"
    return {c.media_type: _schema(c, preferred, has_model, annotator) for c in response.contents}


def _schema(
    content: Content, preferred: Content | None, has_model: bool, annotator: Annotator
) -> str:
    """``True`` (the status's model), a literal schema, the schema of another model, or False (none)."""
    ref = content.type
    if ref is None:
        return "False"
    if has_model and preferred is not None and (content is preferred or ref == preferred.type):
        return "True"
    if ref.kind == "binary":
        return literal(_BINARY)
    if ref.kind == "string":
        return literal({**_TEXT, **({"format": ref.format} if ref.format else {})})
    if ref.kind == "any":
        return literal({})
    return f"rt.schema_of({annotator.spell(ref, 'response')})"  # another model of the same status
