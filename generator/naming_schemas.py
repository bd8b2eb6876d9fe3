"""Naming helpers for schemas: parameter schemas' class names and enum member names.

Part of the naming pass (:mod:`generator.naming` calls these and re-exports
:func:`enum_member_names`); split out only to keep modules small.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from generator.naming import ClassName, PyName, class_name, py_name, unique, words

if TYPE_CHECKING:
    from generator.ir.model import Api


_DRF_CHOICE = re.compile(r"^\s*\*\s*`([^`]*)`\s+-\s+(.+?)\s*$")


def enum_member_names(values: Iterable[object], varnames: Iterable[str] = (), description: str = "") -> tuple[PyName, ...]:
    """A member name for each enum value, unique, as a reviewer would write it.

    In order of preference: the spec's ``x-enum-varnames``; for values that are not
    strings, the labels of a Django REST framework description (``* `21` - Can view
    dashboard`` -> ``can_view_dashboard``) when every value has one of at most six words;
    the value itself for a string (``queued``); ``value_21`` / ``value_minus_1`` /
    ``value_1_5`` for numbers; ``true``/``false``/``none`` otherwise.
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
    taken: set[str] = set()
    names = []
    for index, value in enumerate(values):
        name: str
        if hints:
            name = py_name(hints[index])
        elif isinstance(value, bool) or value is None:
            name = py_name(str(value).lower())
        elif isinstance(value, (int, float)):
            name = "value_" + str(value).replace("-", "minus_").replace(".", "_").replace("+", "")
        else:
            name = py_name(str(value))
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
        if len(tokens) == 5 and tokens[1:3] == ["components", "parameters"] and tokens[4] == "schema":
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
