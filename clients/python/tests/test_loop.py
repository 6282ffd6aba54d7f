"""The PyGlove-style sampling loop and plain ask/tell, against a real server ($ATTUNE_URL)."""
import time
import unittest

from _support import URL, definition, multi_fidelity, needs_server
from attune_client import Conflict, Study, create_study


def statuses(study):
    return [t["status"] for t in study.trials()]


@needs_server
class SampleLoopTest(unittest.TestCase):
    def test_runs_the_study_to_its_end(self):
        study = create_study(URL, definition(stoppingCriterion={"maxNumTrialsStarted": 5}))
        seen = []
        for config, feedback in study.sample(worker_id="py-loop"):
            for step in (1, 2):
                self.assertEqual(feedback.add_measurement((config["x"] - 0.3) ** 2 + 1 / step, step=step),
                                 "CONTINUE")
            feedback.done()
            seen.append(feedback.id)
        self.assertEqual(seen, [0, 1, 2, 3, 4])
        self.assertEqual(statuses(study), ["COMPLETED"] * 5)
        self.assertEqual(study.get()["trialCounts"]["COMPLETED"], 5)

    def test_a_trial_the_body_leaves_running_is_done_with_its_latest_measurement(self):
        study = create_study(URL, definition())
        for _, feedback in study.sample(num_examples=2):
            feedback.add_measurement(0.5, step=1)
            feedback.add_measurement(0.25, step=2)
        self.assertEqual(statuses(study), ["COMPLETED", "COMPLETED"])
        self.assertEqual([t["metrics"]["loss"] for t in study.trials()], [0.25, 0.25])

    def test_an_exception_in_the_body_fails_the_trial_and_propagates(self):
        study = create_study(URL, definition())
        with self.assertRaises(ZeroDivisionError):
            for _, feedback in study.sample():
                feedback.add_measurement(1 / 0)
        # The loop is left, so the generator is closed (at once in CPython) and fails its trial.
        self.assertEqual(statuses(study), ["FAILED"])
        self.assertEqual(next(study.trials())["statusReason"], "the sampling loop was left")

    def test_skip_on_exceptions_in_the_body_moves_to_the_next_trial(self):
        study = create_study(URL, definition(stoppingCriterion={"maxNumTrialsStarted": 4}))
        for config, feedback in study.sample():
            with feedback.skip_on_exceptions([ArithmeticError]):
                if feedback.id % 2 == 0:
                    raise ArithmeticError("nan loss")
                feedback.add_measurement(config["x"])
        self.assertEqual(statuses(study), ["SKIPPED", "COMPLETED", "SKIPPED", "COMPLETED"])

    def test_early_stopping_in_the_loop(self):
        study = create_study(URL, multi_fidelity(stoppingCriterion={"maxNumTrialsStarted": 6}, pointsToEvaluate=[]))
        stopped_early = 0
        for config, feedback in study.sample():
            for epoch in range(1, config["epochs"] + 1):
                feedback.add_measurement((config["x"] - 0.3) ** 2 + 1 / epoch, step=epoch)
                if feedback.should_stop_early():
                    stopped_early += epoch < config["epochs"]
                    break
            feedback.done()
        self.assertGreater(stopped_early, 0)
        self.assertNotIn("RUNNING", statuses(study))
        self.assertEqual(len(statuses(study)), 6)

    def test_end_loop_ends_every_workers_loop(self):
        study = create_study(URL, definition())
        other = Study(URL, study.id)  # a second worker on the same study
        theirs = other.sample()
        _, their_first = next(theirs)
        mine = 0
        for config, feedback in study.sample():
            mine += 1
            feedback.add_measurement(config["x"])
            if mine == 3:
                feedback.end_loop()
        their_first.add_measurement(0.9)
        self.assertEqual(list(theirs), [])  # the other loop ends after its current trial
        self.assertEqual(mine, 3)
        self.assertEqual(statuses(study), ["COMPLETED"] * 4)

    def test_operator_actions_pause_resume_and_stop_trials_and_more_budget_runs_the_study_again(self):
        study = create_study(URL, definition(stoppingCriterion={"maxNumTrialsStarted": 3}))
        first = study.ask()
        second = study.ask()
        study.pause_trial(first.id)
        self.assertEqual(first.add_measurement(0.5, step=1), "PAUSE")
        study.resume_trial(first.id)
        again = study.ask()
        self.assertEqual(again.id, first.id)  # the resume comes before anything else
        study.stop_trial(second.id, reason="diverged")
        self.assertEqual(second.add_measurement(0.7, step=1), "STOP")
        again.add_measurement(0.4, step=2)
        again.done()
        third = study.ask()
        self.assertEqual(third.id, 2)  # a resume is not a start: the third start is still allowed
        third.add_measurement(0.3, step=1)
        third.done()
        self.assertIn(study.get()["status"], ("STOPPING", "DONE"))
        study.update(stoppingCriterion={"maxNumTrialsStarted": 4})
        self.assertEqual(study.get()["status"], "ACTIVE")
        self.assertEqual(study.ask().id, 3)

    def test_leaving_the_loop_early_fails_an_unfinished_trial(self):
        study = create_study(URL, definition())
        loop = study.sample()
        next(loop)
        loop.close()
        self.assertEqual(statuses(study), ["FAILED"])


@needs_server
class LeaseTest(unittest.TestCase):
    """A trial that reports rarely: with a lease of 1 s, the server's reaper (every 5 s) turns it STALE
    unless the loop's heartbeats keep it."""

    def quiet_body(self, heartbeat_secs):
        study = create_study(URL, definition(leaseSeconds=1))
        for config, feedback in study.sample(num_examples=1, heartbeat_secs=heartbeat_secs):
            deadline = time.time() + 10  # two reaper passes past the lease; reads do not extend it
            while time.time() < deadline and feedback.get_trial()["status"] == "RUNNING":
                time.sleep(0.5)
            feedback.add_measurement(config["x"])
        return study

    def test_heartbeats_keep_a_quiet_trial_running(self):
        study = self.quiet_body(heartbeat_secs=0.25)
        self.assertEqual(statuses(study), ["COMPLETED"])

    def test_without_heartbeats_it_turns_stale(self):
        with self.assertRaises(Conflict) as e:
            self.quiet_body(heartbeat_secs=None)
        self.assertEqual(e.exception.current_status, "STALE")


@needs_server
class AskTellTest(unittest.TestCase):
    def test_report_complete_and_fail(self):
        study = create_study(URL, definition())
        t = study.ask()
        self.assertEqual(t.report(step=1, loss=0.4), "CONTINUE")
        self.assertEqual(t.complete(loss=0.2)["status"], "COMPLETED")
        t2 = study.ask()
        self.assertEqual(t2.fail("out of memory")["status"], "FAILED")

    def test_tell_only_results_count(self):
        study = create_study(URL, definition(pointsToEvaluate=[]))
        added = study.add({"x": 0.3}, loss=0.01)
        self.assertEqual(added["status"], "COMPLETED")
        self.assertEqual(study.best()["id"], added["id"])

    def test_trials_pages_through_every_trial(self):
        study = create_study(URL, definition(pointsToEvaluate=[]))
        for i in range(5):
            study.add({"x": i / 10}, loss=i)
        self.assertEqual([t["id"] for t in study.trials(page_size=2)], [0, 1, 2, 3, 4])
        self.assertEqual([t["id"] for t in study.trials(status="RUNNING")], [])


if __name__ == "__main__":
    unittest.main()
