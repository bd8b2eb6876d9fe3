"""Naming helpers: package stems from titles, action methods, parameter schemas' and enum members' names.

Part of the naming pass (:mod:`apiforge.naming.names` and :mod:`apiforge.naming.resources`
call these; :mod:`apiforge.config.targets` asks for :func:`package_stem`).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from apiforge.naming.reserved import ENUM_ATTRIBUTES
from apiforge.naming.words import (
    ClassName,
    PyName,
    ascii_text,
    class_name,
    identifier,
    py_name,
    unique,
    words,
)

if TYPE_CHECKING:
    from apiforge.ir.model import Api


_DRF_CHOICE = re.compile(r"^\s*\*\s*`([^`]*)`\s+-\s+(.+?)\s*$")


def enum_member_names(
    values: Iterable[object], varnames: Iterable[str] = (), description: str = ""
) -> tuple[PyName, ...]:
    """A member name for each enum value, unique, as a reviewer would write it.

    In order of preference: the spec's ``x-enum-varnames``; for values that are not
    strings, the labels of a Django REST framework description (``* `21` - Can view
    dashboard`` -> ``can_view_dashboard``) when every value has one of at most six words;
    a string value as an identifier (``queued``); ``value_21`` / ``value_minus_1`` for
    integers; other values prefixed by their type (``float_1_5``, ``bool_True``).
    """
    values = list(values)
    hints = list(varnames)
    if len(hints) != len(values):
        hints = []
    if not hints and not all(isinstance(v, str) for v in values):
        labels = {}
        for line in description.splitlines():
            match = _DRF_CHOICE.match(line)
            if match:
                labels[match.group(1)] = match.group(2)
        chosen = [labels.get(str(v), "") for v in values]
        if all(chosen) and all(len(words(label)) <= 6 for label in chosen):
            hints = chosen
    only_ints = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
    taken: set[str] = set()
    names = []
    for index, value in enumerate(values):
        name: str
        if hints:
            name = py_name(hints[index])
        elif isinstance(value, str):
            name = identifier(value)
        elif only_ints:
            name = "value_" + str(value).replace("-", "minus_")
        else:
            name = identifier(f"{type(value).__name__}_{value}")
        if keyword.iskeyword(name) or name in ENUM_ATTRIBUTES:
            name += "_"
        names.append(PyName(unique(name, taken)))
    return tuple(names)


def parameter_schema_names(
    api: Api, places: dict[str, tuple[tuple[PyName, ...], PyName]]
) -> dict[str, ClassName]:
    """Better names for the schemas of parameters than the first operation that used one.

    A schema written inside a reusable parameter (``components/parameters/DashboardFormat``)
    is named after that parameter (``DashboardFormat``); one written inline and shared by
    several operations after the resource they have in common and the parameter
    (``Dashboards`` + ``format``), not after whichever operation came first.
    """
    users: dict[str, list[tuple[str, str]]] = {}  # schema key -> (operation id, parameter name)
    for op in api.operations:
        for param in op.parameters:
            if param.type.kind == "model" and param.type.model in api.schemas:
                users.setdefault(param.type.model, []).append((op.operation_id, param.name))
    found: dict[str, ClassName] = {}
    for key, uses in users.items():
        tokens = api.schemas[key].spec_location.pointer.split("/")
        if (
            len(tokens) == 5
            and tokens[1:3] == ["components", "parameters"]
            and tokens[4] == "schema"
        ):
            found[key] = class_name(tokens[3].replace("~1", "/").replace("~0", "~"))
        elif len({op for op, _ in uses}) > 1 and len({name for _, name in uses}) == 1:
            chains = [places[op][0] for op, _ in uses]
            common: list[str] = []
            for parts in zip(*chains):
                if len(set(parts)) > 1:
                    break
                common.append(parts[0])
            found[key] = class_name("_".join([*common, uses[0][1]]))
    return found


_GENERIC_TITLE_WORDS = frozenset(
    {"api", "apis", "rest", "openapi", "swagger", "spec", "specification", "the"}
)


def package_stem(text: str) -> str:
    """The stem of default package and variable names: ``PostHog API`` -> ``posthog``.

    Words are split at spaces and punctuation only (``PostHog`` stays one word), generic
    words at the end (``API``, ``REST API``, ``OpenAPI spec``) are dropped, and a stem
    that would start with a digit gets ``api_``. Empty when nothing usable is left.
    """
    found = [w.lower() for w in re.split(r"[^0-9A-Za-z]+", ascii_text(text)) if w]
    while len(found) > 1 and found[-1] in _GENERIC_TITLE_WORDS:
        found.pop()
    while found and found[0] == "the":
        found.pop(0)
    if found == ["openapi"] or found == ["api"] or found == ["swagger"]:
        return ""
    stem = "_".join(found)
    return "api_" + stem if stem[:1].isdigit() else stem


_ACTION_SUFFIXES = ("partial_update", "update", "create", "retrieve", "list", "destroy")


def without_repeated_verb(method: str) -> str:
    """``create_from_template_json_create`` -> ``create_from_template_json``.

    Django REST framework ids end custom actions with the HTTP verb's action name; when
    the method already starts with that verb, saying it twice only adds noise.
    """
    for suffix in _ACTION_SUFFIXES:
        head, verb = method.removesuffix("_" + suffix), suffix.split("_")[-1]
        if head != method and (head == verb or head.startswith(verb + "_")):
            return head
    return method
