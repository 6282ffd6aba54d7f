"""Ask/tell over HTTP with urllib: no dependencies."""
import json
import os
import time
import urllib.error
import urllib.request
from typing import Any, Dict, Iterator, Optional


class AttuneError(Exception):
    """A 4xx answer: ``status``, the problem ``type`` and ``detail`` from the problem+json body."""

    def __init__(self, status: int, problem: Dict[str, Any]):
        super().__init__(f"{status}: {problem.get('detail', problem)}")
        self.status = status
        self.problem = problem
        self.type = str(problem.get("type", ""))

    @property
    def benign(self) -> bool:
        """A co-worker got there first (e.g. two ``done`` calls): safe to ignore."""
        return self.type.endswith("/trial-already-finished")


class _Http:
    """JSON over HTTP. Unreachable servers, 5xx (503 while the server's database is away) and 429
    (overload) are retried ``retries`` times with exponential backoff capped at ``max_delay`` seconds,
    waiting at least the answer's ``Retry-After``; any other 4xx raises ``AttuneError`` at once."""

    def __init__(self, server: str, token: Optional[str] = None, retries: int = 8, max_delay: float = 10.0):
        self.server = server.rstrip("/")
        # No token given: the ATTUNE_TOKEN environment variable, as the worker does.
        self.token = token if token is not None else os.environ.get("ATTUNE_TOKEN")
        self.retries = retries
        self.max_delay = max_delay

    def call(self, method: str, path: str, body: Optional[dict] = None) -> Dict[str, Any]:
        data = None if body is None else json.dumps(body).encode()
        delay = 0.2
        for attempt in range(self.retries + 1):
            wait = delay
            request = urllib.request.Request(self.server + path, data=data, method=method)
            request.add_header("Content-Type", "application/json")
            if self.token:
                request.add_header("Authorization", "Bearer " + self.token)
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    text = response.read().decode()
                    return json.loads(text) if text else {}
            except urllib.error.HTTPError as e:
                text = e.read().decode()
                problem = json.loads(text) if text.startswith("{") else {"detail": text}
                if e.code < 500 and e.code != 429:
                    raise AttuneError(e.code, problem) from None
                if attempt == self.retries:
                    raise AttuneError(e.code, problem) from None
                retry_after = e.headers.get("Retry-After") if e.headers else None
                if retry_after and retry_after.strip().isdigit():
                    wait = max(delay, float(retry_after.strip()))
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if attempt == self.retries:
                    raise
            time.sleep(min(wait, self.max_delay))
            delay = min(delay * 2, self.max_delay)
        raise AssertionError("unreachable")


class Trial:
    """A trial handed out by ``Study.ask``: its ``id``, ``config`` and where it came from."""

    def __init__(self, study: "Study", data: Dict[str, Any]):
        self.study = study
        self.id = data["id"]
        self.config = data["config"]
        self.resumed = data.get("resumed", False)
        self.checkpoint_trial_id = data.get("checkpointTrialId")
        self.decision = "CONTINUE"

    def _path(self, suffix: str) -> str:
        return f"/api/v1/studies/{self.study.id}/trials/{self.id}{suffix}"

    def report(self, step: Optional[int] = None, **metrics) -> str:
        """Reports metrics (with the resource level among them for multi-fidelity studies) and returns
        the decision: CONTINUE, STOP or PAUSE."""
        body: Dict[str, Any] = {"metrics": metrics}
        if step is not None:
            body["step"] = step
        self.decision = self.study.http.call("POST", self._path("/reports"), body)["decision"]
        return self.decision

    def should_stop(self) -> bool:
        """PyGlove's ``should_stop_early``: asks the server whether the trial should end now."""
        self.decision = self.study.http.call("POST", self._path("/heartbeat"))["decision"]
        return self.decision != "CONTINUE"

    def complete(self, **metrics) -> Dict[str, Any]:
        return self.study.http.call("POST", self._path("/complete"), {"metrics": metrics} if metrics else {})

    def fail(self, reason: str = "") -> Dict[str, Any]:
        return self.study.http.call("POST", self._path("/fail"), {"reason": reason} if reason else {})

    def skip(self, reason: str = "") -> Dict[str, Any]:
        return self.study.http.call("POST", self._path("/skip"), {"reason": reason} if reason else {})


class Study:
    """A study on an Attune server."""

    def __init__(self, server: str, study_id: str, token: Optional[str] = None):
        self.http = _Http(server, token)
        self.id = study_id

    def ask(self, worker_id: Optional[str] = None, wait: bool = True) -> Optional[Trial]:
        """The next trial, or None when the study is done. With ``wait``, WAIT answers are waited out."""
        while True:
            answer = self.http.call("POST", f"/api/v1/studies/{self.id}/ask", {"workerId": worker_id} if worker_id else {})
            if answer["status"] == "RUN":
                return Trial(self, answer["trial"])
            if answer["status"] == "DONE" or not wait:
                return None
            time.sleep(answer.get("retryAfterMs", 500) / 1000.0)

    def add(self, config: Dict[str, Any], **metrics) -> Dict[str, Any]:
        """Tells a result obtained elsewhere (completed when metrics are given)."""
        body: Dict[str, Any] = {"config": config}
        if metrics:
            body["metrics"] = metrics
        return self.http.call("POST", f"/api/v1/studies/{self.id}/trials", body)

    def best(self) -> Optional[Dict[str, Any]]:
        return self.http.call("GET", f"/api/v1/studies/{self.id}/best").get("trial")

    def end_loop(self) -> Dict[str, Any]:
        """PyGlove's ``end_loop``: no new trials; running ones may finish."""
        return self.http.call("POST", f"/api/v1/studies/{self.id}/stop")

    def feedback(self, worker_id: Optional[str] = None) -> Iterator[Trial]:
        """Yields trials until the study is done, in the style of ``for x, feedback in pg.sample(...)``.
        A trial the loop body leaves running is completed with its last report; an exception fails it."""
        while True:
            trial = self.ask(worker_id)
            if trial is None:
                return
            try:
                yield trial
            except GeneratorExit:
                trial.fail("the feedback loop was closed")
                raise
            except BaseException as e:  # pragma: no cover - passed through from the loop body
                trial.fail(repr(e))
                raise
            else:
                if trial.decision == "CONTINUE":
                    try:
                        trial.complete()
                    except AttuneError as e:
                        if not (e.benign or e.status == 409):
                            raise


def create_study(server: str, definition: Dict[str, Any], token: Optional[str] = None) -> Study:
    """Creates a study (the JSON of POST /api/v1/studies) and returns it."""
    created = _Http(server, token).call("POST", "/api/v1/studies", definition)
    return Study(server, created["id"], token)
