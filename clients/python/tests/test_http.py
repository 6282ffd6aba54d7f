"""Retries, Retry-After, typed errors, the token and heartbeats, against a scripted local server (no Attune
needed).

A real Attune server answers 429 and 503 only under overload or with its database away, which a test cannot
bring about on demand; ``Scripted`` answers them when told to.
"""
import email.utils
import http.server
import json
import logging
import os
import pickle
import socket
import threading
import time
import unittest
from unittest import mock

from attune_client import (AttuneError, BadRequest, Conflict, Feedback, Forbidden, Http, NotFound, Overloaded,
                           RaceConditionError, ServerError, Study, Unauthorized, Unreachable)

PROBLEM = "https://attune.dev/problems/"


class Scripted(http.server.BaseHTTPRequestHandler):
    """Answers the ``(status, headers, body)`` in ``script`` in turn, then 200 ``{"ok": true}``; keeps each
    request's method, path, headers and body in ``seen``."""
    script = []
    seen = []

    def _answer(self):
        cls = type(self)
        length = int(self.headers.get("Content-Length") or 0)
        cls.seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                         "body": self.rfile.read(length).decode() if length else None})
        status, headers, body = cls.script.pop(0) if cls.script else (200, {}, {"ok": True})
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json" if status < 400 else "application/problem+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args):
        pass


def problem(status, slug, detail="", **extra):
    return dict({"type": PROBLEM + slug, "title": slug, "status": status, "detail": detail}, **extra)


def start(port=0):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Scripted)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return server


def stop(server):
    server.shutdown()
    server.server_close()


class ScriptedServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = start()
        logging.getLogger("attune_client").setLevel(logging.ERROR)  # the retries' warnings

    @classmethod
    def tearDownClass(cls):
        stop(cls.server)
        logging.getLogger("attune_client").setLevel(logging.NOTSET)

    def serve(self, *script):
        """The server's URL, which will answer ``script``."""
        Scripted.script, Scripted.seen = list(script), []
        return "http://127.0.0.1:%d" % self.server.server_port

    def http(self, url, **options):
        """A client that records its waits instead of sleeping them."""
        self.waits = []
        options.setdefault("token", "")
        return Http(url, sleep=self.waits.append, **options)


