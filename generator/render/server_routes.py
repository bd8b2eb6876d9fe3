"""Server route views: one operation -> its FastAPI route declaration and interface method.

Everything a ``routes/<group>.py`` module spells for an operation: the decorator's
arguments, the route function's parameters with their FastAPI markers (or the runtime's
readers for what FastAPI cannot decode), the security marker, the ``rt.Route`` constant
and the interface method's return annotation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from apiforge.diagnostics import Sink
from apiforge.ir.model import (
    Operation,
    Parameter,
    SecurityRequirement,
    SecurityScheme,
    preferred_request,
)
from apiforge.naming.names import Names
from apiforge.render.common import (
    ArgView,
    BodyView,
    OutcomeView,
    body_view,
    ordered_params,
    response_outcomes,
    summary_line,
    text_alternatives_by_status,
    union,
)
from apiforge.render.escape import docstring, literal
from apiforge.render.server_bodies import body_reader, renames
from apiforge.render.server_forms import raw_form_body
from apiforge.render.server_params import (
    body_checks,
    checks_unique_items,
    native_param,
    param_checks,
    param_metadata,
    reader_expr,
)
from apiforge.render.server_responses import STATUS_CLASSES, route_responses
from apiforge.render.types import Annotator

_MARKERS = {"path": "Path", "query": "Query", "header": "Header"}  # a cookie: rt.StyledParameter
_SCHEME_KINDS = {
    "bearer": "rt.BEARER",
    "oauth2": "rt.BEARER",
    "openid": "rt.BEARER",
    "basic": "rt.BASIC",
}


@dataclass(frozen=True)
class RouteView:
    """One operation: its route, its interface method and how the two are wired."""

    function: str
    group: str  # keyword of create_app binding the implementation
    method: str  # interface method name
    decorator_method: str  # get, post, ...
    path: str  # literal()
    operation_id: str  # literal()
    status_code: int
    media_type: str  # literal() or None
    response_model: str  # annotation or None
    no_body: bool  # the main response has no content: documented as such (response_class=Response)
    responses_expr: str  # dict literal for other documented statuses
    response_description: str  # literal() of the main response's description
    media_types: str  # dict literal: status -> media type, where it differs from the main one
    tags: str  # literal() of a list; "" when there is none (FastAPI's default, left out)
    summary: str  # literal(); "" when empty (left out)
    description: str  # literal(); "" when empty (left out)
    deprecated: bool
    positional: list[ArgView]
    keyword: list[ArgView]
    readers: list[
        tuple[str, str]
    ]  # module constants (name, rt.StyledParameter/BodyReader(...)) read by Depends
    body_marker: str  # the body's FastAPI marker: Depends(<its rt.BodyReader constant>) or Body(media_type=...)
    openapi_extra: (
        str  # the route's openapi_extra literal ("None" when FastAPI documents everything)
    )
    body: BodyView | None
    reads_forms: bool  # the body reader parses a form or multipart body (python-multipart)
    security_expr: str | None  # binder.requires(...) call: the Security marker of the principal
    route_constant: (
        str  # module constant holding the operation's rt.Route (built once, not per request)
    )
    route_expr: str  # the rt.Route(...) expression of that constant
    returns: str  # interface return annotation
    doc: str

    @property
    def principal_arg(self) -> str:
        """What the route hands the binder as the caller's principal: the parameter, or None."""
        return "principal" if self.security_expr else "None"


