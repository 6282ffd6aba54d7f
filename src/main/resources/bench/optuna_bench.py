"""Optuna's side of `attune bench quality`: TPE (and TPE + successive-halving pruning) on the same
functions, budgets and seeds; with "mo", NSGAIISampler and multi-objective TPESampler on ZDT1, ZDT2 and
DTLZ2, printing every run's objective vectors (the Java side computes the hypervolume with its own code). Prints one JSON object per run on stdout. Run by the Java bench; needs
Debian's python3-optuna."""
import functools
import json
import math
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def branin(x1, x2):
    return ((x2 - 5.1 / (4 * math.pi ** 2) * x1 ** 2 + 5 / math.pi * x1 - 6) ** 2
            + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10)


A3 = [[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]]
P3 = [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]]
A6 = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P6 = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
      [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
ALPHA = [1, 1.2, 3, 3.2]


def hartmann(x, a, p):
    return -sum(ALPHA[i] * math.exp(-sum(a[i][j] * (x[j] - p[i][j] * 1e-4) ** 2 for j in range(len(x))))
                for i in range(4))


FUNCTIONS = {
    "branin": ([(-5, 10), (0, 15)], lambda x: branin(*x), 0.397887),
    "hartmann3": ([(0, 1)] * 3, lambda x: hartmann(x, A3, P3), -3.86278),
    "hartmann6": ([(0, 1)] * 6, lambda x: hartmann(x, A6, P6), -3.32237),
    "rosenbrock4": ([(-5, 10)] * 4,
                    lambda x: sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(3)), 0.0),
    "ackley5": ([(-32.768, 32.768)] * 5,
                lambda x: (-20 * math.exp(-0.2 * math.sqrt(sum(v * v for v in x) / 5))
                           - math.exp(sum(math.cos(2 * math.pi * v) for v in x) / 5) + 20 + math.e), 0.0),
}


OPTIMIZER_PENALTY = {"sgd": 3.0, "momentum": 0.0, "rmsprop": 1.5, "adam": 0.5}


@functools.cache
def mixed_minimum():
    """As TestFunctions.mixedMinimum: Branin's minimum over integer x2, a grid in x1 refined around its best."""
    best = math.inf
    for x2 in range(16):
        at = min((-5 + i * 1e-3 for i in range(15_001)), key=lambda x1: branin(x1, x2))
        best = min(best, min(branin(min(10, max(-5, at + i * 1e-7)), x2) for i in range(-10_000, 10_001)))
    return best


def suggest_mixed(trial):
    """TestFunctions.mixed: x1 continuous, x2 and layers integers, optimizer a category."""
    x1 = trial.suggest_float("x1", -5, 10)
    x2 = trial.suggest_int("x2", 0, 15)
    layers = trial.suggest_int("layers", 1, 8)
    optimizer = trial.suggest_categorical("optimizer", list(OPTIMIZER_PENALTY))
    return lambda: branin(x1, x2) + 0.25 * (layers - 6) ** 2 + OPTIMIZER_PENALTY[optimizer]


def suggest_wideint(trial):
    """TestFunctions.wideint: x1 continuous, x2 = 15 * units / 1000 for an integer units in [0, 1000]."""
    x1 = trial.suggest_float("x1", -5, 10)
    units = trial.suggest_int("units", 0, 1000)
    return lambda: branin(x1, 15.0 * units / 1000)


MIXED = {"mixed": (suggest_mixed, mixed_minimum),
         "wideint": (suggest_wideint, lambda: branin(3 * math.pi, 15.0 * 165 / 1000))}


def single(name, seed, evals):
    if name in MIXED:
        suggest, minimum = MIXED[name]
        bounds, optimum = None, minimum()
    else:
        bounds, f, optimum = FUNCTIONS[name]
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    best = math.inf
    ask_seconds = []
    for _ in range(evals):
        t0 = time.perf_counter()
        trial = study.ask()
        if bounds is None:
            value = suggest(trial)
        else:
            x = [trial.suggest_float("x%d" % j, lo, hi) for j, (lo, hi) in enumerate(bounds)]
            value = lambda: f(x)
        ask_seconds.append(time.perf_counter() - t0)
        y = value()
        best = min(best, y)
        study.tell(trial, y)
    return {"function": name, "seed": seed, "method": "Optuna TPE", "regret": best - optimum,
            "askSeconds": ask_seconds}


