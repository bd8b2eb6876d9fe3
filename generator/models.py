"""Stage 4a, models: component schemas -> the ``models/`` folder of the client and of the server.

Both folders are rendered from the same shapes (``ir/shapes.py``: one class per
component, allOf merged), each flavour from its own classes (``render/model_views.py``)
placed in modules per group (``render/model_layout.py``: a client resource module, a
server group; what several groups share in ``_shared_*``) and rendered by
``templates/models/`` (``render/model_modules.py``). The client's enums are open: an
unknown value from a newer server becomes a pseudo-member instead of an error; its
fields are lenient (a stray null, an out-of-range number or an odd address never
breaks a caller), and a multipart body's binary fields take files (:func:`multipart_bodies`).
The server's closes the enums (a request with a value the spec does
not list is answered 422) and is as strict as the spec in what pydantic does not spell
by itself: optional but never null (``_Omittable``), every ``format`` (``_Format``,
int32/int64 ranges checked, ``_Email``); a ``oneOf`` is documented as one (``_OneOf``)
and reads a value any member accepts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from apiforge.diagnostics import Sink
from apiforge.ir.model import preferred_request
from apiforge.ir.nested import component_key
from apiforge.ir.schemas import is_nullable
from apiforge.ir.shapes import Shape, alias_chain
from apiforge.model_cache import (
    CachedModule,
    cached_layout,
    component_digests,
    init_key,
    layout_inputs,
    module_key,
    scan,
)
from apiforge.naming.names import (
    HELPERS_MODELS_MODULE,
    ROOT_MODELS_MODULE,
    SHARED_MODELS_MODULE,
    UNUSED_MODELS_MODULE,
    Names,
)
from apiforge.naming.words import ClassName
from apiforge.output import cache
from apiforge.render import model_layout
from apiforge.render.env import render_template
from apiforge.render.model_fields import FieldMemo
from apiforge.render.model_layout import class_names
from apiforge.render.model_modules import helpers_view, init_view, module_view
from apiforge.render.model_tags import discriminator_tags
from apiforge.render.model_types import inlined_union
from apiforge.render.model_views import class_entries
from apiforge.resources import templates_hash

if TYPE_CHECKING:
    from apiforge.ir.model import Api

Role = Literal["request", "response"]
_HELPERS_FORMAT = "models helpers v1"


@dataclass(frozen=True)
class ModelsModule:
    """The rendered ``models/`` folders and how each component maps to its classes and modules.

    Attributes:
        client_files, server_files: text keyed by path inside the package
            (``models/__init__.py``, ``models/_shared_<groups>.py``, ``models/<group>.py``...).
        homes, server_homes: class -> the module of ``models/`` that defines it.
        members: union component -> the member components a body typed with it unwraps
            to (:func:`_body_members`).
        renaming: the components whose request class, or a class it refers to, spells
            a property's Python name unlike its wire name (:func:`_renaming`).
    """

    client_files: dict[str, str]
    server_files: dict[str, str]
    classes: frozenset[str]
    names: dict[str, ClassName]  # component key -> base class name
    variants: dict[str, tuple[ClassName, ClassName]]  # split components: request, response
    enums: frozenset[str]  # the classes that are real Enum classes
    homes: dict[str, str]
    server_homes: dict[str, str]
    members: dict[str, tuple[str, ...]]  # union component -> its members a body unwraps to
    renaming: frozenset[str] = frozenset()  # components a request body must spell by wire name

    def class_for(self, key: str, role: Role) -> str:
        """The class to use for a component in a request body or a response."""
        pair = self.variants.get(key)
        if pair is not None:
            return pair[0] if role == "request" else pair[1]
        return self.names[key]

    def layout(self, server: bool = False) -> list[tuple[str, str]]:
        """``(file of models/, what it holds)`` for a package README, shared modules first."""
        homes = self.server_homes if server else self.homes
        counts: dict[str, int] = {}
        for module in homes.values():
            counts[module] = counts.get(module, 0) + 1
        kind = "groups" if server else "resources"
        rows = [("__init__.py", "every model, exported lazily (loads its module on first use)")]
        several = sorted(m for m in counts if m.startswith(SHARED_MODELS_MODULE + "_"))
        if len(several) > 1:
            n = sum(counts[m] for m in several)
            rows.append(
                (
                    f"{SHARED_MODELS_MODULE}_*.py",
                    f"{n} models in {len(several)} modules, one per set of {kind} using them",
                )
            )
        alone = set(counts) - set(several) if len(several) > 1 else set(counts)
        for module in sorted(alone, key=lambda m: (m[:1] != "_", m)):
            if module in several:
                users = f"several {kind} use"
            elif module == UNUSED_MODELS_MODULE:
                users = "no operation uses"
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

    ``names`` is the naming pass's for these shapes (``resolve_names(api, shapes)``): its
    variants are the components that split (``ir.shapes.split_keys``, not walked again).
    Without ``api`` every class goes to the shared module (no group uses any). Each
    module is cached by its inputs (``model_cache.py``): after a change, only the
    modules whose components reach a changed one are built and rendered again.
    """
    split = frozenset(names.variants)
    deps, discriminators = scan(shapes)
    # A discriminator with a propertyName is where tags come from: scan saw every one.
    tags = discriminator_tags(shapes, names, split) if discriminators else {}
    classes = {key: class_names(shapes, names, split, key) for key in shapes}
    client_groups, server_groups = model_layout.groups(api, names) if api is not None else ({}, {})
    digests = component_digests(shapes, names, split, discriminators)
    inputs = layout_inputs(list(shapes), deps)
    files = multipart_bodies(api, shapes) if api is not None else frozenset()
    flavour = _Flavour(shapes, names, split, deps, tags, classes, digests, inputs, files)
    client_files, homes = flavour.folder(client_groups, False, sink)
    server_files, server_homes = flavour.folder(server_groups, True, Sink())
    return ModelsModule(
        client_files,
        server_files,
        frozenset(name for pairs in classes.values() for name, _ in pairs),
        {k: v for k, v in names.schemas.items() if k in shapes},
        {k: v for k, v in names.variants.items() if k in split},
        frozenset(name for pairs in classes.values() for name, enum in pairs if enum),
        homes,
        server_homes,
        {k: m for k, shape in shapes.items() if (m := _body_members(shape, shapes))},
        _renaming(shapes, names, split, deps),
    )


