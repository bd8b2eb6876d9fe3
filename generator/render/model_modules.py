"""The classes of one flavour, placed in modules -> the views of a package's ``models/`` folder.

``models/`` holds one module per group that has models of its own, ``_shared_*`` (models
of several groups, one module per set, named after it), ``_helpers`` (the static helpers the others import) and
an ``__init__`` that exports every class lazily: ``from <pkg>.models import X`` imports
X's module the first time, and mypy and IDEs see every class through ``TYPE_CHECKING``
imports. Within a module, classes come in dependency order, so only a cycle needs a
forward reference (quoted in a ``RootModel[...]`` base; pydantic resolves it in the
module's namespace on first use: the models are deferred).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import groupby

from apiforge.naming.names import (
    HELPERS_MODELS_MODULE,
    ROOT_MODELS_MODULE,
    UNUSED_MODELS_MODULE,
)
from apiforge.render.escape import docstring, literal
from apiforge.render.model_types import bare_forward, runtime, walk
from apiforge.render.model_views import ClassEntry, ClassView


@dataclass(frozen=True)
class ModuleView:
    """One module of ``models/``: its docstring, import lines and classes in definition order."""

    doc: str
    imports: tuple[str, ...]
    classes: tuple[ClassView, ...]


@dataclass(frozen=True)
class HelpersView:
    """``models/_helpers.py``: which static helpers the package's modules use."""

    server: bool
    enums: bool
    omittable: bool
    formats: bool
    email: bool
    one_of: bool
    optional_tags: bool


@dataclass(frozen=True)
class ExportView:
    """The classes ``models/__init__.py`` re-exports from one module (sorted)."""

    module: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class InitView:
    """``models/__init__.py``: every class, the module it lives in, and the re-exports."""

    exports: tuple[ExportView, ...]
    names: tuple[str, ...]  # every class, in the order ruff keeps ``__all__`` (RUF022)
    table: tuple[tuple[str, str], ...]  # (class, module) as literals, for the lazy lookup


def init_view(home: dict[str, str]) -> InitView:
    """The view of ``models/__init__.py`` from each class's module."""
    by_module: dict[str, list[str]] = {}
    for name, module in home.items():
        by_module.setdefault(module, []).append(name)
    exports = tuple(ExportView(m, tuple(sorted(by_module[m]))) for m in sorted(by_module))
    names = tuple(sorted(home, key=_isort_style))
    return InitView(exports, names, tuple((literal(n), literal(home[n])) for n in names))


def helpers_view(used: set[str], server: bool) -> HelpersView | None:
    """The view of ``models/_helpers.py`` given the helpers the modules use (None: none)."""
    if not used:
        return None
    return HelpersView(
        server=server,
        enums="_open_enum_member" in used,
        omittable="_Omittable" in used,
        formats=bool(used & {"_Format", "_Email"}),
        email="_Email" in used,
        one_of="_OneOf" in used,
        optional_tags="_undocumented_default" in used,
    )


_DIGITS = frozenset("0123456789")


def _isort_style(name: str) -> tuple[int, list[tuple[int, int, int] | tuple[int, str]]]:
    """The order ruff's RUF022 keeps ``__all__`` in: constants, classes, the rest; digits by value."""
    kind = 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2
    if _DIGITS.isdisjoint(name):  # the usual case: one run of text
        return kind, [(1, name)] if name else []
    key: list[tuple[int, int, int] | tuple[int, str]] = []
    for digits, run in groupby(name, key=lambda c: "0" <= c <= "9"):
        text = "".join(run)
        # a run of digits compares as a number, and before any letter
        key.append((0, len(text), int(text)) if digits else (1, text))
    return kind, key


