#!/usr/bin/env python3
"""Syne Tune's transfer-learning methods on `bench quality --transfer`'s tasks, seed for seed.

Rebuilds each seed's family exactly as src/main/java/dev/attune/cli/TransferBench.java does (Java's
SplittableRandom is ported below, so the shifts, scales, offsets and the earlier tasks' 5 × 50 random
evaluations are the same numbers), hands the earlier tasks to a Syne Tune scheduler as
TransferLearningTaskEvaluations, runs 20 evaluations of the new task one after another (suggest,
on_trial_add, on_trial_result, on_trial_complete) and prints the same regret, (best y − minimum) / scale.

Syne Tune is not a dependency of Attune: put a checkout of it (and autograd) on PYTHONPATH, e.g.
    PYTHONPATH=syne-tune:autograd python3 scripts/syne_tune_transfer.py --method ZeroShotTransfer --seed 1
Methods: ZeroShotTransfer, ZeroShotTransfer-surrogates, BoundingBox (RandomSearch inside), BoundingBox-BO,
QuantileBased (copula Thompson sampling), RandomSearch, BayesianOptimization.

With --multi-fidelity, `bench quality --transfer --multi-fidelity`'s protocol instead
(MultiFidelityTransferBench.java): configs (x0, x1, x2, speed), value at epoch e task(x) + scale·2·e^{−speed·e},
the earlier tasks' final-epoch values, 20 full trials × 27 epochs on one worker, regret of the best value
reported at the last epoch. Methods: ASHA, ASHACTS, RUSH, BoundingBox-ASHA.
Prints one JSON line per seed: method, seed, regret, seconds per suggestion.
"""
import argparse
import json
import logging
import math
import time
from datetime import datetime

MASK = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


class SplittableRandom:
    """java.util.SplittableRandom(seed): nextDouble() gives the same doubles as Java's."""

    def __init__(self, seed):
        self.seed = seed & MASK

    @staticmethod
    def _mix64(z):
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def next_double(self):
        self.seed = (self.seed + GOLDEN_GAMMA) & MASK
        return (self._mix64(self.seed) >> 11) * 2.0 ** -53


A3 = [[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]]
P3 = [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]]
ALPHA = [1, 1.2, 3, 3.2]
MINIMUM = -3.86278
EARLIER_TASKS, EARLIER_EVALS, NEW_EVALS = 5, 50, 20


def hartmann3(x):
    s = 0.0
    for i in range(4):
        inner = 0.0
        for j in range(3):
            d = x[j] - P3[i][j] * 1e-4
            inner += A3[i][j] * d * d
        s -= ALPHA[i] * math.exp(-inner)
    return s


def value(task, x):
    shift, scale, offset = task
    return scale * hartmann3([min(1.0, max(0.0, x[j] - shift[j])) for j in range(3)]) + offset


def family(seed):
    """TransferBench.family: the earlier tasks, then the new one last."""
    r = SplittableRandom(seed * 7919 + 17)
    tasks = []
    for _ in range(EARLIER_TASKS + 1):
        shift = [-0.1 + 0.2 * r.next_double() for _ in range(3)]
        scale = math.exp(math.log(0.5) + math.log(4) * r.next_double())
        tasks.append((shift, scale, -1 + 2 * r.next_double()))
    return tasks


def earlier_evaluations(tasks, seed):
    """TransferBench.transferEvaluations: per earlier task, 50 uniform configs and their values."""
    r = SplittableRandom(seed * 104729 + 3)
    out = []
    for k in range(EARLIER_TASKS):
        rows = []
        for _ in range(EARLIER_EVALS):
            x = [r.next_double(), r.next_double(), r.next_double()]
            rows.append((x, value(tasks[k], x)))
        out.append(rows)
    return out


CURVE, SPEED_LOWER, SPEED_UPPER = 2.0, 0.05, 1.0