def route_view(
    op: Operation,
    names: Names,
    annotator: Annotator,
    schemes: dict[str, SecurityScheme],
    group: str,
    sink: Sink,
) -> RouteView:
    """The view of one operation's route and interface method (``group``: its create_app keyword)."""
    op_names = names.operations[op.operation_id]
    positional: list[ArgView] = []
    keyword: list[ArgView] = []
    readers: list[
        tuple[str, str]
    ] = []  # module constants: one rt.StyledParameter per styled parameter
    credential_cookies = tuple(
        s.param_name
        for s in schemes.values()
        if s.kind == "api_key" and s.location == "cookie" and s.param_name
    )
    for param, py in ordered_params(op, op_names):
        annotation = annotator.spell(param.type, "request")
        checks = param_checks(param, annotation, sink)
        metadata = param_metadata(param.keywords, param.type, annotator)
        if native_param(param, op, annotator):
            alias = (
                f"alias={literal(param.name)}, "
                if param.name != py or param.location == "header"
                else ""
            )
            keywords = "".join(f", {key}={value}" for key, value in checks)
            described = f"description={literal(param.description)}" if param.description else ""
            inner = ", ".join(
                part for part in (alias.rstrip(", "), described, keywords.lstrip(", ")) if part
            )
            marker = ", ".join([f"{_MARKERS[param.location]}({inner})", *metadata])
            default = _default_expr(param, annotation, annotator)
        else:
            constant = f"_{op_names.function}_{py}_param".upper()
            styled = reader_expr(param, op, annotation, checks, metadata, credential_cookies)
            readers.append((constant, styled))
            marker, default = f"Depends({constant})", "None"
        arg = ArgView(
            py,
            literal(param.name),
            param.location,
            annotation,
            param.required,
            docstring(param.description),
            marker,
            default,
        )
        (positional if param.location == "path" else keyword).append(arg)
    multi = body_reader(op, op_names.function, annotator, sink)
    body_constant = ""
    body: BodyView | None
    body_keywords = body_metadata = ""
    if multi is not None:
        body_constant, reader = multi
        readers.append((body_constant, reader.constant))
        body = reader.body
    else:
        body = raw_form_body(op, annotator, body_view(op, annotator, use_dict=False), sink)
        if body is not None and op.body is not None and body.kind in ("json", "text", "binary"):
            content = preferred_request(op.body.contents)
            checks = body_checks(content, body.annotation, op.body.spec_location, sink)
            body_keywords = "".join(f", {key}={value}" for key, value in checks)
            ref = content.type
            if ref is not None and checks_unique_items(content.keywords, ref):
                body_metadata = ", rt.UNIQUE_ITEMS"
            if (
                ref is not None
                and body.kind == "json"
                and renames(ref, annotator.api, annotator.models)
            ):
                body_metadata += ", rt.WIRE_NAMES"
    outcomes = response_outcomes(op, annotator)
    main = _main_outcome(outcomes)
    has_inputs = bool(positional or keyword or body)
    responses = route_responses(op, outcomes, main, has_inputs, annotator)
    texts = {
        code: contents[0].media_type
        for code, contents in text_alternatives_by_status(op, outcomes).items()
    }
    return RouteView(
        function=op_names.function,
        group=group,
        method=op_names.method,
        decorator_method=op.method.lower(),
        path=literal(op.path),
        operation_id=literal(op.operation_id),
        status_code=main.status_code if main else 200,
        media_type=literal(main.media_type) if main else "None",
        response_model=main.annotation if main and main.kind == "json" else "None",
        no_body=main is None or main.kind != "json",
        responses_expr=responses.entries,
        response_description=main.description if main else literal("Successful Response"),
        media_types=responses.media_types,
        tags=literal(list(op.tags)) if op.tags else "",
        summary=literal(op.summary) if op.summary else "",
        description=literal(op.description) if op.description else "",
        deprecated=op.deprecated,
        positional=positional,
        keyword=keyword,
        readers=readers,
        openapi_extra=_openapi_extra(readers, responses.content, body_constant, op),
        body_marker=f"Depends({body_constant})"
        if body_constant
        else f"Body(media_type={body.media_type}{body_keywords}){body_metadata}"
        if body
        else "",
        body=body,
        reads_forms=bool(body_constant)
        and op.body is not None
        and any(c.kind in ("form", "multipart") for c in op.body.contents),
        security_expr=_security(op, schemes),
        route_constant=f"_{op_names.constant}_ROUTE",
        route_expr=_route_expr(op.operation_id, main, responses.media_types, outcomes, texts),
        returns=_returns(outcomes, texts, head=op.method == "HEAD"),
        doc=docstring(summary_line(op)),
    )


