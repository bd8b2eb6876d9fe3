"""Client runtime, retries: the pure decision and the sync/async loops around it."""

from __future__ import annotations

import asyncio
import email.utils
from typing import Any, ClassVar

import httpx
import pytest

# --------------------------------------------------------------------------- loader
from client_runtime_loader import load_client_runtime

rt = load_client_runtime()
retry = rt.retry
BASE = "https://api.test/v1"
NOW = 1_700_000_000.0


# -------------------------------------------------------------------------- helpers
class Script:
    """A MockTransport handler that plays a list of responses or exceptions in order."""

    def __init__(self, *steps: httpx.Response | Exception) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, Exception):
            raise step
        return step


def ok() -> httpx.Response:
    return httpx.Response(200, json={"ok": True})


def status(code: int, **headers: str) -> httpx.Response:
    return httpx.Response(code, headers=headers, json={"detail": "busy"})


def operation(method: str = "GET") -> Any:
    return rt.Operation(
        operation_id="op",
        method=method,
        path="/things",
        responses={"200": rt.Outcome("json")},
        body=rt.Body("application/json") if method in ("POST", "PATCH") else None,
    )


def make_client(script: Script, **kwargs: Any) -> tuple[Any, list[float]]:
    client = rt.SyncClientBase(base_url=BASE, transport=httpx.MockTransport(script), **kwargs)
    sleeps: list[float] = []
    client._sleep = sleeps.append
    client._now = lambda: NOW
    client._jitter = lambda: 0.0
    return client, sleeps


def policy(**kwargs: Any) -> Any:
    return retry.RetryPolicy(**kwargs)


def decide(
    method: str = "GET",
    retries_done: int = 0,
    *,
    pol: Any = None,
    response: httpx.Response | None = None,
    error: Exception | None = None,
    jitter: float = 0.0,
) -> float | None:
    return retry.retry_delay(
        pol or policy(),
        method=method,
        retries_done=retries_done,
        response=response,
        error=error,
        now=NOW,
        jitter=jitter,
    )


# ------------------------------------------------------------------ the pure decision
@pytest.mark.parametrize("code", [408, 429, 502, 503, 504])
def test_retryable_statuses_for_idempotent_methods(code: int) -> None:
    for method in ("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "get"):
        assert decide(method, response=status(code)) == 0.5


@pytest.mark.parametrize("code", [200, 400, 401, 404, 409, 422, 500, 501])
def test_other_statuses_are_not_retried(code: int) -> None:
    assert decide(response=status(code)) is None


def test_non_idempotent_methods_only_retry_when_the_request_was_not_sent() -> None:
    for method in ("POST", "PATCH"):
        assert decide(method, response=status(503)) is None
        assert decide(method, response=status(429)) is None
        assert decide(method, error=httpx.ReadTimeout("x")) is None
        assert decide(method, error=httpx.ReadError("x")) is None
        assert decide(method, error=httpx.RemoteProtocolError("x")) is None
        assert decide(method, error=httpx.ConnectError("x")) == 0.5
        assert decide(method, error=httpx.ConnectTimeout("x")) == 0.5
        assert decide(method, error=httpx.PoolTimeout("x")) == 0.5
        opted_in = policy(retry_non_idempotent=True)
        assert decide(method, pol=opted_in, response=status(503)) == 0.5
        assert decide(method, pol=opted_in, error=httpx.ReadTimeout("x")) == 0.5


def test_transport_errors_that_are_not_transient_are_not_retried() -> None:
    for error in (
        httpx.UnsupportedProtocol("x"),
        httpx.LocalProtocolError("x"),
        httpx.ProxyError("x"),
        httpx.TooManyRedirects("x"),
        httpx.DecodingError("x"),
    ):
        assert decide(error=error) is None
    assert decide(error=httpx.ReadError("x")) == 0.5
    assert decide(error=httpx.WriteTimeout("x")) == 0.5


def test_retry_budget() -> None:
    assert decide(retries_done=1, response=status(503)) == 1.0
    assert decide(retries_done=2, response=status(503)) is None
    assert decide(retries_done=0, pol=policy(max_retries=0), response=status(503)) is None


def test_backoff_is_exponential_capped_and_jittered() -> None:
    pol = policy(max_retries=100)
    assert [decide(retries_done=n, pol=pol, response=status(503)) for n in range(6)] == [
        0.5,
        1.0,
        2.0,
        4.0,
        8.0,
        8.0,
    ]
    jittered = decide(retries_done=0, pol=pol, response=status(503), jitter=0.999)
    assert jittered is not None and 0.375 <= jittered < 0.5


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("2", 2.0),
        ("0.5", 0.5),
        ("0", 0.0),
        ("-3", 0.0),
        ("3600", 60.0),
        (email.utils.formatdate(NOW + 7, usegmt=True), 7.0),
        (email.utils.formatdate(NOW - 30, usegmt=True), 0.0),
        (email.utils.formatdate(NOW + 86400, usegmt=True), 60.0),
        ("soon", 0.5),
        ("nan", 0.5),
        ("", 0.5),
    ],
)
def test_retry_after_header(header: str, expected: float) -> None:
    assert decide(response=status(429, **{"Retry-After": header})) == expected


