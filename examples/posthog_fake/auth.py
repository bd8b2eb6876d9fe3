"""Personal API keys of the fake: which token belongs to whom, with which scopes.

PostHog checks a personal API key's scopes per operation (``dashboard:read``,
``export:write``...). The generated server enforces the scopes the spec lists; this
module only turns a token into a :class:`SimplePrincipal` holding the account's scopes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from posthog_server import runtime as rt

__all__ = [
    "ALL_SCOPES",
    "ALL_SCOPES_TOKEN",
    "DEFAULT_ACCOUNTS",
    "READ_ONLY_TOKEN",
    "READ_SCOPES",
    "Account",
    "TokenAuthenticator",
]

# Every scope object the spec's operations name; each has a read and a write scope.
SCOPE_OBJECTS = (
    "dashboard",
    "dataset",
    "export",
    "group",
    "insight",
    "project",
    "query",
    "session_recording",
    "sharing_configuration",
    "subscription",
)
READ_SCOPES: frozenset[str] = frozenset(f"{name}:read" for name in SCOPE_OBJECTS)
ALL_SCOPES: frozenset[str] = READ_SCOPES | frozenset(f"{name}:write" for name in SCOPE_OBJECTS)

ALL_SCOPES_TOKEN = "phx_fake_all_scopes"
"""A personal API key holding every scope (the fake's "admin" key)."""
READ_ONLY_TOKEN = "phx_fake_read_only"
"""A personal API key holding only the ``*:read`` scopes."""


@dataclass(frozen=True)
class Account:
    """A user of the fake and the personal API key that authenticates as them.

    ``scopes`` may contain ``"*"``, which PostHog uses for "all scopes"; it is
    expanded to :data:`ALL_SCOPES` because the server checks scopes literally.
    """

    token: str
    user_id: int
    email: str
    first_name: str
    last_name: str
    scopes: frozenset[str]

    @property
    def granted(self) -> frozenset[str]:
        """The scopes this account's principal holds, with ``"*"`` expanded."""
        return (self.scopes - {"*"}) | (ALL_SCOPES if "*" in self.scopes else frozenset())


DEFAULT_ACCOUNTS: tuple[Account, ...] = (
    Account(ALL_SCOPES_TOKEN, 1, "alice@example.com", "Alice", "Admin", frozenset({"*"})),
    Account(READ_ONLY_TOKEN, 2, "bob@example.com", "Bob", "Reader", READ_SCOPES),
)


class TokenAuthenticator:
    """The ``authenticate=`` hook: a known token -> its account's principal, else ``None``.

    The principal's ``subject`` is the account's email, which the fake uses to fill
    ``created_by`` on the objects it creates.
    """

    def __init__(self, accounts: Iterable[Account] = DEFAULT_ACCOUNTS) -> None:
        self._accounts: Mapping[str, Account] = {account.token: account for account in accounts}

    def __call__(self, token: str) -> rt.SimplePrincipal | None:
        """Return the principal of ``token``, or ``None`` (-> 401) for an unknown one."""
        account = self._accounts.get(token)
        if account is None:
            return None
        return rt.SimplePrincipal(subject=account.email, scopes=account.granted)
