"""The client's credentials: which arguments ``Client.__init__`` takes and where each goes.

``api_key=`` (or ``username=``/``password=``) is the main scheme's credential: the one
most operations take (``Api.main_scheme``, chosen by ``ir.security.client_schemes``; the
diff compares it). ``credentials=`` gives any used scheme's by name; ``SECURITY_SCHEMES``
tells the runtime where each scheme puts its secret (``templates/runtime/client/_runtime/
credentials.py`` decides which operation is sent which).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from apiforge.ir.model import Api, SecurityScheme
from apiforge.ir.security import KIND_DESCRIPTIONS, credential_arguments, main_scheme, placement
from apiforge.render.escape import docstring, literal


@dataclass(frozen=True)
class AuthView:
    """The credentials ``Client.__init__`` takes: its own arguments for the API's main
    security scheme, ``credentials=`` by scheme name, ``auth=`` placed by hand."""

    any: bool  # a scheme is used: the ``credentials=`` and ``auth=`` arguments exist
    basic: bool  # ``username`` and ``password``
    api_key: bool  # ``api_key`` (bearer tokens and API keys)
    argument: str  # the ``auth=...`` argument passed to the base class ("" without a scheme)
    schemes_def: str  # the ``SECURITY_SCHEMES`` assignment: each used scheme's placement
    main_doc: str  # the main scheme, for the docstring: the ``bearer`` scheme's (a bearer token)
    names_doc: str  # docstring lines naming every scheme ``credentials=`` takes
    several: bool  # more than one scheme: the README shows ``credentials=``
    example: str  # a ``Client(credentials=...)`` call naming every scheme (README, Python)


def auth_view(api: Api) -> AuthView:
    """How ``Client.__init__`` turns its credential arguments into the base class's ``auth``."""
    main = main_scheme(api)
    if main is None:
        return AuthView(False, False, False, "", "", "", "", False, "")
    by_name = {s.name: s for s in api.security_schemes}
    used = [by_name[name] for name in api.used_schemes]
    arguments = credential_arguments(main)
    key = "api_key if api_key is not None else os.environ.get(API_KEY_ENV)"
    own = f"rt.basic_auth({', '.join(arguments)})" if len(arguments) > 1 else key
    table = ", ".join(f"{literal(s.name)}: {_scheme_expr(s)}" for s in used)
    names = ", ".join(f"``{s.name}`` ({KIND_DESCRIPTIONS[s.kind]})" for s in used)
    return AuthView(
        any=True,
        basic="username" in arguments,
        api_key="api_key" in arguments,
        argument=(
            f"auth=rt.Credentials.build(SECURITY_SCHEMES, {{{literal(main.name)}: {own}}}, "
            "credentials, auth),"
        ),
        schemes_def=f"SECURITY_SCHEMES: dict[str, rt.Scheme] = {{{table}}}",
        main_doc=docstring(f"the ``{main.name}`` scheme's ({KIND_DESCRIPTIONS[main.kind]})"),
        names_doc=docstring(("\n" + " " * 12).join(textwrap.wrap(f"The schemes: {names}.", 76))),
        several=len(used) > 1,
        example="Client(credentials={\n"
        + "".join(
            f"    {literal(s.name)}: {_SECRETS[s.kind]},  # {KIND_DESCRIPTIONS[s.kind]}\n"
            for s in used
        )
        + "})",
    )


_SECRETS = {
    "bearer": '"<token>"',
    "oauth2": '"<access token>"',
    "openid": '"<token>"',
    "basic": '("<username>", "<password>")',
    "api_key": '"<key>"',
}


def _scheme_expr(scheme: SecurityScheme) -> str:
    """The ``rt.Scheme(...)`` saying where ``scheme`` puts its secret."""
    return f"rt.Scheme({', '.join(map(literal, placement(scheme)))})"