def _route_expr(
    operation_id: str,
    main: OutcomeView | None,
    media_types: str,
    outcomes: list[OutcomeView],
    texts: dict[str, str],
) -> str:
    """The ``rt.Route(...)`` of an operation: its id, default status, media types, the
    type of each JSON body (what the runtime validates a returned body into) and the
    text type a status documents beside its JSON one (what a returned ``str`` goes as)."""
    status_code = main.status_code if main else 200
    media_type = literal(main.media_type) if main else "None"
    extra = f", media_types={media_types}" if media_types != "None" else ""
    typed = {o.code: o.annotation for o in outcomes if o.kind == "json" and not o.is_any}
    if any(not code.isdigit() for code in typed):  # a range or default must not answer for
        typed = {o.code: typed.get(o.code, "None") for o in outcomes if o.code.isdigit()} | typed
    bodies = [f"{literal(code)}: {annotation}" for code, annotation in typed.items()]
    if bodies:
        extra += ", bodies={" + ", ".join(bodies) + "}"
    if texts:
        listed: dict[str, str | None] = dict(texts)
        if any(not code.isdigit() for code in texts):  # nor for a text type
            listed = {o.code: texts.get(o.code) for o in outcomes if o.code.isdigit()} | listed
        extra += f", texts={literal(listed)}"
    return f"rt.Route(operation_id={literal(operation_id)}, status_code={status_code}, media_type={media_type}{extra})"


def hoist_defaults(route: RouteView, defaults: list[tuple[str, str]]) -> RouteView:
    """Move call-expression defaults (enum members) into module constants: a default is evaluated once."""
    keyword = []
    hoisted = False
    for arg in route.keyword:
        if arg.default[:1].isidentifier() and arg.default not in (
            "None",
            "True",
            "False",
        ):  # an enum member call
            name = f"_{route.function}_{arg.py_name}_default".upper()
            defaults.append((name, arg.default))
            arg = replace(arg, default=name)
            hoisted = True
        keyword.append(arg)
    return replace(route, keyword=keyword) if hoisted else route


def _default_expr(param: Parameter, annotation: str, annotator: Annotator) -> str:
    """The route's default for ``param``: the spec's default when it is a scalar of the right type.

    Enum defaults become the member (``Refresh('force_cache')``) and only when the
    value is one of the enum's; anything else (objects, arrays, dates) stays None,
    which the implementation sees as "not sent".
    """
    if not param.default:
        return "None"
    value = param.default[0]
    ref = param.type
    if ref.kind == "model" and ref.model in annotator.api.schemas:
        schema = annotator.api.schemas[ref.model]
        name = annotation.split(" | ")[0]
        if schema.kind == "enum" and value in schema.enum_values and name.isidentifier():
            return f"{name}({literal(value)})"
        return "None"
    scalars: dict[str, type | tuple[type, ...]] = {
        "string": str,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
    }
    expected = scalars.get(ref.kind)
    if (
        expected is None
        or isinstance(value, bool) != (ref.kind == "boolean")
        or not isinstance(value, expected)
    ):
        return "None"
    if ref.kind == "string" and (ref.format is not None or annotation.split(" | ")[0] != "str"):
        return "None"
    return literal(value)


def _openapi_extra(
    readers: list[tuple[str, str]], content: str, body_constant: str, op: Operation
) -> str:
    """What FastAPI cannot document itself: styled parameters, several body media types, every response's,
    security alternatives that combine schemes or make credentials optional."""
    parts = [f"rt.CONTENT_KEY: {content}"]
    alternatives = op.security_alternatives
    if len(alternatives) > 1 or any(len(alt) > 1 for alt in alternatives):
        listed = [{r.scheme: list(r.scopes) for r in alt} for alt in alternatives]
        parts.append(f"rt.SECURITY_KEY: {literal(listed)}")
    params = [name for name, _ in readers if name != body_constant]
    if body_constant:
        parts.insert(0, f"'requestBody': {body_constant}.openapi")
    if params:
        parts.insert(0, "'parameters': [" + ", ".join(f"{name}.openapi" for name in params) + "]")
    return "{" + ", ".join(parts) + "}"


