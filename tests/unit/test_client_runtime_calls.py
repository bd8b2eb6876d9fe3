"""Client runtime, the I/O-free half of a call (``_runtime/calls.py``), driven by hand.

``Attempts`` and ``Pages`` hold every decision the sync and async clients share; here
they are driven without any client, transport or event loop, as the two ``_send`` and
``_paginate`` loops drive them.
"""

from __future__ import annotations

import warnings
from typing import Any

import httpx
import pytest
from client_runtime_loader import load_client_runtime

rt = load_client_runtime()
calls = rt.calls


def operation(method: str = "GET", deprecated: bool = False) -> Any:
    return rt.Operation(
        operation_id="things_list",
        method=method,
        path="/things",
        responses={"200": rt.Outcome("json")},
        deprecated=deprecated,
    )


def attempts(method: str = "GET", max_retries: int = 2) -> Any:
    op = operation(method)
    settings = rt.request.ClientSettings(
        base_url="https://api.test", headers={}, auth=None, timeout=5.0, user_agent="t"
    )
    prepared = rt.request.build_request(op, {}, None, None, settings)
    policy = rt.retry.RetryPolicy(max_retries=max_retries)
    return calls.Attempts(op, prepared, policy, (lambda: 0.0, lambda: 0.0))


def answer(status: int, request: httpx.Request, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers, json={"ok": status}, request=request)


def test_attempts_retry_a_busy_answer_then_parse_the_final_one() -> None:
    state = attempts()
    with httpx.Client() as http:
        request = state.request(http)
        assert (request.method, str(request.url)) == ("GET", "https://api.test/things")
        assert state.answered(answer(503, request, **{"Retry-After": "3"})) == 3.0
        assert state.answered(answer(503, request)) == 1.0  # backoff: 0.5 s doubled
        final = answer(200, state.request(http))
    assert state.answered(final) is None  # the answer: no more retries
    assert state.result(final) == ({"ok": 200}, final)


def test_attempts_stop_after_max_retries_and_raise_a_connection_error() -> None:
    state = attempts(max_retries=1)
    with httpx.Client() as http:
        request = state.request(http)
    error = httpx.ConnectError("refused", request=request)
    assert state.failed(error) == 0.5
    with pytest.raises(rt.APIConnectionError) as raised:
        state.failed(error)
    assert raised.value.__cause__ is error


def test_attempts_do_not_retry_a_sent_post() -> None:
    state = attempts("POST")
    with httpx.Client() as http:
        request = state.request(http)
    with pytest.raises(rt.APIConnectionError):
        state.failed(httpx.ReadTimeout("slow", request=request))  # the server may have acted


def test_pages_follow_next_and_validate_items() -> None:
    pages = calls.Pages(int, max_pages=10)
    request = httpx.Request("GET", "https://api.test/things")
    assert (pages.more, pages.query) == (True, None)
    first = {"results": ["1", 2], "next": "https://api.test/things?cursor=b"}
    assert list(pages.items(first, httpx.Response(200, request=request))) == [1, 2]
    assert (pages.more, pages.query) == (True, [("cursor", "b")])
    assert list(pages.items({"results": [3], "next": None}, httpx.Response(200))) == [3]
    assert pages.more is False


def test_pages_warn_when_cut_short() -> None:
    pages = calls.Pages(int, max_pages=1)
    page = {"results": [1], "next": "https://api.test/things?page=2"}
    with pytest.warns(RuntimeWarning, match="stopped after 1 pages"):
        assert list(pages.items(page, httpx.Response(200))) == [1]
    assert pages.more is False


def test_pages_reject_an_invalid_item_with_the_response() -> None:
    pages = calls.Pages(int, max_pages=10)
    response = httpx.Response(200)
    with pytest.raises(rt.ResponseValidationError) as raised:
        list(pages.items({"results": ["x"], "next": None}, response))
    assert raised.value.response is response


def test_pages_refuse_a_page_that_came_as_text() -> None:
    """A status offering text beside JSON may answer text: no items, and no silent end."""
    response = httpx.Response(200, text="3 users")
    with pytest.raises(rt.ResponseValidationError, match="came as text") as raised:
        list(calls.Pages(int, max_pages=10).items("3 users", response))
    assert raised.value.response is response


def test_deprecated_operations_warn_and_others_do_not() -> None:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        calls.warn_if_deprecated(operation())
        calls.warn_if_deprecated(operation(deprecated=True))
    assert [str(w.message) for w in record] == [
        "things_list (GET /things) is deprecated by the API"
    ]