# ------------------------------------------------------------------------- sync loop
def test_429_with_retry_after_seconds_is_retried_after_that_delay() -> None:
    script = Script(status(429, **{"Retry-After": "2"}), ok())
    client, sleeps = make_client(script)
    assert client._call(operation(), {}) == {"ok": True}
    assert sleeps == [2.0]
    assert len(script.requests) == 2


def test_429_with_retry_after_date() -> None:
    script = Script(
        status(429, **{"Retry-After": email.utils.formatdate(NOW + 5, usegmt=True)}), ok()
    )
    client, sleeps = make_client(script)
    client._call(operation(), {})
    assert sleeps == [5.0]


def test_503_is_retried_with_backoff_then_raises_when_exhausted() -> None:
    script = Script(status(503))
    client, sleeps = make_client(script, max_retries=3)
    with pytest.raises(rt.InternalServerError) as info:
        client._call(operation(), {})
    assert info.value.status_code == 503
    assert sleeps == [0.5, 1.0, 2.0]
    assert len(script.requests) == 4


def test_503_then_success() -> None:
    script = Script(status(503), status(502), ok())
    client, sleeps = make_client(script)
    assert client._call(operation(), {}) == {"ok": True}
    assert sleeps == [0.5, 1.0]


def test_post_is_not_retried_on_503_unless_opted_in() -> None:
    script = Script(status(503), ok())
    client, sleeps = make_client(script)
    with pytest.raises(rt.InternalServerError):
        client._call(operation("POST"), {}, {"a": 1})
    assert len(script.requests) == 1 and sleeps == []

    script = Script(status(503), ok())
    client, sleeps = make_client(script)
    result = client._call(operation("POST"), {}, {"a": 1}, {"retry_non_idempotent": True})
    assert result == {"ok": True} and len(script.requests) == 2
    assert script.requests[1].content == b'{"a":1}'

    script = Script(status(503), ok())
    client, sleeps = make_client(script, retry_non_idempotent=True)
    assert client._call(operation("PATCH"), {}, {"a": 1}) == {"ok": True}
    assert sleeps == [0.5]


def test_post_is_retried_on_connect_error() -> None:
    script = Script(httpx.ConnectError("refused"), ok())
    client, sleeps = make_client(script)
    assert client._call(operation("POST"), {}, {"a": 1}) == {"ok": True}
    assert sleeps == [0.5] and len(script.requests) == 2


def test_post_read_timeout_is_not_retried() -> None:
    script = Script(httpx.ReadTimeout("slow"), ok())
    client, sleeps = make_client(script)
    with pytest.raises(rt.APITimeoutError):
        client._call(operation("POST"), {}, {"a": 1})
    assert len(script.requests) == 1 and sleeps == []


def test_get_is_retried_on_timeouts_and_connection_errors_until_exhausted() -> None:
    script = Script(
        httpx.ReadTimeout("slow"), httpx.ConnectError("refused"), httpx.ReadError("reset")
    )
    client, sleeps = make_client(script)
    with pytest.raises(rt.APIConnectionError) as info:
        client._call(operation(), {})
    assert isinstance(info.value.__cause__, httpx.ReadError)
    assert len(script.requests) == 3 and sleeps == [0.5, 1.0]


def test_max_retries_per_call_overrides_the_client() -> None:
    script = Script(status(429))
    client, sleeps = make_client(script, max_retries=5)
    with pytest.raises(rt.RateLimitError):
        client._call(operation(), {}, options={"max_retries": 0})
    assert len(script.requests) == 1 and sleeps == []

    script = Script(status(429), status(429), status(429), ok())
    client, _ = make_client(script, max_retries=0)
    assert client._call(operation(), {}, options={"max_retries": 3}) == {"ok": True}
    assert len(script.requests) == 4


def test_default_sleep_is_real_but_overridable_on_the_class() -> None:
    class FastClient(rt.SyncClientBase):  # type: ignore[misc,name-defined]
        slept: ClassVar[list[float]] = []

        def _sleep(self, seconds: float) -> None:
            self.slept.append(seconds)

    script = Script(status(503), ok())
    client = FastClient(base_url=BASE, transport=httpx.MockTransport(script))
    client._jitter = lambda: 0.0
    client._call(operation(), {})
    assert FastClient.slept == [0.5]


# ------------------------------------------------------------------------ async loop
def test_async_client_retries_with_the_same_policy() -> None:
    async def main() -> None:
        script = Script(status(429, **{"Retry-After": "1"}), httpx.ConnectError("refused"), ok())
        client = rt.AsyncClientBase(base_url=BASE, transport=httpx.MockTransport(script))
        sleeps: list[float] = []

        async def fake_sleep(seconds: float) -> None:
            sleeps.append(seconds)

        client._sleep = fake_sleep
        client._jitter = lambda: 0.0
        async with client:
            assert await client._call(operation(), {}) == {"ok": True}
        assert sleeps == [1.0, 1.0]

        script = Script(status(503), ok())
        client = rt.AsyncClientBase(base_url=BASE, transport=httpx.MockTransport(script))
        client._sleep = fake_sleep
        with pytest.raises(rt.InternalServerError):
            await client._call(operation("POST"), {}, {"a": 1})
        assert len(script.requests) == 1
        await client.aclose()

    asyncio.run(main())
