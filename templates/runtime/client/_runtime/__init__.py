"""Runtime support shared by every operation of this generated client package.

Copied verbatim by apiforge into each generated package as the ``_runtime``
subpackage: it depends only on the standard library, httpx and pydantic v2, and never
on apiforge itself. Generated code imports everything it needs from here; the
submodules are implementation details.

Layout:
    operation   Operation, Param, Body, Outcome, RequestOptions, NOT_GIVEN (pure data)
    auth        Auth and its factories
    credentials Scheme, Credentials: which operation is sent which credentials
    errors      the exception hierarchy
    encoding    values to JSON data and parameter strings (pure)
    bodies      request bodies: JSON, form, multipart, text, bytes (pure)
    request     operation + arguments to a PreparedRequest (pure)
    response    response to parsed value or exception (pure)
    retry       the retry decision and delays (pure)
    pagination  page items and next-page rules (pure)
    calls       one call's attempts and one pagination run, without the I/O
    raw         APIResponse and the with_raw_response wrappers
    client      SyncClientBase and AsyncClientBase: the only code doing I/O
"""

from .auth import Auth, api_key_auth, basic_auth, bearer_auth, combine_auth
from .bodies import TypedBody, typed_body
from .client import AsyncClientBase, SyncClientBase
from .credentials import Credentials, Scheme, Secret
from .errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    MethodNotAllowedError,
    MissingCredentialsError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    UnexpectedStatusError,
    UnprocessableEntityError,
)
from .operation import (
    NOT_GIVEN,
    Body,
    NotGiven,
    Operation,
    Outcome,
    Param,
    ParamLocation,
    RequestOptions,
    T,
)
from .raw import APIResponse, async_with_raw_response, with_raw_response

__all__ = [
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClientBase",
    "Auth",
    "AuthenticationError",
    "BadRequestError",
    "Body",
    "ConflictError",
    "Credentials",
    "InternalServerError",
    "MethodNotAllowedError",
    "MissingCredentialsError",
    "NotFoundError",
    "NotGiven",
    "Operation",
    "Outcome",
    "Param",
    "ParamLocation",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestOptions",
    "ResponseValidationError",
    "Scheme",
    "Secret",
    "SyncClientBase",
    "T",
    "TypedBody",
    "UnexpectedStatusError",
    "UnprocessableEntityError",
    "api_key_auth",
    "async_with_raw_response",
    "basic_auth",
    "bearer_auth",
    "combine_auth",
    "typed_body",
    "with_raw_response",
]
