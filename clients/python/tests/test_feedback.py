"""PyGlove's Feedback methods against a real server ($ATTUNE_URL)."""
import threading
import unittest

from _support import URL, definition, multi_fidelity, needs_server
from attune_client import BadRequest, Conflict, RaceConditionError, Study, create_study


def two_metrics(**extra):
    return multi_fidelity(method="MOASHA", metrics=[{"name": "loss"}, {"name": "latency", "mode": "min"}], **extra)


@needs_server
class MeasurementTest(unittest.TestCase):
    def test_reward_is_the_study_metric_and_step_is_recorded(self):
        study = create_study(URL, definition())
        trial = study.ask()
        self.assertEqual(trial.add_measurement(0.5, step=10), "CONTINUE")
        self.assertEqual(trial.add_measurement(0.25, metrics={"accuracy": 0.9}, step=25), "CONTINUE")
        trial.done()
        got = trial.get_trial()
        self.assertEqual(got["status"], "COMPLETED")
        self.assertEqual([(r["step"], r["metrics"]) for r in got["reports"]],
                         [(10, {"loss": 0.5}), (25, {"loss": 0.25, "accuracy": 0.9})])
        self.assertEqual(study.best()["metrics"]["loss"], 0.25)

    def test_a_reward_sequence_pairs_with_the_metrics_in_order(self):
        study = create_study(URL, two_metrics())
        trial = study.ask()
        trial.add_measurement([0.3, 12.0], metrics={"latency": 12.0}, step=1)
        self.assertEqual(trial.get_trial()["reports"][0]["metrics"], {"loss": 0.3, "latency": 12.0, "epoch": 1.0})
        with self.assertRaises(ValueError):
            trial.add_measurement([0.3, 12.0], metrics={"latency": 13.0}, step=2)  # they disagree
        with self.assertRaises(ValueError):
            trial.add_measurement(0.3, step=2)  # one value for two metrics

    def test_metrics_alone_must_name_the_study_metric(self):
        study = create_study(URL, definition())
        trial = study.ask()
        with self.assertRaises(BadRequest) as e:
            trial.add_measurement(metrics={"accuracy": 0.9})
        self.assertEqual(e.exception.fields, ["metrics.loss"])
        self.assertEqual(e.exception.status, 400)

    def test_in_a_multi_fidelity_study_step_is_the_resource_level(self):
        study = create_study(URL, multi_fidelity(pointsToEvaluate=[]))
        a, b = study.ask(), study.ask()
        self.assertEqual(a.add_measurement(0.1, step=1), "CONTINUE")
        self.assertEqual(b.add_measurement(0.9, step=1), "STOP")
        self.assertEqual(a.get_trial()["reports"][0]["metrics"], {"loss": 0.1, "epoch": 1.0})
        self.assertTrue(b.should_stop_early())
        self.assertFalse(a.should_stop_early())

    def test_elapse_secs_is_reported_as_st_worker_time(self):
        study = create_study(URL, definition())
        trial = study.ask()
        trial.add_measurement(0.5, step=1, elapse_secs=12.5)
        trial.add_measurement(0.4, step=2)
        reports = trial.get_trial()["reports"]
        self.assertEqual(reports[0]["metrics"]["st_worker_time"], 12.5)
        self.assertNotIn("st_worker_time", reports[1]["metrics"])  # the server's receivedAt tells the time
        self.assertIsNotNone(reports[1]["receivedAt"])

    def test_checkpoint_path_is_where_a_resumed_trial_warm_starts_from(self):
        study = create_study(URL, multi_fidelity(options={"type": "promotion"}, pointsToEvaluate=[],
                                                 space={"x": {"type": "uniform", "lower": 0, "upper": 1},
                                                        "epochs": 9}))
        first = [study.ask() for _ in range(3)]
        for i, trial in enumerate(first):
            self.assertIsNone(trial.checkpoint_to_warm_start_from)
            decision = trial.add_measurement(0.1 * (i + 1), step=1, checkpoint_path=f"/ck/{trial.id}/epoch-1")
            self.assertEqual(decision, "PAUSE")
            self.assertTrue(trial.should_stop_early())
        resumed = study.ask()  # the best of the three is promoted to the next rung
        self.assertTrue(resumed.resumed)
        self.assertEqual(resumed.id, first[0].id)
        self.assertEqual(resumed.checkpoint_to_warm_start_from, f"/ck/{first[0].id}/epoch-1")
        self.assertEqual(resumed.get_metadata("checkpoint_step"), 1)