def multi_fidelity(seed, budget_epochs, max_epochs):
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed),
                                pruner=optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3))
    used = 0
    best = math.inf
    ask_seconds = []
    while used < budget_epochs:
        t0 = time.perf_counter()
        trial = study.ask()
        x1 = trial.suggest_float("x1", -5, 10)
        x2 = trial.suggest_float("x2", 0, 15)
        speed = trial.suggest_float("speed", 0.05, 1, log=True)
        ask_seconds.append(time.perf_counter() - t0)
        value = None
        pruned = False
        for epoch in range(1, max_epochs + 1):
            if used >= budget_epochs:
                break
            used += 1
            value = branin(x1, x2) + 50 * math.exp(-speed * epoch)
            best = min(best, value)
            trial.report(value, epoch)
            if trial.should_prune():
                pruned = True
                break
        if pruned:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        elif value is not None:
            study.tell(trial, value)
    return {"function": "branin-mf", "seed": seed, "method": "Optuna TPE+SH pruning",
            "regret": best - 0.397887, "askSeconds": ask_seconds}


def zdt_g(x):
    return 1 + 9 * sum(x[1:]) / (len(x) - 1)


def zdt1(x):
    g = zdt_g(x)
    return [x[0], g * (1 - math.sqrt(x[0] / g))]


def zdt2(x):
    g = zdt_g(x)
    return [x[0], g * (1 - (x[0] / g) ** 2)]


def dtlz2(x):
    g = sum((v - 0.5) ** 2 for v in x[2:])
    a, b = x[0] * math.pi / 2, x[1] * math.pi / 2
    return [(1 + g) * math.cos(a) * math.cos(b), (1 + g) * math.cos(a) * math.sin(b), (1 + g) * math.sin(a)]


MULTI_OBJECTIVE = {"zdt1": (6, zdt1, 2), "zdt2": (6, zdt2, 2), "dtlz2": (6, dtlz2, 3)}


def multi_objective(name, seed, evals, label, sampler):
    inputs, f, objectives = MULTI_OBJECTIVE[name]
    study = optuna.create_study(directions=["minimize"] * objectives, sampler=sampler)
    values = []
    ask_seconds = []
    for _ in range(evals):
        t0 = time.perf_counter()
        trial = study.ask()
        x = [trial.suggest_float("x%d" % j, 0, 1) for j in range(inputs)]
        ask_seconds.append(time.perf_counter() - t0)
        y = f(x)
        values.append(y)
        study.tell(trial, y)
    return {"function": name, "seed": seed, "method": label, "values": values, "askSeconds": ask_seconds}


if __name__ == "__main__":
    # argv: mode, number of seeds, two mode arguments, and optionally the first seed (default 1)
    mode = sys.argv[1]
    first_seed = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    seed_range = range(first_seed, first_seed + int(sys.argv[2]))
    if mode == "single":
        evals = int(sys.argv[3])
        for name in sys.argv[4].split(","):
            for seed in seed_range:
                print(json.dumps(single(name, seed, evals)), flush=True)
    elif mode == "mo":
        evals = int(sys.argv[3])
        for name in sys.argv[4].split(","):
            for seed in seed_range:
                print(json.dumps(multi_objective(name, seed, evals, "Optuna NSGAIISampler",
                                                 optuna.samplers.NSGAIISampler(seed=seed))), flush=True)
                print(json.dumps(multi_objective(name, seed, evals, "Optuna TPESampler (multi-objective)",
                                                 optuna.samplers.TPESampler(seed=seed))), flush=True)
    else:
        for seed in seed_range:
            print(json.dumps(multi_fidelity(seed, int(sys.argv[3]), int(sys.argv[4]))), flush=True)