def module_view(
    module: str,
    entries: list[ClassEntry],
    home: dict[str, str],
    server: bool,
    users: tuple[str, ...] = (),
) -> ModuleView:
    """One module's view: ``entries`` are its classes, ``home`` every class's module, ``users``
    the groups whose operations reach it."""
    names = {e.name for e in entries}
    imported = sorted({d for e in entries for d in e.deps if d not in names and d in home})
    defined = set(imported)  # names from other modules are bound before any class here
    classes: list[ClassView] = []
    unions = False  # a RootModel base spells a union holding a forward reference as Union[...]
    for entry in _ordered(entries):
        view = entry.view
        if entry.root is not None:
            unions = unions or any(bare_forward(u, defined) for u in walk(entry.root))
            view = replace(view, base=f"RootModel[{runtime(entry.root, defined)}]")
        defined.add(entry.name)
        classes.append(view)
    lines = set(_imports(entries, classes, unions))
    for other in sorted({home[n] for n in imported}):
        lines.add(f"from .{other} import {', '.join(n for n in imported if home[n] == other)}")
    helpers = sorted({h for e in entries for h in e.helpers})
    if helpers:
        lines.add(f"from .{HELPERS_MODELS_MODULE} import {', '.join(helpers)}")
    return ModuleView(_doc(module, server, users), tuple(sorted(lines)), tuple(classes))


def _doc(module: str, server: bool, users: tuple[str, ...]) -> str:
    kind = "group" if server else "resource"
    if module == UNUSED_MODELS_MODULE:
        text = "Models no operation uses (nor anything an operation uses)."
    elif module == ROOT_MODELS_MODULE:
        text = "Models only ``Client``'s own operations use (``client/_client.py``)."
    elif users == (module,):
        where = "" if server else f", loaded with ``client/{module}.py``"
        text = f"Models only the ``{module}`` {kind} uses{where}."
    else:
        named = [f"``{u}``" for u in users if u]
        shown = ", ".join(named[:8]) + (f" and {len(named) - 8} more" if len(named) > 8 else "")
        unused = " and models no operation uses" if "" in users else ""
        text = (
            f"Models the {kind}s {shown}{unused} use; the modules of those that use more"
            " import from this one."
        )
    return docstring(text)


def _ordered(entries: list[ClassEntry]) -> list[ClassEntry]:
    """Entries with what each one refers to first (spec order otherwise; a cycle is cut where it closes)."""
    by_name = {e.name: e for e in entries}
    position = {e.name: i for i, e in enumerate(entries)}  # of the entry by_name holds
    done: set[str] = set()
    visiting: set[str] = set()
    result: list[ClassEntry] = []

    def visit(entry: ClassEntry) -> None:
        if entry.name in done or entry.name in visiting:
            return
        visiting.add(entry.name)
        for dep in sorted(entry.deps, key=lambda n: position.get(n, 0)):
            if dep in by_name:
                visit(by_name[dep])
        visiting.discard(entry.name)
        done.add(entry.name)
        result.append(entry)

    for entry in entries:
        visit(entry)
    return result


_PYDANTIC_NAMES = ("AnyUrl", "AwareDatetime")
_MODULES = {
    "_dt.": "import datetime as _dt",
    "_uuid.": "import uuid as _uuid",
    "_ipaddress.": "import ipaddress as _ipaddress",
}


def _imports(entries: list[ClassEntry], classes: list[ClassView], forwards: bool) -> list[str]:
    """The module's import lines of the standard library, typing and pydantic."""
    parts = [u.parts for e in entries for u in e.types]
    names: set[str] = set().union(*(bare for _, bare, _, _ in parts))
    metas: set[str] = set().union(*(heads for _, _, heads, _ in parts))
    lines = {line for prefix, line in _MODULES.items() if any(n.startswith(prefix) for n in names)}
    typing = {"Any"} & names
    if any(literal for _, _, _, literal in parts):
        typing.add("Literal")
    if forwards:
        typing.add("Union")
    if any(c.kind == "enum" for c in classes):
        typing.add("Any")
        enums = {"IntEnum" if c.base == "IntEnum" else "Enum" for c in classes if c.kind == "enum"}
        lines.add(f"from enum import {', '.join(sorted(enums))}")
    if typing:
        lines.add(f"from typing import {', '.join(sorted(typing))}")
    if metas:
        lines.add("from typing import Annotated as _Annotated")
    pydantic = {n for n in _PYDANTIC_NAMES if n in names}
    if any(c.kind == "model" for c in classes):
        pydantic.add("BaseModel")
    if any(c.config for c in classes):
        pydantic.add("ConfigDict")
    if any(c.kind == "root" for c in classes):
        pydantic.add("RootModel")
    if (
        "Field" in metas
        or any(f.value.startswith("Field(") for c in classes for f in c.fields)
        or any(c.extra for c in classes)
    ):
        pydantic.add("Field")
    if pydantic:
        lines.add(f"from pydantic import {', '.join(sorted(pydantic))}")
    return sorted(lines)
