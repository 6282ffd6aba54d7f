#!/usr/bin/env python3
"""Syne Tune's single-fidelity searchers on `bench quality`'s `mixed` and `wideint` functions and protocol.

`mixed` (src/main/java/dev/attune/cli/TestFunctions.java) is Branin with x1 continuous in [-5, 10], x2 an
integer in [0, 15], plus 0.25 (layers - 6)^2 for an integer layers in [1, 8] and a penalty per optimizer
category (sgd 3, momentum 0, rmsprop 1.5, adam 0.5): it tells how a searcher handles integers and categories.
`wideint` is Branin with x2 = 15 * units / 1000 for an integer units in [0, 1000] (minimum Branin's, at
units = 165, x1 = 3 pi): an integer wide enough that random candidates seldom hold its best value with a good x1.
The protocol is `bench quality`'s single-fidelity one: one evaluation after another (suggest, on_trial_add,
on_trial_result, on_trial_complete), --evals of them, regret = best value - the function's minimum.

Syne Tune is not a dependency of Attune: put a checkout of it (and autograd) on PYTHONPATH, e.g.
    PYTHONPATH=syne-tune:autograd python3 scripts/syne_tune_single.py --method KDE --seed 1 --seed 2
    PYTHONPATH=syne-tune:autograd python3 scripts/syne_tune_single.py --function wideint --method BayesianOptimization
Methods: classes of syne_tune.optimizer.baselines with a FIFO scheduler (KDE, BayesianOptimization,
RandomSearch, BORE, CQR, REA). Prints one JSON line per seed: function, method, seed, regret, seconds per
suggestion.
"""
import argparse
import functools
import json
import logging
import math
import time
from datetime import datetime

OPTIMIZER_PENALTY = {"sgd": 3.0, "momentum": 0.0, "rmsprop": 1.5, "adam": 0.5}


def branin(x1, x2):
    a = x2 - 5.1 / (4 * math.pi * math.pi) * x1 * x1 + 5 / math.pi * x1 - 6
    return a * a + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10


def mixed(c):
    return branin(c["x1"], c["x2"]) + 0.25 * (c["layers"] - 6) ** 2 + OPTIMIZER_PENALTY[c["optimizer"]]


@functools.cache
def mixed_minimum():
    """As TestFunctions.mixedMinimum: Branin's minimum over integer x2, a grid in x1 refined around its best."""
    best = math.inf
    for x2 in range(16):
        at = min((-5 + i * 1e-3 for i in range(15_001)), key=lambda x1: branin(x1, x2))
        best = min(best, min(branin(min(10, max(-5, at + i * 1e-7)), x2) for i in range(-10_000, 10_001)))
    return best


def mixed_space():
    from syne_tune.config_space import choice, randint, uniform
    return {"x1": uniform(-5, 10), "x2": randint(0, 15), "layers": randint(1, 8),
            "optimizer": choice(list(OPTIMIZER_PENALTY))}


def wideint(c):
    return branin(c["x1"], 15.0 * c["units"] / 1000)


def wideint_space():
    from syne_tune.config_space import randint, uniform
    return {"x1": uniform(-5, 10), "units": randint(0, 1000)}


FUNCTIONS = {"mixed": (mixed, mixed_space, mixed_minimum),
             "wideint": (wideint, wideint_space, lambda: wideint({"x1": 3 * math.pi, "units": 165}))}


def run(function, method, seed, evals):
    from syne_tune.backend.trial_status import Trial
    from syne_tune.optimizer import baselines

    f, space, minimum = FUNCTIONS[function]
    sched = getattr(baselines, method)(space(), metric="y", mode="min", random_seed=seed)
    best, asks = math.inf, []
    for trial_id in range(evals):
        t0 = time.perf_counter()
        suggestion = sched.suggest(trial_id)
        asks.append(time.perf_counter() - t0)
        if suggestion is None:
            break
        trial = Trial(trial_id=trial_id, config=dict(suggestion.config), creation_time=datetime.now())
        sched.on_trial_add(trial=trial)
        y = f(trial.config)
        best = min(best, y)
        sched.on_trial_result(trial=trial, result={"y": y})
        sched.on_trial_complete(trial=trial, result={"y": y})
    return {"function": function, "method": method, "seed": seed, "regret": best - minimum(),
            "askSecondsMean": sum(asks) / max(1, len(asks))}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--function", choices=sorted(FUNCTIONS), default="mixed", help="default mixed")
    p.add_argument("--method", required=True, help="a class of syne_tune.optimizer.baselines, e.g. KDE")
    p.add_argument("--seed", type=int, action="append", help="repeatable (default 1)")
    p.add_argument("--evals", type=int, default=100, help="evaluations per run (default 100, as bench quality)")
    a = p.parse_args()
    logging.basicConfig(level=logging.WARNING)
    for s in a.seed or [1]:
        print(json.dumps(run(a.function, a.method, s, a.evals)), flush=True)


if __name__ == "__main__":
    main()
