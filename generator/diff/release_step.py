"""The release step of ``generate`` and ``check``: what changed since the last generation.

:func:`release` compares the spec recorded beside a target's output (see
:mod:`apiforge.diff.recorded`) with the one being generated, and with
``bump-version`` sets each package's new version and prepends a CHANGELOG entry.
It never fails a generation: a problem comes back as a note.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from apiforge.diagnostics import GenerationFailed, Sink, SpecLocation
from apiforge.diff.recorded import COPY_DIR, SpecCopy, recorded_packages, spec_copy
from apiforge.diff.snapshot import load_snapshot
from apiforge.diff.stored import CACHE_KIND, read_index, restore, snapshot_key, store
from apiforge.output.cache import cache_dir, read_bytes
from apiforge.output.manifest import ManifestError, input_location

if TYPE_CHECKING:
    from apiforge.config.targets import Target
    from apiforge.diff.indexing import Made
    from apiforge.diff.model import Audience, Report
    from apiforge.diff.snapshot import Snapshot
    from apiforge.pipeline import Rendered


def package_version(package_dir: Path) -> str | None:
    """The version in a generated package's pyproject.toml; None when it has none."""
    # tomllib: for bump-version and `apiforge diff` only, not every generation
    from apiforge.diff.release import project_version

    try:
        return project_version((package_dir / "pyproject.toml").read_text(encoding="utf-8"))
    except OSError:
        return None


def recorded_spec(target: Target, rendered: Rendered) -> Path | None:
    """The spec copy beside the target's output; None when there is none or it equals the spec now."""
    return _recorded(target, rendered)[0]


def _recorded(
    target: Target, rendered: Rendered
) -> tuple[Path | None, dict[str, str] | None, SpecCopy | None]:
    """(recorded copy or None as in :func:`recorded_spec`, the sha256 of each of its files,
    the copy of the spec now)."""
    inputs = [(input_location(k, target), v) for k, v in rendered.input_hashes.items()]
    now = spec_copy(target.spec, inputs)
    for package in rendered.packages:
        try:
            records = list(recorded_packages(target.output / package))
        except (ManifestError, OSError):
            continue
        for record in records:
            if record.old_spec is None:
                continue
            before, same = _read_copy(record.package_dir, now)
            return (None if same else record.old_spec), before, now
    return None, None, now


