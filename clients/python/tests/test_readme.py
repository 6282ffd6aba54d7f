"""The README's loop example, run as it is against a real server ($ATTUNE_URL)."""
import contextlib
import io
import os
import re
import unittest

from _support import URL, needs_server
from attune_client import Study

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "README.md")


def example():
    """The first python block after the heading of the loop example."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    section = text[text.index("## A study in a loop"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@needs_server
class ReadmeExampleTest(unittest.TestCase):
    def test_the_loop_example_runs(self):
        out = io.StringIO()
        scope = {"__name__": "readme"}
        with contextlib.redirect_stdout(out):
            exec(compile(example(), README, "exec"), scope)  # it reads ATTUNE_URL itself
        study = Study(URL, scope["study"].id)
        trials = list(study.trials())
        self.assertEqual(len(trials), 12)
        statuses = {t["status"] for t in trials}
        self.assertNotIn("RUNNING", statuses)
        self.assertTrue(statuses <= {"STOPPED", "COMPLETED", "SKIPPED"}, statuses)
        self.assertIn("SKIPPED", statuses)  # the diverging learning rates
        self.assertEqual(study.get_metadata("dataset"), "synthetic-v1")
        ended = [t for t in trials if t["status"] != "SKIPPED"]
        self.assertTrue(all(t["links"][0]["name"] == "logs" and t["metadata"]["host"] for t in ended))
        self.assertTrue(all(t["metadata"]["checkpoint_path"].startswith("/tmp/readme/") for t in ended))
        best = scope["best"]
        self.assertEqual(out.getvalue().strip(),
                         f"best trial {best['id']} loss {best['metrics']['loss']} lr {best['config']['lr']}")


if __name__ == "__main__":
    unittest.main()