@needs_server
class EndingTest(unittest.TestCase):
    def test_done_adds_metadata_and_related_links(self):
        study = create_study(URL, definition())
        trial = study.ask()
        trial.add_measurement(0.2)
        trial.done(metadata={"model": {"layers": [64, 32]}},
                   related_links={"tensorboard": "http://tb.example/run/1", "weights": "s3://bucket/run-1"})
        got = trial.get_trial()
        self.assertEqual(got["status"], "COMPLETED")
        self.assertEqual(got["metadata"], {"model": {"layers": [64, 32]}})
        self.assertEqual(got["links"], [{"name": "tensorboard", "url": "http://tb.example/run/1"},
                                        {"name": "weights", "url": "s3://bucket/run-1"}])

    def test_calling_feedback_measures_and_ends(self):
        study = create_study(URL, definition())
        trial = study.ask()
        trial(0.125, step=3)
        got = trial.get_trial()
        self.assertEqual((got["status"], got["metrics"]["loss"]), ("COMPLETED", 0.125))

    def test_done_leaves_a_trial_the_scheduler_stopped_as_it_is(self):
        study = create_study(URL, multi_fidelity(pointsToEvaluate=[]))
        a, b = study.ask(), study.ask()
        a.add_measurement(0.1, step=1)
        self.assertEqual(b.add_measurement(0.9, step=1), "STOP")
        b.done(metadata={"note": "stopped early"})
        got = b.get_trial()
        self.assertEqual(got["status"], "STOPPED")
        self.assertEqual(got["metadata"], {"note": "stopped early"})

    def test_skip_gives_no_feedback(self):
        study = create_study(URL, definition())
        trial = study.ask()
        trial.skip("diverged")
        got = trial.get_trial()
        self.assertEqual((got["status"], got["statusReason"]), ("SKIPPED", "diverged"))
        self.assertIsNone(study.best())
        self.assertTrue(trial.finished)

    def test_end_loop_stops_handing_out_trials(self):
        study = create_study(URL, definition())
        running = study.ask()
        running.end_loop()
        self.assertIsNone(study.ask())
        running.done()  # a running trial may still finish
        self.assertEqual(running.get_trial()["status"], "COMPLETED")
        self.assertEqual(study.get()["status"], "DONE")


@needs_server
class MetadataTest(unittest.TestCase):
    def test_per_trial_and_per_study(self):
        study = create_study(URL, definition())
        trial = study.ask()
        self.assertIsNone(trial.get_metadata("owner"))
        trial.set_metadata("owner", "ana")
        trial.set_metadata("history", [1, 2, {"a": None}])
        trial.set_metadata("round", 3, per_trial=False)
        self.assertEqual(trial.get_metadata("owner"), "ana")
        self.assertEqual(trial.get_metadata("history"), [1, 2, {"a": None}])
        self.assertIsNone(trial.get_metadata("round"))
        self.assertEqual(trial.get_metadata("round", per_trial=False), 3)
        self.assertEqual(study.get_metadata(), {"round": 3})
        # A co-worker's view of the same study and trial sees the same.
        other = Study(URL, study.id)
        self.assertEqual(other.get_metadata("round"), 3)
        self.assertEqual(other.join(trial.id).get_metadata("owner"), "ana")
        trial.set_metadata("owner", None)  # None removes the key
        self.assertEqual(study.trial_metadata(trial.id), {"history": [1, 2, {"a": None}]})

    def test_add_link(self):
        study = create_study(URL, definition())
        trial = study.ask()
        trial.add_link("logs", "file:///var/log/run-7.txt")
        self.assertEqual(trial.get_trial()["links"], [{"name": "logs", "url": "file:///var/log/run-7.txt"}])
        with self.assertRaises(BadRequest) as e:
            trial.add_link("bad", "javascript:alert(1)")
        self.assertEqual(e.exception.fields, ["url"])


