"""Authentication rules: the ways an operation's ``security`` lets a request in.

The spec's ``security`` is a list of alternatives (OR), each a set of schemes (AND) with
scopes; an empty one (``{}``) makes credentials optional. The generated server accepts
a request that satisfies any alternative and passes its principal (None through the
empty one); the generated client sends whatever credentials it was given. So every
alternative counts, not just the first.
"""

from __future__ import annotations

from collections.abc import Iterable

from apiforge.diagnostics import SpecLocation
from apiforge.diff.model import Audience, Level
from apiforge.diff.pair import Pair, same
from apiforge.ir.model import Operation

P, C = Level.POSSIBLY_BREAKING, Level.COMPATIBLE
Where = tuple[SpecLocation, SpecLocation]
Scopes = frozenset[tuple[str, frozenset[str]]]  # one alternative's scopes, scheme by scheme
Alternatives = dict[frozenset[str], frozenset[Scopes]]


def _alternatives(op: Operation) -> Alternatives:
    """Each way to authenticate (its schemes, ANDed) -> the scopes it is accepted with (more than
    one when alternatives name the same schemes with other scopes: any of them lets a request
    in); the empty key when credentials are optional or not asked for at all."""
    found: dict[frozenset[str], set[Scopes]] = {}
    for alt in op.security_alternatives:
        scopes = frozenset((r.scheme, frozenset(r.scopes)) for r in alt)
        found.setdefault(frozenset(r.scheme for r in alt), set()).add(scopes)
    if op.security_optional or not (found or op.security_unsupported):
        found.setdefault(frozenset(), set()).add(frozenset())
    return {way: frozenset(scopes) for way, scopes in found.items()}


def _spelt(ways: Iterable[frozenset[str]]) -> str:
    return " or ".join(sorted(" and ".join(sorted(way)) for way in ways))


def security(pair: Pair, old: Operation, new: Operation) -> None:
    """Authentication made required or optional, a way to authenticate (an alternative of the
    spec's ``security``, each weighed) dropped, added or swapped, or scopes that moved.

    The server accepts a request that satisfies any alternative and passes its principal
    (None through an empty one); the client sends whatever credentials it was given.
    """
    before, after = _alternatives(old), _alternatives(new)
    if before == after and old.security_unsupported == new.security_unsupported:
        where = (old.spec_location, new.spec_location)
        _reordered(pair, _order(old), _order(new), pair.new.calls(new), where)
        return
    symbol = pair.new.calls(new)
    where = (old.spec_location, new.spec_location)
    if old.security_unsupported or new.security_unsupported:
        _unsupported(pair, old.security_unsupported, after, symbol, where)
        return
    was_open, now_open = frozenset() in before, frozenset() in after
    if was_open and not now_open:
        pair.emit(
            "auth-added",
            {"client": P, "server": C},
            {
                "client": f"now requires credentials ({_spelt(after)}); calls without them get 401",
                "server": "requests now arrive authenticated (a principal is passed in the context)",
            },
            symbol,
            *where,
        )
    elif now_open and not was_open:
        pair.emit(
            "auth-removed",
            {"client": C, "server": P},
            {
                "client": "no longer requires credentials",
                "server": "requests may arrive unauthenticated: the context may carry no principal",
            },
            symbol,
            *where,
        )
    ways_before = {way for way in before if way}
    ways_after = {way for way in after if way}
    gone, fresh = ways_before - ways_after, ways_after - ways_before
    if gone and fresh and not ways_before & ways_after:
        pair.emit(
            "auth-scheme-changed",
            same(P),
            f"authenticates with {_spelt(fresh)} (was {_spelt(gone)})",
            symbol,
            *where,
        )
    elif (gone or fresh) and (was_open == now_open or (ways_before and ways_after)):
        _ways(pair, gone, fresh, bool(ways_after), symbol, where)
    for way in ways_before & ways_after:
        if before[way] != after[way]:
            _scopes(pair, way, before[way], after[way], symbol, where)


def _order(op: Operation) -> list[tuple[str, ...]]:
    """The ways to authenticate in the order both packages try them, each scheme in order (the
    server's principal is the first scheme's of the first way a request satisfies); a way
    named again later is never reached, so only its first place counts."""
    seen: set[frozenset[str]] = set()
    order = []
    for alt in op.security_alternatives:
        way = tuple(r.scheme for r in alt)
        if way and frozenset(way) not in seen:
            seen.add(frozenset(way))
            order.append(way)
    return order


def _reordered(
    pair: Pair,
    was: list[tuple[str, ...]],
    now: list[tuple[str, ...]],
    symbol: dict[Audience, str],
    where: Where,
) -> None:
    """The same ways to authenticate, tried in another order: the client's concern only when
    the ways moved (it sends every scheme of the one it picks, in any order), the server's
    when the principal may come from another scheme."""

    def spelt(order: list[tuple[str, ...]]) -> str:
        return ", then ".join(" and ".join(way) for way in order)

    if was == now:
        return
    tries = f"now tries {spelt(now)} (was {spelt(was)})"
    levels: dict[Audience, Level] = {"server": P}
    if [frozenset(way) for way in was] != [frozenset(way) for way in now]:
        levels["client"] = C
    pair.emit(
        "auth-order-changed",
        levels,
        {
            "client": f"{tries}: a client holding credentials for several ways sends those of "
            "the first it holds",
            "server": f"{tries}: a request that satisfies several ways gets the principal of "
            "the first one's first scheme in its context",
        },
        symbol,
        *where,
    )


