"""What the tests share: the real server under test and study definitions.

The real-server tests run against ``$ATTUNE_URL`` (``PythonClientIT`` starts a server and sets it); without
it they are skipped, saying so. With authentication on, ``$ATTUNE_TOKEN`` is a writer's token.
"""
import os
import unittest

URL = os.environ.get("ATTUNE_URL")
AUTH_ON = bool(os.environ.get("ATTUNE_TOKEN"))

needs_server = unittest.skipUnless(URL, "needs a real server: set ATTUNE_URL (PythonClientIT does)")


def definition(**extra):
    """One uniform parameter x, the metric loss (minimised), 4 epochs when a resource is named."""
    d = {"space": {"x": {"type": "uniform", "lower": 0, "upper": 1}, "epochs": 4},
         "metrics": [{"name": "loss"}], "seed": 3}
    d.update(extra)
    return d


def multi_fidelity(**extra):
    """ASHA over epochs (the resource attribute ``epoch`` up to ``epochs``)."""
    return definition(**dict({"method": "ASHA", "resource": {"attr": "epoch", "maxAttr": "epochs"}}, **extra))
