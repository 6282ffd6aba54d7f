"""``Feedback``: one running trial, with the methods of PyGlove's ``pg.tuning.Feedback``."""
import contextlib
import inspect
import logging
import re
import threading
import traceback
import uuid
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Mapping, Optional, Pattern, Sequence, Tuple, Type, \
    Union

from .errors import AttuneError, RaceConditionError

if TYPE_CHECKING:  # pragma: no cover
    from .client import Study

#: The server keeps at most this many characters of a trial's status reason.
MAX_REASON = 2000
#: The metric that carries ``elapse_secs``: Syne Tune's name for a trial's seconds so far.
ELAPSED_METRIC = "st_worker_time"
#: Trial metadata keys written by ``add_measurement(checkpoint_path=…)``.
CHECKPOINT_PATH, CHECKPOINT_STEP = "checkpoint_path", "checkpoint_step"

log = logging.getLogger("attune_client")

ExceptionSpec = Union[Type[BaseException], Tuple[Type[BaseException], str]]


class Feedback:
    """A trial handed out by ``Study.ask`` (or the ``Study.sample`` loop) and the way to report on it.

    ``id`` and ``config`` say what to evaluate; ``resumed`` is true when the trial continues from its own
    checkpoint and ``checkpoint_trial_id`` names the trial whose checkpoint to start from (itself when
    resumed, the source trial for a PBT clone).
    """

    def __init__(self, study: "Study", data: Dict[str, Any]):
        self.study = study
        self.id: int = data["id"]
        self.config: Dict[str, Any] = data["config"]
        self.resumed: bool = data.get("resumed", False)
        self.checkpoint_trial_id: Optional[int] = data.get("checkpointTrialId")
        #: The server's last word on this trial: CONTINUE, STOP or PAUSE.
        self.decision = "CONTINUE"
        #: How this client ended the trial (COMPLETED, SKIPPED, FAILED), else None.
        self.ended: Optional[str] = None

    # --- measurements and decisions -------------------------------------------------------------------

    def add_measurement(self, reward: Union[None, float, Sequence[float]] = None,
                        metrics: Optional[Mapping[str, float]] = None, step: Optional[int] = None,
                        checkpoint_path: Optional[str] = None, elapse_secs: Optional[float] = None) -> str:
        """Reports a measurement and answers the server's decision: CONTINUE, STOP or PAUSE.

        ``reward`` is the study's metric (a sequence: its metrics, in order); ``metrics`` may carry them by
        name and any others. ``step`` is the training step; in a multi-fidelity study it is the resource
        level unless ``metrics`` names the resource attribute itself. ``elapse_secs``, when given, is
        reported as the metric ``st_worker_time``; else the server's ``receivedAt`` of each report tells
        the time (a value computed here would make two co-workers' identical reports differ and conflict).
        ``checkpoint_path`` is kept in the trial's metadata (``checkpoint_path``, ``checkpoint_step``),
        where ``checkpoint_to_warm_start_from`` finds it.
        """
        values = self.study.measurement(reward, metrics, step)
        if elapse_secs is not None:
            values.setdefault(ELAPSED_METRIC, elapse_secs)
        body: Dict[str, Any] = {"metrics": values}
        if step is not None:
            body["step"] = step
        self.decision = self._call("POST", "/reports", body)["decision"]
        if checkpoint_path is not None:
            self._call("PUT", "/metadata", {CHECKPOINT_PATH: checkpoint_path, CHECKPOINT_STEP: step})
        return self.decision

    def report(self, step: Optional[int] = None, **metrics: float) -> str:
        """``add_measurement(metrics=metrics, step=step)`` as keywords: ``trial.report(epoch=3, loss=0.4)``."""
        return self.add_measurement(metrics=metrics, step=step)

    def should_stop_early(self) -> bool:
        """Whether the scheduler ended or paused this trial; asks the server (which also extends the lease)
        unless a report already said so."""
        if self.decision == "CONTINUE":
            self.decision = self._call("POST", "/heartbeat")["decision"]
        return self.decision != "CONTINUE"

    should_stop = should_stop_early

    @contextlib.contextmanager
    def keep_alive(self, interval: float = 30.0) -> Iterator[None]:
        """Heartbeats every ``interval`` seconds from a background thread while the block runs, so that a
        trial that reports rarely keeps its lease (``leaseSeconds``, 120 by default; past it the trial
        turns STALE). A heartbeat that answers STOP or PAUSE sets ``decision`` (``should_stop_early()``
        then says so) and ends the heartbeats, as does an error (logged)."""
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(interval) and not self.finished:
                try:
                    decision = self._call("POST", "/heartbeat")["decision"]
                except AttuneError as e:
                    log.warning("trial %s: heartbeats end: %s", self.id, e)
                    return
                if decision != "CONTINUE" and not stop.is_set():
                    self.decision = decision

        thread = threading.Thread(target=beat, name=f"attune-heartbeat-{self.study.id}-{self.id}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()  # not joined: a heartbeat under way may be retrying against an absent server

    # --- ending the trial --------------------------------------------------------------------------------

    def done(self, metadata: Optional[Mapping[str, Any]] = None,
             related_links: Optional[Mapping[str, str]] = None) -> None:
        """Marks the trial done: the algorithm gets its latest measurement. ``metadata`` and ``related_links``
        (``{name: url}``) are added to the trial first. A trial the scheduler already stopped or paused
        (``should_stop_early()``) keeps the status the scheduler gave it. Raises ``RaceConditionError`` when
        a co-worker already ended it."""
        self._publish(metadata, related_links)
        if self.decision == "CONTINUE":
            self._end("/complete", "COMPLETED", {})

    def __call__(self, reward: Union[None, float, Sequence[float]] = None,
                 metrics: Optional[Mapping[str, float]] = None, step: Optional[int] = None,
                 checkpoint_path: Optional[str] = None, elapse_secs: Optional[float] = None,
                 metadata: Optional[Mapping[str, Any]] = None,
                 related_links: Optional[Mapping[str, str]] = None) -> None:
        """``add_measurement`` then ``done``, as PyGlove's ``feedback(reward)``."""
        self.add_measurement(reward, metrics, step, checkpoint_path, elapse_secs)
        self.done(metadata, related_links)

    def complete(self, **metrics: float) -> Dict[str, Any]:
        """Completes the trial, with final metrics if given (they must include the study's metrics)."""
        return self._end("/complete", "COMPLETED", {"metrics": metrics} if metrics else {})

    def skip(self, reason: Optional[str] = None) -> Dict[str, Any]:
        """Ends the trial without feedback to the algorithm."""
        return self._end("/skip", "SKIPPED", _reason(reason))

    def fail(self, reason: Optional[str] = None) -> Dict[str, Any]:
        """Ends the trial as failed (retried as a new trial under the study's ``maxRetries``)."""
        return self._end("/fail", "FAILED", _reason(reason))

    def end_loop(self) -> None:
        """Ends the sampling loop for every worker: no new trials; running ones may finish."""
        self.study.end_loop()

    @property
    def finished(self) -> bool:
        """Ended by this client, or stopped/paused by the scheduler."""
        return self.ended is not None or self.decision != "CONTINUE"

    # --- metadata, links and the trial itself ----------------------------------------------------------

    def set_metadata(self, key: str, value: Any, per_trial: bool = True) -> None:
        """Sets a JSON value on this trial (or, with ``per_trial=False``, on the study); None removes it."""
        if per_trial:
            self._call("PUT", "/metadata", {key: value})
        else:
            self.study.set_metadata(key, value)

    def get_metadata(self, key: str, per_trial: bool = True) -> Optional[Any]:
        """The value of ``key`` on this trial (or the study), None when it is not set."""
        if per_trial:
            return self._call("GET", "/metadata").get(key)
        return self.study.get_metadata(key)

    def add_link(self, name: str, url: str) -> None:
        """Adds a related link (http(s), file, s3 or gs URL) to the trial."""
        self._call("POST", "/links", {"name": name, "url": url})

    def get_trial(self) -> Dict[str, Any]:
        """The trial as the server has it now: status, metrics, metadata, links and every report."""
        return self._call("GET", "")

    @property
    def checkpoint_to_warm_start_from(self) -> Optional[str]:
        """The ``checkpoint_path`` last added by the trial this one continues from: itself when ``resumed``,
        else ``checkpoint_trial_id`` (the source of a PBT clone); None for a fresh trial."""
        source = self.checkpoint_trial_id if self.checkpoint_trial_id is not None else (
            self.id if self.resumed else None)
        if source is None:
            return None
        return self.study.trial_metadata(source).get(CHECKPOINT_PATH)

    # --- co-workers and exceptions -----------------------------------------------------------------------

    @contextlib.contextmanager
    def ignore_race_condition(self) -> Iterator[None]:
        """Ignores a ``RaceConditionError`` in the block: a co-worker on the same trial already ended it
        (both call ``done``, or one reports after the other's ``done``). The rest of the block is skipped."""
        try:
            yield
        except RaceConditionError:
            pass

    @contextlib.contextmanager
    def skip_on_exceptions(self, exceptions: Sequence[ExceptionSpec]) -> Iterator[None]:
        """Skips the trial (and swallows the exception) when the block raises one of ``exceptions``: exception
        types, or ``(type, regex)`` pairs that also need ``re.match(regex, str(error))``. The trial's
        reason is the traceback. Other exceptions pass through."""
        rules = _exception_rules(exceptions)
        try:
            yield
        except tuple(rules) as e:
            if not any(isinstance(e, kind) and (patterns is None or any(p.match(str(e)) for p in patterns))
                       for kind, patterns in rules.items()):
                raise
            self.skip(traceback.format_exc())

    # --- plumbing --------------------------------------------------------------------------------------------

    def _publish(self, metadata: Optional[Mapping[str, Any]], links: Optional[Mapping[str, str]]) -> None:
        if metadata:
            self._call("PUT", "/metadata", dict(metadata))
        for name, url in (links or {}).items():
            self.add_link(name, url)

    def _end(self, action: str, status: str, body: Dict[str, Any]) -> Dict[str, Any]:
        # A completion or failure names itself, the same on its retries: a retry after a lost answer gets the
        # trial as stored, while a co-worker's ending (another key) is the race.
        headers = {"Idempotency-Key": uuid.uuid4().hex} if action in ("/complete", "/fail") else None
        answer = self._call("POST", action, body, headers)
        self.ended = status
        return answer

    def _call(self, method: str, suffix: str, body: Optional[Any] = None,
              headers: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
        return self.study.http.call(method, f"/api/v1/studies/{self.study.id}/trials/{self.id}{suffix}", body,
                                    headers=headers)

    def __repr__(self) -> str:
        return f"Feedback(study={self.study.id!r}, id={self.id}, config={self.config!r}, decision={self.decision})"


def _reason(reason: Optional[str]) -> Dict[str, Any]:
    """The server keeps the first ``MAX_REASON`` characters; a traceback's end says most, so keep that."""
    if not reason:
        return {}
    return {"reason": reason if len(reason) <= MAX_REASON else "…" + reason[-(MAX_REASON - 1):]}


def _exception_rules(exceptions: Sequence[ExceptionSpec]) -> Dict[Type[BaseException], Optional[List[Pattern[str]]]]:
    """Each listed type with the patterns one of which its message must match; None: any message."""
    rules: Dict[Type[BaseException], Optional[List[Pattern[str]]]] = {}
    for spec in exceptions:
        kind, regex = spec if isinstance(spec, tuple) else (spec, None)
        if not (inspect.isclass(kind) and issubclass(kind, BaseException)):
            raise TypeError(f"{spec!r}: expected an exception type or (exception type, regex)")
        if regex is None:
            rules[kind] = None
        elif rules.get(kind, []) is not None:
            rules.setdefault(kind, []).append(re.compile(regex))
    return rules