def multipart_bodies(api: Api, shapes: dict[str, Shape]) -> frozenset[str]:
    """The components a client sends as a multipart body (the media type it prefers, see
    :func:`~apiforge.ir.model.preferred_request`): each field is a part, and a ``format:
    binary`` one a file (``model_types.Speller.files``). A body that is an alias of a model
    (``UploadAlias: {$ref: Upload}``) sends that model's fields, so the model is one too.
    What their fields refer to is sent as JSON, as is any other model."""
    found: set[str] = set()
    for op in api.operations:
        content = preferred_request(op.body.contents) if op.body is not None else None
        ref = content.type if content is not None and content.kind == "multipart" else None
        if ref is not None and ref.kind == "model" and ref.model is not None:
            found.add(ref.model)
            found.update(shape.key for shape in alias_chain(ref.model, shapes))
    return frozenset(found)


def _renaming(
    shapes: dict[str, Shape], names: Names, split: frozenset[str], deps: dict[str, set[str]]
) -> frozenset[str]:
    """The components whose request class renames a property (its field is not called by
    its wire name), or refers to one that does, however deeply.

    A request body of such a class is read with wire names only (the server route's
    ``rt.WIRE_NAMES``); the others have no Python name to refuse.
    """
    found = set()
    for key, fields in names.fields.items():  # the field names alone: properties are made on demand
        if key not in shapes or all(python == wire for wire, python in fields.items()):
            continue
        if key not in split or any(
            fields[p.name] != p.name for p in shapes[key].properties if not p.read_only
        ):
            found.add(key)
    if not found:
        return frozenset()
    users: dict[str, set[str]] = {}  # component -> the components referring to it
    for key, targets in deps.items():
        for target in targets:
            users.setdefault(target, set()).add(key)
    return frozenset(model_layout.closure(found, users))


