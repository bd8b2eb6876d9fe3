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
from apiforge.render.imports import Import, import_block, names_from
from apiforge.render.model_types import bare_forward, runtime, walk
from apiforge.render.model_views import ClassEntry, ClassView


@dataclass(frozen=True)
class ModuleView:
    """One module of ``models/``: its docstring, import block and classes in definition order."""

    doc: str
    imports: str  # "" when the module imports nothing
    classes: tuple[ClassView, ...]


@dataclass(frozen=True)
class HelpersView:
    """``models/_helpers.py``: which static helpers the package's modules use."""

    server: bool
    enums: bool
    omittable: bool
    formats: bool
    email: bool
    datetime: bool
    uri: bool
    closed: bool  # client: closed models that read a newer server's reply
    null_default: bool  # client: a reply's null reads as the field's default
    one_of: bool
    unique_items: bool
    bounds: bool  # ``_Bounds``: bounds on a value of several JSON types
    optional_tags: bool
    file: bool  # client: ``_File``, a ``format: binary`` property
    without_keys: bool
    property_count: bool  # ``_property_count``: minProperties/maxProperties of a model
    imports: str


@dataclass(frozen=True)
class InitView:
    """``models/__init__.py``: every class, the module it lives in, and the re-exports."""

    exports: str  # the import block of every class, for type checkers ("": no class)
    names: tuple[str, ...]  # every class, in the order ruff keeps ``__all__`` (RUF022)
    table: tuple[tuple[str, str], ...]  # (class, module) as literals, for the lazy lookup


def init_view(home: dict[str, str]) -> InitView:
    """The view of ``models/__init__.py`` from each class's module."""
    modules = {f".{module}" for module in home.values()}
    exports = import_block((Import(f".{m}", n) for n, m in home.items()), "    ", modules)
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
        formats=bool(used & {"_Format", "_Email", "_Uri"}),
        email="_Email" in used,
        datetime="_Datetime" in used,
        uri="_Uri" in used,
        closed=bool(used & {"_unknown_keys_read", "_KnownKeysRead"}),
        null_default="_NullDefault" in used,
        one_of="_OneOf" in used,
        unique_items="_UniqueItems" in used,
        bounds="_Bounds" in used,
        optional_tags="_undocumented_default" in used,
        file="_File" in used,
        without_keys="_without_keys" in used,
        property_count="_property_count" in used,
        imports=import_block(_helper_imports(used, server)),
    )


def _helper_imports(used: set[str], server: bool) -> list[Import]:
    """What ``models/_helpers.py`` imports for the helpers it holds (:data:`_HELPER_IMPORTS`)."""
    # The server's _Omittable rejects null (a validator and a JSON schema); the client's
    # drops it on dumps: two sets of imports.
    flavour = ":server" if server else ":client"
    names = sorted(name + flavour if name == "_Omittable" else name for name in used)
    return list(dict.fromkeys(i for name in names for i in _HELPER_IMPORTS.get(name, ())))


def _typing(name: str) -> Import:
    return Import("typing", name, "_" + name)


def _pydantic(name: str, module: str = "pydantic") -> Import:
    return Import(module, name, "_" + name)


