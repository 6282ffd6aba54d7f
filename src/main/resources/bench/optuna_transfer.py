"""Optuna's side of `attune bench quality --transfer`: TPE on the new task of each seed's family of
shifted and scaled Hartmann3 functions, y = scale * hartmann3(clip(x - shift)) + offset, with no access to
the earlier tasks (Optuna has no transfer learning). Arguments: evals, then a JSON list of
{"seed", "shift", "scale", "offset"}. Prints one JSON object per seed on stdout. Needs python3-optuna."""
import json
import math
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

A3 = [[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]]
P3 = [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]]
ALPHA = [1, 1.2, 3, 3.2]
MINIMUM = -3.86278


def hartmann3(x):
    return -sum(ALPHA[i] * math.exp(-sum(A3[i][j] * (x[j] - P3[i][j] * 1e-4) ** 2 for j in range(3)))
                for i in range(4))


def task(x, t):
    return t["scale"] * hartmann3([min(1.0, max(0.0, x[j] - t["shift"][j])) for j in range(3)]) + t["offset"]


def main():
    evals = int(sys.argv[1])
    for t in json.loads(sys.argv[2]):
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=t["seed"]))
        best = math.inf
        ask_seconds = []
        for _ in range(evals):
            t0 = time.perf_counter()
            trial = study.ask()
            x = [trial.suggest_float("x%d" % j, 0, 1) for j in range(3)]
            ask_seconds.append(time.perf_counter() - t0)
            y = task(x, t)
            best = min(best, y)
            study.tell(trial, y)
        regret = (best - (t["scale"] * MINIMUM + t["offset"])) / t["scale"]
        print(json.dumps({"function": "hartmann3-transfer", "seed": t["seed"], "method": "Optuna TPE",
                          "regret": regret, "askSeconds": ask_seconds}), flush=True)


if __name__ == "__main__":
    main()
