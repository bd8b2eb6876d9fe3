"""Runtime support for an apiforge-generated FastAPI server package.

This package is copied verbatim (not templated) into every generated server package as
``<pkg>/_runtime/``. It imports only the standard library, FastAPI/Starlette and
pydantic v2, so the generated package never depends on apiforge itself. Its modules:
``context`` (principals, the request context, route metadata), ``responses`` (status
wrappers, result -> response), ``statuses`` (named status classes), ``params`` (styled
parameters; ``raw_values``: the query and cookies as sent; ``param_text``: the numbers and
booleans their text spells; ``validators``: the routes' validator metadata), ``bodies`` (body readers), ``forms`` (nested form bodies),
``errors`` (error responses, the 422 body), ``openapi`` (the served spec, the routes' own document),
``security`` (schemes, credentials), ``binder`` (security markers, dispatch),
``template_route`` (the route class: any path template the spec gives) and ``routing``
(routes built on first use, route lookup by index).

Contract with the generated code
--------------------------------
The generated ``routes/<group>.py`` modules declare one FastAPI route per operation.
Each route function lets FastAPI parse and validate parameters, then hands
:meth:`Binder.call` its typed call of the implementation's method
(``lambda self, context: self.<method>(..., context=context)``), which

1. answers ``501`` when the user's implementation (a class satisfying the generated
   ``Protocol``) is missing or lacks the operation's method;
2. builds a :class:`RequestContext` and runs the :data:`OperationMiddleware` chain around
   that call;
3. turns the result into a Starlette ``Response`` with :func:`to_response` (FastAPI's
   ``response_model`` re-validation is bypassed: the route returns a ``Response``);
4. maps :class:`ApiError`, ``NotImplementedError`` and unexpected exceptions to JSON
   error bodies that name the ``operation_id`` and never leak a traceback.

Parameters FastAPI cannot decode (non-exploded or delimited arrays, objects,
``deepObject``, ``label``/``matrix`` path segments) are read by a
:class:`StyledParameter` dependency, and a request body offered in several media types
by a :class:`BodyReader`; both validate into typed values and document themselves
through the route's ``openapi_extra``. :func:`install_openapi` makes ``app.openapi()``
list every documented status with all its media types (``CONTENT_KEY``), and
:attr:`Route.media_types` makes a status answer with its documented media type.

Security is declared per operation with :meth:`Binder.requires` (the generated routes'
one-dependency marker), :meth:`Binder.security` or :meth:`Binder.security_any` (for
alternatives), which all register the spec's scheme in ``app.openapi()`` and enforce it
at request time through the user's :data:`Authenticator`. :func:`install_error_handlers`
gives request-validation and HTTP errors the same JSON shape.

Error body shapes (all ``application/json``)::

    401/403/500/501 and ApiError  {"detail": ..., "operation_id": "op" | null, ...}
    403 (scopes)                  {..., "missing_scopes": ["scope", ...]}
    415 (a Content-Type the       {"detail": "unsupported media type ...", "operation_id": ...}
         operation does not list)
    422 (request validation)      {"detail": [{"loc", "msg", "type", ...}], "fields": ["query.limit"],
                                   "operation_id": ...}   (documented as ValidationErrorBody;
                                   a ValidationErrorHook may answer the spec's own 422 body)

What a handler may return
-------------------------
* a pydantic model, ``RootModel``, or list/dict/scalar (validated into the status's
  documented body type, so only its fields are sent and a body that does not fit answers
  ``500``; JSON-encoded with ``by_alias=True, exclude_unset=True``), ``str`` (raw text for non-JSON media types),
  ``bytes`` (raw body) or ``None`` (an empty body where the status documents none, ``null``
  where it documents a nullable JSON body, else ``500``) -> the route's default status;
* a status wrapper such as ``Created(model, headers={...})`` or ``WithStatus(418, body)``
  -> that status;
* any Starlette ``Response`` (e.g. ``StreamingResponse``) -> passed through untouched.
"""

from .binder import (
    Binder,
)
from .bodies import (
    BodyReader,
)
from .context import (
    Authenticator,
    Credential,
    OperationMiddleware,
    Principal,
    RequestContext,
    Route,
    SimplePrincipal,
)
from .errors import (
    ApiError,
    ValidationErrorBody,
    ValidationErrorHook,
    ValidationIssue,
    install_error_handlers,
)

# Read by the generated routes as ``rt.CONTENT_KEY`` / ``rt.SECURITY_KEY``; not star-exported.
from .openapi import CONTENT_KEY as CONTENT_KEY
from .openapi import SECURITY_KEY as SECURITY_KEY
from .openapi import (
    build_routes,
    install_openapi,
    routes_openapi,
    schema_of,
)

