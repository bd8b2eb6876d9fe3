"""Request body rules: a body appearing, vanishing, made required, or sent another way.

The generated client sends one media type, the preferred one
(:func:`~apiforge.ir.model.preferred_request`); the generated server's route accepts
every media type the spec lists (415 for others) and passes the implementation the
union of their types. So a media type the client never sends still matters to the
server, and a form body's Encoding Object is how both spell its fields on the wire.
"""

from __future__ import annotations

from apiforge.diff.bodies import Where, content
from apiforge.diff.flow import Shift
from apiforge.diff.model import Audience, Level
from apiforge.diff.pair import Pair, flow_levels
from apiforge.diff.snapshot import Snapshot
from apiforge.ir.media import media_covers, usual_sent_type
from apiforge.ir.model import (
    Content,
    Operation,
    RequestBody,
    TypeRef,
    media_essence,
    preferred_request,
)
from apiforge.naming.names import CONTENT_TYPE_KEY

B, P, C = Level.BREAKING, Level.POSSIBLY_BREAKING, Level.COMPATIBLE
_SCALAR_STYLES = frozenset({"form", "spaceDelimited", "pipeDelimited"})


def body(pair: Pair, old: Operation, new: Operation) -> None:
    """The request body appeared, vanished, became required/optional, or changed type or media type."""
    symbols = pair.new.calls(new, "body=...")
    if old.body is None and new.body is None:
        return
    if old.body is None or new.body is None:
        present = new.body if new.body is not None else old.body
        assert present is not None
        rule = "request-body-removed" if new.body is None else "request-body-added"
        client = B if new.body is None or new.body.required else C
        pair.emit(
            rule,
            {"client": client, "server": B},
            {
                "client": f"{'required ' if present.required else ''}request body "
                f"{'removed' if new.body is None else 'added'}",
                "server": f"the route {'no longer passes' if new.body is None else 'now passes'} body=",
            },
            symbols,
            old.body.spec_location if old.body else None,
            new.body.spec_location if new.body else None,
        )
        return
    where: Where = (old.body.spec_location, new.body.spec_location)
    if old.body.required != new.body.required:
        shift = Shift.NARROWER if new.body.required else Shift.WIDER
        state = "required" if new.body.required else "optional"
        pair.emit(
            f"request-body-made-{state}",
            flow_levels(["request"], shift, B),
            f"request body is now {state}",
            symbols,
            *where,
        )
    _sent(pair, old.body, new.body, symbols, where)
    _content_type_argument(pair, old, new, where)
    _accepted(pair, old.body, new.body, symbols, where)


def _sent(
    pair: Pair, old: RequestBody, new: RequestBody, symbols: dict[Audience, str], where: Where
) -> None:
    """The media type the client sends: another one, or its type, keywords or form encoding."""
    was, now = preferred_request(old.contents), preferred_request(new.contents)
    if was.media_type != now.media_type:
        kept = any(media_covers(c.media_type, was.media_type) for c in new.contents) or (
            len(new.contents) == 1 and now.kind == was.kind == "json"
        )  # a route of one JSON media type reads a body in any JSON one
        before, after = _taken(was), _taken(now)
        retyped = was.kind != now.kind and (
            before is None or after is None or pair.type_shift(before, after) is not None
        )
        retyped_note = "; the body's type changes with it" if retyped else ""
        default_level, default_note = _default_call(was, now)
        client = B if retyped or not kept else default_level
        pair.emit(
            "request-media-type-changed",
            {"client": client, "server": B if retyped else P},
            {
                "client": f"request body is now sent as {now.media_type} (was {was.media_type})"
                + (retyped_note if kept or retyped else _refused(was, now))
                + default_note,
                "server": f"request body now arrives as {now.media_type} from the client "
                f"(was {was.media_type})" + retyped_note,
            },
            symbols,
            *where,
        )
        if was.kind != now.kind:
            return
    content(pair, was, now, "request", symbols, where)
    if was.kind == now.kind == "form":
        _encoding(pair, was, now, symbols, where)


def _default_call(was: Content, now: Content) -> tuple[Level, str]:
    """What a call naming no media type sends once a concrete type became a range: the
    range's usual type (the call is unchanged where it is the old type), or nothing (the
    call raises a ``TypeError`` asking for ``content_type=``)."""
    if was.is_range or not now.is_range:
        return C, ""
    usual = usual_sent_type(now.media_type)
    if usual is None:
        return B, "; a call without content_type= raises TypeError"
    if usual != media_essence(was.media_type):
        return P, f"; a call without content_type= now sends {usual}"
    return C, ""


def _refused(was: Content, now: Content) -> str:
    """Why a media type change fails clients generated from the old spec: what they send."""
    sent = f"may send another type within {was.media_type}" if was.is_range else "send the old one"
    return (
        "; the call is unchanged" if was.is_range == now.is_range else ""
    ) + f"; clients generated from the old spec {sent}, which the route answers with 415"


