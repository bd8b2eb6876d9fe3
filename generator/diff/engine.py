"""Run every rule over two snapshots and assemble the :class:`~apiforge.diff.model.Report`."""

from __future__ import annotations

from pathlib import Path

from apiforge.diagnostics import Sink
from apiforge.diff import credentials, operations, params, schemas, servers
from apiforge.diff.model import Audience, Change, Report, merge
from apiforge.diff.pair import Pair
from apiforge.diff.snapshot import Snapshot, load_snapshot
from apiforge.diff.values import identical
from apiforge.ir.model import Operation


def compare(old: Snapshot, new: Snapshot, packages: dict[str, Audience] | None = None) -> Report:
    """Every change from ``old`` to ``new``, for the packages given (package name -> audience)."""
    pair = Pair(old, new)
    for before, after in operations.match_operations(old, new):
        if after is None:
            assert before is not None
            operations.removed(pair, before)
        elif before is None:
            operations.added(pair, after)
        elif not unchanged(pair, before, after):
            for rule in (*operations.OPERATION_RULES, *params.SIGNATURE_RULES):
                rule(pair, before, after)
    operations.resources(pair)
    credentials.credentials(pair)
    servers.base_url(pair)
    schemas.components(pair)
    return finish(pair, packages)


def finish(pair: Pair, packages: dict[str, Audience] | None) -> Report:
    """The report of the changes ``pair`` holds, for the packages given."""
    old, new = pair.old, pair.new
    audiences = set((packages or {"client": "client", "server": "server"}).values())
    changes: tuple[Change, ...] = tuple(c for c in merge(pair.changes) if c.audience in audiences)
    return Report(old.display, new.display, changes, dict(packages or {}), old.digest != new.digest)


def unchanged(pair: Pair, before: Operation, after: Operation) -> bool:
    """Whether no rule can fire for a matched operation: its IR, names and paging are the same."""
    if not identical(before, after):  # 1 and True differ in a default or a const
        return False
    old, new = pair.old.names, pair.new.names
    a, b = old.operations.get(before.operation_id), new.operations.get(after.operation_id)
    return (
        a == b
        and (a is None or old.groups.get(a.resource) == new.groups.get(a.resource))
        and operations.page_item(pair.old, before) == operations.page_item(pair.new, after)
    )


def diff_files(
    old: Path,
    new: Path,
    sink: Sink,
    packages: dict[str, Audience] | None = None,
    *,
    allow_remote_refs: bool = False,
) -> Report:
    """Load both specs and compare them; problems go to ``sink``.

    Raises:
        GenerationFailed: either spec could not be loaded or built.
    """
    before = load_snapshot(old, sink, allow_remote_refs=allow_remote_refs)
    after = load_snapshot(new, sink, allow_remote_refs=allow_remote_refs)
    return compare(before, after, packages)
