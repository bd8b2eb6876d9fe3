"""Stage 4a, models: component schemas -> the client's and the server's pydantic v2 ``models.py``.

Both modules are rendered from the same shapes (``ir/shapes.py``: one class per
component, allOf merged) by ``templates/models/models.py.jinja``, each from its own
view (``render/model_views.py``). The client's enums are open: an unknown value from a
newer server becomes a pseudo-member instead of an error; its fields are lenient
(a stray null, an out-of-range number or an odd address never breaks a caller). The
server's module closes the enums (a request with a value the spec does not list is
answered 422) and is as strict as the spec in what pydantic does not spell by itself:
optional but never null (``_Omittable``), every ``format`` (``_Format``, int32/int64
ranges checked, ``_Email``), ``oneOf`` (``_OneOf``: exactly one member matches).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from apiforge.diagnostics import Sink
from apiforge.ir.shapes import Shape, split_keys
from apiforge.naming.names import Names
from apiforge.naming.words import ClassName

Role = Literal["request", "response"]

_EMPTY = "from __future__ import annotations\n"


@dataclass(frozen=True)
class ModelsModule:
    """The rendered models modules and how each component maps to its classes."""

    source: str  # the client's: open enums
    classes: frozenset[str]
    names: dict[str, ClassName]  # component key -> base class name
    server_source: str = ""  # the server's: closed enums (an unknown value in a request is a 422)
    variants: dict[str, tuple[ClassName, ClassName]] | None = (
        None  # split components: request, response
    )
    enums: frozenset[str] = frozenset()  # the classes that are real Enum classes

    def class_for(self, key: str, role: Role) -> str:
        """The class to use for a component in a request body or a response."""
        pair = (self.variants or {}).get(key)
        if pair is not None:
            return pair[0] if role == "request" else pair[1]
        return self.names[key]


def render_models(shapes: dict[str, Shape], names: Names, sink: Sink) -> ModelsModule:
    """Render every component into the client's and the server's module."""
    from apiforge.render.env import render_template
    from apiforge.render.model_views import module_view

    if not shapes:
        return ModelsModule(_EMPTY, frozenset(), dict(names.schemas), _EMPTY)
    split = split_keys(shapes)
    client = module_view(shapes, names, split, server=False, sink=sink)
    server = module_view(shapes, names, split, server=True, sink=Sink())
    classes = frozenset(c.name for c in client.classes)
    enums = frozenset(c.name for c in client.classes if c.kind == "enum")
    variants = {k: v for k, v in names.variants.items() if k in split}
    return ModelsModule(
        render_template("models/models.py.jinja", view=client),
        classes,
        {k: v for k, v in names.schemas.items() if k in shapes},
        render_template("models/models.py.jinja", view=server),
        variants,
        enums,
    )
