#!/usr/bin/env python3
"""The issue-16 load protocol with Python clients: N processes, each running the multi-fidelity loop
(ask, report every epoch, complete) against one ASHA study for a fixed time, through the project's own
Python client. Prints one JSON line: reports/s, and the server's CPU per report from its own
process.cpu.time (actuator metrics).

    python3 scripts/python-load.py --url http://127.0.0.1:8081 --clients 8 --seconds 30
"""
import argparse
import json
import multiprocessing
import os
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "clients", "python"))
from attune_client import client as attune  # noqa: E402


def cpu_seconds(url):
    with urllib.request.urlopen(url + "/actuator/metrics/process.cpu.time") as r:
        m = json.load(r)
    value = m["measurements"][0]["value"]
    return value / 1e9 if m.get("baseUnit") == "ns" else value


def worker(url, study_id, deadline, index, counts):
    study = attune.Study(url, study_id)
    reports = 0
    while time.time() < deadline:
        trial = study.ask(worker_id=f"py-{index}")
        if trial is None:
            break
        x = float(trial.config["x"])
        decision = "CONTINUE"
        for epoch in range(1, 28):
            if time.time() >= deadline:
                break
            decision = trial.report(epoch=epoch, loss=(x - 0.3) ** 2 + 1.0 / epoch)
            reports += 1
            if decision != "CONTINUE":
                break
        if decision == "CONTINUE":
            trial.complete()
    counts[index] = reports


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--warmup", type=float, default=10)
    a = p.parse_args()
    definition = {
        "name": "python-load",
        "space": {"x": {"type": "uniform", "lower": 0, "upper": 1}, "epochs": 27},
        "metrics": [{"name": "loss", "mode": "min"}],
        "method": "ASHA",
        "resource": {"attr": "epoch", "maxAttr": "epochs"},
        "allowDuplicates": True,
    }
    study = attune.create_study(a.url, definition)
    counts = multiprocessing.Manager().dict()
    for phase, seconds in (("warmup", a.warmup), ("measured", a.seconds)):
        cpu0 = cpu_seconds(a.url)
        start = time.time()
        procs = [multiprocessing.Process(target=worker, args=(a.url, study.id, start + seconds, i, counts))
                 for i in range(a.clients)]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join()
        elapsed = time.time() - start
        cpu = cpu_seconds(a.url) - cpu0
        reports = sum(counts.values())
        if phase == "measured":
            print(json.dumps({"clients": a.clients, "seconds": round(elapsed, 1), "reports": reports,
                              "reportsPerSecond": round(reports / elapsed, 1),
                              "serverCpuMsPerReport": round(cpu * 1000 / max(reports, 1), 3)}))


if __name__ == "__main__":
    main()
