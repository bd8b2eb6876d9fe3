"""Body rules: the responses of one matched operation, and one body's type and keywords
(the request body's own rules: :mod:`~apiforge.diff.requests`).

A body's type is weighed by who produces it (callers produce request bodies,
implementations responses; see :mod:`apiforge.diff.flow`); a body appearing or
vanishing changes a signature or a return type on one side or both.
"""

from __future__ import annotations

from apiforge.diagnostics import SpecLocation
from apiforge.diff.flow import OPERATION_FORMATS, keyword_moves
from apiforge.diff.model import Audience, Level
from apiforge.diff.pair import Pair, flow_levels, same
from apiforge.diff.snapshot import Direction, Snapshot
from apiforge.ir.media import outcome_kind, reads_text, text_alternatives
from apiforge.ir.model import (
    Content,
    Operation,
    Response,
    TypeRef,
    preferred_response,
)

B, P, C = Level.BREAKING, Level.POSSIBLY_BREAKING, Level.COMPATIBLE
Where = tuple[SpecLocation | None, SpecLocation | None]


def content(
    pair: Pair,
    old: Content,
    new: Content,
    direction: Direction,
    symbols: dict[Audience, str],
    where: Where,
    label: str = "request body",
    only: Audience | None = None,
) -> None:
    """Type and (inline request) constraints of one body in one media type; ``label`` names it.

    ``only`` narrows the levels to one audience (a media type only the server reads).
    """
    if old.type is None or new.type is None:
        return
    shift = pair.type_shift(old.type, new.type, OPERATION_FORMATS)
    if shift is not None:
        pair.emit(
            f"{direction}-body-type-{shift.value}",
            _narrowed(flow_levels([direction], shift, B), only),
            f"{label} type {shift.value}",
            symbols,
            *where,
        )
    # An inline request body schema's own keywords, which the server's route checks
    # (a component's model checks its own: the schema rules compare those).
    for keyword, moved, was, now in keyword_moves(dict(old.keywords), dict(new.keywords)):
        pair.emit(
            f"{direction}-body-constraint-{moved.value}",
            _narrowed(flow_levels([direction], moved, P), only),
            f"{label}: {keyword} {was!r} -> {now!r}",
            symbols,
            *where,
        )


def _narrowed(levels: dict[Audience, Level], only: Audience | None) -> dict[Audience, Level]:
    return levels if only is None else {only: levels[only]}


def responses(pair: Pair, old: Operation, new: Operation) -> None:
    """Success statuses; the body of every status documented on both sides (an error body is
    ``exc.parsed`` for callers and part of the return type for implementations); error
    statuses documented or no longer."""
    symbols = pair.new.calls(new)
    before = {r.status: r for r in old.success_responses}
    after = {r.status: r for r in new.success_responses}
    if set(before) != set(after) and before and after:
        pair.emit(
            "success-status-changed",
            same(P),
            f"success status {', '.join(after)} (was {', '.join(before)}); the return type's status "
            "wrappers follow it",
            symbols,
            old.spec_location.child("responses"),
            new.spec_location.child("responses"),
        )
    errors_before = {r.status: r for r in old.responses if r.status not in before}
    errors_after = {r.status: r for r in new.responses if r.status not in after}
    for found, known, success in ((after, before, True), (errors_after, errors_before, False)):
        for status, response in found.items():
            if status in known:
                _response_body(pair, status, known[status], response, success, symbols)
    for status, response in errors_after.items():
        if status not in errors_before:
            _error_status(pair, status, _covering(errors_before, status), response, True, symbols)
    for status, response in errors_before.items():
        if status not in errors_after:
            _error_status(pair, status, response, _covering(errors_after, status), False, symbols)


def _covering(errors: dict[str, Response], status: str) -> Response | None:
    """What the client reads error ``status`` by when not that code: its range, then ``default``."""
    if status == "default":
        return None
    if not status.endswith("XX") and f"{status[0]}XX" in errors:
        return errors[f"{status[0]}XX"]
    return errors.get("default")


def _parsed(response: Response | None) -> TypeRef | None:
    """The type of ``exc.parsed`` for an error read by ``response`` (None: it is None)."""
    content = preferred_response(response.contents) if response is not None else None
    return content.type if content is not None else None


def _error_status(
    pair: Pair,
    status: str,
    was: Response | None,
    now: Response | None,
    gained: bool,
    symbols: dict[Audience, str],
) -> None:
    """Error ``status`` documented (``gained``) or no longer; the other side's ``was`` or
    ``now`` is the response that reads it instead (its range, ``default``, or None).

    The client raises the status class's error either way, but ``exc.parsed`` takes the
    type of the response that reads the status: code reading it breaks when that type is
    lost or replaced. The implementation's return type gains or loses the status's
    wrapper (returning one it no longer lists fails type checks).
    """
    before, after = _parsed(was), _parsed(now)
    retyped = before is not None and (
        after is None or pair.type_shift(before, after, OPERATION_FORMATS) is not None
    )
    covered_now = f" from {now.status}" if now is not None and not gained else ""
    covered_was = f" from {was.status}" if was is not None and gained else ""
    state = "documents" if gained else "no longer documents"
    pair.emit(
        f"error-response-{'added' if gained else 'removed'}",
        {"client": B if retyped else C, "server": C if gained else P},
        {
            "client": f"{state} error status {status}"
            + (
                f"; exc.parsed is now {_spelt(pair.new, after)}{covered_now} "
                f"(was {_spelt(pair.old, before)}{covered_was})"
                if retyped
                else ""
            ),
            "server": f"{state} error status {status}"
            + (
                ""
                if gained
                else "; an implementation returning it fails type checks (its status wrapper "
                "left the return type)"
            ),
        },
        symbols,
        None if gained or was is None else was.spec_location,
        None if not gained or now is None else now.spec_location,
    )