def _content_type_argument(pair: Pair, old: Operation, new: Operation, where: Where) -> None:
    """The client's optional ``content_type=`` argument (a body sent as a range, ``image/*``,
    names its media type) appeared, or vanished: passing it now fails with a TypeError."""
    assert old.body is not None and new.body is not None
    was, now = preferred_request(old.body.contents), preferred_request(new.body.contents)
    if was.is_range and now.is_range:
        _content_type_renamed(pair, old, new, where)
    if was.is_range == now.is_range:
        return
    side, operation = (pair.new, new) if now.is_range else (pair.old, old)
    argument = side.names.operations[operation.operation_id].params[CONTENT_TYPE_KEY]
    symbol: dict[Audience, str] = {"client": side.client_call(operation, f"{argument}=...")}
    if now.is_range:
        pair.emit(
            "request-content-type-argument-added",
            {"client": C},
            f"new optional argument {argument}= names the media type within {now.media_type} "
            f"the body is sent as (was always {was.media_type})",
            symbol,
            *where,
        )
        return
    pair.emit(
        "request-content-type-argument-removed",
        {"client": B},
        f"argument {argument}= removed: the body is always sent as {now.media_type} "
        f"(was a type within {was.media_type}); calls passing it fail with a TypeError",
        symbol,
        *where,
    )


def _content_type_renamed(pair: Pair, old: Operation, new: Operation, where: Where) -> None:
    """``content_type=`` took another name (a parameter now named ``content_type`` took it)."""
    before = pair.old.names.operations[old.operation_id].params[CONTENT_TYPE_KEY]
    after = pair.new.names.operations[new.operation_id].params[CONTENT_TYPE_KEY]
    if before != after:
        pair.emit(
            "request-content-type-argument-renamed",
            {"client": B},
            f"argument {before}= (the body's media type) is now {after}="
            + (
                f"; calls passing {before}= now set the new parameter of that name instead"
                if before in pair.new.names.operations[new.operation_id].params.values()
                else ""
            ),
            {"client": pair.old.client_call(old, f"{before}=...")},
            *where,
            {"client": pair.new.client_call(new, f"{after}=...")},
        )


def _taken(content: Content) -> TypeRef | None:
    """The type a request body of ``content`` is passed as (by callers, to implementations):
    ``bytes`` for binary data or media types read raw, ``str`` for text, else its schema's
    (None without one)."""
    if content.type is not None and content.type.kind == "binary" or content.kind == "binary":
        return TypeRef("binary")
    return TypeRef("string") if content.kind == "text" else content.type


def _accepted(
    pair: Pair, old: RequestBody, new: RequestBody, symbols: dict[Audience, str], where: Where
) -> None:
    """Media types besides the client's: the route stops or starts accepting one, or reads it
    as another type (the implementation's body is the union of every media type's type)."""
    sent = {preferred_request(old.contents).media_type, preferred_request(new.contents).media_type}
    before = {c.media_type: c for c in old.contents}
    after = {c.media_type: c for c in new.contents}
    for media, was in before.items():
        if media in sent:
            continue
        now = after.get(media) or next(
            (c for c in new.contents if media_covers(c.media_type, media)), None
        )  # a range listed instead (``image/png`` -> ``image/*``) takes it still
        if now is None:
            pair.emit(
                "request-media-type-removed",
                {"client": C, "server": P},
                {
                    "client": f"the route no longer accepts {media} (this client never sent it)",
                    "server": f"the route answers 415 to {media} bodies: callers sending them fail",
                },
                symbols,
                *where,
            )
        else:
            content(pair, was, now, "request", symbols, where, f"{media} request body", "server")
    old_types = {pair.as_new(c.type) if c.type else None for c in old.contents}
    for media, now in after.items():
        if media in before or media in sent:
            continue
        fresh = now.type not in old_types
        if not fresh and any(media_covers(listed, media) for listed in before):
            continue  # taken before, within a range (``image/*`` -> ``image/png``)
        pair.emit(
            "request-media-type-added",
            {"client": C, "server": B if fresh else C},
            {
                "client": f"the route also accepts {media}",
                "server": f"the route also accepts {media}"
                + (
                    ": the implementation's body may now be of its type"
                    if fresh
                    else " (a type the body already had)"
                ),
            },
            symbols,
            *where,
        )


def _encoding(
    pair: Pair, old: Content, new: Content, symbols: dict[Audience, str], where: Where
) -> None:
    """A form field's ``style``/``explode`` (Encoding Object, defaults applied) changed: the same
    call, another spelling on the wire (``tags=a&tags=b`` vs ``tags=a,b``); not for a scalar
    field in a style that spells it as itself."""
    was, now = _resolved(old), _resolved(new)
    kinds = _field_kinds(pair.new, new)
    for name in sorted(set(was) | set(now)):
        before, after = was.get(name, ("form", True)), now.get(name, ("form", True))
        scalar = kinds.get(name) not in ("array", "map", "model", "any")
        if before == after or (scalar and {before[0], after[0]} <= _SCALAR_STYLES):
            continue
        spelt = f"style={after[0]}, explode={after[1]} (was style={before[0]}, explode={before[1]})"
        pair.emit(
            "request-encoding-changed",
            {"client": B, "server": C},
            {
                "client": f"form field {name!r} is now sent as {spelt}; the call is unchanged but "
                "clients generated from the old spec send the old spelling",
                "server": f"form field {name!r} is now read as {spelt}",
            },
            symbols,
            *where,
        )


def _resolved(body: Content) -> dict[str, tuple[str, bool]]:
    """Field -> (style, explode) of a form's Encoding Object, with OpenAPI's defaults."""
    return {
        name: (style or "form", explode if explode is not None else (style or "form") == "form")
        for name, style, explode in body.encoding
    }


def _field_kinds(side: Snapshot, body: Content) -> dict[str, str]:
    """Field -> its type's kind, for a form body whose schema is a component (or hoisted)."""
    key = body.type.model if body.type is not None else None
    schema = side.api.schemas.get(key or "")
    return {p.name: p.type.kind for p in schema.properties} if schema else {}
