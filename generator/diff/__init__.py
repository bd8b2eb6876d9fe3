"""What changed for users of the generated packages when the spec changed.

Stages: :mod:`~apiforge.diff.snapshot` takes each spec through load -> IR ->
names; :mod:`~apiforge.diff.engine` runs the rules (:mod:`~apiforge.diff.operations`,
:mod:`~apiforge.diff.auth`, :mod:`~apiforge.diff.servers`, :mod:`~apiforge.diff.params`,
:mod:`~apiforge.diff.requests`,
:mod:`~apiforge.diff.bodies`, :mod:`~apiforge.diff.schemas` with
:mod:`~apiforge.diff.field_defaults` and :mod:`~apiforge.diff.aliases`, all weighed by
:mod:`~apiforge.diff.flow`; components the IR describes in part are read by
:mod:`~apiforge.diff.described`) into a :class:`~apiforge.diff.model.Report`;
:mod:`~apiforge.diff.render` prints it and :mod:`~apiforge.diff.release` turns
it into a version bump and a CHANGELOG entry. :mod:`~apiforge.diff.recorded`
keeps the spec an output was generated from beside it; :mod:`~apiforge.diff.stored`
keeps each generated spec's snapshot in the content cache (what to keep:
:mod:`~apiforge.diff.indexing`), and
:mod:`~apiforge.diff.incremental` compares with it only where an edit reaches
(cut into :mod:`~apiforge.diff.units`). Nothing is imported here,
so the stdlib-only modules stay cheap for ``generate``'s no-op path.
"""
