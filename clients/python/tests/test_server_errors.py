"""Typed errors from a real server ($ATTUNE_URL), and its authentication when it is on."""
import os
import unittest

from _support import AUTH_ON, URL, definition, needs_server
from attune_client import (BadRequest, Conflict, Forbidden, Http, NotFound, RaceConditionError, Study,
                           Unauthorized, create_study)

needs_auth = unittest.skipUnless(AUTH_ON, "needs authentication on: ATTUNE_TOKEN set (PythonClientIT's second run)")


@needs_server
class ServerErrorTest(unittest.TestCase):
    def test_an_unknown_study_is_not_found(self):
        with self.assertRaises(NotFound) as e:
            Study(URL, "no-such-study").ask()
        self.assertEqual(e.exception.status, 404)
        self.assertEqual(e.exception.slug, "not-found")

    def test_an_invalid_study_names_its_field(self):
        with self.assertRaises(BadRequest) as e:
            create_study(URL, definition(metrics=[{"name": "loss", "mode": "sideways"}]))
        self.assertEqual(e.exception.fields, ["metrics[0].mode"])
        self.assertTrue(e.exception.detail)

    def test_a_conflict_says_the_current_status(self):
        study = create_study(URL, definition(method="ASHA", resource={"attr": "epoch", "maxAttr": "epochs"},
                                             options={"type": "promotion"}, pointsToEvaluate=[]))
        trial = study.ask()
        self.assertEqual(trial.add_measurement(0.5, step=1), "PAUSE")
        with self.assertRaises(Conflict) as e:
            Study(URL, study.id).join(trial.id).done()  # a paused trial cannot complete
        self.assertNotIsInstance(e.exception, RaceConditionError)
        self.assertEqual(e.exception.current_status, "PAUSED")
        study.end_loop()
        with self.assertRaises(Conflict) as e:
            study.add({"x": 0.5}, loss=1.0)
        self.assertEqual(e.exception.slug, "study-not-active")


@needs_server
@needs_auth
class AuthenticationTest(unittest.TestCase):
    def test_the_token_from_the_environment_is_used(self):
        study = create_study(URL, definition())  # no token given: ATTUNE_TOKEN
        self.assertEqual(study.ask().id, 0)

    def test_no_token_or_a_wrong_one_is_unauthorized(self):
        for token in ("", "att_not-a-real-token"):
            with self.subTest(token=token), self.assertRaises(Unauthorized) as e:
                create_study(URL, definition(), token=token)
            self.assertEqual(e.exception.status, 401)

    def test_a_role_without_the_right_is_forbidden(self):
        # The tests' token is a project writer's; the audit log is the admin's.
        with self.assertRaises(Forbidden) as e:
            Http(URL).call("GET", "/api/v1/audit")
        self.assertEqual(e.exception.status, 403)

    def test_a_token_given_wins_over_the_environment(self):
        study = create_study(URL, definition())
        self.assertEqual(Study(URL, study.id, token=os.environ["ATTUNE_TOKEN"]).ask().id, 0)
        with self.assertRaises(Unauthorized):
            Study(URL, study.id, token="att_wrong").ask()


if __name__ == "__main__":
    unittest.main()
