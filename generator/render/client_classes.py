"""The sync and async flavours of the client's classes, as views of finished strings.

``Client``/``AsyncClient`` and every ``XResource``/``AsyncXResource`` pair are written
once in the templates (``client/method.py.jinja`` renders any class's methods) and
rendered once per :class:`Flavour`: what differs between the twins (``async def``,
``await``, the iterator type, the httpx classes) is data here, not a second copy
of the template.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from apiforge.render.client_ops import ClientOpView
from apiforge.render.escape import docstring
from apiforge.render.imports import Import, import_block


@dataclass(frozen=True)
class Flavour:
    """What differs between a sync class and its async twin."""

    prefix: str  # of the class names: "" or "Async"
    define: str  # "def" or "async def"
    awaits: str  # "" or "await "
    iterator: str  # the ``*_all`` methods' return type: "Iterator" or "AsyncIterator"
    client_base: str  # the runtime base class the client extends / a resource is handed
    http_client: str  # the ``http_client`` argument's type
    transport: str  # the ``transport`` argument's type
    is_sync: bool


SYNC = Flavour(
    "", "def", "", "Iterator", "rt.SyncClientBase", "httpx.Client", "httpx.BaseTransport", True
)
ASYNC = Flavour(
    "Async",
    "async def",
    "await ",
    "AsyncIterator",
    "rt.AsyncClientBase",
    "httpx.AsyncClient",
    "httpx.AsyncBaseTransport",
    False,
)
FLAVOURS = (SYNC, ASYNC)


@dataclass(frozen=True)
class MethodView:
    """One method of one flavour: ``{define} {name}(<op's arguments>) -> {returns}``."""

    op: ClientOpView
    define: str
    name: str
    returns: str
    invoke: str  # the runtime call it returns, e.g. ``await self._client._call``
    pages: bool  # the ``*_all`` iterator over every page's items (else the operation itself)


@dataclass(frozen=True)
class ChildView:
    """A sub-resource attribute of a class.

    A top-level resource (a child of ``Client``) lives in its own module ``module``
    and is a lazy property importing that module on first access (``doc`` is the
    property's docstring); deeper ones are assigned in ``__init__``.
    """

    attr: str
    class_name: str
    module: str = ""
    doc: str = ""
    import_line: str = ""  # the lazy property's import of ``module`` (top-level ones)


@dataclass(frozen=True)
class ClassView:
    """One flavour of a resource class or of the client."""

    name: str
    doc: str
    flavour: Flavour
    children: list[ChildView]
    methods: list[MethodView]


def flavoured(
    class_name: str,
    doc: str,
    children: Sequence[ChildView],
    operations: Sequence[ClientOpView],
    is_root: bool,
) -> list[ClassView]:
    """The sync and the async class of a resource (or of the client when ``is_root``)."""
    receiver = "self" if is_root else "self._client"
    classes = []
    for flavour in FLAVOURS:
        methods = []
        for op in operations:
            methods.append(
                MethodView(
                    op,
                    flavour.define,
                    op.method,
                    op.return_annotation,
                    f"{flavour.awaits}{receiver}._call",
                    False,
                )
            )
            if op.paginated:
                methods.append(
                    MethodView(
                        op,
                        "def",
                        op.all_method,
                        f"{flavour.iterator}[{op.item_annotation}]",
                        f"{receiver}._paginate",
                        True,
                    )
                )
        classes.append(
            ClassView(
                name=flavour.prefix + class_name,
                doc=doc if flavour.is_sync else f"The async twin of :class:`{class_name}`.",
                flavour=flavour,
                children=[
                    ChildView(
                        c.attr,
                        flavour.prefix + c.class_name,
                        c.module,
                        c.doc,
                        _lazy_import(c.module, flavour.prefix + c.class_name),
                    )
                    for c in children
                ],
                methods=methods,
            )
        )
    return classes


def _lazy_import(module: str, class_name: str) -> str:
    """A lazy property's import of ``class_name`` from ``module`` ("" without a module)."""
    return import_block([Import(f".{module}", class_name)], " " * 8) if module else ""


@dataclass(frozen=True)
class ResourceDocs:
    """What a resource's docstrings say: where it is reached, what it is, what it offers."""

    cls: str  # the class docstring (escaped)
    summary: str  # its first paragraph, one line of raw text (``Client``'s lazy property says it)


def resource_docs(
    chain: Sequence[str], methods: Sequence[str], children: Sequence[str], about: str
) -> ResourceDocs:
    """``client.environments.dashboards``: list, create, retrieve; sub-resources: collaborators.

    ``about`` (spec text: the first paragraph of the resource's tag description) says
    what the resource is; the operations then follow in a paragraph of their own.
    """
    offers = []
    if methods:
        shown = ", ".join(methods[:8]) + (
            f" and {len(methods) - 8} more" if len(methods) > 8 else ""
        )
        offers.append(shown)
    if children:
        offers.append("sub-resources: " + ", ".join(children))
    offered = "; ".join(offers) or "no operations"
    where = f"``client.{'.'.join(chain)}``"
    if not about:
        first = f"{where}: {offered}."
        return ResourceDocs(docstring(fill(first, 4)), first)
    first = f"{where}: {about.rstrip('.')}."
    return ResourceDocs(
        docstring(f"{fill(first, 4)}\n\n    {fill(f'Operations: {offered}.', 4)}"), first
    )


def fill(text: str, indent: int) -> str:
    """``text`` wrapped for a docstring indented by ``indent`` spaces (lines up to 96 wide)."""
    return textwrap.fill(
        text, width=96 - indent, subsequent_indent=" " * indent, break_on_hyphens=False
    )
