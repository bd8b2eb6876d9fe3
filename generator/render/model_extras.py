"""What a model class adds to its fields in one flavour, and the helpers of ``models/_helpers.py``
that takes.

A closed client class reads a newer server's reply (``_unknown_keys_read``); an optional
field that may not be null is ``_Omittable`` (and the client's class leaves its None out
of dumps, ``_without_nulls``); a split class drops the names it leaves out from its
input (``_without_keys``, :func:`left_out_names`); ``minProperties``/``maxProperties``
count an input's keys (``_property_count``).

A component with a ``readOnly`` or ``writeOnly`` property becomes a ``*Request`` and a
``*Response`` class (``ir/shapes.split_keys``): the request class leaves out the former,
the response class the latter. Where the component keeps undeclared properties
(``additionalProperties``), a left-out property would ride along as an extra: a
``writeOnly`` password handed to the server's response class in a dict went out in the
reply, a ``readOnly`` id given to the client's request class was sent. The server's
classes and the client's request classes drop these names from their input; the
client's response classes keep what a server sends.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from apiforge.ir.shapes import Prop, Shape
from apiforge.naming.names import Names
from apiforge.render.escape import literal


@dataclass(frozen=True)
class ModelHooks:
    """What a model class adds to its fields.

    Attributes:
        reads_closed: client: closed (``additionalProperties: false``) yet reads a newer
            server's reply.
        omits_none: client: a serializer leaves its None ``_Omittable`` fields out of dumps.
        left_out: literals of the names its input loses (:func:`left_out_names`), or "".
        counted: ``_property_count``'s arguments (``minProperties``/``maxProperties``), or "".
        helpers: the names of ``models/_helpers.py`` these take.
    """

    reads_closed: bool
    omits_none: bool
    left_out: str
    helpers: frozenset[str]
    counted: str = ""


def model_hooks(
    shape: Shape,
    kept: list[Prop],
    names: Names,
    annotations: Iterable[str],
    server: bool,
    request: bool,
) -> ModelHooks:
    """The hooks of a class of ``shape`` keeping ``kept``, its fields annotated ``annotations``.

    ``request``: the class is a split component's ``*Request`` variant.
    """
    helpers: set[str] = set()
    reads_closed = shape.extra == "forbid" and not server
    if reads_closed:
        helpers.add("_unknown_keys_read")
    omits = any(a.startswith("_Omittable[") for a in annotations)
    if omits:
        helpers.add("_Omittable")
        if not server:
            helpers.add("_without_nulls")
    left_out = left_out_names(shape, kept, names) if server or request else ""
    if left_out:
        helpers.add("_without_keys")
    counted = property_count(shape)
    if counted:
        helpers.add("_property_count")
    return ModelHooks(reads_closed, omits and not server, left_out, frozenset(helpers), counted)


def property_count(shape: Shape) -> str:
    """``_property_count``'s arguments for an object's ``minProperties``/``maxProperties``
    (``minimum=1, maximum=3``), "" without either (a ``Field`` cannot count a model's keys)."""
    bounds = []
    for keyword, argument in (("minProperties", "minimum"), ("maxProperties", "maximum")):
        value = shape.schema.get(keyword)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            bounds.append(f"{argument}={value}")
    return ", ".join(bounds)


def left_out_names(shape: Shape, kept: list[Prop], names: Names) -> str:
    """The literals of the names a class of ``shape`` keeping only ``kept`` must drop ("": none).

    A class that keeps no extras, or every property, drops nothing. Each left-out property
    is dropped by its wire name and by the Python name a keyword argument would use,
    unless a kept field reads that name.
    """
    if shape.extra != "allow" or len(kept) == len(shape.properties):
        return ""
    fields = names.fields[shape.key]
    kept_ids = {id(prop) for prop in kept}
    taken = {prop.name for prop in kept} | {fields[prop.name] for prop in kept}
    dropped: dict[str, None] = {}
    for prop in shape.properties:
        if id(prop) not in kept_ids:
            dropped.update(
                dict.fromkeys(n for n in (prop.name, fields[prop.name]) if n not in taken)
            )
    return ", ".join(literal(name) for name in dropped)