def _read_copy(package_dir: Path, now: SpecCopy | None) -> tuple[dict[str, str], bool]:
    """The sha256 of each file of a package's recorded copy, and whether their texts, read
    with universal newlines as ``read_text`` reads them, are those of ``now``'s files.

    Raises:
        OSError, UnicodeDecodeError: a file cannot be read as UTF-8 text.
    """
    digests: dict[str, str] = {}
    texts: dict[str, str] = {}
    for path in sorted((package_dir / COPY_DIR).rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = path.read_text(encoding="utf-8")  # raises as reading the text always did
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        name = path.relative_to(package_dir).as_posix()
        digests[name], texts[name] = hashlib.sha256(data).hexdigest(), text
    return digests, now is not None and texts == now.files


def _compare_recorded(
    target: Target,
    rendered: Rendered,
    previous: Path,
    before: dict[str, str] | None,
    packages: dict[str, Audience],
) -> tuple[Report, Made | None]:
    """The recorded spec against the one just rendered, reusing what the pipeline and the cache hold.

    The new side comes from the pipeline's own IR and names; the old side from the
    content cache (stored when that spec was generated), else by loading the copy.
    With the old side stored, only what the edit touched is compared
    (:mod:`apiforge.diff.incremental`), which also gives what to store for the new side.
    Raises GenerationFailed when a side that has to be loaded does not load.
    """
    # the comparison rules: only when a previous generation recorded its spec (not a first run)
    from apiforge.diff.engine import compare
    from apiforge.diff.incremental import compare_stored
    from apiforge.diff.indexing import unit_rows

    remote = target.allow_remote_refs
    if rendered.snapshot is not None:
        new = replace(rendered.snapshot(), locate=_unlocated)
    else:
        new = load_snapshot(target.spec, Sink(), allow_remote_refs=remote)
    index = read_index(snapshot_key(before, remote, new.display)) if before is not None else None
    # generate and check use the counts, levels and messages only (summary, version bump,
    # CHANGELOG), never a file:line: resolving one composes the YAML file's position index
    # (~0.3 s at 1,000 operations), so neither side locates.
    if index is not None:
        done = compare_stored(index, new, str(previous), packages, _unlocated)
        if done is not None:
            return done
    old = None
    if index is not None:
        unit_rows(new, index)  # the document digest, from the units that did not change
        old = restore(index, str(previous), _unlocated, everything=True)
    if old is None:
        old = replace(load_snapshot(previous, Sink(), allow_remote_refs=remote), locate=_unlocated)
    return compare(old, new, packages), None


def _unlocated(location: SpecLocation) -> SpecLocation:
    return location


def _remember(
    target: Target, new: Snapshot | None, current: SpecCopy | None, made: Made | None
) -> None:
    """Cache the snapshot of the spec just rendered, keyed by the copy recorded beside the output."""
    if current is None or new is None or cache_dir(CACHE_KIND) is None:
        return
    from apiforge.diff.indexing import full_index  # only when a snapshot is stored

    key = snapshot_key(current.digests, target.allow_remote_refs, new.display)
    if read_bytes(cache_dir(CACHE_KIND), key) is None:
        made = made or full_index(new)
        if made is not None:
            store(key, *made)


def release(
    target: Target, rendered: Rendered
) -> tuple[Rendered, Report | None, str | None, SpecCopy | None]:
    """Compare with the recorded spec; apply ``bump-version``. Returns (files, report, problem,
    the copy of the spec to record: :func:`~apiforge.diff.recorded.spec_copy`'s)."""
    report: Report | None = None
    problem: str | None = None
    before: dict[str, str] | None = None
    current: SpecCopy | None = None
    try:
        previous, before, current = _recorded(target, rendered)
    except (OSError, UnicodeDecodeError) as exc:
        previous, problem = None, f"cannot read the recorded spec ({exc})"
    made: Made | None = None
    if previous is not None:
        packages: dict[str, Audience] = {
            p: ("server" if p == target.server_package else "client") for p in rendered.packages
        }
        try:
            report, made = _compare_recorded(target, rendered, previous, before, packages)
        except GenerationFailed:
            problem = (
                "the previously generated spec no longer loads; apiforge diff cannot compare it"
            )
    _remember(target, rendered.snapshot() if rendered.snapshot else None, current, made)
    if target.bump_version:
        rendered = bumped(target, rendered, report)
    return rendered, report, problem, current


def bumped(target: Target, rendered: Rendered, report: Report | None) -> Rendered:
    """Each package's version bumped from its previous one, with a CHANGELOG entry (see module doc)."""
    # with bump-version only: versions and CHANGELOG text
    from apiforge.diff.model import Bump
    from apiforge.diff.release import add_changelog_entry, next_version, set_project_version
    from apiforge.diff.render import changelog_entry

    files = dict(rendered.files)
    for package in rendered.packages:
        audience: Audience = "server" if package == target.server_package else "client"
        previous = package_version(target.output / package)
        key = f"{package}/pyproject.toml"
        if previous is None or key not in files:
            continue  # first generation: the spec's version stands
        bump = report.bump(audience) if report is not None else Bump.NONE
        version = previous if bump is Bump.NONE else next_version(previous, bump)
        files[key] = set_project_version(files[key], version)
        try:
            changelog: str | None = (target.output / package / "CHANGELOG.md").read_text(
                encoding="utf-8"
            )
        except OSError:
            changelog = None
        if report is not None and bump is not Bump.NONE:
            changelog = add_changelog_entry(changelog, changelog_entry(report, audience, version))
        if changelog is not None:
            files[f"{package}/CHANGELOG.md"] = changelog
    return replace(rendered, files=files)