# Read by the generated routes as ``rt.UNIQUE_ITEMS``, ``rt.WIRE_NAMES``,
# ``rt.EMPTY_ITEMS_NULL`` and ``rt.from_text(...)``; not star-exported.
from .param_text import EMPTY_ITEMS_NULL as EMPTY_ITEMS_NULL
from .params import (
    StyledParameter,
)
from .responses import (
    ResponseMismatch,
    StatusResponse,
    WithStatus,
    to_response,
)
from .security import (
    API_KEY_COOKIE,
    API_KEY_HEADER,
    API_KEY_QUERY,
    BASIC,
    BEARER,
    OAUTH2,
    OPENID_CONNECT,
    UNSUPPORTED_SECURITY,
    SecurityKind,
    SecurityRequirement,
)
from .statuses import (
    STATUS_CLASSES,
    Accepted,
    BadGateway,
    BadRequest,
    Conflict,
    ContentTooLarge,
    Created,
    ExpectationFailed,
    FailedDependency,
    Forbidden,
    Found,
    GatewayTimeout,
    Gone,
    HttpVersionNotSupported,
    ImATeapot,
    InternalServerError,
    LengthRequired,
    Locked,
    MethodNotAllowed,
    MisdirectedRequest,
    MovedPermanently,
    MultipleChoices,
    MultiStatus,
    NoContent,
    NonAuthoritativeInformation,
    NotAcceptable,
    NotFound,
    NotImplemented_,
    NotModified,
    Ok,
    PartialContent,
    PaymentRequired,
    PermanentRedirect,
    PreconditionFailed,
    PreconditionRequired,
    RangeNotSatisfiable,
    RequestHeaderFieldsTooLarge,
    RequestTimeout,
    ResetContent,
    SeeOther,
    ServiceUnavailable,
    TemporaryRedirect,
    TooEarly,
    TooManyRequests,
    Unauthorized,
    UnavailableForLegalReasons,
    UnprocessableEntity,
    UnsupportedMediaType,
    UpgradeRequired,
)
from .validators import UNIQUE_ITEMS as UNIQUE_ITEMS
from .validators import WIRE_NAMES as WIRE_NAMES
from .validators import from_text as from_text

__all__ = [
    "API_KEY_COOKIE",
    "API_KEY_HEADER",
    "API_KEY_QUERY",
    "BASIC",
    "BEARER",
    "OAUTH2",
    "OPENID_CONNECT",
    "STATUS_CLASSES",
    "UNSUPPORTED_SECURITY",
    "Accepted",
    "ApiError",
    "Authenticator",
    "BadGateway",
    "BadRequest",
    "Binder",
    "BodyReader",
    "Conflict",
    "ContentTooLarge",
    "Created",
    "Credential",
    "ExpectationFailed",
    "FailedDependency",
    "Forbidden",
    "Found",
    "GatewayTimeout",
    "Gone",
    "HttpVersionNotSupported",
    "ImATeapot",
    "InternalServerError",
    "LengthRequired",
    "Locked",
    "MethodNotAllowed",
    "MisdirectedRequest",
    "MovedPermanently",
    "MultiStatus",
    "MultipleChoices",
    "NoContent",
    "NonAuthoritativeInformation",
    "NotAcceptable",
    "NotFound",
    "NotImplemented_",
    "NotModified",
    "Ok",
    "OperationMiddleware",
    "PartialContent",
    "PaymentRequired",
    "PermanentRedirect",
    "PreconditionFailed",
    "PreconditionRequired",
    "Principal",
    "RangeNotSatisfiable",
    "RequestContext",
    "RequestHeaderFieldsTooLarge",
    "RequestTimeout",
    "ResetContent",
    "ResponseMismatch",
    "Route",
    "SecurityKind",
    "SecurityRequirement",
    "SeeOther",
    "ServiceUnavailable",
    "SimplePrincipal",
    "StatusResponse",
    "StyledParameter",
    "TemporaryRedirect",
    "TooEarly",
    "TooManyRequests",
    "Unauthorized",
    "UnavailableForLegalReasons",
    "UnprocessableEntity",
    "UnsupportedMediaType",
    "UpgradeRequired",
    "ValidationErrorBody",
    "ValidationErrorHook",
    "ValidationIssue",
    "WithStatus",
    "build_routes",
    "install_error_handlers",
    "install_openapi",
    "routes_openapi",
    "schema_of",
    "to_response",
]
