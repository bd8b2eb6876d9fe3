"""Credential rules: what the client's constructor takes, and where each scheme puts its secret.

The generated ``Client`` takes the *main* scheme's credential as its own arguments
(``api_key=``, or ``username=``/``password=`` for HTTP basic) and every scheme an
operation uses by name (``credentials={name: secret}``, which raises ValueError for a
name it does not know); which scheme is the main one is an IR fact
(``Api.main_scheme``, see :func:`apiforge.ir.security.client_schemes`), compared here,
not in rendered text. An operation's own requirements are :mod:`~apiforge.diff.auth`'s.
"""

from __future__ import annotations

from apiforge.diff.model import Audience, Level
from apiforge.diff.pair import Pair
from apiforge.ir.model import Api, Operation, SecurityScheme
from apiforge.ir.security import KIND_DESCRIPTIONS, credential_arguments, main_scheme, placement

B, P, C = Level.BREAKING, Level.POSSIBLY_BREAKING, Level.COMPATIBLE
_AUTHENTICATE = "create_app(authenticate=...)"


def arguments(scheme: SecurityScheme | None) -> str:
    """How ``Client()`` takes the main scheme's credential; ``Client()`` without a scheme."""
    if scheme is None:
        return "Client()"
    return "Client(" + ", ".join(f"{a}=..." for a in credential_arguments(scheme)) + ")"


def _keywords(scheme: SecurityScheme) -> str:
    """``api_key=``, or ``username=/password=`` for HTTP basic."""
    return "/".join(f"{a}=" for a in credential_arguments(scheme))


def _shape(scheme: SecurityScheme) -> str:
    """What its credential is: a pair for the two-argument kind (basic), else a string."""
    arguments = credential_arguments(scheme)
    return f"({', '.join(arguments)})" if len(arguments) > 1 else "a string"


def _described(scheme: SecurityScheme) -> str:
    """``'key' (an API key in header X-Key)``."""
    what = KIND_DESCRIPTIONS[scheme.kind]
    if scheme.kind == "api_key":
        what = f"{what} in {scheme.location} {scheme.param_name}"
    return f"{scheme.name!r} ({what})"


def _stranded(api: Api, was: str, now: str) -> list[str]:
    """Operations that take ``was`` and accept no call carrying only ``now``'s credential (no
    ``{}`` alternative, none made of ``now`` alone): without ``credentials=`` naming ``was``
    they raise MissingCredentialsError."""

    def stranded(op: Operation) -> bool:
        ways = [{r.scheme for r in alt} for alt in op.security_alternatives]
        return (
            any(was in way for way in ways)
            and not op.security_optional
            and not any(way <= {now} for way in ways)
        )

    return [op.operation_id for op in api.operations if stranded(op)]


def constructor(pair: Pair) -> None:
    """The main scheme is another one, or appeared or went: ``Client()``'s own credential
    arguments change (the other scheme's kind), or give another scheme's credential."""
    old, new = pair.old.api, pair.new.api
    if old.main_scheme == new.main_scheme:
        return  # the same scheme: :func:`schemes` reports a change of its kind
    was, now = main_scheme(old), main_scheme(new)
    before, after = arguments(was), arguments(now)
    symbol: dict[Audience, str] = {"client": before}
    fresh: dict[Audience, str] = {"client": after}
    if was is None:
        assert now is not None
        pair.emit(
            "client-credentials-added",
            {"client": C},
            f"credentials are now given to Client(): {_keywords(now)} for the main scheme "
            f"{_described(now)}, credentials= by scheme name, auth= placed by hand",
            fresh,
            new=now.spec_location,
        )
        return
    if now is None:
        pair.emit(
            "client-credentials-removed",
            {"client": B},
            f"no operation takes credentials now: Client() no longer takes {_keywords(was)}, "
            "credentials= nor auth= (a TypeError for code passing them)",
            symbol,
            old=was.spec_location,
        )
        return
    main = f"the main security scheme is now {_described(now)}, not {_described(was)}"
    if before != after:
        level = B
        message = f"{main}: Client() takes {_keywords(now)} instead of {_keywords(was)}"
        message += f" (a TypeError for code passing {_keywords(was)})"
        if now.kind == "basic":
            message += "; the API key environment variable is no longer read"
    elif stranded := _stranded(new, was.name, now.name):
        level = B
        named = ", ".join(stranded[:5]) + (
            f" and {len(stranded) - 5} more" if len(stranded) > 5 else ""
        )
        message = (
            f"{main}: {_keywords(now)} gives that scheme's credential, so operations that take "
            f"only {was.name!r} ({named}) raise MissingCredentialsError unless "
            f"credentials={{{was.name!r}: ...}} gives its own"
        )
    else:
        level = P if placement(was) != placement(now) else C
        sent = "sent another way" if level is P else "sent alike"
        taken = (
            "no operation takes now"
            if was.name not in new.used_schemes
            else f"every operation taking it also accepts {now.name!r} alone or no credentials"
        )
        message = f"{main}, which {taken}: {_keywords(now)} gives its credential ({sent})"
    pair.emit(
        "client-credentials-changed",
        {"client": level},
        message,
        symbol,
        was.spec_location,
        now.spec_location,
        fresh,
    )


