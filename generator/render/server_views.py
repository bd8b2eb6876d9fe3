"""Server views: IR + names + models -> what the FastAPI templates interpolate.

The package is laid out per resource group: ``routes/<module>.py`` declares one group's
routes (imported on the first request to one of them), ``interfaces.py`` its Protocol and
501-answering base class, and ``app.py`` a table of every route's path and endpoint name
from which ``create_app`` puts placeholders on the app. Route views come from
``server_routes.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from apiforge.config.targets import Target
from apiforge.diagnostics import Sink, SpecLocation
from apiforge.ir.model import Api
from apiforge.models import ModelsModule
from apiforge.naming.names import Names
from apiforge.render.common import (
    package_problem,
    resource_groups,
    shadows,
    unshadow,
    unshadow_args,
    unshadow_body,
)
from apiforge.render.escape import docstring, literal, markdown_line
from apiforge.render.imports import Import, import_block, names_from
from apiforge.render.server_routes import RouteView, hoist_defaults, route_view
from apiforge.render.types import Annotator


@dataclass(frozen=True)
class GroupView:
    """One resource group: its Protocol, its 501-answering base class, the create_app keyword
    that binds them and the ``routes/<module>.py`` declaring its routes (with that module's imports).
    """

    keyword: str
    class_name: str
    routes: list[RouteView]
    base_name: str  # the base class whose methods answer 501
    module: str  # routes/<module>.py
    size: int  # how many routes it declares
    imports: str  # the import block of routes/<module>.py
    constants: list[tuple[str, str]]  # module constants: rt.Route, readers, enum defaults


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
    interface_imports: str  # the import block of interfaces.py
    init_imports: str  # what __init__.py imports from interfaces.py for type checkers
    app_imports: str  # ... and app.py
    all_names: list[str]
    has_security: bool
    uses_forms: bool  # a form/multipart body is read: the server needs python-multipart
    scopes: list[str]  # every scope the spec's operations require (for the README example)
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
    annotator = Annotator(api, models, checked=True)  # spells every annotation
    interface_imports = Annotator(api, models)  # what interfaces.py names
    schemes = {s.name: s for s in api.security_schemes}
    groups: list[GroupView] = []
    for chain, ops in resource_groups(api, names).items():
        group_names = names.groups[chain]
        keyword = group_names.keyword
        routes = [route_view(op, names, annotator, schemes, keyword, sink) for op in ops]
        methods = {r.method for r in routes}
        if shadows(methods):
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
        constants: list[tuple[str, str]] = []
        routes = [hoist_defaults(r, constants) for r in routes]
        constants.extend((r.route_constant, r.route_expr) for r in routes)
        constants.extend(reader for r in routes for reader in r.readers)
        module_imports = Annotator(api, models)  # what routes/<module>.py names
        for route in routes:
            args = [a.annotation for a in route.positional + route.keyword]
            body = [route.body.annotation] if route.body else []
            value = [route.body.value_declared] if route.body else []
            readers = [expr for _, expr in route.readers]
            for text in [
                *args,
                *body,
                *readers,
                route.response_model,
                route.responses_expr,
                route.openapi_extra,
            ]:
                module_imports.note(text)
            for text in [*args, *value, route.returns]:
                interface_imports.note(text)
        groups.append(
            GroupView(
                keyword=keyword,
                class_name=group_names.interface,
                routes=routes,
                base_name=group_names.base,
                module=names.route_module(keyword),
                size=len(routes),
                imports=_routes_imports(routes, constants, module_imports, models),
                constants=constants,
            )
        )
    first = groups[0].routes[0] if groups and groups[0].routes else None
    example = Annotator(api, models)
    if first is not None:
        for text in [*(a.annotation for a in first.positional + first.keyword), first.returns]:
            example.note(text)
        if first.body:
            example.note(first.body.value_declared)
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
        interface_imports=_interface_imports(interface_imports, bool(groups)),
        init_imports=import_block(
            (Import(".interfaces", n) for g in groups for n in (g.base_name, g.class_name)),
            "    ",
            {".interfaces"},
        ),
        app_imports=import_block(
            [*(Import(".interfaces", g.class_name) for g in groups), _IMPLEMENTATIONS],
            "    ",
            {".interfaces"} if groups else (),
        ),
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
        example_group=groups[0].keyword if groups else "root",
        example_method=first.method if first else "",
        example_route=first,
        example_base=groups[0].base_name if groups else "",
        example_model_imports=sorted(example.model_names),
        example_typing_imports=sorted(example.typing),
        example_module_imports=sorted(example.modules),
    )


_IMPLEMENTATIONS = Import(".interfaces", "Implementations")


def _routes_imports(
    routes: list[RouteView],
    constants: list[tuple[str, str]],
    annotator: Annotator,
    models: ModelsModule,
) -> str:
    """The import block of a group's ``routes/<module>.py``."""
    wanted = [Import(module) for module in annotator.modules]
    if any("pydantic." in expr for _, expr in constants):
        wanted.append(Import("pydantic"))
    typing = (
        annotator.typing | {"TYPE_CHECKING"} | ({"Annotated"} if _uses_annotated(routes) else set())
    )
    wanted += names_from("typing", typing)
    wanted += names_from("fastapi", _fastapi_imports(routes))
    wanted.append(Import("..", "_runtime", "rt"))
    for module, classes in models.imports(annotator.model_names, server=True):
        wanted += names_from(f"..models.{module}", classes)
    exploded = {"fastapi", *(i.module for i in wanted if i.module.startswith("..models."))}
    return import_block(wanted, exploded=exploded)


def _interface_imports(annotator: Annotator, groups: bool) -> str:
    """The import block of ``interfaces.py`` (after ``from __future__``)."""
    wanted = [Import(module) for module in annotator.modules]
    wanted += names_from(
        "typing", annotator.typing | {"TypedDict"} | ({"Protocol"} if groups else set())
    )
    if groups:
        wanted.append(Import(".", "_runtime", "rt"))
    wanted += names_from(".models", annotator.model_names)
    return import_block(wanted, exploded={".models"})


def _uses_annotated(routes: list[RouteView]) -> bool:
    return any(r.positional or r.keyword or r.body or r.security_expr for r in routes)


def _fastapi_imports(routes: list[RouteView]) -> list[str]:
    """What a routes module imports from fastapi: the router, the request, the response
    every route returns, and each parameter's and body's marker."""
    used = {"APIRouter", "Request", "Response"}
    for route in routes:
        used.update(a.param_expr.split("(")[0] for a in route.positional + route.keyword)
        if route.body:
            used.add(route.body_marker.split("(")[0])
    return sorted(used)
