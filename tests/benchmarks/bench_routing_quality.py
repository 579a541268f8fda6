"""Routing quality: the optimiser against PyVRP and the best-known distances.

Each VRPTW instance of tests/data/vrptw/ is solved by the solver's command
line (``python -m solver FILE --seconds N --seed S``, from addons/fsm_routing)
and by PyVRP alone with its own defaults on the same integer data
(``--engine pyvrp``), at each time limit and seed, the two side by side, one
process each, FSM_BENCH_ROUTING_JOBS at a time (2: the pair of one instance
runs together, on equal terms). A plan that leaves a customer out counts as
no plan. Nothing is asserted; the figures are printed.

Printed per time limit: the best-known distance, ours and PyVRP's (the mean
over seeds of runs with a plan), our gap to the best-known and our ratio to
PyVRP; then per set the mean gap, the mean ratio (instances where both have a
plan) and the runs without a plan.

Environment: FSM_BENCH_ROUTING_LIMITS (``10,60`` seconds),
FSM_BENCH_ROUTING_SEEDS (``0``: comma-separated seeds), FSM_BENCH_ROUTING_SETS
(``solomon_100,homberger_200,homberger_400``), FSM_BENCH_ROUTING_INSTANCES
(all of the sets; or names such as ``C101,R1_2_1``), FSM_BENCH_ROUTING_JOBS (2).
"""

import csv
import json
import os
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

try:
    ROOT = Path(__file__).resolve().parents[2]
except NameError:  # fed to odoo shell on stdin by ./fsm bench
    from odoo.modules.module import get_module_path

    ROOT = Path(get_module_path("fsm_orders")).resolve().parent.parent

DATA = ROOT / "tests" / "data" / "vrptw"
SOLVER_DIR = ROOT / "addons" / "fsm_routing"


def env_list(name, default):
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def best_known():
    with open(DATA / "best_known.csv") as f:
        rows = list(csv.DictReader(f))
    return {(r["set"], r["instance"]): int(r["best_value"]) for r in rows}


def run(path, seconds, seed, engine):
    cmd = [sys.executable, "-m", "solver", str(path), "--seconds", str(seconds),
           "--seed", str(seed), "--engine", engine]  # fmt: skip
    out = subprocess.run(cmd, cwd=SOLVER_DIR, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"BENCH solver failed on {path.name}: {out.stderr.strip()}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    limits = [float(v) for v in env_list("FSM_BENCH_ROUTING_LIMITS", "10,60")]
    seeds = [int(v) for v in env_list("FSM_BENCH_ROUTING_SEEDS", "0")]
    sets = env_list("FSM_BENCH_ROUTING_SETS", "solomon_100,homberger_200,homberger_400")
    names = set(env_list("FSM_BENCH_ROUTING_INSTANCES", ""))
    jobs = int(os.environ.get("FSM_BENCH_ROUTING_JOBS", "2"))
    known = best_known()
    instances = []
    for set_name in sets:
        for path in sorted((DATA / set_name).glob("*.vrptw")):
            name = path.name.split(".")[0]
            if not names or name in names:
                divisor = 10 if set_name.startswith("solomon") else 1000
                instances.append((set_name, name, path, known[(set_name, name)] / divisor))
    if not instances:
        raise SystemExit("BENCH no instance matches FSM_BENCH_ROUTING_SETS/INSTANCES")
    print(f"BENCH routing quality: {len(instances)} instances, seeds {seeds}, limits {limits} s,"
          f" {jobs} runs at a time; the suite's solver against PyVRP alone (defaults)")  # fmt: skip
    for limit in limits:
        tasks = [(i, seed, engine) for i in instances for seed in seeds
                 for engine in ("suite", "pyvrp")]  # fmt: skip
        with ThreadPoolExecutor(jobs) as pool:
            runs = [pool.submit(run, i[2], limit, seed, engine) for i, seed, engine in tasks]
            results = [r.result() for r in runs]
        by = {}
        for (inst, _seed, engine), res in zip(tasks, results, strict=True):
            by.setdefault((inst[1], engine), []).append(res)
        print(f"BENCH --- time limit {limit:g} s ---")
        print(f"BENCH {'instance':<9} {'best':>10} {'ours':>10} {'PyVRP':>10} {'gap':>7}"
              f" {'PyVRP gap':>9} {'ratio':>6} {'veh':>4} {'no plan':>8}")  # fmt: skip
        per_set = {}
        for set_name, name, _path, best in instances:
            ours, theirs = by[(name, "suite")], by[(name, "pyvrp")]
            ok = [r["distance"] for r in ours if r["unserved"] == 0]
            ok_p = [r["distance"] for r in theirs if r["unserved"] == 0]
            mean = statistics.mean(ok) if ok else None
            mean_p = statistics.mean(ok_p) if ok_p else None
            gap = (mean / best - 1) * 100 if mean else None
            gap_p = (mean_p / best - 1) * 100 if mean_p else None
            ratio = mean / mean_p if mean and mean_p else None
            stats = per_set.setdefault(set_name, {"gap": [], "ratio": [], "none": 0, "none_p": 0,
                                                  "runs": 0})  # fmt: skip
            stats["runs"] += len(ours)
            stats["none"] += len(ours) - len(ok)
            stats["none_p"] += len(theirs) - len(ok_p)
            if gap is not None:
                stats["gap"].append(gap)
            if ratio is not None:
                stats["ratio"].append(ratio)
            vehicles = max(r["vehicles"] for r in ours)

            def fmt(v, spec, none="-"):
                return none if v is None else format(v, spec)

            print(f"BENCH {name:<9} {best:>10.3f} {fmt(mean, '10.3f', 'no plan'):>10}"
                  f" {fmt(mean_p, '10.3f', 'no plan'):>10} {fmt(gap, '6.2f'):>6}%"
                  f" {fmt(gap_p, '8.2f'):>8}% {fmt(ratio, '6.4f'):>6} {vehicles:>4}"
                  f" {len(ours) - len(ok):>3}/{len(theirs) - len(ok_p):<3}")  # fmt: skip
        for set_name, s in per_set.items():
            gap = statistics.mean(s["gap"]) if s["gap"] else float("nan")
            ratio = statistics.mean(s["ratio"]) if s["ratio"] else float("nan")
            print(f"BENCH {set_name} at {limit:g} s: mean gap {gap:.2f} %, mean ratio to PyVRP"
                  f" {ratio:.4f} ({len(s['ratio'])} instances with both), runs without a plan:"
                  f" ours {s['none']}/{s['runs']}, PyVRP {s['none_p']}/{s['runs']}")  # fmt: skip


main()
