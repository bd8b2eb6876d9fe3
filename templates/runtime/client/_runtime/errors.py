"""Exceptions raised by generated clients. No httpx exception ever escapes a client.

Hierarchy::

    APIError
     ├── APIStatusError ............... the server answered with status >= 400
     │    ├── BadRequestError .......... 400
     │    ├── AuthenticationError ...... 401
     │    ├── PermissionDeniedError .... 403
     │    ├── NotFoundError ............ 404
     │    ├── MethodNotAllowedError .... 405
     │    ├── ConflictError ............ 409
     │    ├── UnprocessableEntityError . 422
     │    ├── RateLimitError ........... 429
     │    ├── InternalServerError ...... any 5xx
     │    └── UnexpectedStatusError .... an undocumented 2xx/3xx status
     ├── APIConnectionError ........... no usable response (the httpx error is __cause__)
     │    └── APITimeoutError
     ├── ResponseValidationError ...... a documented success whose body does not parse
     └── MissingCredentialsError ...... nothing sent: no credentials for the operation

Other 4xx statuses raise ``APIStatusError`` itself.
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "MethodNotAllowedError",
    "MissingCredentialsError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "UnexpectedStatusError",
    "UnprocessableEntityError",
    "status_error_class",
]


class APIError(Exception):
    """Base class of every error a generated client raises.

    Attributes:
        message: human-readable summary (also ``str(error)``).
        status_code: the HTTP status, or None when no response arrived.
        headers: response headers (empty without a response).
        body: raw response body (``b""`` without a response).
        parsed: the documented error model parsed from ``body``, or None.
        request: the ``httpx.Request`` sent, when one was built.
        response: the ``httpx.Response``, when one arrived.
    """

    message: str
    headers: httpx.Headers
    body: bytes
    parsed: Any
    request: httpx.Request | None

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        response: httpx.Response | None = None,
        parsed: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self._response = response
        self.request = request if request is not None else _request_of(response)
        self.parsed = parsed
        self.headers = response.headers if response is not None else httpx.Headers()
        self.body = _body_of(response)

    # ``response`` and ``status_code`` are read-only properties, so that the subclasses
    # can narrow their types (pyright rejects narrowing a mutable attribute's type).
    @property
    def response(self) -> httpx.Response | None:
        """The ``httpx.Response``, when one arrived."""
        return self._response

    @property
    def status_code(self) -> int | None:
        """The HTTP status, or None when no response arrived."""
        return self._response.status_code if self._response is not None else None


class APIStatusError(APIError):
    """The server answered with an error status (>= 400, or undocumented 2xx/3xx)."""

    def __init__(self, message: str, *, response: httpx.Response, parsed: Any = None) -> None:
        super().__init__(message, response=response, parsed=parsed)
        self._received = response

    @property
    def response(self) -> httpx.Response:
        """The error response."""
        return self._received

    @property
    def status_code(self) -> int:
        """The error response's HTTP status."""
        return self._received.status_code


class BadRequestError(APIStatusError):
    """400 Bad Request."""


class AuthenticationError(APIStatusError):
    """401 Unauthorized: missing or invalid credentials."""


class PermissionDeniedError(APIStatusError):
    """403 Forbidden."""


class NotFoundError(APIStatusError):
    """404 Not Found."""


class MethodNotAllowedError(APIStatusError):
    """405 Method Not Allowed."""


class ConflictError(APIStatusError):
    """409 Conflict."""


class UnprocessableEntityError(APIStatusError):
    """422 Unprocessable Entity: the server rejected the request's content."""


class RateLimitError(APIStatusError):
    """429 Too Many Requests (raised once retries are exhausted)."""


class InternalServerError(APIStatusError):
    """Any 5xx status."""


class UnexpectedStatusError(APIStatusError):
    """A 2xx/3xx status the operation does not document and no outcome could read."""


class APIConnectionError(APIError):
    """No usable response: connection, protocol or other transport failure."""

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message, request=request)

    @property
    def response(self) -> None:
        """Always None: no response arrived."""
        return None

    @property
    def status_code(self) -> None:
        """Always None: no response arrived."""
        return None


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool timeout)."""


class MissingCredentialsError(APIError):
    """The client has credentials, but for none of the operation's security alternatives.

    Raised before anything is sent; the message names the schemes the operation takes.
    """


class ResponseValidationError(APIError):
    """A documented success response whose body is not valid for its declared type.

    The decoding or pydantic validation error is chained as ``__cause__``.
    """

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        super().__init__(message, response=response)
        self._received = response

    @property
    def response(self) -> httpx.Response:
        """The response whose body did not parse."""
        return self._received

    @property
    def status_code(self) -> int:
        """The response's HTTP status (a documented success)."""
        return self._received.status_code


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The exception class for an error status (>= 400)."""
    if status_code >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status_code, APIStatusError)


def _request_of(response: httpx.Response | None) -> httpx.Request | None:
    if response is None:
        return None
    try:
        return response.request
    except RuntimeError:  # a Response built by hand has no request
        return None


def _body_of(response: httpx.Response | None) -> bytes:
    if response is None:
        return b""
    try:
        return response.content
    except httpx.ResponseNotRead:
        return b""
