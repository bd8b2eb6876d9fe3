"""The pipeline: load -> build IR -> name -> models -> render -> format.

``render(target, sink)`` is pure: it returns every output file as text keyed by
its path relative to ``target.output`` and writes nothing. Writing (atomic swap,
manifest, ``check``) is the job of ``write.py``. Each stage function is looked up on its
module when the pipeline runs, so a test or ``benchmarks/profile_apiforge.py`` can replace
or time one there. openapi-pydantic validation runs in a child while the stages work
(``load/validation_background.py``); :func:`render` joins it before deciding anything.
A caller's ``meanwhile`` runs while ruff formats (``output/format.py``).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from apiforge import __version__
from apiforge.config.targets import Target
from apiforge.diagnostics import Sink, SpecLocation, counted
from apiforge.progress import stage

if TYPE_CHECKING:
    from apiforge.diff.snapshot import Snapshot
    from apiforge.ir.build import ModelSource
    from apiforge.ir.model import Api
    from apiforge.load.load import LoadedSpec
    from apiforge.naming.names import Names
    from apiforge.view_reuse import Reuse


@dataclass(frozen=True)
class Rendered:
    """What one target produces.

    Attributes:
        files: output text keyed by POSIX path relative to ``target.output``,
            e.g. ``"posthog_client/posthog_client/models.py"``.
        packages: the top-level directories this target owns under ``target.output``.
        input_hashes: sha256 of the spec and every file it $refs (path -> hex digest).
        snapshot: the spec as ``apiforge diff`` sees it, made on demand from what the
            pipeline built (no second load); None when the renderer offers none.
    """

    files: dict[str, str]
    packages: tuple[str, ...]
    input_hashes: dict[str, str] = field(default_factory=dict)
    facts: SpecFacts | None = None
    snapshot: Callable[[], Snapshot] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class SpecFacts:
    """What ``apiforge validate`` says about a clean spec."""

    openapi_version: str
    operations: int
    schemas: int
    converted_from: str | None


def render(
    target: Target, sink: Sink, meanwhile: Callable[[], None] | None = None
) -> Rendered | None:
    """Run every stage for ``target``; None when the sink holds errors (or warnings in strict mode).

    ``meanwhile``: work that needs nothing rendered (e.g. importing the later stages), called
    at most once while the formatter runs (see ``format_files``). It must not touch ``sink``
    or anything a failed run has to leave as it was: whether the run succeeds is not known yet.
    """
    # looked up at call time (module docstring)
    from apiforge.load import validation_background

    # The validating child starts importing openapi-pydantic before the spec is read.
    validation_background.prewarm()
    try:
        return _stages(target, sink, meanwhile)
    finally:
        validation_background.discard()  # a child that loading never handed a document


def _stages(target: Target, sink: Sink, meanwhile: Callable[[], None] | None) -> Rendered | None:
    """:func:`render` after the validating child is forked."""
    # looked up at call time (module docstring)
    from apiforge.load.load import LoadOptions, load

    stage(f"loading {target.spec.name}")
    # Validation only adds diagnostics, so it runs in a child while the stages below work
    # (load.py); it is joined before any decision is taken from the sink, and after a
    # validation error the sink holds what a serial run (which stops there) reports.
    options = LoadOptions(allow_remote_refs=target.allow_remote_refs, background_validation=True)
    loaded = load(target.spec, sink, options)
    if loaded is None:
        return None
    try:
        built = None if sink.has_errors() else _build(target, sink, loaded)
        files = built.files if built is not None else {}
        # Formatting, too, only adds diagnostics (which the join drops after a validation
        # error), so ruff runs before the join, while the child may still be validating.
        if built is not None and target.format:
            stage(f"formatting {counted(sum(p.endswith('.py') for p in files), 'module')}")
            files = _format(built, sink, target.formatter, meanwhile)
        if built is not None and not sink.has_errors():
            built.reuse.keep(files)  # the views' parts, formatted: reused while unchanged
    except Exception:
        if loaded.finish_validation():
            return None  # a serial run stops at the validation error, before these stages
        raise
    if loaded.finish_validation() or built is None:
        return None
    files.update(built.runtime)
    if sink.has_errors(strict=target.strict):
        return None
    components = loaded.document.get("components")
    named = components.get("schemas") if isinstance(components, dict) else None
    schemas = len(named) if isinstance(named, dict) else 0
    operations = len(built.api.operations)
    facts = SpecFacts(loaded.openapi_version, operations, schemas, loaded.converted_from)

    @functools.cache
    def snapshot() -> Snapshot:
        from apiforge.diff.snapshot import from_built  # only for the release step's comparison

        return from_built(
            loaded.document,
            built.display,
            built.api,
            built.source.schemas,
            built.names,
            built.locate,
        )

    return Rendered(files, built.packages, dict(loaded.file_hashes), facts, snapshot)


def _format(
    built: _Built, sink: Sink, formatter: str, meanwhile: Callable[[], None] | None
) -> dict[str, str]:
    """``built.files`` formatted; the reused parts (formatted already) skip the formatter."""
    from apiforge.output.format import format_files  # looked up at call time

    ready = built.reuse.ready
    if not ready:
        return format_files(built.files, sink, formatter, meanwhile, built.reuse.style)
    todo = {path: text for path, text in built.files.items() if path not in ready}
    files = dict(built.files)
    files.update(format_files(todo, sink, formatter, meanwhile, built.reuse.style))
    return files


@dataclass(frozen=True)
class _Built:
    """What the stages between loading and formatting made."""

    files: dict[str, str]
    runtime: dict[str, str]  # static, already formatted: copied as they are
    packages: tuple[str, ...]
    api: Api
    source: ModelSource
    names: Names
    display: str
    locate: Callable[[SpecLocation], SpecLocation]
    reuse: Reuse


def _build(target: Target, sink: Sink, loaded: LoadedSpec) -> _Built | None:
    """IR, names, models, views and templates: the unformatted files; None after errors."""
    # looked up at call time (module docstring)
    from apiforge.ir.build import build
    from apiforge.ir.shapes import build_shapes
    from apiforge.model_cache import known_refs
    from apiforge.models import render_models
    from apiforge.naming.names import resolve_names
    from apiforge.output.format import settings
    from apiforge.output.spec_json import spec_json as spelt
    from apiforge.view_reuse import Reuse, project, with_models

    # The server serves this as app.openapi() (taken before the stages below see the document).
    spec_json = spelt(loaded.document, target.spec) if target.server_package else ""
    display = str(target.spec)

    def locate(loc: SpecLocation) -> SpecLocation:
        return loaded.locate(loaded.origin(loc.pointer) if loc.file == display else loc)

    sink.relocate(locate)
    stage(f"building the IR: {counted(len(loaded.file_hashes), 'file')} read")
    api, source = build(loaded.document, sink, display, loaded.marked)
    shapes = build_shapes(source.schemas, source.locations, sink)
    known_refs(shapes)  # what each schema refers to, found before for the same schema
    names = resolve_names(api, shapes)
    stage(f"models: {counted(len(shapes), 'schema')}")
    models = render_models(shapes, names, sink, api)
    if sink.has_errors():
        return None
    # No spec hash here: the manifest records it, so a one-line spec edit rewrites only what it touches.
    header = f"Generated by apiforge {__version__}. Do not edit."
    files: dict[str, str] = {}
    runtime: dict[str, str] = {}
    packages: list[str] = []
    groups = counted(len({n.resource for n in names.operations.values()}), "resource group")
    ops = counted(len(api.operations), "operation")
    # The views read only this projection: when it is unchanged, their files are reused.
    inputs = project(api, names, models)
    style = settings(target.formatter) if target.format else "unformatted"
    reuse = Reuse(inputs, target, header, style, sink)
    if target.client_package:
        stage(f"rendering {target.client_package}: {ops}, {groups}")

        def client() -> tuple[dict[str, str], dict[str, str]]:
            # not imported when the parts are reused
            from apiforge.render.client import client_parts
            from apiforge.render.client_views import client_view

            view = client_view(inputs.api, inputs.names, inputs.models, target, "# " + header, sink)
            return client_parts(view, header, inputs.models.layout())

        head, tail = reuse.parts("client", client)
        files.update(with_models(head, models.client_files, tail, target.client_package, header))
        runtime.update(_runtime("client", target.client_package, header))
        packages.append(target.client_package)
    if target.server_package:
        stage(f"rendering {target.server_package}: {ops}")

        def server() -> tuple[dict[str, str], dict[str, str]]:
            # not imported when the parts are reused
            from apiforge.render.server import server_parts
            from apiforge.render.server_views import server_view

            view = server_view(inputs.api, inputs.names, inputs.models, target, "# " + header, sink)
            return server_parts(view, header, inputs.models.layout(server=True))

        head, tail = reuse.parts("server", server)
        files.update(with_models(head, models.server_files, tail, target.server_package, header))
        files[f"{target.server_package}/{target.server_package}/openapi.json"] = spec_json
        runtime.update(_runtime("server", target.server_package, header))
        packages.append(target.server_package)
    return _Built(files, runtime, tuple(packages), api, source, names, display, locate, reuse)


def _runtime(kind: str, package: str, header: str) -> dict[str, str]:
    """The static runtime package ``templates/runtime/<kind>/_runtime/``, copied verbatim (after the header)."""
    from apiforge.resources import package_files, templates_dir  # looked up at call time

    folder = os.path.join(templates_dir(), "runtime", kind)
    names = [name for name in package_files(folder) if name.endswith(".py")]
    runtime: dict[str, str] = {}
    for name in sorted(names, key=lambda name: name.split("/")):  # in pathlib's order
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            runtime[f"{package}/{package}/{name}"] = f"# {header}\n{handle.read()}"
    return runtime


def spec_location(path: Path) -> SpecLocation:
    """The location of a whole spec file (for diagnostics about the file itself)."""
    return SpecLocation(str(path))