_CORE = (  # what a type with its own core and JSON schema needs
    _typing("Any"),
    _pydantic("GetCoreSchemaHandler"),
    _pydantic("GetJsonSchemaHandler"),
    _pydantic("JsonSchemaValue", "pydantic.json_schema"),
    _pydantic("CoreSchema", "pydantic_core"),
    _pydantic("PydanticCustomError", "pydantic_core"),
    Import("pydantic_core", "core_schema", "_core_schema"),
)
_FORMAT = (_typing("Annotated"), *_CORE, Import("base64", alias="_base64"))
_AFTER = _pydantic("AfterValidator")
_READS_REPLY = (_pydantic("ValidationInfo"),)  # the helpers reading replies leniently
_LENIENT_FORMAT = (_AFTER, _typing("Annotated"), _pydantic("PydanticCustomError", "pydantic_core"))
_KNOWN_KEYS = (
    *_READS_REPLY,
    _pydantic("GetCoreSchemaHandler"),
    _pydantic("ValidationError"),
    _pydantic("CoreSchema", "pydantic_core"),
    _typing("Any"),
    _pydantic("BaseModel"),
    _pydantic("model_validator"),
    Import("pydantic_core", "core_schema", "_core_schema"),
)
_HELPER_IMPORTS: dict[str, tuple[Import, ...]] = {
    "_open_enum_member": (Import("enum", "Enum"), Import("typing", "Any")),
    "_Omittable:server": (
        _typing("Annotated"),
        *_CORE,
        _typing("TypeVar"),
        _pydantic("Field"),
        _pydantic("JsonDict", "pydantic.config"),
    ),
    "_Omittable:client": (
        _typing("Annotated"),
        _typing("Any"),
        _typing("TypeVar"),
        _pydantic("BaseModel"),
        _pydantic("SerializationInfo"),
        _pydantic("SerializerFunctionWrapHandler"),
        _pydantic("model_serializer"),
    ),
    "_undocumented_default": (_pydantic("JsonDict", "pydantic.config"),),
    "_Format": _FORMAT,
    "_Email": (*_FORMAT, _AFTER),
    "_Uri": (
        *_FORMAT,
        *_LENIENT_FORMAT,
        *_READS_REPLY,
        _pydantic("AnyUrl"),
        _pydantic("TypeAdapter"),
        _pydantic("ValidationError"),
    ),
    "_Datetime": (*_LENIENT_FORMAT, *_READS_REPLY, Import("datetime", alias="_dt")),
    "_OneOf": (
        _pydantic("GetJsonSchemaHandler"),
        _pydantic("JsonSchemaValue", "pydantic.json_schema"),
        _pydantic("CoreSchema", "pydantic_core"),
    ),
    "_UniqueItems": (*_CORE, _pydantic("TypeAdapter")),
    "_Bounds": (
        *_CORE,
        Import("collections.abc", "Callable", "_Callable"),
        _pydantic("SchemaValidator", "pydantic_core"),
        _pydantic("PydanticKnownError", "pydantic_core"),
        _pydantic("ValidationError"),
    ),
    "_unknown_keys_read": _KNOWN_KEYS,
    "_KnownKeysRead": _KNOWN_KEYS,
    "_File": (_typing("IO"), _typing("Annotated"), _pydantic("RootModel"), *_CORE),
    "_NullDefault": (
        *_READS_REPLY,
        _typing("Annotated"),
        _typing("Any"),
        _typing("TypeVar"),
        _pydantic("BeforeValidator"),
        _pydantic("PydanticUseDefault", "pydantic_core"),
    ),
    "_property_count": (
        Import("collections.abc", "Mapping", "_Mapping"),
        _typing("Any"),
        _pydantic("model_validator"),
        _pydantic("PydanticCustomError", "pydantic_core"),
    ),
    "_without_keys": (
        Import("collections.abc", "Mapping", "_Mapping"),
        _typing("Any"),
        _pydantic("model_validator"),
    ),
}
"""The imports each helper of ``models/_helpers.py`` needs (keys: the names ``used`` holds)."""
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
    wanted = _imports(entries, classes, unions)
    for name in imported:
        wanted.append(Import(f".{home[name]}", name))
    wanted += names_from(f".{HELPERS_MODELS_MODULE}", {h for e in entries for h in e.helpers})
    return ModuleView(_doc(module, server, users), import_block(wanted), tuple(classes))


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
_MODULES = {"_dt.": "datetime", "_uuid.": "uuid", "_ipaddress.": "ipaddress"}  # by alias


def _imports(entries: list[ClassEntry], classes: list[ClassView], forwards: bool) -> list[Import]:
    """The module's imports of the standard library, typing and pydantic."""
    parts = [u.parts for e in entries for u in e.types]
    names: set[str] = set().union(*(bare for _, bare, _, _ in parts))
    metas: set[str] = set().union(*(heads for _, _, heads, _ in parts))
    wanted = [
        Import(module, alias=prefix[:-1])
        for prefix, module in _MODULES.items()
        if any(n.startswith(prefix) for n in names)
    ]
    typing = {"Any"} & names
    if any(literal for _, _, _, literal in parts):
        typing.add("Literal")
    if forwards:
        typing.add("Union")
    if any(c.kind == "enum" for c in classes):
        typing.add("Any")
        wanted += names_from(
            "enum",
            {"IntEnum" if c.base == "IntEnum" else "Enum" for c in classes if c.kind == "enum"},
        )
    wanted += names_from("typing", typing)
    if metas:
        wanted.append(Import("typing", "Annotated", "_Annotated"))
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
    return wanted + names_from("pydantic", pydantic)