class RetryTest(ScriptedServerTest):
    def test_retries_429_and_503_until_the_server_answers(self):
        url = self.serve((503, {"Retry-After": "0"}, problem(503, "database-unavailable")),
                         (429, {"Retry-After": "0"}, problem(429, "overloaded")),
                         (503, {}, problem(503, "database-unavailable")))
        self.assertEqual(self.http(url).call("POST", "/x", {"a": 1}), {"ok": True})
        self.assertEqual(len(Scripted.seen), 4)
        # The same request each time.
        self.assertEqual({s["body"] for s in Scripted.seen}, {'{"a": 1}'})

    def test_waits_grow_exponentially_and_honour_retry_after(self):
        url = self.serve(*[(503, {}, problem(503, "database-unavailable"))] * 4,
                         (429, {"Retry-After": "7"}, problem(429, "overloaded")))
        self.http(url, initial_delay=1.0, max_delay=4.0).call("GET", "/x")
        backoff, retry_after = self.waits[:4], self.waits[4]
        # Each wait is between half and all of 1, 2, 4, 4 s (jitter), then at least Retry-After.
        for wait, delay in zip(backoff, [1.0, 2.0, 4.0, 4.0]):
            self.assertTrue(delay / 2 <= wait <= delay, (wait, delay))
        self.assertGreaterEqual(retry_after, 7.0)

    def test_retry_after_as_an_http_date(self):
        when = email.utils.formatdate(time.time() + 30, usegmt=True)
        url = self.serve((503, {"Retry-After": when}, problem(503, "database-unavailable")))
        self.http(url, initial_delay=0.01).call("GET", "/x")
        self.assertTrue(25 <= self.waits[0] <= 31 * 1.2, self.waits)

    def test_retry_after_is_honoured_up_to_a_bound(self):
        url = self.serve((429, {"Retry-After": "86400"}, problem(429, "overloaded")))
        self.http(url, initial_delay=0.01, max_retry_after=5).call("GET", "/x")
        self.assertEqual(len(self.waits), 1)
        self.assertTrue(5 <= self.waits[0] <= 6, self.waits)  # the bound, plus up to a fifth of jitter

    def test_clients_told_the_same_retry_after_come_back_spread(self):
        waits = []
        for _ in range(20):
            url = self.serve((429, {"Retry-After": "10"}, problem(429, "overloaded")))
            self.http(url, initial_delay=0.01).call("GET", "/x")
            waits += self.waits
        self.assertTrue(all(10 <= w <= 12 for w in waits), waits)
        self.assertGreater(max(waits) - min(waits), 0.5, "not all at once")

    def test_gives_up_after_its_retries_with_overloaded(self):
        url = self.serve(*[(503, {"Retry-After": "2"}, problem(503, "database-unavailable", "db away"))] * 10)
        with self.assertRaises(Overloaded) as e:
            self.http(url, retries=2).call("GET", "/x")
        self.assertEqual(e.exception.status, 503)
        self.assertEqual(e.exception.retry_after, 2.0)
        self.assertEqual(e.exception.detail, "db away")
        self.assertEqual(len(Scripted.seen), 3)
        self.assertEqual(len(self.waits), 2)

    def test_proxy_errors_are_retried_but_a_server_failure_is_not(self):
        url = self.serve((502, {}, "<html>bad gateway</html>"), (504, {}, ""),
                         (500, {}, problem(500, "internal", correlationId="abc")))
        with self.assertRaises(ServerError) as e:
            self.http(url).call("GET", "/x")
        self.assertEqual(e.exception.problem["correlationId"], "abc")
        self.assertEqual(len(Scripted.seen), 3)

    def test_client_errors_are_not_retried(self):
        for status in (400, 401, 403, 404, 409, 413):
            with self.subTest(status=status):
                url = self.serve((status, {}, problem(status, "x")))
                with self.assertRaises(AttuneError):
                    self.http(url).call("GET", "/x")
                self.assertEqual(len(Scripted.seen), 1)
                self.assertEqual(self.waits, [])

    def test_connection_errors_are_retried_a_bounded_number_of_times(self):
        with socket.socket() as s:  # a port nobody listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with self.assertRaises(Unreachable) as e:
            self.http("http://127.0.0.1:%d" % port, retries=3).call("GET", "/x")
        self.assertEqual(len(self.waits), 3)
        self.assertIsInstance(e.exception, AttuneError)
        self.assertIn(str(port), str(e.exception))

    def test_a_server_that_comes_back_is_reached(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        started = []

        def start_on_second_wait(seconds):
            self.waits.append(seconds)
            if len(self.waits) == 2:
                Scripted.script, Scripted.seen = [], []
                started.append(start(port))

        client = self.http("http://127.0.0.1:%d" % port)
        client.sleep = start_on_second_wait
        try:
            self.assertEqual(client.call("GET", "/x"), {"ok": True})
        finally:
            for server in started:
                stop(server)
        self.assertEqual(len(self.waits), 2)


class TypedErrorTest(ScriptedServerTest):
    def raised(self, status, body):
        url = self.serve((status, {}, body))
        with self.assertRaises(AttuneError) as e:
            self.http(url, retries=0).call("POST", "/x", {})
        return e.exception

    def test_each_status_has_its_type(self):
        for status, cls in ((400, BadRequest), (401, Unauthorized), (403, Forbidden), (404, NotFound),
                            (409, Conflict), (429, Overloaded), (503, Overloaded), (500, ServerError)):
            with self.subTest(status=status):
                self.assertIs(type(self.raised(status, problem(status, "x"))), cls)

    def test_bad_request_carries_the_problem_fields(self):
        e = self.raised(400, problem(400, "invalid-request", "metrics.loss: is required",
                                     errors=[{"field": "metrics.loss", "message": "is required"}]))
        self.assertEqual(e.fields, ["metrics.loss"])
        self.assertEqual(e.errors[0]["message"], "is required")
        self.assertEqual(e.slug, "invalid-request")
        self.assertEqual(e.title, "invalid-request")
        self.assertEqual(e.detail, "metrics.loss: is required")
        self.assertIn("metrics.loss: is required", str(e))

    def test_a_trial_that_already_ended_is_a_race_condition(self):
        finished = self.raised(409, problem(409, "trial-already-finished", currentStatus="COMPLETED"))
        self.assertIsInstance(finished, RaceConditionError)
        self.assertTrue(finished.benign)
        skipped_by_other = self.raised(409, problem(409, "illegal-transition", currentStatus="SKIPPED"))
        self.assertIsInstance(skipped_by_other, RaceConditionError)
        self.assertEqual(skipped_by_other.current_status, "SKIPPED")

    def test_other_conflicts_are_not(self):
        for body in (problem(409, "report-conflict", currentStatus="RUNNING"),
                     problem(409, "illegal-transition", currentStatus="PAUSED"),
                     problem(409, "study-not-active", currentStatus="STOPPED")):
            with self.subTest(body=body["type"]):
                e = self.raised(409, body)
                self.assertIs(type(e), Conflict)
                self.assertFalse(e.benign)

    def test_errors_survive_pickling(self):
        e = self.raised(409, problem(409, "trial-already-finished", currentStatus="COMPLETED"))
        copy = pickle.loads(pickle.dumps(e))
        self.assertIs(type(copy), RaceConditionError)
        self.assertEqual((copy.status, copy.problem, str(copy)), (e.status, e.problem, str(e)))
        gone = pickle.loads(pickle.dumps(Unreachable("http://h:1/x", ConnectionRefusedError("refused"))))
        self.assertEqual(str(gone), "http://h:1/x: refused")

    def test_a_body_that_is_not_json_becomes_the_detail(self):
        e = self.raised(404, "<html>no</html>")
        self.assertIsInstance(e, NotFound)
        self.assertEqual(e.detail, "<html>no</html>")


class IdempotencyKeyTest(ScriptedServerTest):
    RUN = {"status": "RUN", "trial": {"id": 3, "config": {"x": 1}}}

    def test_an_ask_sends_the_same_key_on_each_retry_and_a_new_key_on_the_next_ask(self):
        unavailable = (503, {"Retry-After": "0"}, problem(503, "database-unavailable"))
        url = self.serve(unavailable, unavailable, (200, {}, self.RUN), unavailable, (200, {}, self.RUN))
        study = Study(url, "s1", token="", sleep=lambda s: None)
        self.assertEqual(study.ask("w").id, 3)
        first = [r["headers"].get("Idempotency-Key") for r in Scripted.seen]
        self.assertEqual(len(first), 3)
        self.assertEqual(len(set(first)), 1, "one key for the ask and its two retries")
        self.assertRegex(first[0], r"^[!-~]{1,200}$")  # printable ASCII, as the server requires
        study.ask("w")
        second = [r["headers"].get("Idempotency-Key") for r in Scripted.seen[3:]]
        self.assertEqual(len(second), 2)
        self.assertEqual(len(set(second)), 1)
        self.assertNotEqual(second[0], first[0], "the next ask has a new key")

    def test_an_ask_waited_out_asks_again_with_a_new_key(self):
        url = self.serve((200, {}, {"status": "WAIT", "retryAfterMs": 1}), (200, {}, self.RUN))
        Study(url, "s1", token="").ask()
        keys = [r["headers"].get("Idempotency-Key") for r in Scripted.seen]
        self.assertEqual(len(keys), 2)
        self.assertNotEqual(keys[0], keys[1])

    def test_done_and_fail_send_a_key_of_their_own_the_same_on_each_retry(self):
        unavailable = (503, {"Retry-After": "0"}, problem(503, "database-unavailable"))
        trial = {"id": 3, "config": {"x": 1}, "status": "RUNNING"}
        url = self.serve(unavailable, (200, {}, trial), unavailable, (200, {}, trial))
        study = Study(url, "s1", token="", sleep=lambda s: None)
        Feedback(study, trial).done()
        Feedback(study, trial).fail("oom")
        self.assertEqual([r["path"] for r in Scripted.seen],
                         ["/api/v1/studies/s1/trials/3/complete"] * 2 + ["/api/v1/studies/s1/trials/3/fail"] * 2)
        keys = [r["headers"].get("Idempotency-Key") for r in Scripted.seen]
        self.assertIsNotNone(keys[0])
        self.assertEqual(keys[0], keys[1], "a retry of done sends its key again")
        self.assertEqual(keys[2], keys[3])
        self.assertNotEqual(keys[0], keys[2], "each ending is a request of its own")

    def test_an_ask_whose_key_outlived_its_trial_asks_again_with_a_new_key(self):
        ended = (409, {}, problem(409, "idempotency-key-trial-ended", "trial 3 is STALE", currentStatus="STALE"))
        url = self.serve(ended, (200, {}, self.RUN))
        self.assertEqual(Study(url, "s1", token="").ask("w").id, 3)
        keys = [r["headers"].get("Idempotency-Key") for r in Scripted.seen]
        self.assertEqual(len(keys), 2)
        self.assertNotEqual(keys[0], keys[1])

    def test_other_conflicts_of_an_ask_are_raised(self):
        url = self.serve((409, {}, problem(409, "study-not-active", "the study is DONE")))
        with self.assertRaises(Conflict):
            Study(url, "s1", token="").ask("w")

    def test_call_passes_headers_on_every_attempt(self):
        url = self.serve((503, {"Retry-After": "0"}, problem(503, "database-unavailable")))
        self.http(url).call("POST", "/x", {}, headers={"X-Probe": "p"})
        self.assertEqual([r["headers"].get("X-Probe") for r in Scripted.seen], ["p", "p"])


class KeepAliveTest(ScriptedServerTest):
    def test_heartbeats_until_the_server_says_stop(self):
        url = self.serve((200, {}, {"decision": "CONTINUE"}), (200, {}, {"decision": "STOP", "reason": "r"}))
        feedback = Feedback(Study(url, "s1", token=""), {"id": 7, "config": {}})
        with feedback.keep_alive(interval=0.05):
            deadline = time.time() + 10
            while feedback.decision == "CONTINUE" and time.time() < deadline:
                time.sleep(0.01)
            time.sleep(0.3)  # time for more heartbeats, were there any
        self.assertEqual(feedback.decision, "STOP")
        self.assertEqual([(r["method"], r["path"]) for r in Scripted.seen],
                         [("POST", "/api/v1/studies/s1/trials/7/heartbeat")] * 2)
        self.assertTrue(feedback.should_stop_early())
        self.assertEqual(len(Scripted.seen), 2)  # the decision was known: no request

    def test_no_heartbeats_after_the_block(self):
        url = self.serve()
        feedback = Feedback(Study(url, "s1", token=""), {"id": 7, "config": {}})
        with feedback.keep_alive(interval=0.05):
            pass
        time.sleep(0.2)
        self.assertEqual(Scripted.seen, [])


class TokenTest(ScriptedServerTest):
    def test_sends_the_token_as_a_bearer(self):
        url = self.serve()
        Http(url, token="att_given").call("GET", "/x")
        self.assertEqual(Scripted.seen[0]["headers"]["Authorization"], "Bearer att_given")

    def test_takes_attune_token_from_the_environment(self):
        url = self.serve()
        with mock.patch.dict(os.environ, {"ATTUNE_TOKEN": "att_env"}):
            Http(url).call("GET", "/x")
        self.assertEqual(Scripted.seen[0]["headers"]["Authorization"], "Bearer att_env")

    def test_no_token_no_header(self):
        url = self.serve()
        with mock.patch.dict(os.environ, {"ATTUNE_TOKEN": "att_env"}):
            Http(url, token="").call("GET", "/x")  # an empty token: none, whatever the environment says
        with mock.patch.dict(os.environ, {}, clear=True):
            Http(url).call("GET", "/x")
        self.assertNotIn("Authorization", Scripted.seen[0]["headers"])
        self.assertNotIn("Authorization", Scripted.seen[1]["headers"])

    def test_json_body_and_query(self):
        url = self.serve()
        Http(url, token="").call("PUT", "/x", {"k": [1, None]}, query={"status": "RUNNING", "pageToken": None})
        seen = Scripted.seen[0]
        self.assertEqual(seen["path"], "/x?status=RUNNING")
        self.assertEqual(json.loads(seen["body"]), {"k": [1, None]})
        self.assertEqual(seen["headers"]["Content-Type"], "application/json")


class Kept(http.server.BaseHTTPRequestHandler):
    """Answers 200 over HTTP/1.1 keep-alive, keeping each request's client port in ``ports``; with
    ``hang_up`` it closes the connection after answering without saying so, as a server whose idle timeout
    ran out between two requests."""
    protocol_version = "HTTP/1.1"
    ports = []
    hang_up = False

    def do_POST(self):
        cls = type(self)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        cls.ports.append(self.client_address[1])
        data = json.dumps({"n": len(cls.ports)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = cls.hang_up

    def log_message(self, *args):
        pass


class KeptConnectionTest(unittest.TestCase):
    def setUp(self):
        Kept.ports, Kept.hang_up = [], False
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Kept)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        self.waits = []
        self.client = Http("http://127.0.0.1:%d" % self.server.server_port, token="", sleep=self.waits.append)

    def tearDown(self):
        self.client.close()
        stop(self.server)

    def test_calls_share_one_connection(self):
        answers = [self.client.call("POST", "/x", {"i": i})["n"] for i in range(5)]
        self.assertEqual(answers, [1, 2, 3, 4, 5])
        self.assertEqual(len(set(Kept.ports)), 1, Kept.ports)

    def test_a_connection_the_server_closed_is_opened_again_without_a_retry(self):
        Kept.hang_up = True
        for _ in range(3):
            self.client.call("POST", "/x", {})
            time.sleep(0.05)  # the server's close arrives before the next request
        self.assertEqual(len(Kept.ports), 3)
        self.assertEqual(len(set(Kept.ports)), 3, Kept.ports)
        self.assertEqual(self.waits, [], "a stale kept connection is not an error worth a backoff")

    def test_each_thread_has_its_own_connection(self):
        def calls():
            for _ in range(3):
                self.client.call("POST", "/x", {})
            self.client.close()
        threads = [threading.Thread(target=calls) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(Kept.ports), 6)
        self.assertEqual(len(set(Kept.ports)), 2, Kept.ports)

    @unittest.skipUnless(hasattr(os, "fork"), "needs fork")
    def test_a_forked_process_opens_its_own_connection(self):
        self.client.call("POST", "/x", {})
        pid = os.fork()
        if pid == 0:  # the child: a call of its own, on its own connection
            try:
                self.client.call("POST", "/x", {})
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        self.client.call("POST", "/x", {})
        first, child, again = Kept.ports
        self.assertNotEqual(child, first)
        self.assertEqual(again, first, "the parent's connection survives the child's")


class RedirectTest(ScriptedServerTest):
    def test_a_redirect_is_an_error_naming_where_to(self):
        url = self.serve((308, {"Location": "https://attune.example/x"}, ""))
        with self.assertRaises(AttuneError) as raised:
            self.http(url).call("GET", "/x")
        self.assertEqual(raised.exception.status, 308)
        self.assertIn("https://attune.example/x", str(raised.exception))


class ProxyTest(ScriptedServerTest):
    def test_a_proxy_of_the_environment_is_used(self):
        proxy = self.serve()
        with mock.patch.dict(os.environ, {"http_proxy": proxy, "no_proxy": ""}):
            Http("http://attune.invalid:8080", token="").call("GET", "/x")
        self.assertEqual(Scripted.seen[0]["path"], "http://attune.invalid:8080/x")


if __name__ == "__main__":
    unittest.main()
