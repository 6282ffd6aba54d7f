"""Kendall's tau between epoch-1 and final values on bench quality's multi-fidelity functions.

Over random configs, and over those that survive successive halving (eta = 3, rungs 1, 3, 9 -> 27), as
TestFunctions defines branin-mf and crossing. Used in docs/benchmarks.md ("rungSurvival corrected") to ask
whether rank agreement could choose rungSurvival. Run: /usr/bin/python3 scripts/rung-rank-agreement.py
"""
import numpy as np
from scipy.stats import kendalltau


def branin(x1, x2):
    b, c, t = 5.1 / (4 * np.pi ** 2), 5 / np.pi, 1 / (8 * np.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * np.cos(x1) + 10


FUNCTIONS = [
    ("branin-mf", lambda x1, x2, z, e: branin(x1, x2) + 50 * np.exp(-z * e), 0.05, 1),
    ("crossing", lambda x1, x2, z, e: branin(x1, x2) + 15 * z + 30 * np.exp(-1.5 * z * e), 0.01, 1),
]

rng = np.random.default_rng(0)
for name, f, lo, hi in FUNCTIONS:
    for n in (100, 300):
        all_taus, survivor_taus = [], []
        for _ in range(50):
            x1, x2 = rng.uniform(-5, 10, n), rng.uniform(0, 15, n)
            z = np.exp(rng.uniform(np.log(lo), np.log(hi), n))
            first, last = f(x1, x2, z, 1), f(x1, x2, z, 27)
            all_taus.append(kendalltau(first, last)[0])
            alive = np.arange(n)
            for e in (1, 3, 9):
                v = f(x1[alive], x2[alive], z[alive], e)
                alive = alive[v <= np.quantile(v, 1 / 3)]
            if len(alive) >= 4:
                survivor_taus.append(kendalltau(first[alive], last[alive])[0])
        print(f"{name:9s} n={n}: tau over all {np.mean(all_taus):.2f}, over survivors {np.mean(survivor_taus):.2f}"
              f" ({len(alive)} survive)")