@needs_server
class RaceConditionTest(unittest.TestCase):
    def test_two_co_workers_done_the_same_trial(self):
        study = create_study(URL, definition())
        mine = study.ask()
        theirs = Study(URL, study.id).join(mine.id)
        mine.add_measurement(0.3, step=1)
        mine.done()
        with self.assertRaises(RaceConditionError):
            theirs.done()
        with self.assertRaises(RaceConditionError):
            theirs.add_measurement(0.2, step=2)  # a report after the other's done
        with self.assertRaises(RaceConditionError):
            theirs.skip()
        with theirs.ignore_race_condition():
            theirs.done()
            self.fail("the rest of the block is skipped")
        self.assertEqual(mine.get_trial()["status"], "COMPLETED")

    def test_other_errors_pass_through_ignore_race_condition(self):
        study = create_study(URL, definition())
        trial = study.ask()
        trial.add_measurement(0.3, step=1)
        with self.assertRaises(Conflict) as e:
            with trial.ignore_race_condition():
                trial.add_measurement(0.4, step=1)  # a different report at the same step
        self.assertNotIsInstance(e.exception, RaceConditionError)
        self.assertEqual(e.exception.slug, "report-conflict")

    def test_threads_as_in_pygloves_example(self):
        study = create_study(URL, definition())
        trial = study.ask()
        errors = []

        def co_worker(feedback):
            try:
                with feedback.ignore_race_condition():
                    feedback.add_measurement(0.1, step=1)
                    feedback.done()
            except Exception as e:  # anything but a race condition fails the test
                errors.append(e)

        threads = [threading.Thread(target=co_worker, args=(Study(URL, study.id).join(trial.id),))
                   for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])
        got = trial.get_trial()
        self.assertEqual(got["status"], "COMPLETED")
        self.assertEqual(len(got["reports"]), 1)


@needs_server
class SkipOnExceptionsTest(unittest.TestCase):
    def test_listed_exceptions_skip_the_trial(self):
        study = create_study(URL, definition())
        trial = study.ask()
        with trial.skip_on_exceptions((ValueError, KeyError)):
            raise KeyError("no such layer")
        got = trial.get_trial()
        self.assertEqual(got["status"], "SKIPPED")
        self.assertIn("KeyError: 'no such layer'", got["statusReason"])

    def test_a_regex_must_match_the_message(self):
        study = create_study(URL, definition())
        trial = study.ask()
        with self.assertRaises(ValueError):
            with trial.skip_on_exceptions([(ValueError, ".*invalid range"), TypeError]):
                raise ValueError("out of memory")
        self.assertEqual(trial.get_trial()["status"], "RUNNING")
        with trial.skip_on_exceptions([(ValueError, ".*invalid range"), TypeError]):
            raise ValueError("lr: invalid range")
        self.assertEqual(trial.get_trial()["status"], "SKIPPED")

    def test_a_type_listed_alone_too_matches_any_message(self):
        study = create_study(URL, definition())
        trial = study.ask()
        with trial.skip_on_exceptions([(ValueError, "never"), ValueError]):
            raise ValueError("out of memory")
        self.assertEqual(trial.get_trial()["status"], "SKIPPED")

    def test_a_long_traceback_keeps_its_end(self):
        study = create_study(URL, definition())
        trial = study.ask()

        def deep(n):
            if n == 0:
                raise RuntimeError("the bottom")
            deep(n - 1)

        with trial.skip_on_exceptions([RuntimeError]):
            deep(200)
        reason = trial.get_trial()["statusReason"]
        self.assertLessEqual(len(reason), 2000)
        self.assertTrue(reason.rstrip().endswith("RuntimeError: the bottom"), reason[-200:])

    def test_refuses_what_is_not_an_exception_type(self):
        study = create_study(URL, definition())
        trial = study.ask()
        with self.assertRaises(TypeError):
            with trial.skip_on_exceptions(["ValueError"]):
                pass


if __name__ == "__main__":
    unittest.main()
