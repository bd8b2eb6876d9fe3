"""Client views: IR + names + models -> what the client templates interpolate."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, replace

from apiforge.config.targets import Target
from apiforge.diagnostics import Sink, SpecLocation
from apiforge.ir.model import (
    Api,
    Operation,
    Parameter,
    SecurityScheme,
    page_results,
    preferred_request,
)
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
from apiforge.render.escape import docstring, literal
from apiforge.render.types import Annotator


@dataclass(frozen=True)
class ClientOpView:
    """One operation: its runtime constant and its resource method."""

    const: str
    method: str
    operation_def: str  # the constant's whole (annotated) assignment of its rt.Operation(...)
    return_annotation: str
    positional: list[ArgView]
    keyword: list[ArgView]
    body: BodyView | None
    summary: str
    description: str
    deprecated: bool
    doc_body: bool  # more than the summary line: description, Args or a deprecation note
    paginated: bool
    all_method: str
    item_annotation: str


@dataclass(frozen=True)
class ChildView:
    """A sub-resource attribute: its assignment in ``__init__`` of the sync and the async class.

    A top-level resource (a child of ``Client``) lives in its own module ``module``
    and is instead a lazy property importing that module on first access.
    """

    attr: str
    class_name: str
    sync_init: str
    async_init: str
    module: str = ""


@dataclass(frozen=True)
class ResourceView:
    """A resource class (sync and async twins) with its operations and sub-resources."""

    class_name: str
    children: list[ChildView]
    operations: list[ClientOpView]
    is_root: bool
    doc: str  # the class docstring: where it is reached and what it offers


@dataclass(frozen=True)
class ModuleImports:
    """The imports of one client module, collected by its :class:`Annotator`."""

    model_imports: list[str]
    typing_imports: list[str]
    module_imports: list[str]
    builtins_import: bool
    has_pagination: bool


@dataclass(frozen=True)
class ResourceModuleView:
    """``client/<module>.py``: a top-level resource, its sub-resources and their operations."""

    module: str
    class_name: str
    resources: list[ResourceView]
    operations: list[ClientOpView]
    imports: ModuleImports


@dataclass(frozen=True)
class ClientView:
    """Everything the client package templates need."""

    package: str
    title: str
    doc_title: str
    description: str
    version: str
    header: str
    default_base_url: str  # literal()
    base_url_env: str  # literal()
    api_key_env: str  # literal()
    base_url_doc: str  # for the Client docstring
    api_key_doc: str
    auth_kind: str  # bearer, basic, api_key, none
    api_key_auth: str  # the ``auth=rt.api_key_auth(...)`` argument line(s) of ``__init__``
    root: ResourceView  # the operations and top-level resources of Client itself
    root_imports: ModuleImports
    modules: list[ResourceModuleView]
    operations: list[ClientOpView]
    example_call: str  # Python (README)
    example_doc: str  # the same, escaped for a docstring
    readme_rows: list[ReadmeRow]


@dataclass(frozen=True)
class ReadmeRow:
    """One line of the README's operation table."""

    call: str
    http: str


def client_view(
    api: Api, names: Names, models: ModelsModule, target: Target, header: str, sink: Sink
) -> ClientView:
    """Build the client view of ``api``; what the client cannot express is reported to ``sink``."""
    problem = package_problem(target.client_package or "")
    if problem is not None:
        sink.error("invalid-package-name", problem, SpecLocation(str(target.spec)))
    groups = resource_groups(api, names)
    chains = set(names.groups)
    annotators: dict[tuple[str, ...], Annotator] = {}  # one per module: () is client/_client.py

    def annotator_of(chain: tuple[str, ...]) -> Annotator:
        return annotators.setdefault(chain[:1], Annotator(api, models))

    ops = {}
    for op in api.operations:
        chain = names.operations[op.operation_id].resource
        ops[op.operation_id] = _op_view(op, names, annotator_of(chain), annotator_of(chain), sink)
    resources: dict[tuple[str, ...], ResourceView] = {}
    for chain in sorted(chains, key=lambda c: (len(c), c)):
        children = sorted(
            {c[len(chain)] for c in chains if len(c) == len(chain) + 1 and c[: len(chain)] == chain}
        )
        members = [ops[op.operation_id] for op in groups.get(chain, [])]
        methods = {o.method for o in members} | {o.all_method for o in members if o.paginated}
        if not chain:
            methods |= {"close", "aclose"}
        resources[chain] = ResourceView(
            class_name=names.groups[chain].resource_class,
            children=[
                _child(
                    child,
                    names.groups[chain + (child,)].resource_class,
                    "client" if chain else "self",
                    "" if chain else names.resource_module(child),
                )
                for child in children
            ],
            operations=[_unshadowed(o, methods, annotator_of(chain)) for o in members],
            is_root=not chain,
            doc=_resource_doc(chain, [o.method for o in members], children),
        )
    modules = []
    for top in sorted(c for c in chains if len(c) == 1):
        tree = [r for c, r in resources.items() if c[:1] == top]
        modules.append(
            ResourceModuleView(
                module=names.resource_module(top[0]),
                class_name=resources[top].class_name,
                resources=tree,
                operations=[o for r in tree for o in r.operations],
                imports=_imports(annotator_of(top), tree),
            )
        )
    root = resources.get(()) or ResourceView("Client", [], [], True, "")
    if root.children:
        annotator_of(()).typing.add("TYPE_CHECKING")  # the resource classes, imported lazily
    scheme = _main_scheme(api)
    server = api.servers[0].url if api.servers else "http://localhost"
    if server.startswith("/"):
        server = "http://localhost" + server
    return ClientView(
        package=target.client_package or "",
        title=api.title,
        doc_title=docstring(api.title),
        description=docstring(api.description),
        version=api.version,
        header=header,
        default_base_url=literal(server),
        base_url_env=literal(target.base_url_env or ""),
        api_key_env=literal(target.api_key_env or ""),
        base_url_doc=docstring(
            f"${target.base_url_env} or {server}" if target.base_url_env else server
        ),
        api_key_doc=docstring(f"${target.api_key_env}" if target.api_key_env else "no default"),
        auth_kind=scheme.kind if scheme else "none",
        api_key_auth="            auth=rt.combine_auth("
        + _call(
            "rt.api_key_auth",
            literal(scheme.param_name if scheme else ""),
            literal(scheme.location if scheme else "header"),
            "api_key if api_key is not None else os.environ.get(API_KEY_ENV)",
        )
        + ", auth),",
        root=root,
        root_imports=_imports(annotator_of(()), [root]),
        modules=modules,
        operations=list(ops.values()),
        example_call=_example(api, names),
        example_doc=docstring(_example(api, names)),
        readme_rows=[_row(op, names) for op in api.operations],
    )


