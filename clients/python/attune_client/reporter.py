"""A drop-in for ``syne_tune.Reporter``: ``report(epoch=3, loss=0.4)`` prints one metric line."""
import json
import sys
import time

PREFIX = "[tune-metric]: "


class Reporter:
    """Prints ``[tune-metric]: {json}``, as Syne Tune's Reporter does, adding ``st_worker_time``.

    ``add_time`` adds the seconds since the reporter was made; ``add_cost`` is accepted for
    compatibility (Syne Tune adds a cost only on SageMaker).
    """

    def __init__(self, add_time: bool = True, add_cost: bool = True, stream=None):
        self.add_time = add_time
        self.add_cost = add_cost
        self.start = time.time()
        self.stream = stream

    def __call__(self, **kwargs) -> None:
        for name, value in kwargs.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{name}={value!r}: reported values must be numbers")
        if self.add_time:
            kwargs = dict(kwargs, st_worker_time=time.time() - self.start)
        out = self.stream or sys.stdout
        print(PREFIX + json.dumps(kwargs), file=out, flush=True)

    @staticmethod
    def retrieve(log_lines):
        """The metric dicts in lines of output, as ``syne_tune.Reporter.retrieve`` returns them."""
        return [json.loads(line[line.index(PREFIX) + len(PREFIX):]) for line in log_lines if PREFIX in line]
