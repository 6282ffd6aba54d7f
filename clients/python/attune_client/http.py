"""JSON over HTTP with urllib (no dependencies), with bounded retries and typed errors."""
import email.utils
import http.client
import json
import logging
import os
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Dict, Optional

from ._version import __version__
from .errors import AttuneError, error_for

log = logging.getLogger("attune_client")

#: Answers worth another try: overload (429), a database or replica that is away (503), a proxy's 502/504.
RETRIED_STATUSES = frozenset({429, 502, 503, 504})
_CONNECTION_ERRORS = (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError,
                      socket.timeout)


class Unreachable(AttuneError):
    """The server could not be reached (refused, reset, timed out) within the client's retries."""

    def __init__(self, url: str, cause: BaseException):
        super().__init__(0, {"title": "Unreachable", "detail": f"{url}: {cause}"})
        self.url = url
        self.cause = cause

    def __reduce__(self):
        return type(self), (self.url, self.cause)


class Http:
    """Calls the server's JSON API.

    Connection errors and the answers in ``RETRIED_STATUSES`` are retried ``retries`` times with
    exponential backoff (``initial_delay`` doubling up to ``max_delay``, with jitter), waiting at least an
    answer's ``Retry-After`` (seconds or an HTTP date, honoured up to ``max_retry_after``). Then the error is
    raised: ``Overloaded`` for 429/503, ``Unreachable`` for connection errors. Other errors raise their
    typed ``AttuneError`` at once. The token is ``token`` or else the ``ATTUNE_TOKEN`` environment variable,
    sent as ``Authorization: Bearer …``.
    """

    def __init__(self, server: str, token: Optional[str] = None, retries: int = 8, initial_delay: float = 0.2,
                 max_delay: float = 10.0, max_retry_after: float = 120.0, timeout: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep):
        self.server = server.rstrip("/")
        self.token = token if token is not None else os.environ.get("ATTUNE_TOKEN") or None
        self.retries = retries
        self.initial_delay = initial_delay
        self.max_delay = max_delay
        self.max_retry_after = max_retry_after
        self.timeout = timeout
        self.sleep = sleep

    def call(self, method: str, path: str, body: Optional[Any] = None,
             query: Optional[Dict[str, Any]] = None, headers: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
        """The decoded JSON answer (``{}`` when empty) of ``method path``; ``headers`` go with every attempt
        (an ``Idempotency-Key`` stays the same on each retry)."""
        url = self.server + path
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        data = None if body is None else json.dumps(body).encode()
        delay = self.initial_delay
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                return self._once(method, url, data, headers)
            except urllib.error.HTTPError as e:
                error = error_for(e.code, _problem(e), _retry_after(e.headers))
                if e.code not in RETRIED_STATUSES or last:
                    raise error from None
                wait = max(_jittered(delay), min(error.retry_after or 0.0, self.max_retry_after))
                log.warning("%s %s answered %d; retry %d of %d in %.1f s", method, path, e.code, attempt + 1,
                            self.retries, wait)
            except _CONNECTION_ERRORS as e:
                if last:
                    raise Unreachable(url, e) from e
                wait = _jittered(delay)
                log.warning("%s %s: %s; retry %d of %d in %.1f s", method, path, e, attempt + 1, self.retries, wait)
            self.sleep(wait)
            delay = min(delay * 2, self.max_delay)
        raise AssertionError("unreachable")

    def _once(self, method: str, url: str, data: Optional[bytes],
              headers: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
        request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        request.add_header("Accept", "application/json, application/problem+json")
        request.add_header("User-Agent", "attune-client-python/" + __version__)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", "Bearer " + self.token)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            text = response.read().decode()
        return json.loads(text) if text else {}


def _problem(e: urllib.error.HTTPError) -> Dict[str, Any]:
    try:
        text = e.read().decode(errors="replace")
    except Exception:  # the body itself could not be read: keep the status
        text = ""
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    return parsed if isinstance(parsed, dict) else {"detail": text or e.reason}


def _retry_after(headers) -> Optional[float]:
    """``Retry-After`` in seconds: a number of seconds or an HTTP date (RFC 9110)."""
    value = headers.get("Retry-After") if headers else None
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _jittered(delay: float) -> float:
    """Between half and all of ``delay``, so that many workers told to wait do not come back together."""
    return delay * (0.5 + random.random() / 2)
