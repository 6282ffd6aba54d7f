"""A study on an Attune server: ask/tell, the PyGlove-style sampling loop and study metadata."""
import contextlib
import time
import uuid
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from .errors import AttuneError, Conflict, RaceConditionError
from .feedback import Feedback
from .http import Http

#: The trial handed out by ``Study.ask``; the name before ``Feedback`` existed.
Trial = Feedback


class Study:
    """A study on an Attune server. ``options`` go to ``Http`` (``retries``, ``max_delay``, ``timeout`` …)."""

    def __init__(self, server: str, study_id: str, token: Optional[str] = None, **options: Any):
        self.http = Http(server, token, **options)
        self.id = study_id
        self._definition: Optional[Dict[str, Any]] = None

    def _path(self, suffix: str = "") -> str:
        return f"/api/v1/studies/{self.id}{suffix}"

    # --- the study ---------------------------------------------------------------------------------------

    @property
    def definition(self) -> Dict[str, Any]:
        """The study as created (space, metrics, resource …), read once from the server."""
        if self._definition is None:
            self._definition = self.get()
        return self._definition

    def get(self) -> Dict[str, Any]:
        """The study now: status, trial counts and its definition."""
        return self.http.call("GET", self._path())

    @property
    def metric_names(self) -> List[str]:
        return [m["name"] for m in self.definition["metrics"]]

    def end_loop(self) -> Dict[str, Any]:
        """PyGlove's ``end_loop``: the study hands out no new trials; running ones may finish.

        The server's stop ends running trials by default (Syne Tune's tuner does); PyGlove's loop lets them
        finish, so this asks for that."""
        return self.http.call("POST", self._path("/stop"), {"stopRunningTrials": False})

    def stop(self, stop_running_trials: bool = True) -> Dict[str, Any]:
        """Stops the study; by default its running trials are told STOP at their next report."""
        return self.http.call("POST", self._path("/stop"), {"stopRunningTrials": stop_running_trials})

    def update(self, **settings: Any) -> Dict[str, Any]:
        """``PATCH`` the study's changeable settings (``stoppingCriterion``, ``maxConcurrentTrials``,
        ``leaseSeconds``, ``maxRetries``, ``maxFailures``, ``name``, ``metadata``); ``None`` removes a limit
        inside ``stoppingCriterion``. A finished study whose new budget no longer fires runs again."""
        return self.http.call("PATCH", self._path(), settings)

    def stop_trial(self, trial_id: int, reason: Optional[str] = None) -> Dict[str, Any]:
        """An operator's stop: the trial's next report answers STOP (a pending trial is skipped)."""
        body = None if reason is None else {"reason": reason}
        return self.http.call("POST", self._path(f"/trials/{trial_id}/stop"), body)

    def pause_trial(self, trial_id: int) -> Dict[str, Any]:
        """An operator's pause: the running trial's next report answers PAUSE."""
        return self.http.call("POST", self._path(f"/trials/{trial_id}/pause"))

    def resume_trial(self, trial_id: int) -> Dict[str, Any]:
        """An operator's resume: the next ask hands the paused trial out, before the method's own choice."""
        return self.http.call("POST", self._path(f"/trials/{trial_id}/resume"))

    def best(self) -> Optional[Dict[str, Any]]:
        return self.http.call("GET", self._path("/best")).get("trial")

    def set_metadata(self, key: str, value: Any) -> None:
        """Sets a JSON value on the study (None removes the key)."""
        self.http.call("PUT", self._path("/metadata"), {key: value})

    def get_metadata(self, key: Optional[str] = None) -> Any:
        """The study's value for ``key`` (None when unset), or all its metadata without ``key``."""
        metadata = self.http.call("GET", self._path("/metadata"))
        return metadata if key is None else metadata.get(key)

    # --- trials ------------------------------------------------------------------------------------------

    def ask(self, worker_id: Optional[str] = None, wait: bool = True) -> Optional[Feedback]:
        """The next trial, or None when the study is done. With ``wait``, WAIT answers are waited out.

        Each ask sends a fresh ``Idempotency-Key``, the same on each of its retries: a retry after a lost
        answer gets the trial the ask was handed, not a second one."""
        while True:
            key = {"Idempotency-Key": uuid.uuid4().hex}
            try:
                answer = self.http.call("POST", self._path("/ask"), {"workerId": worker_id} if worker_id else {},
                                        headers=key)
            except Conflict as e:
                if e.slug != "idempotency-key-trial-ended":
                    raise
                # The retries outlasted what the ask handed out (the server was away past its lease): nothing
                # of it runs, so ask anew with a new key.
                continue
            if answer["status"] == "RUN":
                return Feedback(self, answer["trial"])
            if answer["status"] == "DONE" or not wait:
                return None
            time.sleep(answer.get("retryAfterMs", 500) / 1000.0)

    def join(self, trial_id: int) -> Feedback:
        """A co-worker's ``Feedback`` on a trial another process was handed (PyGlove's ``group``: e.g. paired
        train and eval processes). Their racing ``done`` calls raise ``RaceConditionError`` in the loser."""
        return Feedback(self, self.trial(trial_id))

    def add(self, config: Dict[str, Any], **metrics: float) -> Dict[str, Any]:
        """Tells a result obtained elsewhere (completed when metrics are given, else pending)."""
        body: Dict[str, Any] = {"config": config}
        if metrics:
            body["metrics"] = metrics
        return self.http.call("POST", self._path("/trials"), body)

    def trial(self, trial_id: int) -> Dict[str, Any]:
        """One trial with its reports, metadata and links."""
        return self.http.call("GET", self._path(f"/trials/{trial_id}"))

    def trial_metadata(self, trial_id: int) -> Dict[str, Any]:
        return self.http.call("GET", self._path(f"/trials/{trial_id}/metadata"))

    def trials(self, status: Optional[str] = None, page_size: int = 100) -> Iterator[Dict[str, Any]]:
        """Every trial by id (of one status if given), page by page."""
        token = None
        while True:
            page = self.http.call("GET", self._path("/trials"),
                                  query={"status": status, "limit": page_size, "pageToken": token})
            yield from page["items"]
            token = page.get("nextPageToken")
            if not token:
                return

    def measurement(self, reward: Union[None, float, Sequence[float]], metrics: Optional[Mapping[str, float]],
                    step: Optional[int]) -> Dict[str, float]:
        """The metrics of a report: ``reward`` named after the study's metrics (one value, or one per metric
        in order), with ``metrics``; the resource attribute is ``step`` when not given. Raises ValueError
        when the two disagree."""
        values: Dict[str, float] = dict(metrics or {})
        if reward is not None:
            names = self.metric_names
            rewards = list(reward) if isinstance(reward, (list, tuple)) else [reward]
            if len(rewards) != len(names):
                raise ValueError(f"reward {reward!r}: the study has {len(names)} metric(s) {names}")
            for name, value in zip(names, rewards):
                if name in values and values[name] != value:
                    raise ValueError(f"reward gives {name}={value!r} but metrics give {values[name]!r}")
                values[name] = value
        resource = self.definition.get("resource")
        if resource and step is not None:
            values.setdefault(resource["attr"], step)
        return values

    # --- the loop ----------------------------------------------------------------------------------------

    def sample(self, num_examples: Optional[int] = None, worker_id: Optional[str] = None,
               heartbeat_secs: Union[float, str, None] = "auto") -> Iterator[Tuple[Dict[str, Any], Feedback]]:
        """Yields ``(config, feedback)`` until the study is done (or ``num_examples`` trials), as
        ``for example, feedback in pg.sample(...)``.

        While the body runs, ``feedback.keep_alive`` heartbeats every ``heartbeat_secs`` seconds: with
        ``"auto"``, a third of the study's ``leaseSeconds``, or 30 s when it sets none; None: no heartbeats.

        After the loop body, a trial it left running is marked ``done`` (its latest measurement counts).
        Leaving the loop (``break``, or an exception in the body, which propagates) closes the generator,
        which fails a trial left unfinished ("the sampling loop was left"); ``skip_on_exceptions`` in the
        body skips the trial and goes on.
        """
        for feedback in self.feedback(worker_id, num_examples, heartbeat_secs):
            yield feedback.config, feedback

    def feedback(self, worker_id: Optional[str] = None, num_examples: Optional[int] = None,
                 heartbeat_secs: Union[float, str, None] = "auto") -> Iterator[Feedback]:
        """As ``sample``, yielding the ``Feedback`` alone."""
        if heartbeat_secs == "auto":
            heartbeat_secs = (self.definition.get("leaseSeconds") or 90) / 3
        count = 0
        while num_examples is None or count < num_examples:
            trial = self.ask(worker_id)
            if trial is None:
                return
            count += 1
            try:
                with trial.keep_alive(heartbeat_secs) if heartbeat_secs else contextlib.nullcontext():
                    yield trial
            except GeneratorExit:  # the loop was left by break, return or an exception in its body
                _end_quietly(trial, "the sampling loop was left")
                raise
            if not trial.finished:
                try:
                    trial.done()
                except RaceConditionError:
                    pass  # a co-worker on the same trial ended it first


def _end_quietly(trial: Feedback, reason: str) -> None:
    """Fails a trial the loop body left unfinished, without hiding the error that ended the body."""
    if trial.finished:
        return
    try:
        trial.fail(reason)
    except AttuneError:
        pass


def create_study(server: str, definition: Dict[str, Any], token: Optional[str] = None, **options: Any) -> Study:
    """Creates a study (the JSON of POST /api/v1/studies) and returns it."""
    study = Study(server, "", token, **options)
    created = study.http.call("POST", "/api/v1/studies", definition)
    study.id = created["id"]
    study._definition = created
    return study
