"""What changed for users of the generated packages when the spec changed.

Stages: :mod:`~generator.diff.snapshot` takes each spec through load -> IR ->
names; :mod:`~generator.diff.engine` runs the rules (:mod:`~generator.diff.operations`,
:mod:`~generator.diff.params`, :mod:`~generator.diff.schemas`, all weighed by
:mod:`~generator.diff.flow`) into a :class:`~generator.diff.model.Report`;
:mod:`~generator.diff.render` prints it and :mod:`~generator.diff.release` turns
it into a version bump and a CHANGELOG entry. :mod:`~generator.diff.recorded`
keeps the spec an output was generated from beside it. Nothing is imported here,
so the stdlib-only modules stay cheap for ``generate``'s no-op path.
"""
