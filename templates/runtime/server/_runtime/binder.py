"""The Binder: security markers of the routes, and the call of a user's implementation."""

import inspect
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from typing import (
    Annotated,
    Any,
    TypeVar,
)

from fastapi import Request, Security
from starlette.responses import Response

from .context import (
    Authenticator,
    OperationMiddleware,
    Principal,
    RequestContext,
    Route,
    _credential,
    _resolve_method,
)
from .errors import ApiError, _has_app_handler, _internal_error, _not_implemented
from .responses import ResponseMismatch, to_response
from .security import (
    SecurityKind,
    SecurityRequirement,
    _auth_error,
    _challenge,
    _extract,
    _granted,
    _Guard,
    _make_scheme,
)

logger = logging.getLogger(__name__)

Impl = TypeVar("Impl")  # a group's implementation (a class satisfying its Protocol)


class Binder:
    """Binds user implementations to generated routes; one per ``create_router`` call.

    :param authenticate: turns credentials into principals. When it is ``None``, every
        operation that requires security answers ``401`` (secure by default); operations
        without security are unaffected.
    :param middleware: :data:`OperationMiddleware` run around every implementation call,
        the first one outermost.
    """

    def __init__(
        self,
        *,
        authenticate: Authenticator | None = None,
        middleware: Sequence[OperationMiddleware] = (),
    ) -> None:
        self._authenticate = authenticate
        self._middleware = tuple(middleware)
        self._warned_no_authenticator = False

    # ---- security -------------------------------------------------------------------

    def requires(
        self,
        kind: SecurityKind,
        scheme_name: str,
        scopes: Sequence[str] = (),
        *,
        param_name: str | None = None,
        description: str | None = None,
        bearer_format: str | None = None,
        flows: Mapping[str, Mapping[str, Any]] | None = None,
        openid_connect_url: str | None = None,
    ) -> Any:
        """The ``Security(...)`` marker of a route's principal parameter requiring one scheme.

        Use as ``principal: Annotated[Principal | None, binder.requires(BEARER, "Key",
        ("dashboard:read",))] = None``; parameters are those of :class:`SecurityRequirement`.
        It answers exactly as :meth:`security` does, but FastAPI solves one dependency per
        request (the scheme itself reads the credential and authorizes it) instead of a
        dependency calling the scheme's, and documents the scopes in ``app.openapi()``.
        """
        requirement = SecurityRequirement(
            kind,
            scheme_name,
            tuple(scopes),
            param_name,
            description,
            bearer_format,
            flows,
            openid_connect_url,
        )
        return Security(_Guard(self, requirement), scopes=list(requirement.scopes))

    def security(
        self,
        kind: SecurityKind,
        scheme_name: str,
        scopes: Sequence[str] = (),
        *,
        param_name: str | None = None,
        description: str | None = None,
        bearer_format: str | None = None,
        flows: Mapping[str, Mapping[str, Any]] | None = None,
        openid_connect_url: str | None = None,
    ) -> Callable[..., Awaitable[Principal | None]]:
        """A FastAPI dependency requiring one security scheme; see :meth:`security_any`.

        Use as ``Depends(binder.security(BEARER, "PersonalAPIKeyAuth", ("dashboard:read",)))``.
        Parameters are those of :class:`SecurityRequirement`.
        """
        requirement = SecurityRequirement(
            kind,
            scheme_name,
            tuple(scopes),
            param_name,
            description,
            bearer_format,
            flows,
            openid_connect_url,
        )
        return self.security_any(requirement)

    def security_any(
        self, *requirements: SecurityRequirement, optional: bool = False
    ) -> Callable[..., Awaitable[Principal | None]]:
        """A FastAPI dependency satisfied by any one of ``requirements`` (spec ``security``).

        The dependency declares each scheme (so ``app.openapi()`` lists it under
        ``components/securitySchemes`` by its spec name, with the operation's scopes) and,
        per request, tries the requirements in order whose credential is present:

        * no credential at all -> ``401`` (``None`` when ``optional``, for a spec that
          lists the empty requirement ``{}``); bearer kinds add ``WWW-Authenticate``;
        * malformed credential, no authenticator configured, or the authenticator
          returned ``None`` -> ``401``;
        * a principal lacking required scopes -> ``403`` with ``missing_scopes``;
        * otherwise the first satisfied requirement's principal is returned.

        Requirements that combine several schemes (AND) are not supported; pass one
        :class:`SecurityRequirement` per alternative.
        """
        if not requirements:
            raise ValueError("security_any needs at least one requirement")
        reqs = tuple(requirements)
        kinds = frozenset(req.kind for req in reqs)
        names = [f"credential_{index}" for index in range(len(reqs))]

        async def dependency(**credentials: Any) -> Principal | None:
            extracted = [_extract(req.kind, credentials[name]) for req, name in zip(reqs, names)]
            return await self._authorize(reqs, extracted, kinds, optional)

        # FastAPI reads the dependency's parameters from its signature: one Security(...)
        # per scheme, each documenting the scheme and the scopes in app.openapi().
        parameters = []
        for name, req in zip(names, reqs):
            marker = Security(_make_scheme(req), scopes=list(req.scopes))
            parameters.append(
                inspect.Parameter(
                    name, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[Any, marker]
                )
            )
        dependency.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        return dependency

    def requires_any(self, alternatives: Sequence[Sequence[SecurityRequirement]]) -> Any:
        """The ``Security(...)`` marker of a route whose spec lists several ways in.

        A spec's ``security`` is an OR of requirements, each an AND of schemes. A request
        gets in through the first alternative (in spec order) whose every scheme carries a
        credential the authenticator accepts, with that scheme's scopes; the principal is
        the one of that alternative's first scheme. Otherwise it answers ``403`` naming the
        missing scopes when an alternative failed on scopes alone, ``401`` when credentials
        were presented but none let it in, and ``401`` when no credential was presented at
        all (``None``, no principal, when an alternative is empty: the spec's ``{}``). Each scheme is declared once,
        so ``app.openapi()`` lists it under ``components/securitySchemes``; the operation's
        ``security`` is documented from :data:`SECURITY_KEY`.
        """
        schemes: dict[str, SecurityRequirement] = {}
        for alternative in alternatives:
            for req in alternative:
                schemes.setdefault(req.scheme_name, req)
        if not schemes:
            raise ValueError("requires_any needs at least one requirement")
        reqs = [tuple(alternative) for alternative in alternatives if alternative]
        optional = len(reqs) < len(alternatives)
        kinds = frozenset(req.kind for req in schemes.values())
        names = {scheme: f"credential_{index}" for index, scheme in enumerate(schemes)}

        async def dependency(**credentials: Any) -> Principal | None:
            extracted = {
                scheme: _extract(schemes[scheme].kind, credentials[name])
                for scheme, name in names.items()
            }
            return await self._authorize_all(reqs, extracted, kinds, optional)

        parameters = [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[Any, Security(_make_scheme(schemes[scheme]))],
            )
            for scheme, name in names.items()
        ]
        dependency.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        return Security(dependency)

    async def _authorize_all(
        self,
        alternatives: Sequence[Sequence[SecurityRequirement]],
        credentials: Mapping[str, object],
        kinds: Collection[str],
        optional: bool,
    ) -> Principal | None:
        """The principal of the first alternative all of whose schemes are satisfied.

        An alternative whose credentials all came but were refused makes the answer
        ``invalid credentials``; one missing some of its credentials (a bearer token
        without the tenant key it requires) is not authenticated: its token was never
        checked, so it is not called invalid (a client told ``invalid_token`` would drop
        a good one), nor is the request let in anonymously where credentials are optional.
        """
        presented = partial = False
        missing_scopes: list[str] | None = None
        for alternative in alternatives:
            given = [credentials[req.scheme_name] for req in alternative]
            absent = sum(credential is None for credential in given)
            if absent:
                partial = partial or absent < len(given)
                continue
            presented = True
            tokens = [credential for credential in given if isinstance(credential, str)]
            if len(tokens) != len(alternative):
                continue
            principals = [
                await self._principal_for(token, req, kinds)
                for req, token in zip(alternative, tokens)
            ]
            accepted = [principal for principal in principals if principal is not None]
            if len(accepted) != len(alternative):
                continue
            missing = [
                scope
                for req, principal in zip(alternative, accepted)
                for scope in req.scopes
                if scope not in _granted(principal)
            ]
            if not missing:
                return accepted[0]
            if missing_scopes is None:
                missing_scopes = missing
        self._refuse(presented, missing_scopes, kinds, optional and not partial)
        return None

    def _refuse(
        self,
        presented: bool,
        missing_scopes: list[str] | None,
        kinds: Collection[str],
        optional: bool,
    ) -> None:
        """Raise the 403/401 of a request no requirement let in (None: optional and no credential)."""
        if missing_scopes is not None:
            noun = "scope" if len(missing_scopes) == 1 else "scopes"
            detail = f"missing {noun}: {', '.join(missing_scopes)}"
            challenge = _challenge(kinds, "insufficient_scope", " ".join(missing_scopes))
            raise _auth_error(403, detail, challenge, {"missing_scopes": missing_scopes})
        if presented:
            raise _auth_error(401, "invalid credentials", _challenge(kinds, "invalid_token"))
        if not optional:
            raise _auth_error(401, "not authenticated", _challenge(kinds))

    async def _authorize(
        self,
        reqs: Sequence[SecurityRequirement],
        credentials: Sequence[object],
        kinds: Collection[str],
        optional: bool,
    ) -> Principal | None:
        """The principal of the first requirement satisfied by its credential (see :func:`_extract`)."""
        presented = False
        missing_scopes: list[str] | None = None
        for req, credential in zip(reqs, credentials):
            if credential is None:
                continue
            presented = True
            if not isinstance(credential, str):
                continue
            principal = await self._principal_for(credential, req, kinds)
            if principal is None:
                continue
            missing = [scope for scope in req.scopes if scope not in _granted(principal)]
            if not missing:
                return principal
            if missing_scopes is None:
                missing_scopes = missing
        self._refuse(presented, missing_scopes, kinds, optional)
        return None

    async def _principal_for(
        self, credential: str, req: SecurityRequirement, kinds: Collection[str]
    ) -> Principal | None:
        """What the authenticator makes of ``credential``, told the scheme it came for."""
        if self._authenticate is None:
            if not self._warned_no_authenticator:
                self._warned_no_authenticator = True
                logger.warning("a secured operation was called but no authenticator is set")
            detail = "not authenticated: no authenticator is configured"
            raise _auth_error(401, detail, _challenge(kinds))
        result = self._authenticate(_credential(credential, req.scheme_name, req.kind))
        if inspect.isawaitable(result):
            result = await result
        return result

    # ---- dispatch -------------------------------------------------------------------

    async def call(
        self,
        route: Route,
        request: Request,
        principal: Principal | None,
        implementation: Impl | None,
        method_name: str,
        invoke: Callable[[Impl, RequestContext], Awaitable[object]],
    ) -> Response:
        """Run one operation and return its response; the body of every generated route.

        ``invoke(implementation, context)`` is the route's typed call of the operation's
        method (``lambda self, context: self.method(..., context=context)``: mypy checks it
        against the group's Protocol). It answers ``501`` when ``implementation`` is
        ``None``, has no callable ``method_name`` (or only inherits the Protocol's stub),
        or the call raises ``NotImplementedError``. Otherwise it runs ``invoke`` inside the
        middleware chain and converts the result with :func:`to_response`. (A sync
        method is tolerated: its result is used as it is.) A result that does not fit the
        documented response (:class:`ResponseMismatch`) is logged and answered ``500``.

        Exceptions: :class:`ApiError` becomes its JSON response; an exception type the app
        has a specific handler for (``HTTPException``, user-registered ones) propagates to
        that handler; anything else is logged and answered ``500`` without details.
        """
        operation_id = route.operation_id
        if implementation is None or _resolve_method(implementation, method_name) is None:
            return _not_implemented(operation_id)
        context = RequestContext(operation_id, request, principal)
        try:
            if self._middleware:
                result = await self._run_chain(context, implementation, invoke)
            else:
                result = invoke(implementation, context)
                if inspect.isawaitable(result):
                    result = await result
            accept = request.headers.get("accept")
            return to_response(result, route, head=request.method == "HEAD", accept=accept)
        except ApiError as exc:
            return exc.to_response(operation_id)
        except NotImplementedError:
            return _not_implemented(operation_id)
        except ResponseMismatch as exc:
            logger.error("%s", exc)
            return _internal_error(operation_id)
        except Exception as exc:
            if _has_app_handler(request, exc):
                raise
            logger.exception("unhandled exception in operation %s", operation_id)
            return _internal_error(operation_id)
        finally:
            await request.close()  # a multipart form's spooled files, once the operation is done

    async def _run_chain(
        self,
        context: RequestContext,
        implementation: Impl,
        invoke: Callable[[Impl, RequestContext], Awaitable[object]],
    ) -> Any:
        async def innermost() -> Any:
            result = invoke(implementation, context)
            return await result if inspect.isawaitable(result) else result

        call_next: Callable[[], Awaitable[Any]] = innermost
        for middleware in reversed(self._middleware):
            call_next = _bind(middleware, context, call_next)
        return await call_next()


def _bind(
    middleware: OperationMiddleware,
    context: RequestContext,
    call_next: Callable[[], Awaitable[Any]],
) -> Callable[[], Awaitable[Any]]:
    async def step() -> Any:
        return await middleware(context, call_next)

    return step
