"""Typed errors for the server's answers, built from their RFC 9457 problem+json bodies."""
from typing import Any, Dict, List, Mapping, Optional, Type

PROBLEM_TYPES = "https://attune.dev/problems/"


class AttuneError(Exception):
    """An error answer from the server.

    ``status`` is the HTTP status; ``problem`` the whole problem+json body, of which ``type``, ``title``,
    ``detail`` and ``errors`` (a list of ``{"field", "message"}`` for invalid input) are also attributes.
    """

    def __init__(self, status: int, problem: Dict[str, Any], retry_after: Optional[float] = None):
        text = problem.get("detail") or problem.get("title") or problem
        super().__init__(f"{status}: {text}" if status else str(text))
        self.status = status
        self.problem = problem
        self.type = str(problem.get("type", ""))
        self.title = problem.get("title")
        self.detail = problem.get("detail")
        self.errors: List[Dict[str, str]] = list(problem.get("errors") or [])
        self.retry_after = retry_after

    def __reduce__(self):
        """Pickles (e.g. from a multiprocessing worker) with the arguments it was made from."""
        return type(self), (self.status, self.problem, self.retry_after)

    @property
    def slug(self) -> str:
        """The last part of ``type``: ``not-found``, ``trial-already-finished``, ``invalid-request`` …"""
        return self.type.rsplit("/", 1)[-1]

    @property
    def fields(self) -> List[str]:
        """The fields named by ``errors`` (e.g. ``["metrics.loss"]``)."""
        return [e.get("field", "") for e in self.errors]

    @property
    def benign(self) -> bool:
        """A co-worker or an earlier retry already ended the trial this way: safe to ignore."""
        return False


class BadRequest(AttuneError):
    """400: the request is invalid; ``errors`` names the fields."""


class Unauthorized(AttuneError):
    """401: no token, or an unknown, expired or revoked one (set ``ATTUNE_TOKEN`` or pass ``token=``)."""


class Forbidden(AttuneError):
    """403: the token's role does not allow the operation."""


class NotFound(AttuneError):
    """404: no such study or trial (or a study of another project)."""


class Conflict(AttuneError):
    """409: the operation is illegal in the trial's or study's current state (``current_status``)."""

    @property
    def current_status(self) -> Optional[str]:
        return self.problem.get("currentStatus")


class RaceConditionError(Conflict):
    """409 because the trial already ended: a co-worker on the same trial (or a retry) got there first.

    As PyGlove's ``RaceConditionError``: ``with feedback.ignore_race_condition(): ...`` ignores it.
    """

    @property
    def benign(self) -> bool:
        return True


class PayloadTooLarge(AttuneError):
    """413: the request body is over the server's limit."""


class Overloaded(AttuneError):
    """429 or 503 still answered after the client's retries (``retry_after`` is the server's hint)."""


class ServerError(AttuneError):
    """Another 5xx: the server failed; ``problem["correlationId"]`` ties it to the server's log."""


_TERMINAL = {"COMPLETED", "STOPPED", "FAILED", "SKIPPED"}
_BY_STATUS: Mapping[int, Type[AttuneError]] = {
    400: BadRequest, 401: Unauthorized, 403: Forbidden, 404: NotFound, 409: Conflict, 413: PayloadTooLarge,
    429: Overloaded, 503: Overloaded,
}


def error_for(status: int, problem: Dict[str, Any], retry_after: Optional[float] = None) -> AttuneError:
    """The typed error for an answer: a 409 is a ``RaceConditionError`` when the trial already ended."""
    if status == 409 and _is_race(problem):
        return RaceConditionError(status, problem, retry_after)
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else AttuneError)
    return cls(status, problem, retry_after)


def _is_race(problem: Dict[str, Any]) -> bool:
    slug = str(problem.get("type", "")).rsplit("/", 1)[-1]
    if slug == "trial-already-finished":
        return True
    # Another ending (done after a co-worker's skip) or a report after it: the trial is over.
    return slug == "illegal-transition" and problem.get("currentStatus") in _TERMINAL