def _main_outcome(outcomes: list[OutcomeView]) -> OutcomeView | None:
    for outcome in outcomes:
        if outcome.is_success:
            return outcome
    return outcomes[0] if outcomes else None


_FILE = "bytes | typing.IO[bytes]"  # qualified: a schema may be named IO


def _returns(outcomes: list[OutcomeView], texts: dict[str, str], *, head: bool) -> str:
    """The interface method's return annotation: each status's body (a binary one ``bytes`` or
    a file object), and ``str`` for a status that documents a text type beside its JSON one;
    ``X | None`` for a ``HEAD`` (no body is sent, so none need be built)."""

    def bodies(outcome: OutcomeView) -> list[str]:
        # A binary body may be a file object (the runtime streams it), as a client sends one.
        returned = [_FILE if outcome.kind == "bytes" else outcome.returned]
        if outcome.code in texts and outcome.returned != "str":
            returned.append("str")
        return [union([r, "None"]) if head else r for r in returned]

    if not outcomes:
        return "None"
    if len(outcomes) == 1:
        alone = bodies(outcomes[0])
        return alone[0] if len(alone) == 1 else union(alone)
    parts: list[str] = []
    for outcome in outcomes:
        exact = outcome.code.isdigit()
        wrapper = STATUS_CLASSES.get(outcome.status_code) if exact else None
        parts.extend(f"rt.{wrapper or 'WithStatus'}[{body}]" for body in bodies(outcome))
    return union(parts)


def _security(op: Operation, schemes: dict[str, SecurityScheme]) -> str | None:
    """The Security marker of the route's principal: one scheme, or any-of-all-of the spec's
    alternatives; a refusal when the spec requires only schemes the runtime cannot check."""
    if op.security_unsupported:
        return "rt.UNSUPPORTED_SECURITY"
    alternatives = op.security_alternatives
    if not any(alternatives):
        return None  # no requirement, or only the empty one (`security: [{}]`): anyone gets in
    if len(alternatives) == 1 and len(alternatives[0]) == 1:
        requirement = alternatives[0][0]
        scheme = schemes[requirement.scheme]
        scopes = literal(tuple(requirement.scopes))
        if scheme.kind == "api_key":
            key = literal(scheme.param_name)
            return f"binder.requires({_api_key_kind(scheme)}, {literal(scheme.name)}, {scopes}, param_name={key})"
        return f"binder.requires({_SCHEME_KINDS[scheme.kind]}, {literal(scheme.name)}, {scopes})"
    spelt = ", ".join(
        "(" + "".join(_requirement(r, schemes) + ", " for r in alt) + ")" for alt in alternatives
    )
    return f"binder.requires_any(({spelt},))"


def _api_key_kind(scheme: SecurityScheme) -> str:
    return {
        "header": "rt.API_KEY_HEADER",
        "query": "rt.API_KEY_QUERY",
        "cookie": "rt.API_KEY_COOKIE",
    }[scheme.location or "header"]


def _requirement(requirement: SecurityRequirement, schemes: dict[str, SecurityScheme]) -> str:
    """``rt.SecurityRequirement(kind, name, scopes[, param_name])``."""
    scheme = schemes[requirement.scheme]
    kind = _api_key_kind(scheme) if scheme.kind == "api_key" else _SCHEME_KINDS[scheme.kind]
    key = f", param_name={literal(scheme.param_name)}" if scheme.kind == "api_key" else ""
    return f"rt.SecurityRequirement({kind}, {literal(scheme.name)}, {literal(tuple(requirement.scopes))}{key})"
