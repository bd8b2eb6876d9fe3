"""Client views: IR + names + models -> what the client templates interpolate.

The parts live by concern: one operation's constant and method parts in
``client_ops.py``, the sync and async flavours of each class in
``client_classes.py``; this module assembles them per module of the package.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from apiforge.config.targets import Target
from apiforge.diagnostics import Sink, SpecLocation
from apiforge.ir.model import Api, Operation, default_base_url
from apiforge.models import ModelsModule
from apiforge.naming.names import Names
from apiforge.naming.words import PyName, snake_case
from apiforge.render.client_auth import AuthView, auth_view
from apiforge.render.client_classes import (
    ChildView,
    ClassView,
    ResourceDocs,
    fill,
    flavoured,
    resource_docs,
)
from apiforge.render.client_ops import ClientOpView, op_view
from apiforge.render.common import (
    package_problem,
    resource_groups,
    unshadow,
    unshadow_args,
    unshadow_body,
)
from apiforge.render.escape import docstring, literal
from apiforge.render.imports import Import, import_block, names_from
from apiforge.render.types import Annotator


@dataclass(frozen=True)
class ResourceView:
    """A resource (or the client itself, ``is_root``): its operations, sub-resources and classes."""

    class_name: str
    children: list[ChildView]
    operations: list[ClientOpView]
    is_root: bool
    classes: list[ClassView]  # the sync class, then its async twin


@dataclass(frozen=True)
class ResourceModuleView:
    """``client/<module>.py``: a top-level resource, its sub-resources and their operations."""

    module: str
    class_name: str
    resources: list[ResourceView]
    operations: list[ClientOpView]
    classes: list[ClassView]  # every resource's sync and async class, in order
    imports: str  # the module's import block
    doc: str  # the first paragraph of the module docstring: what the resource is


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
    auth: AuthView
    root: ResourceView  # the operations and top-level resources of Client itself
    root_imports: str  # the import block of client/_client.py
    lazy_imports: str  # its imports of the resource classes, for type checkers
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
    annotators: dict[tuple[str, ...], Annotator] = {}  # one per module: () is client/_client.py

    def annotator_of(chain: tuple[str, ...]) -> Annotator:
        return annotators.setdefault(chain[:1], Annotator(api, models))

    ops = {
        op.operation_id: op_view(
            op, names, annotator_of(names.operations[op.operation_id].resource)
        )
        for op in api.operations
    }
    docs = _all_docs(api, names)
    resources = _resources(api, names, ops, annotator_of, docs)
    chains = sorted(resources, key=lambda c: (len(c), c))
    modules = []
    for top in (c for c in chains if len(c) == 1):
        tree = [resources[c] for c in chains if c[:1] == top]
        modules.append(
            ResourceModuleView(
                module=names.resource_module(top[0]),
                class_name=resources[top].class_name,
                resources=tree,
                operations=[o for r in tree for o in r.operations],
                classes=[cls for r in tree for cls in r.classes],
                imports=_imports(annotator_of(top), tree),
                doc=docstring(fill(docs[top].summary, 0)),
            )
        )
    root = resources.get(()) or ResourceView(
        "Client", [], [], True, flavoured("", "", [], [], True)
    )
    if root.children:
        annotator_of(()).typing.add("TYPE_CHECKING")  # the resource classes, imported lazily
    server = default_base_url(api)
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
        auth=auth_view(api),
        root=root,
        root_imports=_imports(annotator_of(()), [root]),
        lazy_imports=import_block(
            (
                Import(f".{c.module}", name)
                for c in root.children
                for name in (f"Async{c.class_name}", c.class_name)
            ),
            "    ",
        ),
        modules=modules,
        operations=list(ops.values()),
        example_call=_example(api, names, ops),
        example_doc=docstring(_example(api, names, ops)),
        readme_rows=[_row(op, names) for op in api.operations],
    )


def _resources(
    api: Api,
    names: Names,
    ops: dict[str, ClientOpView],
    annotator_of: Callable[[tuple[str, ...]], Annotator],
    docs: dict[tuple[PyName, ...], ResourceDocs],
) -> dict[tuple[PyName, ...], ResourceView]:
    """Every resource by its chain of names; ``()`` is the client itself."""
    groups = resource_groups(api, names)
    chains = set(names.groups)
    resources: dict[tuple[PyName, ...], ResourceView] = {}
    below = _children(chains)
    for chain in chains:
        class_name = names.groups[chain].resource_class if chain else "Client"
        children = sorted(below.get(chain, ()))
        members = [ops[op.operation_id] for op in groups.get(chain, [])]
        methods = {o.method for o in members} | {o.all_method for o in members if o.paginated}
        if not chain:
            methods |= {"close", "aclose"}
        child_views = [_child(chain, child, names, docs) for child in children]
        operations = [_unshadowed(o, methods, annotator_of(chain)) for o in members]
        doc = docs[chain].cls
        resources[chain] = ResourceView(
            class_name=class_name,
            children=child_views,
            operations=operations,
            is_root=not chain,
            classes=flavoured(class_name, doc, child_views, operations, not chain),
        )
    return resources


def _all_docs(api: Api, names: Names) -> dict[tuple[PyName, ...], ResourceDocs]:
    """The docstrings of every resource, by chain."""
    groups = resource_groups(api, names)
    chains = set(names.groups)
    used: dict[tuple[PyName, ...], set[str]] = {}  # chain -> the tags of its operations and below
    for c, ops in groups.items():
        tags = {t for op in ops for t in op.tags}
        for depth in range(len(c) + 1):
            used.setdefault(c[:depth], set()).update(tags)
    below = _children(chains)
    return {
        chain: _docs(chain, below.get(chain, set()), used.get(chain, set()), groups, api, names)
        for chain in chains
    }


def _children(chains: set[tuple[PyName, ...]]) -> dict[tuple[PyName, ...], set[PyName]]:
    """The last names of the chains one level below each chain."""
    found: dict[tuple[PyName, ...], set[PyName]] = {}
    for c in chains:
        if c:
            found.setdefault(c[:-1], set()).add(c[-1])
    return found


def _docs(
    chain: tuple[PyName, ...],
    below: set[PyName],
    used: set[str],
    groups: dict[tuple[PyName, ...], list[Operation]],
    api: Api,
    names: Names,
) -> ResourceDocs:
    """The docstrings of ``chain``'s resource; what it is comes from the tag named like it.

    ``below``: its children's names; ``used``: the tags of the operations at and below it.
    """
    about = next(
        (
            text.split("\n\n")[0]
            for tag, text in api.tags
            if chain and text and tag in used and snake_case(tag) == chain[-1]
        ),
        "",
    )
    methods = [names.operations[op.operation_id].method for op in groups.get(chain, [])]
    return resource_docs(chain, methods, sorted(below), " ".join(about.split()))


def _child(
    chain: tuple[PyName, ...],
    child: PyName,
    names: Names,
    docs: dict[tuple[PyName, ...], ResourceDocs],
) -> ChildView:
    """The attribute of ``chain``'s class for its sub-resource ``child``."""
    class_name = names.groups[chain + (child,)].resource_class
    if chain:
        return ChildView(child, class_name)
    module = names.resource_module(child)
    summary = docs[chain + (child,)].summary
    doc = docstring(fill(f"{summary} Loaded on first use (module ``{module}``).", 8))
    return ChildView(child, class_name, module, doc)


