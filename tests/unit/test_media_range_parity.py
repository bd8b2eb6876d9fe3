"""The three readers of a media type range agree: the client runtime (what it sends within
a range), the server runtime (what a route listing the range reads) and the diff's IR
(``ir.media.media_covers``). A client whose default type within ``application/*+json``
(``application/json``) the server answered 415 is what this guards against."""

from __future__ import annotations

import itertools

import pytest
from client_runtime_loader import load_client_runtime
from server_runtime_loader import load_server_runtime

from apiforge.ir.media import USUAL_SENT_TYPES, media_covers, usual_sent_type

LISTED = ("*/*", "image/*", "application/*+json", "application/*+xml", "application/json")
SENT = (
    "application/json",
    "application/merge-patch+json",
    "application/vnd.api+json",
    "application/xml",
    "application/atom+xml",
    "image/png",
    "text/json",
    "text/plain",
)


@pytest.mark.parametrize(("listed", "sent"), list(itertools.product(LISTED, SENT)))
def test_client_server_and_diff_read_a_range_alike(listed: str, sent: str) -> None:
    client = load_client_runtime().bodies._within(sent, listed)
    server = load_server_runtime().bodies._media_matches(listed, sent)
    assert client == server == media_covers(listed, sent)


def test_the_diff_knows_what_the_client_sends_within_a_range() -> None:
    """``ir.media.usual_sent_type`` is the client runtime's choice for a call naming no type."""
    runtime = load_client_runtime().bodies
    assert dict(runtime._USUAL_TYPES) == dict(USUAL_SENT_TYPES)
    for listed in (*LISTED, "application/*+xml", "text/*", "multipart/*", "image/png"):
        spec = load_client_runtime().Body(listed)
        try:
            sent: str | None = runtime._sent_type(spec, None, b"", "content_type")
        except TypeError:
            sent = None
        assert usual_sent_type(listed) == sent