@dataclass(frozen=True)
class _Flavour:
    """What both flavours' folders are made from."""

    shapes: dict[str, Shape]
    names: Names
    split: frozenset[str]
    deps: dict[str, set[str]]  # component -> the components it references
    tags: dict[tuple[str, str], list[Any]]
    classes: dict[str, list[tuple[str, bool]]]  # component -> (class, is an Enum)
    digests: tuple[dict[str, str], dict[str, str]]  # see model_cache.component_digests
    layout_inputs: str  # see model_cache.layout_inputs
    files: frozenset[str]  # the components the client sends as multipart bodies
    memo: FieldMemo = field(default_factory=dict)  # the fields' facts, shared by every module

    def folder(
        self, groups: dict[str, set[str]], server: bool, sink: Sink
    ) -> tuple[dict[str, str], dict[str, str]]:
        """The files of one flavour's ``models/`` folder, and each class's module."""

        generator = templates_hash()
        layout = cached_layout(list(self.shapes), groups, self.deps, generator, self.layout_inputs)
        placed = layout.placed
        home = {name: placed[key] for key in self.shapes for name, _ in self.classes[key]}
        by_module: dict[str, list[str]] = {}
        for key in self.shapes:
            by_module.setdefault(placed[key], []).append(key)
        folder = cache.cache_dir("models")
        files: dict[str, str] = {}
        used: set[str] = set()
        multipart = frozenset() if server else self.files  # the server reads any file as bytes
        module_keys = {
            module: module_key(
                module,
                by_module[module],
                self.shapes,
                self.deps,
                self.digests,
                placed,
                layout.users[module],
                self.tags,
                server,
                generator,
                multipart,
            )
            for module in sorted(by_module)
        }
        hits = cache.read_many_bytes(folder, list(module_keys.values()))
        for module, key in module_keys.items():
            keys = by_module[module]
            hit = hits.get(key)
            done = CachedModule.load(hit) if hit is not None else None
            if done is None:
                done = self._render(module, keys, home, server, layout.users[module], multipart)
                cache.write(folder, key, done.dump())
            done.replay(sink)
            files[f"models/{module}.py"] = done.text
            used.update(done.helpers)
        files["models/__init__.py"] = _init_module(generator, home)
        if used:
            files[f"models/{HELPERS_MODELS_MODULE}.py"] = _helpers_module(generator, used, server)
        return dict(sorted(files.items())), home

    def _render(
        self,
        module: str,
        keys: list[str],
        home: dict[str, str],
        server: bool,
        users: tuple[str, ...],
        multipart: frozenset[str],
    ) -> CachedModule:
        sink = Sink()
        entries = class_entries(
            self.shapes,
            self.names,
            self.split,
            server,
            sink,
            keys=keys,
            tags=self.tags,
            memo=self.memo,
            files=multipart,
        )
        view = module_view(module, entries, home, server, users)
        return CachedModule(
            render_template("models/module.py.jinja", view=view),
            tuple(sorted({h for e in entries for h in e.helpers})),
            CachedModule.warnings_of(sink.items),
        )


def _init_module(generator: str, home: dict[str, str]) -> str:
    """``models/__init__.py``, made from each class's module alone (so cached by that)."""
    folder = cache.cache_dir("models-init")
    key = init_key(generator, home)
    text = cache.read(folder, key)
    if text is None:
        text = render_template("models/__init__.py.jinja", **vars(init_view(home)))
        cache.write(folder, key, text)
    return text


def _helpers_module(generator: str, used: set[str], server: bool) -> str:
    """``models/_helpers.py``, made from the helpers the modules use and the flavour alone
    (so cached by those: rendering it cost ~1 ms a flavour)."""
    folder = cache.cache_dir("models-helpers")
    key = cache.digest(_HELPERS_FORMAT, generator, str(server), *sorted(used))
    text = cache.read(folder, key)
    if text is None:
        view = helpers_view(used, server)
        assert view is not None  # some helper is used
        text = render_template("models/_helpers.py.jinja", **vars(view))
        cache.write(folder, key, text)
    return text


def _body_members(shape: Shape, shapes: dict[str, Shape]) -> tuple[str, ...]:
    """The member components of a union a request or response body unwraps, in spec order.

    A body typed with such a union (``model_types.inlined_union``, null admitted nowhere) is
    still validated by its RootModel; the client returns, and the server implementation
    receives, the ``root``: the member itself. Otherwise nothing: the RootModel it is.
    """
    if not inlined_union(shape, shapes) or is_nullable(shape.schema):
        return ()
    keys: list[str] = []
    for keyword in ("oneOf", "anyOf"):
        for member in shape.schema.get(keyword) or ():
            key = component_key(member["$ref"]) if "$ref" in member else None
            if key is None:  # a null member: the body may be null, its RootModel stays
                return ()
            if key not in keys:
                keys.append(key)
    return tuple(keys)