def _imports(annotator: Annotator, resources: list[ResourceView]) -> ModuleImports:
    return ModuleImports(
        model_imports=sorted(annotator.model_names),
        typing_imports=sorted(annotator.typing),
        module_imports=sorted(annotator.modules - {"builtins"}),
        builtins_import="builtins" in annotator.modules,
        has_pagination=any(o.paginated for r in resources for o in r.operations),
    )


def _child(attr: str, class_name: str, client: str, module: str) -> ChildView:
    def init(cls: str) -> str:
        return f"        self.{attr} = {cls}({client})"

    return ChildView(attr, class_name, init(class_name), init("Async" + class_name), module)


def _row(op: Operation, names: Names) -> ReadmeRow:
    n = names.operations[op.operation_id]
    call = "client." + ".".join([*n.resource, n.method]) + "(...)"
    http = " ".join(f"{op.method} {op.path}".split())
    return ReadmeRow(call, re.sub(r"[`|<>\\]", "", http))


def _unshadowed(op: ClientOpView, methods: set[str], annotator: Annotator) -> ClientOpView:
    """Qualify builtin type names shadowed by a method of the same class (``def list``)."""
    fixed = replace(
        op,
        positional=unshadow_args(op.positional, methods),
        keyword=unshadow_args(op.keyword, methods),
        body=unshadow_body(op.body, methods),
        return_annotation=unshadow(op.return_annotation, methods),
        item_annotation=unshadow(op.item_annotation, methods),
    )
    annotator.note(fixed.return_annotation)
    annotator.note(fixed.item_annotation)
    for arg in fixed.positional + fixed.keyword:
        annotator.note(arg.annotation)
    if fixed.body:
        annotator.note(fixed.body.annotation)
    return fixed


def _main_scheme(api: Api) -> SecurityScheme | None:
    used = [req.scheme for op in api.operations for alt in op.security_alternatives for req in alt]
    for scheme in api.security_schemes:
        if scheme.name in used:
            return (
                scheme
                if scheme.kind not in ("oauth2", "openid")
                else SecurityScheme(scheme.name, "bearer", None, "header", scheme.spec_location)
            )
    return None


def _resource_doc(chain: Sequence[str], methods: Sequence[str], children: Sequence[str]) -> str:
    """``client.environments.dashboards``: list, create, retrieve; sub-resources: collaborators."""
    offers = []
    if methods:
        shown = ", ".join(methods[:8]) + (
            f" and {len(methods) - 8} more" if len(methods) > 8 else ""
        )
        offers.append(shown)
    if children:
        offers.append("sub-resources: " + ", ".join(children))
    text = f"``client.{'.'.join(chain)}``: " + ("; ".join(offers) or "no operations") + "."
    return textwrap.fill(text, width=92, subsequent_indent="    ", break_on_hyphens=False)


