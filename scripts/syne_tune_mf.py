#!/usr/bin/env python3
"""Syne Tune's multi-fidelity schedulers on `bench quality --multi-fidelity`'s functions and protocol.

Drives a Syne Tune scheduler in process the way Syne Tune's Tuner does (suggest, on_trial_add, a result per
epoch, on_trial_remove after STOP or PAUSE, on_trial_complete after the last epoch, resume from the epoch a
paused trial reached) with one worker and the same budget, functions and regret as Attune's bench
(src/main/java/dev/attune/cli/QualityBench.java, TestFunctions.java), so the two can be set side by side.

Syne Tune is not a dependency of Attune: put a checkout of it (and autograd) on PYTHONPATH, e.g.
    PYTHONPATH=syne-tune:autograd python3 scripts/syne_tune_mf.py --method MOBSTER --function crossing --seed 1
Prints one JSON line per seed: function, method, seed, regret, asks, seconds per suggestion, and how many
trials ended at each epoch (where the budget went).
"""
import argparse
import contextlib
import json
import logging
import math
import sys
import time
from datetime import datetime


def branin(x1, x2):
    a = x2 - 5.1 / (4 * math.pi * math.pi) * x1 * x1 + 5 / math.pi * x1 - 6
    return a * a + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10


def crossing_minimum(epochs):
    best = min(15 * lr + 30 * math.exp(-1.5 * lr * epochs)
               for lr in (math.exp(math.log(0.01) + i * (0 - math.log(0.01)) / 200_000) for i in range(200_001)))
    return 0.397887 + best


def functions(epochs):
    from syne_tune.config_space import loguniform, uniform
    return {
        "branin-mf": (
            {"x1": uniform(-5, 10), "x2": uniform(0, 15), "speed": loguniform(0.05, 1)},
            lambda c, e: branin(c["x1"], c["x2"]) + 50 * math.exp(-c["speed"] * e),
            0.397887),
        "crossing": (
            {"x1": uniform(-5, 10), "x2": uniform(0, 15), "lr": loguniform(0.01, 1)},
            lambda c, e: branin(c["x1"], c["x2"]) + 15 * c["lr"] + 30 * math.exp(-1.5 * c["lr"] * e),
            crossing_minimum(epochs)),
    }


def scheduler(method, space, seed, search_options):
    from syne_tune.optimizer import baselines
    kwargs = dict(metric="y", mode="min", resource_attr="epoch", max_resource_attr="epochs", random_seed=seed)
    if search_options:
        kwargs["search_options"] = search_options
    return getattr(baselines, method)(space, **kwargs)


def drive(sched, value, budget, epochs, progress=False):
    """One worker, as Syne Tune's Tuner drives a scheduler: a trial runs until its decision is not CONTINUE
    or its epochs end, a paused trial resumes from the epoch it reached, until budget × epochs epochs are
    spent. value(config, epoch) gives a report's metric. Returns the (epoch, value) of every report, the
    trials started (by id), the seconds of each suggestion and each trial's last epoch. With progress, a line
    per suggestion goes to stderr."""
    from syne_tune.backend.trial_status import Trial
    from syne_tune.optimizer.scheduler import SchedulerDecision

    trials, last_epoch, asks, reports = {}, {}, [], []
    used, next_id = 0, 0
    while used < budget * epochs:
        t0 = time.perf_counter()
        suggestion = sched.suggest(next_id)
        asks.append(time.perf_counter() - t0)
        if progress:
            print(f"ask {len(asks)}: {asks[-1]:.2f} s, epochs used {used}/{budget * epochs}, trials {next_id}",
                  file=sys.stderr, flush=True)
        if suggestion is None:
            break
        if suggestion.spawn_new_trial_id:
            trial = Trial(trial_id=next_id, config=dict(suggestion.config), creation_time=datetime.now())
            trials[next_id] = trial
            next_id += 1
            sched.on_trial_add(trial=trial)
        else:
            trial = trials[suggestion.checkpoint_trial_id]
            if suggestion.config is not None:
                trial.config = dict(suggestion.config)
        target = int(trial.config["epochs"])
        stopped, result = False, None
        epoch = last_epoch.get(trial.trial_id, 0) + 1
        while epoch <= target and used < budget * epochs:
            used += 1
            last_epoch[trial.trial_id] = epoch
            y = value(trial.config, epoch)
            reports.append((epoch, y))
            result = {"y": y, "epoch": epoch}
            if sched.on_trial_result(trial=trial, result=result) != SchedulerDecision.CONTINUE:
                sched.on_trial_remove(trial=trial)
                stopped = True
                break
            epoch += 1
        if not stopped and result is not None:
            sched.on_trial_complete(trial=trial, result=result)
    return reports, trials, asks, last_epoch


def run(method, function, seed, budget, epochs, search_options, progress=False, trials_out=None):
    space, value, minimum = functions(epochs)[function]
    space = dict(space, epochs=epochs)
    sched = scheduler(method, space, seed, search_options)
    reports, started, asks, last_epoch = drive(sched, value, budget, epochs, progress)
    if trials_out is not None:
        # one line per trial in the order started: its config and the last epoch it reported (0: none)
        for trial_id, trial in started.items():
            config = {k: v for k, v in trial.config.items() if k != "epochs"}
            print(json.dumps({"function": function, "method": method, "seed": seed, "trial": trial_id,
                              "config": config, "lastEpoch": last_epoch.get(trial_id, 0)}), file=trials_out)
    reached = {}
    for e in sorted(last_epoch.values()):
        reached[e] = reached.get(e, 0) + 1
    best = min(y for _, y in reports)
    return {"function": function, "method": method, "seed": seed, "regret": best - minimum,
            "trials": len(started), "asks": len(asks), "askSecondsMean": sum(asks) / max(1, len(asks)),
            "askSecondsLast10": sum(asks[-10:]) / max(1, len(asks[-10:])),
            "trialsByLastEpoch": reached}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--method", required=True, help="a class of syne_tune.optimizer.baselines, e.g. MOBSTER")
    p.add_argument("--function", default="crossing", choices=["branin-mf", "crossing"])
    p.add_argument("--seed", type=int, action="append", help="repeatable (default 1)")
    p.add_argument("--budget", type=int, default=50, help="full trials (default 50)")
    p.add_argument("--epochs", type=int, default=27)
    p.add_argument("--search-options", default=None, help="JSON, e.g. '{\"model\": \"gp_independent\"}'")
    p.add_argument("--progress", action="store_true", help="a line per suggestion on stderr (slow methods)")
    p.add_argument("--trials-out", default=None, help="append a JSON line per trial (config, last epoch) here")
    a = p.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with open(a.trials_out, "a") if a.trials_out else contextlib.nullcontext() as trials_out:
        for s in a.seed or [1]:
            opts = json.loads(a.search_options) if a.search_options else None
            result = run(a.method, a.function, s, a.budget, a.epochs, opts, a.progress, trials_out)
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
