"""JSON over HTTP with urllib (no dependencies), with bounded retries and typed errors."""
import email.utils
import http.client
import io
import json
import logging
import os
import random
import socket
import ssl
import threading
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
#: What a kept connection the server closed while it was idle raises when used again.
_STALE = (http.client.RemoteDisconnected, http.client.CannotSendRequest, BrokenPipeError, ConnectionResetError,
          ConnectionAbortedError)
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

    Each thread keeps one connection to the server open across calls (HTTP keep-alive), as a loop of asks
    and reports is many small requests: a new TCP connection for each cost the client and the server more
    than the request itself. Through a proxy named by the environment (``HTTP_PROXY`` …) every call opens
    its own connection with urllib.
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
        host = urllib.parse.urlsplit(self.server).hostname or ""
        scheme = urllib.parse.urlsplit(self.server).scheme
        self._proxied = bool(urllib.request.getproxies().get(scheme)) and not urllib.request.proxy_bypass(host)
        self._local = threading.local()

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
                # Retry-After, plus up to a fifth more so that clients told the same wait do not all return
                # together, and at least the backoff.
                told = min(error.retry_after or 0.0, self.max_retry_after)
                wait = max(_jittered(delay), told * (1 + random.random() / 5))
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
        headers = dict(headers or {})
        headers["Accept"] = "application/json, application/problem+json"
        headers["User-Agent"] = "attune-client-python/" + __version__
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        if self._proxied:
            return self._through_proxy(method, url, data, headers)
        parts = urllib.parse.urlsplit(url)
        target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        # A kept connection may have been closed by the server while idle; what fails on it before an answer
        # is sent once more on a new connection (the server never saw it), beyond the retries of ``call``.
        while True:
            connection, reused = self._connection()
            try:
                connection.request(method, target, body=data, headers=headers)
                response = connection.getresponse()
            except _STALE:
                self._drop()
                if not reused:
                    raise
                continue
            except BaseException:
                self._drop()
                raise
            break
        try:
            text = response.read()  # the server answered: a failure now is not a stale connection
        except BaseException:
            self._drop()
            raise
        if 300 <= response.status < 400:
            # urllib followed redirects; a server answering one is misconfigured for an API client (e.g. an
            # http:// URL a proxy sends to https://): say where to, as an error of its own.
            raise urllib.error.HTTPError(
                url, response.status, response.reason, response.headers,
                io.BytesIO(json.dumps({"title": "Redirected", "detail": "the server redirects " + url + " to "
                                       + str(response.headers.get("Location")) + "; use that URL"}).encode()))
        if response.status >= 400:
            raise urllib.error.HTTPError(url, response.status, response.reason, response.headers, io.BytesIO(text))
        return json.loads(text) if text else {}

    def _connection(self):
        """This thread's connection to the server (a forked process opens its own), and whether it was used
        before."""
        state = self._local
        if getattr(state, "pid", os.getpid()) != os.getpid() and state.connection is not None:
            state.connection.close()  # a forked child's copy of its parent's socket: the parent's stays open
            state.connection = None
        if getattr(state, "connection", None) is None:
            parts = urllib.parse.urlsplit(self.server)
            if parts.scheme == "https":
                connection = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=self.timeout,
                                                         context=ssl.create_default_context())
            else:
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
            state.pid, state.connection, state.used = os.getpid(), connection, False
        reused, state.used = state.used, True
        return state.connection, reused

    def _drop(self) -> None:
        state = self._local
        if getattr(state, "connection", None) is not None:
            state.connection.close()
        state.connection = None

    def close(self) -> None:
        """Closes this thread's kept connection (others close when their thread or process ends)."""
        self._drop()

    def _through_proxy(self, method: str, url: str, data: Optional[bytes], headers: Dict[str, str]):
        """Through the proxy of the environment (``HTTP_PROXY`` …) with urllib, a connection per request."""
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            text = response.read().decode()
        return json.loads(text) if text else {}

    def __getstate__(self):
        state = dict(self.__dict__)
        del state["_local"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._local = threading.local()


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
