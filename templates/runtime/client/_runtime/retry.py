"""Retry policy: whether to retry a failed attempt, and after how long (pure, no I/O).

Retried: transport failures (timeouts, network errors, a server closing the
connection) and the statuses 408, 429, 502, 503 and 504. The delay is exponential
backoff with jitter (0.5 s doubling, capped at 8 s), or the server's ``Retry-After``
(seconds or an HTTP-date), capped at 60 s. Methods that are not idempotent (POST,
PATCH, ...) are retried only when the request was certainly not sent (connect errors,
connect and pool timeouts), unless ``retry_non_idempotent`` is set.
"""

from __future__ import annotations

import email.utils
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Final

import httpx

__all__ = [
    "IDEMPOTENT_METHODS",
    "RETRY_STATUSES",
    "RetryPolicy",
    "backoff_delay",
    "retry_after_seconds",
    "retry_delay",
]

IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
RETRY_STATUSES: Final = frozenset({408, 429, 502, 503, 504})

# Failures that may happen again on a retry. Not included: local protocol errors,
# unsupported schemes, proxy errors, decoding errors and too many redirects.
_TRANSIENT_ERRORS: Final = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
# Failures where the request certainly never reached the server.
_NOT_SENT_ERRORS: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """How many retries are allowed, for which methods, and how long to wait."""

    max_retries: int = 2
    retry_non_idempotent: bool = False
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0


def retry_delay(
    policy: RetryPolicy,
    *,
    method: str,
    retries_done: int,
    response: httpx.Response | None = None,
    error: BaseException | None = None,
    now: float,
    jitter: float,
) -> float | None:
    """Seconds to wait before retrying a failed attempt, or None to stop.

    Args:
        policy: the effective policy for this call.
        method: the HTTP method.
        retries_done: retries already made for this call (0 after the first attempt).
        response: the response, when one arrived.
        error: the httpx exception, when none did.
        now: the current POSIX time (to resolve a ``Retry-After`` date).
        jitter: a number in [0, 1) that spreads the backoff delay.
    """
    if retries_done >= policy.max_retries:
        return None
    idempotent = method.upper() in IDEMPOTENT_METHODS or policy.retry_non_idempotent
    if error is not None:
        if not isinstance(error, _TRANSIENT_ERRORS):
            return None
        if not idempotent and not isinstance(error, _NOT_SENT_ERRORS):
            return None
        return backoff_delay(policy, retries_done, jitter)
    if response is None or response.status_code not in RETRY_STATUSES or not idempotent:
        return None
    after = retry_after_seconds(response.headers, now=now)
    if after is not None:
        return min(after, policy.max_retry_after)
    return backoff_delay(policy, retries_done, jitter)


def backoff_delay(policy: RetryPolicy, retries_done: int, jitter: float) -> float:
    """Exponential backoff: ``initial * 2**n`` capped at ``max_delay``, minus up to 25 %."""
    delay = min(policy.initial_delay * (2.0**retries_done), policy.max_delay)
    return delay * (1.0 - 0.25 * jitter)


def retry_after_seconds(headers: httpx.Headers, *, now: float) -> float | None:
    """The ``Retry-After`` header as seconds from ``now`` (never negative), or None."""
    value = headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max((when - datetime.fromtimestamp(now, tz=timezone.utc)).total_seconds(), 0.0)