def _returned(content: Content) -> TypeRef | None:
    """The type a response body of ``content`` is returned as: its schema's when read as JSON,
    ``str`` when read as text, ``bytes`` else (as the client and the server spell it);
    None for JSON without a schema (``Any``)."""
    kind = outcome_kind(content)
    if kind == "json":
        return content.type
    return TypeRef("string") if kind == "text" else TypeRef("binary")


def _spelt(side: Snapshot, parsed: TypeRef | None) -> str:
    if parsed is None:
        return "None"
    return side.model(parsed.model) if parsed.model else f"a {parsed.kind}"


def _response_body(
    pair: Pair,
    status: str,
    previous: Response,
    response: Response,
    success: bool,
    symbols: dict[Audience, str],
) -> None:
    """One status's body appearing, vanishing, or changing type or media type."""
    was, now = preferred_response(previous.contents), preferred_response(response.contents)
    where: Where = (previous.spec_location, response.spec_location)
    if (was is None) != (now is None):
        gained = now is not None
        pair.emit(
            "response-body-added" if gained else "response-body-removed",
            {"client": C, "server": B} if gained else {"client": B, "server": C},
            {
                "client": f"{status} response {'now has a body' if gained else 'no longer has a body'}",
                "server": f"the implementation {'must now return' if gained else 'no longer returns'} "
                f"a {status} body",
            },
            symbols,
            *where,
        )
        return
    if was is None or now is None:
        return
    if was.kind != now.kind:
        _media_type(pair, status, (was, now), symbols, where)
        return
    content(pair, was, now, "response", symbols, where, f"{status} response body")
    _text_alternative(pair, status, (previous, response), success, symbols, where)


def _text_alternative(
    pair: Pair,
    status: str,
    responses: tuple[Response, Response],
    success: bool,
    symbols: dict[Audience, str],
    where: Where,
) -> None:
    """A text type offered beside a JSON body (``ir.media.text_alternatives``) or no longer:
    a success status's return type gains or loses ``| str`` on both sides (an error status's
    text is ``exc.parsed`` for callers)."""
    had, has = (bool(text_alternatives(r)) for r in responses)
    if had == has:
        return
    returned = "the return type" if success else "exc.parsed"
    pair.emit(
        "response-text-alternative-added" if has else "response-text-alternative-removed",
        {"client": B if has and success else C, "server": C if has else B},
        {
            "client": f"{status} response may now come as text: {returned} gains str"
            if has
            else f"{status} response no longer comes as text: {returned} loses str",
            "server": f"the implementation may now return a str for {status} (sent as text)"
            if has
            else f"a str returned for {status} fails type checks (no text type is documented)",
        },
        symbols,
        *where,
    )


def _media_type(
    pair: Pair,
    status: str,
    contents: tuple[Content, Content],
    symbols: dict[Audience, str],
    where: Where,
) -> None:
    """A response body's media type changed kind: weighed by what the packages do with it.

    Breaking when the return type changes (a JSON model returned as ``str``); compatible
    when both read and write it alike (JSON <-> ``*/*`` with a schema: JSON either way;
    two media types returned as ``bytes``), except that a client that took a text reply
    for a string under ``*/*`` and no longer does fails where a server sends one
    (possibly breaking); else possibly breaking (a JSON string read as text).
    """
    was, now = contents
    before, after = _returned(was), _returned(now)
    if before is None or after is None:
        retyped = before is not after  # None: JSON without a schema, read as Any
    else:
        retyped = pair.type_shift(before, after) is not None
    message = f"{status} response body is now {now.media_type} (was {was.media_type})"
    if retyped:
        pair.emit(
            "response-media-type-changed",
            same(B),
            message + "; the return type changes with it",
            symbols,
            *where,
        )
        return
    if outcome_kind(was) != outcome_kind(now):
        pair.emit("response-media-type-changed", same(P), message, symbols, *where)
        return
    how = "as JSON" if outcome_kind(now) == "json" else "as bytes"
    lost = reads_text(was, pair.old.api) and not reads_text(now, pair.new.api)
    pair.emit(
        "response-media-type-changed",
        {"client": P if lost else C, "server": C},
        {
            "client": message
            + (
                "; a text reply is no longer read as the string (only JSON is)"
                if lost
                else f"; the client reads it {how} all the same"
            ),
            "server": message + f"; the route sends it {how} all the same",
        },
        symbols,
        *where,
    )
