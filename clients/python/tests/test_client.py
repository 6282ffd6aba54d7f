"""The Syne Tune Reporter drop-in (no server needed); the client's other tests are in the test_*.py beside."""
import io
import json
import unittest

from attune_client import Reporter


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


if __name__ == "__main__":
    unittest.main()