def scheme_uses(pair: Pair) -> None:
    """A scheme ``credentials=`` takes (one some operation uses) goes or comes."""
    old, new = pair.old.api, pair.new.api
    if old.main_scheme is None or new.main_scheme is None:
        return  # credentials= itself comes or goes: :func:`constructor` says so
    before = {s.name: s for s in old.security_schemes}
    after = {s.name: s for s in new.security_schemes}
    for name in old.used_schemes:
        if name not in new.used_schemes:
            why = "no operation takes it now" if name in after else _undeclared(pair, name)
            pair.emit(
                "credentials-scheme-removed",
                {"client": B},
                f"credentials= no longer takes the {name!r} scheme ({why}): a ValueError at "
                "Client() for code passing it",
                {"client": f"Client(credentials={{{name!r}: ...}})"},
                old=before[name].spec_location,
            )
    for name in new.used_schemes:
        if name not in old.used_schemes:
            pair.emit(
                "credentials-scheme-added",
                {"client": C},
                f"credentials= also takes the scheme {_described(after[name])}",
                {"client": f"Client(credentials={{{name!r}: ...}})"},
                new=after[name].spec_location,
            )


def _undeclared(pair: Pair, name: str) -> str:
    """Why a scheme the new IR does not hold is gone: undeclared, or of a kind not supported."""
    declared = (pair.new.document.get("components") or {}).get("securitySchemes") or {}
    if name in declared:
        return "its kind is no longer supported: the client sends no credentials for it"
    return "it is no longer declared"


def schemes(pair: Pair) -> None:
    """An API key moved, a scheme changed kind: credentials travel differently.

    Only for a scheme some operation takes (the client knows no other; the server checks no
    other); for callers only when the client sends its secret another way (an OAuth 2 token
    goes as a bearer one), given through the client's own arguments when it is the main
    scheme on both sides, else through ``credentials=``.
    """
    old, new = pair.old.api, pair.new.api
    was = {s.name: s for s in old.security_schemes}
    for scheme in new.security_schemes:
        before = was.get(scheme.name)
        if before is None or (before.kind, before.param_name, before.location) == (
            scheme.kind,
            scheme.param_name,
            scheme.location,
        ):
            continue
        in_old, in_new = scheme.name in old.used_schemes, scheme.name in new.used_schemes
        if not (in_old or in_new):
            continue  # no operation takes it: neither package reads it
        spelt = f"{scheme.kind} ({scheme.location} {scheme.param_name or ''})".replace(" )", ")")
        message = f"security scheme {scheme.name!r} is now {spelt}"
        pair.emit(
            "auth-scheme-changed",
            {"server": P},
            message,
            {"server": _AUTHENTICATE},
            before.spec_location,
            scheme.spec_location,
        )
        if not (in_old and in_new) or placement(before) == placement(scheme):
            continue  # taken on one side only (scheme_uses says so), or sent alike
        # basic's credential is (username, password), every other kind's a string
        reshaped = credential_arguments(before) != credential_arguments(scheme)
        note = f"; its credential is now {_shape(scheme)}, not {_shape(before)}" if reshaped else ""
        if old.main_scheme == new.main_scheme == scheme.name:  # given by Client()'s arguments
            symbol, now = arguments(before), arguments(scheme)
            if reshaped:
                note += (
                    f": Client() takes {_keywords(scheme)} instead of {_keywords(before)} "
                    f"(a TypeError for code passing {_keywords(before)})"
                )
        else:
            symbol = now = f"Client(credentials={{{scheme.name!r}: ...}})"
            if reshaped:
                note += f": a TypeError at Client() for code passing {_shape(before)}"
        pair.emit(
            "auth-scheme-changed",
            {"client": B if reshaped else P},
            message + note,
            {"client": symbol},
            before.spec_location,
            scheme.spec_location,
            {"client": now},
        )


def credentials(pair: Pair) -> None:
    """Every credential rule, in report order."""
    constructor(pair)
    scheme_uses(pair)
    schemes(pair)
