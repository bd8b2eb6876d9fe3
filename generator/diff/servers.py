"""The client's default base URL: the document's first server, which ``DEFAULT_BASE_URL`` spells.

A client built without ``base_url`` (and without its base-URL environment variable) sends
every request there, so another first server moves every such caller to another host or
path prefix while their code stays the same. The server's ``servers`` only document the
app (``FastAPI(servers=...)``): no implementation changes.
"""

from __future__ import annotations

from apiforge.diff.model import Level
from apiforge.diff.pair import Pair
from apiforge.ir.model import default_base_url


def base_url(pair: Pair) -> None:
    """``base-url-changed``: possibly breaking for callers relying on the default."""
    was, now = default_base_url(pair.old.api), default_base_url(pair.new.api)
    if was == now:
        return
    pair.emit(
        "base-url-changed",
        {"client": Level.POSSIBLY_BREAKING},
        f"DEFAULT_BASE_URL is now {now!r} (was {was!r}): clients built without base_url "
        "(or its environment variable) send every request there",
        {"client": "Client(base_url=...)"},
    )
