"""Named status classes (the generator maps spec status codes through ``STATUS_CLASSES``)."""

from typing import Any, Final

from .responses import StatusResponse, T_co


class Ok(StatusResponse[T_co]):
    """200 OK."""

    status_code = 200


class Created(StatusResponse[T_co]):
    """201 Created."""

    status_code = 201


class Accepted(StatusResponse[T_co]):
    """202 Accepted."""

    status_code = 202


class NonAuthoritativeInformation(StatusResponse[T_co]):
    """203 Non-Authoritative Information."""

    status_code = 203


class NoContent(StatusResponse[T_co]):
    """204 No Content (any body is dropped)."""

    status_code = 204


class ResetContent(StatusResponse[T_co]):
    """205 Reset Content (any body is dropped)."""

    status_code = 205


class PartialContent(StatusResponse[T_co]):
    """206 Partial Content."""

    status_code = 206


class MultiStatus(StatusResponse[T_co]):
    """207 Multi-Status."""

    status_code = 207


class MultipleChoices(StatusResponse[T_co]):
    """300 Multiple Choices."""

    status_code = 300


class MovedPermanently(StatusResponse[T_co]):
    """301 Moved Permanently (set ``Location`` in ``headers``)."""

    status_code = 301


class Found(StatusResponse[T_co]):
    """302 Found (set ``Location`` in ``headers``)."""

    status_code = 302


class SeeOther(StatusResponse[T_co]):
    """303 See Other (set ``Location`` in ``headers``)."""

    status_code = 303


class NotModified(StatusResponse[T_co]):
    """304 Not Modified (any body is dropped)."""

    status_code = 304


class TemporaryRedirect(StatusResponse[T_co]):
    """307 Temporary Redirect (set ``Location`` in ``headers``)."""

    status_code = 307


class PermanentRedirect(StatusResponse[T_co]):
    """308 Permanent Redirect (set ``Location`` in ``headers``)."""

    status_code = 308


class BadRequest(StatusResponse[T_co]):
    """400 Bad Request."""

    status_code = 400


class Unauthorized(StatusResponse[T_co]):
    """401 Unauthorized."""

    status_code = 401


class PaymentRequired(StatusResponse[T_co]):
    """402 Payment Required."""

    status_code = 402


class Forbidden(StatusResponse[T_co]):
    """403 Forbidden."""

    status_code = 403


class NotFound(StatusResponse[T_co]):
    """404 Not Found."""

    status_code = 404


class MethodNotAllowed(StatusResponse[T_co]):
    """405 Method Not Allowed."""

    status_code = 405


class NotAcceptable(StatusResponse[T_co]):
    """406 Not Acceptable."""

    status_code = 406


class RequestTimeout(StatusResponse[T_co]):
    """408 Request Timeout."""

    status_code = 408


class Conflict(StatusResponse[T_co]):
    """409 Conflict."""

    status_code = 409


class Gone(StatusResponse[T_co]):
    """410 Gone."""

    status_code = 410


class LengthRequired(StatusResponse[T_co]):
    """411 Length Required."""

    status_code = 411


class PreconditionFailed(StatusResponse[T_co]):
    """412 Precondition Failed."""

    status_code = 412


class ContentTooLarge(StatusResponse[T_co]):
    """413 Content Too Large."""

    status_code = 413


class UnsupportedMediaType(StatusResponse[T_co]):
    """415 Unsupported Media Type."""

    status_code = 415


class RangeNotSatisfiable(StatusResponse[T_co]):
    """416 Range Not Satisfiable."""

    status_code = 416


class ExpectationFailed(StatusResponse[T_co]):
    """417 Expectation Failed."""

    status_code = 417


class ImATeapot(StatusResponse[T_co]):
    """418 I'm a Teapot."""

    status_code = 418


class MisdirectedRequest(StatusResponse[T_co]):
    """421 Misdirected Request."""

    status_code = 421


class UnprocessableEntity(StatusResponse[T_co]):
    """422 Unprocessable Content."""

    status_code = 422


class Locked(StatusResponse[T_co]):
    """423 Locked."""

    status_code = 423


class FailedDependency(StatusResponse[T_co]):
    """424 Failed Dependency."""

    status_code = 424


class TooEarly(StatusResponse[T_co]):
    """425 Too Early."""

    status_code = 425


class UpgradeRequired(StatusResponse[T_co]):
    """426 Upgrade Required."""

    status_code = 426


class PreconditionRequired(StatusResponse[T_co]):
    """428 Precondition Required."""

    status_code = 428


class TooManyRequests(StatusResponse[T_co]):
    """429 Too Many Requests."""

    status_code = 429


class RequestHeaderFieldsTooLarge(StatusResponse[T_co]):
    """431 Request Header Fields Too Large."""

    status_code = 431


class UnavailableForLegalReasons(StatusResponse[T_co]):
    """451 Unavailable For Legal Reasons."""

    status_code = 451


class InternalServerError(StatusResponse[T_co]):
    """500 Internal Server Error."""

    status_code = 500


class NotImplemented_(StatusResponse[T_co]):  # `NotImplemented` is a builtin constant
    """501 Not Implemented."""

    status_code = 501


class BadGateway(StatusResponse[T_co]):
    """502 Bad Gateway."""

    status_code = 502


class ServiceUnavailable(StatusResponse[T_co]):
    """503 Service Unavailable."""

    status_code = 503


class GatewayTimeout(StatusResponse[T_co]):
    """504 Gateway Timeout."""

    status_code = 504


class HttpVersionNotSupported(StatusResponse[T_co]):
    """505 HTTP Version Not Supported."""

    status_code = 505


STATUS_CLASSES: Final[dict[int, type[StatusResponse[Any]]]] = {
    cls.status_code: cls
    for cls in (
        Ok,
        Created,
        Accepted,
        NonAuthoritativeInformation,
        NoContent,
        ResetContent,
        PartialContent,
        MultiStatus,
        MultipleChoices,
        MovedPermanently,
        Found,
        SeeOther,
        NotModified,
        TemporaryRedirect,
        PermanentRedirect,
        BadRequest,
        Unauthorized,
        PaymentRequired,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        NotAcceptable,
        RequestTimeout,
        Conflict,
        Gone,
        LengthRequired,
        PreconditionFailed,
        ContentTooLarge,
        UnsupportedMediaType,
        RangeNotSatisfiable,
        ExpectationFailed,
        ImATeapot,
        MisdirectedRequest,
        UnprocessableEntity,
        Locked,
        FailedDependency,
        TooEarly,
        UpgradeRequired,
        PreconditionRequired,
        TooManyRequests,
        RequestHeaderFieldsTooLarge,
        UnavailableForLegalReasons,
        InternalServerError,
        NotImplemented_,
        BadGateway,
        ServiceUnavailable,
        GatewayTimeout,
        HttpVersionNotSupported,
    )
}
"""Status code -> wrapper class, for every code with a named class."""