def _unsupported(
    pair: Pair,
    was_unsupported: bool,
    after: Alternatives,
    symbol: dict[Audience, str],
    where: Where,
) -> None:
    """Every way to authenticate now uses a scheme the generator does not support (``http``
    digest, ``mutualTLS``...), or no longer: the generated server refused every request for
    it (401) and the client sent no credentials."""
    if not was_unsupported:
        pair.emit(
            "auth-unsupported-added",
            same(P),
            {
                "client": "now takes credentials only in schemes the generator does not support: "
                "the client sends none (give them through http_client=), and the generated "
                "server refuses every call (401)",
                "server": "every request is now refused (401): only schemes the generator does "
                "not support are required; the implementation's method is no longer called",
            },
            symbol,
            *where,
        )
        return
    ways = [way for way in after if way]
    now = f"authenticates with {_spelt(ways)}" if ways else "takes no credentials"
    if frozenset() in after and ways:
        now += " (or none)"
    sent = "the client sends their credentials" if ways else "calls are served"
    required = frozenset() not in after  # credentials given through http_client= no longer do
    if required:
        sent += (
            ", and calls without them get 401 (credentials of the unsupported scheme given "
            "through http_client= no longer let a call in)"
        )
    pair.emit(
        "auth-unsupported-removed",
        {"client": P if required else C, "server": P},
        {
            "client": f"now {now}: {sent} (only unsupported schemes were required: the client "
            "sent no credentials and the generated server refused every call)",
            "server": f"requests are now served (every one was refused: 401); the operation {now}",
        },
        symbol,
        *where,
    )


def _ways(
    pair: Pair,
    gone: set[frozenset[str]],
    fresh: set[frozenset[str]],
    any_left: bool,
    symbol: dict[Audience, str],
    where: tuple[SpecLocation, SpecLocation],
) -> None:
    """Ways to authenticate dropped (their callers get 401, or, where only ``{}`` is left,
    are served unauthenticated) or added."""
    if gone and any_left:
        pair.emit(
            "auth-alternative-removed",
            {"client": P, "server": C},
            {
                "client": f"no longer accepts {_spelt(gone)}: calls authenticated only that way "
                "get 401",
                "server": f"no longer accepts {_spelt(gone)}",
            },
            symbol,
            *where,
        )
    elif gone:
        pair.emit(
            "auth-alternative-removed",
            same(P),
            {
                "client": f"no longer takes {_spelt(gone)}: the client sends no credentials and "
                "calls are served unauthenticated",
                "server": f"no longer accepts {_spelt(gone)}: every request arrives "
                "unauthenticated (the context carries no principal)",
            },
            symbol,
            *where,
        )
    if fresh:
        pair.emit(
            "auth-alternative-added",
            {"client": C, "server": P},
            {
                "client": f"also accepts {_spelt(fresh)}",
                "server": f"also accepts {_spelt(fresh)}: the context's principal may come from "
                "that scheme",
            },
            symbol,
            *where,
        )


def _scopes(
    pair: Pair,
    way: frozenset[str],
    before: frozenset[Scopes],
    after: frozenset[Scopes],
    symbol: dict[Audience, str],
    where: tuple[SpecLocation, SpecLocation],
) -> None:
    """Scopes asked of one way to authenticate: scheme by scheme, or, where alternatives name
    its schemes with other scopes, each set of scopes it is accepted with."""
    if len(before) != 1 or len(after) != 1:
        _scope_sets(pair, way, before, after, symbol, where)
        return
    (one_before,), (one_after,) = before, after
    was: dict[str, frozenset[str]] = dict(one_before)
    now: dict[str, frozenset[str]] = dict(one_after)
    for scheme, scopes in now.items():
        if scopes - was[scheme]:
            pair.emit(
                "auth-scopes-added",
                {"client": P, "server": C},
                f"{scheme} now needs scopes {', '.join(sorted(scopes - was[scheme]))}",
                symbol,
                *where,
            )
        if was[scheme] - scopes:
            pair.emit(
                "auth-scopes-removed",
                {"client": C, "server": P},
                f"{scheme} no longer needs scopes {', '.join(sorted(was[scheme] - scopes))}",
                symbol,
                *where,
            )


def _scope_sets(
    pair: Pair,
    way: frozenset[str],
    before: frozenset[Scopes],
    after: frozenset[Scopes],
    symbol: dict[Audience, str],
    where: tuple[SpecLocation, SpecLocation],
) -> None:
    """Sets of scopes one way is accepted with, dropped (tokens granted only those get 403)
    or added."""

    def spelt(scopes: Scopes) -> str:
        named = sorted((scheme, ", ".join(sorted(s))) for scheme, s in scopes if s)
        if not named:
            return f"{_spelt([way])} with no scopes"
        if len(way) == 1:
            return f"{_spelt([way])} with scopes {named[0][1]}"
        return f"{_spelt([way])} with scopes " + "; ".join(f"{k}: {v}" for k, v in named)

    def covered(scopes: Scopes, others: frozenset[Scopes]) -> bool:
        """Whether a token granted ``scopes`` is let in by one of ``others`` (asking no more)."""
        asked = dict(scopes)
        return any(all(s <= asked[k] for k, s in other) for other in others)

    for scopes in sorted(before - after, key=spelt):
        if covered(scopes, after):
            continue  # its tokens are still let in
        pair.emit(
            "auth-scopes-alternative-removed",
            {"client": P, "server": C},
            f"no longer accepts {spelt(scopes)}: calls granted only those get 403",
            symbol,
            *where,
        )
    for scopes in sorted(after - before, key=spelt):
        if covered(scopes, before):
            continue  # it lets in no token the old ones did not
        pair.emit(
            "auth-scopes-alternative-added",
            {"client": C, "server": P},
            f"also accepts {spelt(scopes)}",
            symbol,
            *where,
        )