def mf_value(task, x, speed, epoch):
    return value(task, x) + task[1] * CURVE * math.exp(-speed * epoch)


def mf_earlier_evaluations(tasks, seed, epochs):
    """MultiFidelityTransferBench.transferEvaluations: configs with a speed, values at the last epoch."""
    r = SplittableRandom(seed * 104729 + 5)
    out = []
    for k in range(EARLIER_TASKS):
        rows = []
        for _ in range(EARLIER_EVALS):
            x = [r.next_double(), r.next_double(), r.next_double()]
            speed = math.exp(math.log(SPEED_LOWER) + math.log(SPEED_UPPER / SPEED_LOWER) * r.next_double())
            rows.append((x + [speed, epochs], mf_value(tasks[k], x, speed, epochs)))
        out.append(rows)
    return out


def evaluations_for(space, evaluations, names):
    import numpy as np
    import pandas as pd
    from syne_tune.optimizer.schedulers.transfer_learning import TransferLearningTaskEvaluations

    return {
        "task%d" % k: TransferLearningTaskEvaluations(
            configuration_space=space,
            hyperparameters=pd.DataFrame([dict(zip(names, x)) for x, _ in rows]),
            objectives_names=["y"],
            objectives_evaluations=np.array([y for _, y in rows]).reshape(-1, 1, 1, 1))
        for k, rows in enumerate(evaluations)}


def mf_scheduler(method, space, evaluations, seed):
    from syne_tune.optimizer import baselines

    tl = evaluations_for(space, evaluations, ["x0", "x1", "x2", "speed", "epochs"])
    common = dict(metric="y", mode="min", resource_attr="epoch", max_resource_attr="epochs")
    if method == "ASHA":
        return baselines.ASHA(space, random_seed=seed, **common)
    if method == "ASHACTS":
        # v0.13's baselines.ASHACTS raises (points_to_evaluate passed twice to the searcher); this is what it
        # builds: ASHA with the quantile-based searcher
        from syne_tune.optimizer.schedulers import HyperbandScheduler
        from syne_tune.optimizer.schedulers.transfer_learning.quantile_based.quantile_based_searcher import (
            QuantileBasedSurrogateSearcher)
        return HyperbandScheduler(space, searcher=QuantileBasedSurrogateSearcher(
            space, metric="y", mode="min", transfer_learning_evaluations=tl, random_seed=seed),
            random_seed=seed, **common)
    if method == "RUSH":
        from syne_tune.optimizer.schedulers.transfer_learning import RUSHScheduler
        return RUSHScheduler(space, transfer_learning_evaluations=tl, random_seed=seed, **common)
    if method == "BoundingBox-ASHA":
        from syne_tune.optimizer.schedulers.transfer_learning import BoundingBox
        return BoundingBox(lambda new_space, mode, metric: baselines.ASHA(
            new_space, metric=metric, mode=mode, resource_attr="epoch", max_resource_attr="epochs",
            random_seed=seed), space, metric="y", mode="min", transfer_learning_evaluations=tl)
    raise SystemExit("unknown method " + method)


def mf_run(method, seed, budget=20, epochs=27):
    """One worker, driven as syne_tune_mf.py drives it; only reports at the last epoch count."""
    from syne_tune.config_space import loguniform, uniform
    from syne_tune_mf import drive

    space = {"x0": uniform(0, 1), "x1": uniform(0, 1), "x2": uniform(0, 1),
             "speed": loguniform(SPEED_LOWER, SPEED_UPPER), "epochs": epochs}
    tasks = family(seed)
    new = tasks[EARLIER_TASKS]
    sched = mf_scheduler(method, space, mf_earlier_evaluations(tasks, seed, epochs), seed)
    reports, started, asks, _ = drive(
        sched, lambda c, e: mf_value(new, [c["x0"], c["x1"], c["x2"]], c["speed"], e), budget, epochs)
    best = min((y for e, y in reports if e >= epochs), default=math.inf)
    shift, scale, offset = new
    return {"function": "hartmann3-mf-transfer", "method": method, "seed": seed,
            "regret": (best - (scale * MINIMUM + offset)) / scale, "trials": len(started), "asks": len(asks),
            "askSecondsMean": sum(asks) / max(1, len(asks))}