def _undocumented(param: Parameter, py: str, annotator: Annotator) -> str:
    """What the spec does say about a parameter it does not describe: values, default, wire name."""
    schema = (
        annotator.api.schemas.get(param.type.model or "") if param.type.kind == "model" else None
    )
    said = []
    if schema is not None and schema.kind == "enum" and schema.enum_values:
        values = ", ".join(literal(v) for v in schema.enum_values[:8]) + (
            ", ..." if len(schema.enum_values) > 8 else ""
        )
        said.append(f"One of {values}.")
    if param.default:
        said.append(f"The server's default is {literal(param.default[0])}.")
    if param.name != py:
        said.append(f"Sent as the {param.location} parameter ``{param.name}``.")
    return " ".join(said) or f"A {param.location} parameter."


def _op_view(
    op: Operation, names: Names, annotator: Annotator, ops_annotator: Annotator, sink: Sink
) -> ClientOpView:
    op_names = names.operations[op.operation_id]
    positional: list[ArgView] = []
    keyword: list[ArgView] = []
    params: list[str] = []
    wire: dict[str, str] = {}
    for param, py in ordered_params(op, op_names):
        if param.name in wire:
            # The runtime takes arguments keyed by wire name (templates/runtime/client/_runtime/request.py).
            sink.warning(
                "client-parameter-clash",
                f"{param.location} parameter {param.name!r} has the name of the {wire[param.name]} parameter; "
                "the client passes arguments by name, so only the first is exposed and sent",
                param.spec_location,
            )
            continue
        wire[param.name] = param.location
        annotation = annotator.spell(param.type, "param")
        description = docstring(param.description or _undocumented(param, py, annotator))
        param_expr = _param_expr(
            param.name, param.location, param.style, param.explode, param.required
        )
        arg = ArgView(
            py,
            literal(param.name),
            param.location,
            annotation,
            param.required,
            description,
            param_expr,
        )
        (positional if param.location == "path" else keyword).append(arg)
        params.append(param_expr)
    body = body_view(op, annotator, use_dict=True)
    outcomes = response_outcomes(op, ops_annotator)
    success = [o for o in outcomes if o.is_success]
    errors = [o for o in outcomes if not o.is_success]
    returns = annotator.note(union([o.annotation for o in success]) if success else "None")
    page = page_results(annotator.api, op)
    item = annotator.spell(page.item, "response") if page is not None else None
    expr = _call(
        "rt.Operation",
        literal(op.operation_id),
        literal(op.method),
        literal(op.path),
        "params=(" + ", ".join(params) + ("," if len(params) == 1 else "") + ")",
        _call("body=rt.Body", body.media_type, *_encoding(op)) if body else "body=None",
        _outcomes("responses=", success),
        _outcomes("errors=", errors),
        f"authenticated={any(op.security_alternatives)}",
        f"deprecated={op.deprecated}",
    )
    statement = f"{op_names.constant}: rt.Operation[{returns}] = {expr}"
    method = op_names.method
    description = docstring(
        op.description if op.summary else "\n".join(op.description.splitlines()[1:])
    )
    return ClientOpView(
        const=op_names.constant,
        method=method,
        operation_def=statement,
        return_annotation=returns,
        positional=positional,
        keyword=keyword,
        body=body,
        summary=docstring(summary_line(op)),
        description=description,
        deprecated=op.deprecated,
        doc_body=bool(description or positional or keyword or body or op.deprecated),
        paginated=item is not None,
        all_method=op_names.all_method or "",
        item_annotation=item or "",
    )


def _call(head: str, *items: str) -> str:
    """``head(item, ...)`` on one line; the format stage lays it out."""
    return f"{head}({', '.join(items)})"


def _encoding(op: Operation) -> list[str]:
    """``encoding=(...)``: the form body's Encoding Object with OpenAPI's defaults applied, or nothing."""
    content = preferred_request(op.body.contents) if op.body else None
    if content is None or content.kind != "form" or not content.encoding:
        return []
    resolved = [
        (name, style or "form", explode if explode is not None else (style or "form") == "form")
        for name, style, explode in content.encoding
    ]
    return [f"encoding={literal(tuple(resolved))}"]


def _param_expr(
    name: str, location: str, style: str | None, explode: bool | None, required: bool
) -> str:
    extra = []
    if style is not None:
        extra.append(f"style={literal(style)}")
    if explode is not None:
        extra.append(f"explode={literal(explode)}")
    if required:
        extra.append("required=True")
    return _call("rt.Param", literal(name), literal(location), *extra)


def _outcomes(head: str, outcomes: list[OutcomeView]) -> str:
    """``{status: rt.Outcome(...), ...}``."""
    return head + "{" + ", ".join(_outcome(o) for o in outcomes) + "}"


def _outcome(outcome: OutcomeView) -> str:
    if outcome.kind == "json":
        return _call(f"{literal(outcome.code)}: rt.Outcome", '"json"', outcome.annotation)
    return _call(f"{literal(outcome.code)}: rt.Outcome", literal(outcome.kind))


def _example(api: Api, names: Names) -> str:
    for op in api.operations:
        if op.method == "GET":
            n = names.operations[op.operation_id]
            args = ", ".join(literal(p.name) for p in op.parameters if p.location == "path")
            return "client." + ".".join([*n.resource, n.method]) + f"({args})"
    return ""
