"""Attune's Python client: standard library only, Python >= 3.8.

- ``Study``: a study on a server; ``Study.sample()`` loops over its trials as PyGlove's ``pg.sample``,
  handing out a ``Feedback`` for each (``add_measurement``, ``done``, ``skip``, ``should_stop_early``,
  ``end_loop``, metadata, links, ``ignore_race_condition``, ``skip_on_exceptions``).
- ``Reporter``: a drop-in for ``syne_tune.Reporter``; prints ``[tune-metric]: {json}`` lines that the
  Attune worker agent (or Syne Tune itself) turns into reports.
- Errors: every error answer raises an ``AttuneError`` subclass (``BadRequest``, ``Unauthorized``,
  ``Forbidden``, ``NotFound``, ``Conflict``/``RaceConditionError``, ``Overloaded``, ``ServerError``,
  ``Unreachable``), after bounded retries for 429/502/503/504 and connection errors.
"""
from ._version import __version__
from .errors import (AttuneError, BadRequest, Conflict, Forbidden, NotFound, Overloaded, PayloadTooLarge,
                     RaceConditionError, ServerError, Unauthorized)
from .http import Http, Unreachable
from .feedback import Feedback
from .client import Study, Trial, create_study
from .reporter import Reporter

__all__ = ["__version__", "Study", "Feedback", "Trial", "create_study", "Reporter", "Http", "AttuneError",
           "BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict", "RaceConditionError",
           "PayloadTooLarge", "Overloaded", "ServerError", "Unreachable"]
