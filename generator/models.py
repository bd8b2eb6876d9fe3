"""Stage 4a, models: component schemas -> the ``models/`` folder of the client and of the server.

Both folders are rendered from the same shapes (``ir/shapes.py``: one class per
component, allOf merged), each flavour from its own classes (``render/model_views.py``)
placed in modules per group (``render/model_layout.py``: a client resource module, a
server group; what several groups share in ``_shared``) and rendered by
``templates/models/`` (``render/model_modules.py``). The client's enums are open: an
unknown value from a newer server becomes a pseudo-member instead of an error; its
fields are lenient (a stray null, an out-of-range number or an odd address never
breaks a caller). The server's closes the enums (a request with a value the spec does
not list is answered 422) and is as strict as the spec in what pydantic does not spell
by itself: optional but never null (``_Omittable``), every ``format`` (``_Format``,
int32/int64 ranges checked, ``_Email``), ``oneOf`` (``_OneOf``: exactly one member
matches).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from generator.diagnostics import Sink
from generator.ir.shapes import Shape, split_keys
from generator.naming import ClassName, Names

if TYPE_CHECKING:
    from generator.ir.model import Api
    from generator.render.model_views import ClassEntry

Role = Literal["request", "response"]


@dataclass(frozen=True)
class ModelsModule:
    """The rendered ``models/`` folders and how each component maps to its classes and modules.

    Attributes:
        client_files, server_files: text keyed by path inside the package
            (``models/__init__.py``, ``models/_shared.py``, ``models/<group>.py``...).
        homes, server_homes: class -> the module of ``models/`` that defines it.
    """

    client_files: dict[str, str]
    server_files: dict[str, str]
    classes: frozenset[str]
    names: dict[str, ClassName]  # component key -> base class name
    variants: dict[str, tuple[ClassName, ClassName]]  # split components: request, response
    enums: frozenset[str]  # the classes that are real Enum classes
    homes: dict[str, str]
    server_homes: dict[str, str]

    def class_for(self, key: str, role: Role) -> str:
        """The class to use for a component in a request body or a response."""
        pair = self.variants.get(key)
        if pair is not None:
            return pair[0] if role == "request" else pair[1]
        return self.names[key]

    def layout(self, server: bool = False) -> list[tuple[str, str]]:
        """``(file of models/, what it holds)`` for a package README, the shared module first."""
        from generator.naming import ROOT_MODELS_MODULE, SHARED_MODELS_MODULE

        homes = self.server_homes if server else self.homes
        counts: dict[str, int] = {}
        for module in homes.values():
            counts[module] = counts.get(module, 0) + 1
        rows = [("__init__.py", "every model, exported lazily (loads its module on first use)")]
        for module in sorted(counts, key=lambda m: (m != SHARED_MODELS_MODULE, m)):
            if module == SHARED_MODELS_MODULE:
                users = f"several {'groups' if server else 'resources'} use (or none)"
            elif module == ROOT_MODELS_MODULE:
                users = "only Client's own operations use"
            else:
                users = f"only the {module} group uses" if server else f"only client.{module} uses"
            n = counts[module]
            rows.append((f"{module}.py", f"{n} model{'' if n == 1 else 's'} {users}"))
        return rows

    def imports(self, classes: Iterable[str], server: bool = False) -> list[tuple[str, list[str]]]:
        """``(module of models/, sorted classes)`` to import ``classes`` from, by module name."""
        homes = self.server_homes if server else self.homes
        found: dict[str, list[str]] = {}
        for name in sorted(set(classes)):
            found.setdefault(homes[name], []).append(name)
        return sorted(found.items())


def render_models(
    shapes: dict[str, Shape], names: Names, sink: Sink, api: Api | None = None
) -> ModelsModule:
    """Render every component into the client's and the server's ``models/`` folder.

    Without ``api`` every class goes to the shared module (no group uses any).
    """
    from generator.render import model_layout
    from generator.render.model_views import class_entries

    split = split_keys(shapes)
    client = class_entries(shapes, names, split, server=False, sink=sink)
    server = class_entries(shapes, names, split, server=True, sink=Sink())
    client_groups = model_layout.client_groups(api, names) if api is not None else {}
    server_groups = model_layout.server_groups(api, names) if api is not None else {}
    client_files, homes = _folder(client, shapes, client_groups, server=False)
    server_files, server_homes = _folder(server, shapes, server_groups, server=True)
    return ModelsModule(
        client_files,
        server_files,
        frozenset(e.name for e in client),
        {k: v for k, v in names.schemas.items() if k in shapes},
        {k: v for k, v in names.variants.items() if k in split},
        frozenset(e.name for e in client if e.view.kind == "enum"),
        homes,
        server_homes,
    )


def _folder(
    entries: list[ClassEntry], shapes: dict[str, Shape], groups: dict[str, set[str]], server: bool
) -> tuple[dict[str, str], dict[str, str]]:
    """The files of one flavour's ``models/`` folder, and each class's module."""
    from generator.naming import HELPERS_MODELS_MODULE
    from generator.render.env import render_template
    from generator.render.model_layout import assign
    from generator.render.model_modules import package_view

    key_of = {e.name: e.key for e in entries}
    deps: dict[str, set[str]] = {}
    for entry in entries:
        deps.setdefault(entry.key, set()).update(key_of[d] for d in entry.deps if d in key_of)
    placed = assign(shapes, groups, deps)
    view = package_view(entries, placed, server)
    files = {
        "models/__init__.py": render_template("models/__init__.py.jinja", **vars(view)),
        **{
            f"models/{module}.py": render_template("models/module.py.jinja", view=module_view)
            for module, module_view in view.modules.items()
        },
    }
    if view.helpers is not None:
        files[f"models/{HELPERS_MODELS_MODULE}.py"] = render_template(
            "models/_helpers.py.jinja", **vars(view.helpers)
        )
    return files, {e.name: placed[e.key] for e in entries}
