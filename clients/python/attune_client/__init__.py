"""Attune's Python client: standard library only, Python >= 3.8.

- ``Reporter``: a drop-in for ``syne_tune.Reporter``; prints ``[tune-metric]: {json}`` lines that the
  Attune worker agent (or Syne Tune itself) turns into reports.
- ``Study``: plain ask/tell over HTTP (``ask``, ``trial.report``, ``complete``, ``fail``, ``skip``,
  ``should_stop``), and ``feedback()``, a loop in the style of PyGlove's ``pg.sample``.
"""
from .reporter import Reporter
from .client import AttuneError, Study, Trial, create_study

__all__ = ["Reporter", "Study", "Trial", "AttuneError", "create_study"]
