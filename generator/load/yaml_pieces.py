"""A unit of the per-definition YAML parse as its cached piece holds it (see yaml_chunks).

A piece is ``(values, holders, nodes, marked, offends)``: the value of each of the unit's
chunks, in text order; the ``$ref`` holders of each run of consecutive chunks (post-order, so a chunk's
holders are a run of the unit's: those its value reaches first, where they were built, an
alias only reusing them; consecutive chunks' runs are consecutive in the whole file's
too); the nodes the unit built; and what ``validation.scan`` finds under its values: the
mappings with a key of ``validation.SCHEMA_KEYS`` and whether some default is not in its
enum. marshal keeps shared nodes shared, and each holder and marked mapping the very dict
inside its value.
"""

from __future__ import annotations

import itertools
import marshal
from typing import Any

Piece = tuple[list[Any], list[list[Any]], int, list[dict[str, Any]], bool]


def unpack(data: bytes | None, size: int, pieces: int) -> Piece | None:
    """A unit's piece as it was stored (``size`` chunks in ``pieces`` runs), else None."""
    if data is None:
        return None
    try:
        found = marshal.loads(data)  # the user's own cache, each piece checked on read
    except (EOFError, ValueError, TypeError):
        return None
    if not (type(found) is tuple and len(found) == 5 and type(found[2]) is int):
        return None
    values, held, marked = found[0], found[1], found[3]
    if type(values) is not list or type(held) is not list or type(marked) is not list:
        return None
    if type(found[4]) is not bool:
        return None
    if len(values) == size and len(held) == pieces and all(type(h) is list for h in held):
        return found
    return None


def runs(members: list[int]) -> list[int]:
    """Where each run of consecutive chunk numbers starts in a unit's ``members``."""
    return [i for i, m in enumerate(members) if i == 0 or m != members[i - 1] + 1]


def holders_by_run(values: list[Any], held: list[Any], starts: list[int]) -> list[list[Any]] | None:
    """``held`` (post-order, so chunk by chunk) cut where the runs of ``starts`` begin: each
    holder goes to the first chunk that reaches it, where it was built (an alias only
    reuses). None when that order is not ``held``'s. The last run takes the rest unwalked:
    a unit of one run (most are) costs no walk."""
    seen: set[int] = set()
    holders = {id(h) for h in held} if len(starts) > 1 else set()
    cut: list[list[Any]] = []
    start = 0
    for first, stop in itertools.pairwise(starts):
        mine: set[int] = set()
        stack = list(values[first:stop])
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if type(node) is dict:
                if id(node) in holders:
                    mine.add(id(node))
                stack.extend(v for v in node.values() if type(v) in (dict, list))
            elif type(node) is list:
                stack.extend(v for v in node if type(v) in (dict, list))
        part = held[start : start + len(mine)]
        if {id(h) for h in part} != mine:
            return None
        cut.append(part)
        start += len(mine)
    cut.append(held[start:])
    return cut
