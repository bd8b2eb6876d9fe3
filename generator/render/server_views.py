"""Server views: IR + names + models -> what the FastAPI templates interpolate."""

from __future__ import annotations

from dataclasses import dataclass, replace

from apiforge.config.targets import Target
from apiforge.diagnostics import Sink, SpecLocation
from apiforge.ir.model import Api, Operation, Parameter, SecurityRequirement, SecurityScheme
from apiforge.models import ModelsModule
from apiforge.naming.names import Names
from apiforge.render.common import (
    ArgView,
    BodyView,
    OutcomeView,
    body_view,
    ordered_params,
    package_problem,
    resource_groups,
    response_outcomes,
    summary_line,
    union,
    unshadow,
    unshadow_args,
    unshadow_body,
)
from apiforge.render.escape import docstring, literal, markdown_line
from apiforge.render.server_bodies import body_reader
from apiforge.render.server_forms import raw_form_body
from apiforge.render.server_params import native_param, param_checks, reader_expr
from apiforge.render.server_responses import route_responses
from apiforge.render.types import Annotator

# The status wrapper classes of the server runtime (templates/runtime/server_runtime.py).
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
_MARKERS = {"path": "Path", "query": "Query", "header": "Header", "cookie": "Cookie"}
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


@dataclass(frozen=True)
class GroupView:
    """One interface Protocol, its 501-answering base class and the create_app keyword that binds them."""

    keyword: str
    class_name: str
    routes: list[RouteView]
    base_name: str  # the base class whose methods answer 501


@dataclass(frozen=True)
class ServerView:
    """Everything the server package templates need."""

    package: str
    header: str
    doc_title: str
    title: str  # literal()
    version: str  # literal()
    title_md: str  # markdown-inert
    version_text: str  # as the spec says
    description: str  # literal()
    servers: str  # literal() of a list of dicts
    groups: list[GroupView]
    routes: list[RouteView]
    model_imports: list[str]
    typing_imports: list[str]
    module_imports: list[str]
    interface_model_imports: list[str]
    interface_typing_imports: list[str]
    interface_module_imports: list[str]
    all_names: list[str]
    has_security: bool
    uses_forms: bool  # a form/multipart body is read: the server needs python-multipart
    fastapi_imports: list[str]
    scopes: list[str]  # every scope the spec's operations require (for the README example)
    constants: list[
        tuple[str, str]
    ]  # module-level constants: enum defaults and styled-parameter readers
    imports_pydantic: bool  # a form body or a constrained styled parameter needs pydantic
    example_group: str
    example_method: str
    example_route: RouteView | None  # the README implements this operation
    example_base: str  # ... by subclassing this base class
    example_model_imports: list[str]  # what its signature names from models.py
    example_typing_imports: list[str]
    example_module_imports: list[str]


def server_view(
    api: Api, names: Names, models: ModelsModule, target: Target, header: str, sink: Sink
) -> ServerView:
    """Build the server view of ``api``; what FastAPI cannot decode is reported to ``sink``."""
    problem = package_problem(target.server_package or "")
    if problem is not None:
        sink.error("invalid-package-name", problem, SpecLocation(str(target.spec)))
    annotator = Annotator(api, models)  # spells every annotation
    app_imports = Annotator(api, models)  # what app.py names
    interface_imports = Annotator(api, models)  # what interfaces.py names
    schemes = {s.name: s for s in api.security_schemes}
    groups: list[GroupView] = []
    defaults: list[tuple[str, str]] = []
    for chain, ops in resource_groups(api, names).items():
        keyword = names.groups[chain].keyword
        routes = [_route(op, names, annotator, schemes, keyword, sink) for op in ops]
        methods = {r.method for r in routes}
        routes = [
            replace(
                r,
                positional=unshadow_args(r.positional, methods),
                keyword=unshadow_args(r.keyword, methods),
                body=unshadow_body(r.body, methods),
                returns=unshadow(r.returns, methods),
            )
            for r in routes
        ]
        routes = [_hoist_defaults(r, defaults) for r in routes]
        defaults.extend((r.route_constant, r.route_expr) for r in routes)
        defaults.extend(reader for r in routes for reader in r.readers)
        for route in routes:
            args = [a.annotation for a in route.positional + route.keyword]
            body = [route.body.annotation] if route.body else []
            readers = [expr for _, expr in route.readers]
            for text in [
                *args,
                *body,
                *readers,
                route.response_model,
                route.responses_expr,
                route.openapi_extra,
            ]:
                app_imports.note(text)
            for text in [*args, *body, route.returns]:
                interface_imports.note(text)
        groups.append(
            GroupView(keyword, names.groups[chain].interface, routes, names.groups[chain].base)
        )
    first = groups[0].routes[0] if groups and groups[0].routes else None
    example = Annotator(api, models)
    if first is not None:
        for text in [*(a.annotation for a in first.positional + first.keyword), first.returns]:
            example.note(text)
        if first.body:
            example.note(first.body.annotation)
    return ServerView(
        package=target.server_package or "",
        header=header,
        doc_title=docstring(api.title),
        title=literal(api.title),
        version=literal(api.version),
        title_md=markdown_line(api.title),
        version_text=api.version,
        description=literal(api.description),
        servers=literal([{"url": s.url, "description": s.description} for s in api.servers]),
        groups=groups,
        routes=[r for g in groups for r in g.routes],
        model_imports=sorted(app_imports.model_names),
        typing_imports=sorted(
            app_imports.typing | {"Any"} | ({"Annotated"} if _uses_annotated(groups) else set())
        ),
        module_imports=sorted(app_imports.modules),
        interface_model_imports=sorted(interface_imports.model_names),
        interface_typing_imports=sorted(
            interface_imports.typing | ({"Protocol"} if groups else set())
        ),
        interface_module_imports=sorted(interface_imports.modules),
        constants=defaults,
        imports_pydantic=any("pydantic." in expr for _, expr in defaults),
        scopes=sorted(
            {
                s
                for op in api.operations
                for alt in op.security_alternatives
                for req in alt
                for s in req.scopes
            }
        ),
        all_names=sorted([g.class_name for g in groups] + [g.base_name for g in groups])
        + ["create_app", "create_router"],
        has_security=any(r.security_expr for g in groups for r in g.routes),
        uses_forms=any(r.reads_forms for g in groups for r in g.routes),
        fastapi_imports=_fastapi_imports(groups),
        example_group=groups[0].keyword if groups else "root",
        example_method=first.method if first else "",
        example_route=first,
        example_base=groups[0].base_name if groups else "",
        example_model_imports=sorted(example.model_names),
        example_typing_imports=sorted(example.typing),
        example_module_imports=sorted(example.modules),
    )


