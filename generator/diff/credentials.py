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
from apiforge.ir.model import Api, SecurityScheme

B, P, C = Level.BREAKING, Level.POSSIBLY_BREAKING, Level.COMPATIBLE
_AUTHENTICATE = "create_app(authenticate=...)"


def arguments(scheme: SecurityScheme | None) -> str:
    """How ``Client()`` takes the main scheme's credential; ``Client()`` without a scheme."""
    if scheme is None:
        return "Client()"
    return "Client(username=..., password=...)" if scheme.kind == "basic" else "Client(api_key=...)"


def _keywords(scheme: SecurityScheme) -> str:
    """``api_key=``, or ``username=/password=`` for HTTP basic."""
    return "username=/password=" if scheme.kind == "basic" else "api_key="


def _described(scheme: SecurityScheme) -> str:
    """``'key' (an API key in header X-Key)``."""
    if scheme.kind == "api_key":
        what = f"an API key in {scheme.location} {scheme.param_name}"
    else:
        what = _KINDS[scheme.kind]
    return f"{scheme.name!r} ({what})"


_KINDS = {
    "bearer": "a bearer token",
    "oauth2": "an OAuth 2 access token",
    "openid": "an OpenID Connect token",
    "basic": "HTTP basic: (username, password)",
}


def _placement(scheme: SecurityScheme) -> tuple[str | None, ...]:
    """Where the client puts the scheme's secret (OAuth 2 and OpenID tokens go as bearer ones)."""
    if scheme.kind == "api_key":
        return scheme.kind, scheme.param_name, scheme.location
    return ("basic",) if scheme.kind == "basic" else ("bearer",)


def _main(api: Api) -> SecurityScheme | None:
    return next((s for s in api.security_schemes if s.name == api.main_scheme), None)


def constructor(pair: Pair) -> None:
    """The main scheme is another one, or appeared or went: ``Client()``'s own credential
    arguments change (the other scheme's kind), or give another scheme's credential."""
    old, new = pair.old.api, pair.new.api
    if old.main_scheme == new.main_scheme:
        return  # the same scheme: :func:`schemes` reports a change of its kind
    was, now = _main(old), _main(new)
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
    elif was.name in new.used_schemes:
        level = B
        message = (
            f"{main}: {_keywords(now)} gives that scheme's credential, so operations that take "
            f"only {was.name!r} raise MissingCredentialsError unless "
            f"credentials={{{was.name!r}: ...}} gives its own"
        )
    else:
        level = P if _placement(was) != _placement(now) else C
        sent = "sent another way" if level is P else "sent alike"
        message = (
            f"{main}, which no operation takes now: {_keywords(now)} gives its credential ({sent})"
        )
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
            why = "no operation takes it now" if name in after else "it is no longer declared"
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
        if not (in_old and in_new) or _placement(before) == _placement(scheme):
            continue  # taken on one side only (scheme_uses says so), or sent alike
        # basic's credential is (username, password), every other kind's a string
        reshaped = (before.kind == "basic") != (scheme.kind == "basic")
        if old.main_scheme == new.main_scheme == scheme.name:  # given by Client()'s arguments
            symbol, now = arguments(before), arguments(scheme)
            note = _MAIN_NOTE[scheme.kind == "basic"] if reshaped else ""
        else:
            symbol = now = f"Client(credentials={{{scheme.name!r}: ...}})"
            note = _NAMED_NOTE[scheme.kind == "basic"] if reshaped else ""
        pair.emit(
            "auth-scheme-changed",
            {"client": B if reshaped else P},
            message + note,
            {"client": symbol},
            before.spec_location,
            scheme.spec_location,
            {"client": now},
        )


# Whether the scheme is HTTP basic now -> how the main scheme's arguments change.
_MAIN_NOTE = {
    True: "; its credential is now (username, password), not a string: Client() takes "
    "username=/password= instead of api_key= (a TypeError for code passing api_key=)",
    False: "; its credential is now a string, not (username, password): Client() takes "
    "api_key= instead of username=/password= (a TypeError for code passing them)",
}
# ... and what credentials= takes for it (Client() raises TypeError for the other shape).
_NAMED_NOTE = {
    True: "; its credential is now (username, password), not a string: a TypeError at "
    "Client() for code passing a string",
    False: "; its credential is now a string, not (username, password): a TypeError at "
    "Client() for code passing a pair",
}


def credentials(pair: Pair) -> None:
    """Every credential rule, in report order."""
    constructor(pair)
    scheme_uses(pair)
    schemes(pair)
