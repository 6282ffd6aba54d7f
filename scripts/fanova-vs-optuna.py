#!/usr/bin/python3
"""Optuna's fANOVA on fixed trials, for FanovaAgainstOptunaTest to compare Attune's with.

Writes src/test/resources/fanova/<case>.csv (the trials: one column per parameter, a categorical one
as its category index, then the value) and optuna.json (Optuna's unnormalised importances, i.e. each
parameter's mean share of a tree's variance, FanovaImportanceEvaluator(seed=0), 64 trees).
Run with Debian's python3-optuna (3.1.0) and python3-sklearn:  /usr/bin/python3 scripts/fanova-vs-optuna.py
"""
import json
import math
import pathlib

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.importance import FanovaImportanceEvaluator, get_param_importances

OUT = pathlib.Path(__file__).resolve().parent.parent / "src/test/resources/fanova"
N = 1000
COLOURS = ["a", "b", "c", "d"]
EFFECT = {"a": 0.0, "b": 1.0, "c": 2.0, "d": 5.0}


def additive(r):
    p = {"x1": r.uniform(0, 1), "x2": r.uniform(0, 1), "noise": r.uniform(-5, 5)}
    return p, 2 * p["x1"] + math.sin(2 * math.pi * p["x2"])


def categorical(r):
    p = {"x1": r.uniform(0, 1), "colour": COLOURS[r.integers(4)]}
    return p, EFFECT[p["colour"]] + 3 * p["x1"]


def mixed(r):
    p = {
        "x": r.uniform(0, 1),
        "lr": r.uniform(1e-5, 1e-1),
        "batch": int(r.integers(16, 257)),
        "act": ["relu", "tanh"][r.integers(2)],
    }
    v = (p["x"] - 0.3) ** 2 + abs(math.log10(p["lr"]) + 3) / 10 + 0.01 * p["batch"] / 256
    return p, v + (0.05 if p["act"] == "tanh" else 0.0)


CASES = {
    "additive": (
        additive,
        {"x1": FloatDistribution(0, 1), "x2": FloatDistribution(0, 1), "noise": FloatDistribution(-5, 5)},
    ),
    "categorical": (categorical, {"x1": FloatDistribution(0, 1), "colour": CategoricalDistribution(COLOURS)}),
    "mixed": (
        mixed,
        {
            "x": FloatDistribution(0, 1),
            "lr": FloatDistribution(1e-5, 1e-1),
            "batch": IntDistribution(16, 256),
            "act": CategoricalDistribution(["relu", "tanh"]),
        },
    ),
}


def main():
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    OUT.mkdir(parents=True, exist_ok=True)
    results = {}
    for name, (draw, dists) in CASES.items():
        r = np.random.default_rng(0)
        rows = [draw(r) for _ in range(N)]
        study = optuna.create_study()
        study.add_trials([optuna.trial.create_trial(params=p, distributions=dists, value=v) for p, v in rows])
        imp = get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=0), normalize=False)
        results[name] = {k: float(v) for k, v in imp.items()}
        names = list(dists)
        with open(OUT / f"{name}.csv", "w") as f:
            f.write(",".join(names + ["value"]) + "\n")
            for p, v in rows:
                cells = []
                for k in names:
                    d = dists[k]
                    cells.append(str(d.choices.index(p[k])) if isinstance(d, CategoricalDistribution) else repr(p[k]))
                f.write(",".join(cells + [repr(v)]) + "\n")
    (OUT / "optuna.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(json.dumps(results, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