def _imports(annotator: Annotator, resources: list[ResourceView]) -> str:
    """The import block of the client module holding ``resources``."""
    pages = any(o.paginated for r in resources for o in r.operations)
    is_client = any(r.is_root for r in resources)
    wanted = [Import(module) for module in annotator.modules]
    if pages:  # the iterators of ``*_all``
        wanted += names_from("collections.abc", ["AsyncIterator", "Iterator"])
    if is_client:  # _client.py: its settings, lazy resource properties and transport
        wanted += [Import("os"), Import("collections.abc", "Mapping"), Import("httpx")]
        if any(r.children for r in resources):
            wanted.append(Import("functools"))
    wanted += names_from("typing", annotator.typing)
    wanted.append(Import("..", "_runtime", "rt"))
    models = annotator.models.imports(annotator.model_names)
    for module, classes in models:
        wanted += names_from(f"..models.{module}", classes)
    return import_block(wanted, exploded={f"..models.{module}" for module, _ in models})


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
        content_type_annotation=unshadow(op.content_type_annotation, methods),
    )
    annotator.note(fixed.return_annotation)
    annotator.note(fixed.item_annotation)
    for arg in fixed.positional + fixed.keyword:
        annotator.note(arg.annotation)
    if fixed.body:
        annotator.note(fixed.body.annotation)
    if fixed.content_type_arg:
        annotator.note(fixed.content_type_annotation)
    return fixed


def _example(api: Api, names: Names, ops: dict[str, ClientOpView]) -> str:
    """The call the README and the docstrings show: the first GET, else the first operation;
    a required body and required keyword arguments spelt ``...`` ("" without operations)."""
    op = next((o for o in api.operations if o.method == "GET"), None)
    op = op or (api.operations[0] if api.operations else None)
    if op is None:
        return ""
    n, view = names.operations[op.operation_id], ops[op.operation_id]
    args = [literal(p.name) for p in op.parameters if p.location == "path"]
    args += ["..."] if view.body is not None and view.body.required else []
    args += [f"{a.py_name}=..." for a in view.keyword if a.required]
    return "client." + ".".join([*n.resource, n.method]) + f"({', '.join(args)})"
