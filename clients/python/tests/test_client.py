"""Tests of the Python client against a real Attune server at $ATTUNE_URL (PythonClientIT starts one)."""
import http.server
import io
import json
import os
import threading
import unittest

from attune_client import AttuneError, Reporter, Study, create_study
from attune_client.client import _Http

URL = os.environ.get("ATTUNE_URL", "http://127.0.0.1:8080")


def definition(**extra):
    d = {"space": {"x": {"type": "uniform", "lower": 0, "upper": 1}, "epochs": 4},
         "metrics": [{"name": "loss"}], "seed": 3}
    d.update(extra)
    return d


class ReporterTest(unittest.TestCase):
    def test_prints_syne_tune_metric_lines(self):
        out = io.StringIO()
        Reporter(stream=out)(epoch=2, loss=0.5)
        line = out.getvalue().strip()
        self.assertTrue(line.startswith("[tune-metric]: "))
        payload = json.loads(line[len("[tune-metric]: "):])
        self.assertEqual(payload["epoch"], 2)
        self.assertEqual(payload["loss"], 0.5)
        self.assertIn("st_worker_time", payload)
        self.assertEqual(Reporter.retrieve(["noise", line])[0]["loss"], 0.5)

    def test_refuses_non_numbers(self):
        with self.assertRaises(ValueError):
            Reporter(stream=io.StringIO())(loss="low")


class StudyTest(unittest.TestCase):
    def test_feedback_loop_runs_the_study_to_its_end(self):
        study = create_study(URL, definition(stoppingCriterion={"maxNumTrialsStarted": 5}))
        seen = []
        for trial in study.feedback("py"):
            for epoch in range(1, 3):
                self.assertEqual(trial.report(step=epoch, loss=(trial.config["x"] - 0.3) ** 2 + 1 / epoch), "CONTINUE")
            seen.append(trial.id)
        self.assertEqual(seen, [0, 1, 2, 3, 4])
        best = study.best()
        self.assertIsNotNone(best)
        self.assertEqual(best["status"], "COMPLETED")

    def test_asha_decisions_reach_the_client(self):
        study = create_study(URL, definition(method="ASHA", resource={"attr": "epoch", "maxAttr": "epochs"}, pointsToEvaluate=[]))
        a, b = study.ask(), study.ask()
        self.assertEqual(a.report(epoch=1, loss=0.1), "CONTINUE")
        self.assertEqual(b.report(epoch=1, loss=0.9), "STOP")
        self.assertTrue(b.should_stop())
        self.assertFalse(a.should_stop())

    def test_skip_fail_and_a_co_worker_race(self):
        study = create_study(URL, definition())
        t = study.ask()
        t.skip("not worth it")
        t2 = study.ask()
        t2.complete(loss=0.2)
        with self.assertRaises(AttuneError) as race:
            t2.complete(loss=0.2)
        self.assertTrue(race.exception.benign)
        self.assertEqual(race.exception.status, 409)
        t3 = study.ask()
        t3.fail("out of memory")
        with self.assertRaises(AttuneError) as bad:
            t3.report(loss=float("nan"))
        self.assertIn(bad.exception.status, (400, 409))

    def test_end_loop_stops_handing_out_trials(self):
        study = create_study(URL, definition())
        running = study.ask()
        study.end_loop()
        self.assertIsNone(study.ask())
        running.complete(loss=0.3)

    def test_tell_only_results_count(self):
        study = create_study(URL, definition(pointsToEvaluate=[]))
        added = study.add({"x": 0.3}, loss=0.01)
        self.assertEqual(added["status"], "COMPLETED")
        self.assertEqual(study.best()["id"], added["id"])
        self.assertIsInstance(Study(URL, study.id).ask(), object)


if __name__ == "__main__":
    unittest.main()


class _Scripted(http.server.BaseHTTPRequestHandler):
    """Answers the statuses in ``script`` in turn (then 200), counting the requests."""
    script = []
    calls = 0

    def do_GET(self):
        cls = type(self)
        status = cls.script[cls.calls] if cls.calls < len(cls.script) else 200
        cls.calls += 1
        body = json.dumps({"ok": True} if status == 200 else
                          {"type": "https://attune.dev/problems/x", "detail": "busy"}).encode()
        self.send_response(status)
        if status in (429, 503):
            self.send_header("Retry-After", "0")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class RetryTest(unittest.TestCase):
    def serve(self, script):
        _Scripted.script, _Scripted.calls = script, 0
        server = http.server.HTTPServer(("127.0.0.1", 0), _Scripted)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.shutdown)
        return "http://127.0.0.1:%d" % server.server_port

    def test_retries_503_and_429_until_the_server_answers(self):
        url = self.serve([503, 429, 503])
        self.assertEqual(_Http(url, max_delay=0.05).call("GET", "/x"), {"ok": True})
        self.assertEqual(_Scripted.calls, 4)

    def test_gives_up_after_its_retries(self):
        url = self.serve([503] * 10)
        with self.assertRaises(AttuneError) as e:
            _Http(url, retries=2, max_delay=0.05).call("GET", "/x")
        self.assertEqual(e.exception.status, 503)
        self.assertEqual(_Scripted.calls, 3)

    def test_does_not_retry_other_client_errors(self):
        url = self.serve([404])
        with self.assertRaises(AttuneError):
            _Http(url, max_delay=0.05).call("GET", "/x")
        self.assertEqual(_Scripted.calls, 1)
