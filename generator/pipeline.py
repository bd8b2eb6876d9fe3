"""The pipeline: load -> normalize -> build IR -> name -> render -> format.

``render(target, sink)`` is pure: it returns every output file as text keyed by
its path relative to ``target.output`` and writes nothing. Writing (atomic swap,
manifest, ``check``) is the job of ``write.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.config import Target
from generator.diagnostics import Sink


@dataclass(frozen=True)
class Rendered:
    """What one target produces.

    Attributes:
        files: output text keyed by POSIX path relative to ``target.output``,
            e.g. ``"posthog_client/posthog_client/models.py"``.
        packages: the top-level directories this target owns under ``target.output``.
        input_hashes: sha256 of the spec and every file it $refs (path -> hex digest).
    """

    files: dict[str, str]
    packages: tuple[str, ...]
    input_hashes: dict[str, str] = field(default_factory=dict)


def render(target: Target, sink: Sink) -> Rendered | None:
    """Run every stage for ``target``; None when the sink holds errors (or warnings in strict mode)."""
    raise NotImplementedError("being written")