def scheduler(method, space, evaluations, seed):
    from syne_tune.optimizer import baselines
    from syne_tune.optimizer.schedulers import FIFOScheduler

    tl = evaluations_for(space, evaluations, ["x0", "x1", "x2"])
    common = dict(metric="y", mode="min")
    if method == "RandomSearch":
        return baselines.RandomSearch(space, random_seed=seed, **common)
    if method == "BayesianOptimization":
        return baselines.BayesianOptimization(space, random_seed=seed, **common)
    if method in ("ZeroShotTransfer", "ZeroShotTransfer-surrogates"):
        return baselines.ZeroShotTransfer(space, transfer_learning_evaluations=tl, random_seed=seed,
                                          use_surrogates=method.endswith("surrogates"), **common)
    if method in ("BoundingBox", "BoundingBox-BO"):
        from syne_tune.optimizer.schedulers.transfer_learning import BoundingBox
        inner = baselines.BayesianOptimization if method.endswith("BO") else baselines.RandomSearch
        return BoundingBox(lambda new_space, mode, metric: inner(new_space, metric=metric, mode=mode,
                                                                 random_seed=seed),
                           space, transfer_learning_evaluations=tl, **common)
    if method == "QuantileBased":
        from syne_tune.optimizer.schedulers.transfer_learning.quantile_based.quantile_based_searcher import (
            QuantileBasedSurrogateSearcher)
        return FIFOScheduler(space, searcher=QuantileBasedSurrogateSearcher(
            space, transfer_learning_evaluations=tl, random_seed=seed, **common), random_seed=seed, **common)
    raise SystemExit("unknown method " + method)


def run(method, seed):
    from syne_tune.backend.trial_status import Trial
    from syne_tune.config_space import uniform

    space = {"x%d" % j: uniform(0, 1) for j in range(3)}
    tasks = family(seed)
    new = tasks[EARLIER_TASKS]
    sched = scheduler(method, space, earlier_evaluations(tasks, seed), seed)
    best, asks = math.inf, []
    for trial_id in range(NEW_EVALS):
        t0 = time.perf_counter()
        suggestion = sched.suggest(trial_id)
        asks.append(time.perf_counter() - t0)
        if suggestion is None:
            break
        trial = Trial(trial_id=trial_id, config=dict(suggestion.config), creation_time=datetime.now())
        sched.on_trial_add(trial=trial)
        y = value(new, [trial.config["x%d" % j] for j in range(3)])
        best = min(best, y)
        sched.on_trial_result(trial=trial, result={"y": y})
        sched.on_trial_complete(trial=trial, result={"y": y})
    shift, scale, offset = new
    return {"function": "hartmann3-transfer", "method": method, "seed": seed,
            "regret": (best - (scale * MINIMUM + offset)) / scale, "asks": len(asks),
            "askSecondsMean": sum(asks) / max(1, len(asks))}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--method", required=True)
    p.add_argument("--seed", type=int, action="append", help="repeatable (default 1)")
    p.add_argument("--print-family", action="store_true", help="print the new task of each seed and exit")
    p.add_argument("--multi-fidelity", action="store_true", help="the multi-fidelity transfer protocol")
    a = p.parse_args()
    logging.basicConfig(level=logging.WARNING)
    for s in a.seed or [1]:
        if a.print_family:
            shift, scale, offset = family(s)[EARLIER_TASKS]
            print(json.dumps({"seed": s, "shift": shift, "scale": scale, "offset": offset}))
            continue
        print(json.dumps(mf_run(a.method, s) if a.multi_fidelity else run(a.method, s)), flush=True)


if __name__ == "__main__":
    main()