def _uses_annotated(groups: list[GroupView]) -> bool:
    return any(
        r.positional or r.keyword or r.body or r.security_expr for g in groups for r in g.routes
    )


def _fastapi_imports(groups: list[GroupView]) -> list[str]:
    used = {"APIRouter", "FastAPI"} | ({"Request"} if any(g.routes for g in groups) else set())
    for group in groups:
        for route in group.routes:
            used.update(a.param_expr.split("(")[0] for a in route.positional + route.keyword)
            if route.body:
                used.add(route.body_marker.split("(")[0])
            if route.no_body:
                used.add("Response")
    return sorted(used)


def _route(
    op: Operation,
    names: Names,
    annotator: Annotator,
    schemes: dict[str, SecurityScheme],
    group: str,
    sink: Sink,
) -> RouteView:
    op_names = names.operations[op.operation_id]
    positional: list[ArgView] = []
    keyword: list[ArgView] = []
    readers: list[
        tuple[str, str]
    ] = []  # module constants: one rt.StyledParameter per styled parameter
    for param, py in ordered_params(op, op_names):
        annotation = annotator.spell(param.type, "request")
        checks = param_checks(param, annotation, sink)
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
            marker = f"{_MARKERS[param.location]}({inner})"
            default = _default_expr(param, annotation, annotator)
        else:
            constant = f"_{op_names.function}_{py}_param".upper()
            readers.append((constant, reader_expr(param, op, annotation, checks)))
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
    multi = body_reader(op, op_names.function, annotator)
    body_constant = ""
    body: BodyView | None
    if multi is not None:
        body_constant, reader = multi
        readers.append((body_constant, reader.constant))
        body = reader.body
    else:
        body = raw_form_body(op, annotator, body_view(op, annotator, use_dict=False), sink)
    outcomes = response_outcomes(op, annotator)
    main = _main_outcome(outcomes)
    has_inputs = bool(positional or keyword or body)
    responses = route_responses(op, outcomes, main, has_inputs, annotator)
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
        else f"Body(media_type={body.media_type})"
        if body
        else "",
        body=body,
        reads_forms=bool(body_constant)
        and op.body is not None
        and any(c.kind in ("form", "multipart") for c in op.body.contents),
        security_expr=_security(op, schemes),
        route_constant=f"_{op_names.function}_route".upper(),
        route_expr=_route_expr(op.operation_id, main, responses.media_types),
        returns=_returns(outcomes),
        doc=docstring(summary_line(op)),
    )


def _route_expr(operation_id: str, main: OutcomeView | None, media_types: str) -> str:
    """The ``rt.Route(...)`` of an operation: its id, default status and media types."""
    status_code = main.status_code if main else 200
    media_type = literal(main.media_type) if main else "None"
    extra = f", media_types={media_types}" if media_types != "None" else ""
    return f"rt.Route(operation_id={literal(operation_id)}, status_code={status_code}, media_type={media_type}{extra})"


def _hoist_defaults(route: RouteView, defaults: list[tuple[str, str]]) -> RouteView:
    """Move call-expression defaults (enum members) into module constants: a default is evaluated once."""
    keyword = []
    for arg in route.keyword:
        if arg.default[:1].isidentifier() and arg.default not in (
            "None",
            "True",
            "False",
        ):  # an enum member call
            name = f"_{route.function}_{arg.py_name}_default".upper()
            defaults.append((name, arg.default))
            arg = replace(arg, default=name)
        keyword.append(arg)
    return replace(route, keyword=keyword)


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


def _returns(outcomes: list[OutcomeView]) -> str:
    if len(outcomes) <= 1:
        return outcomes[0].annotation if outcomes else "None"
    parts = []
    for outcome in outcomes:
        exact = outcome.code.isdigit()
        wrapper = STATUS_CLASSES.get(outcome.status_code) if exact else None
        parts.append(f"rt.{wrapper or 'WithStatus'}[{outcome.annotation}]")
    return union(parts)


def _security(op: Operation, schemes: dict[str, SecurityScheme]) -> str | None:
    """The Security marker of the route's principal: one scheme, or any-of-all-of the spec's alternatives."""
    alternatives = op.security_alternatives
    if not alternatives:
        return None
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
