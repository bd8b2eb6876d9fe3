"""The properties a split class leaves out, which its extras (``extra="allow"``) must not keep.

A component with a ``readOnly`` or ``writeOnly`` property becomes a ``*Request`` and a
``*Response`` class (``ir/shapes.split_keys``): the request class leaves out the former,
the response class the latter. Where the component keeps undeclared properties
(``additionalProperties``), a left-out property would ride along as an extra: a
``writeOnly`` password handed to the server's response class in a dict went out in the
reply. The server's class drops these names from its input (``_without_keys``).
"""

from __future__ import annotations

from apiforge.ir.shapes import Prop, Shape
from apiforge.naming.names import Names
from apiforge.render.escape import literal


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
