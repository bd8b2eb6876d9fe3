"""Names of the ``models/`` modules that hold what several groups share (issue 15, 16.12).

A module of shared models is named after the set of groups that use it, and after
nothing else, so a spec edit that leaves a model's users alone leaves its module's name
alone:

- a few groups whose names fit are spelled out: ``_shared_dashboards_and_insights``;
- otherwise the theme of the set (the words every group's name starts with, else ends
  with, else the word most of them contain) and a short digest of the whole set:
  ``_shared_environments_1f3c9a``.

Two sets that would get one name anyway (group names that themselves contain
``_and_``, say) both take the digested form, with as many digest characters as
needed to tell them apart.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

from apiforge.naming.words import PyName

SHARED_PREFIX = "_shared_"
MAX_LENGTH = 60  # characters of a module name, so file listings and imports stay readable
SPELLED_GROUPS = 3  # at most this many group names are spelled out
DIGEST_LENGTH = 6


def shared_models_modules(sets: Iterable[Iterable[str]]) -> dict[frozenset[str], PyName]:
    """A distinct module name for each set of groups (``""`` stands for the unused components)."""
    found = {frozenset(groups) for groups in sets}
    names = {groups: _spelled(groups) or _digested(groups, DIGEST_LENGTH) for groups in found}
    width = DIGEST_LENGTH
    while True:
        counts = Counter(names.values())
        clashing = [groups for groups, name in names.items() if counts[name] > 1]
        if not clashing:
            return {groups: PyName(name) for groups, name in names.items()}
        width += 2
        for groups in clashing:
            names[groups] = _digested(groups, width)


def _words(group: str) -> list[str]:
    """The words of a group's module name; the unused components' pseudo-group is ``unused``."""
    return [w for w in group.split("_") if w] or ["unused"]


def _spelled(groups: frozenset[str]) -> str | None:
    """``_shared_a_and_b``: every group by name, when they are few and the name stays short."""
    if len(groups) > SPELLED_GROUPS:
        return None
    name = SHARED_PREFIX + "_and_".join(sorted("_".join(_words(g)) for g in groups))
    return name if len(name) <= MAX_LENGTH else None


def _digested(groups: frozenset[str], width: int) -> str:
    """``_shared_<theme>_<digest>``: the set's theme, cut to fit, and ``width`` hex digits of its digest."""
    digest = hashlib.sha256("\0".join(sorted(groups)).encode()).hexdigest()[:width]
    theme = _theme([_words(g) for g in sorted(groups)])
    room = MAX_LENGTH - len(SHARED_PREFIX) - len(digest) - 1
    while len(theme) > 1 and len("_".join(theme)) > room:
        theme = theme[:-1]
    return f"{SHARED_PREFIX}{'_'.join(theme)[:room]}_{digest}"


def _theme(names: list[list[str]]) -> list[str]:
    """The words all ``names`` start with, else end with, else the word most of them contain."""
    prefix = _common_prefix(names)
    if prefix:
        return prefix
    suffix = _common_prefix([n[::-1] for n in names])[::-1]
    if suffix:
        return suffix
    counts = Counter(w for n in names for w in dict.fromkeys(n))
    best = max(counts.values())
    return [next(w for n in names for w in n if counts[w] == best)]


def _common_prefix(names: list[list[str]]) -> list[str]:
    first = names[0]
    n = 0
    while n < len(first) and all(len(other) > n and other[n] == first[n] for other in names):
        n += 1
    return first[:n]
