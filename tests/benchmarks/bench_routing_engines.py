"""Engine choice for the schedule optimiser: OR-Tools' routing library against PyVRP.

The figures that chose the engine the solver builds on (PyVRP; see
addons/fsm_routing/solver/README.md), to measure the choice again. This script
solves Solomon VRPTW instances with each at the same time limit and prints
one table: the best-known distance, PyVRP's distance and gap to it, and the
same for OR-Tools with two first-solution
strategies, ``PATH_CHEAPEST_ARC`` and ``PARALLEL_CHEAPEST_INSERTION``, each
followed by guided local search. A last line counts the complete plans each
engine found.

Both engines get the same exact integer data, read by ``solver.vrptw.read``:
the matrix is the distance and the travel time, windows bound the start of
service, and the fleet is the file's VEHICLES. PyVRP runs with its own
defaults (``solver.vrptw.pyvrp_baseline``). The OR-Tools model is the one of
its VRPTW guide: arc cost = the matrix; a time dimension whose transit is the
travel plus the service at the origin, waiting allowed up to the horizon (the
depot's closing time), each customer's cumul in its window and each vehicle's
start and end in the depot's; a capacity dimension with the demands and the
vehicles' capacity. Matrices are registered with ``RegisterTransitMatrix`` so
that OR-Tools evaluates arcs in C++, not through a Python callback. Every
customer is mandatory (no disjunctions), so OR-Tools either serves all of them
or returns nothing: a missing solution, like a PyVRP result that is infeasible
or incomplete, is printed as "no plan". OR-Tools' routing search takes no
seed; the seed is PyVRP's.

Gaps are to the best-known values of ``best_known.csv`` (set ``solomon_100``),
which are integers in the instance's integer unit (tenths: the Solomon files
truncate distances to 0.1), so they compare exactly with both engines' totals.

ortools is not one of the suite's requirements (see requirements-bench.txt):
when it cannot be imported the script says so on one BENCH line and exits 1.

Parameters (environment):

- FSM_BENCH_ROUTING_DATA: the VRPTW data directory, holding ``solomon_100/``
  and ``best_known.csv`` (default ROOT/tests/data/vrptw);
- FSM_BENCH_ROUTING_ENGINE_SECONDS: time limit per engine and instance (10);
- FSM_BENCH_ROUTING_INSTANCES: comma-separated names
  (C101,C201,R101,R201,RC101,RC201);
- FSM_BENCH_ROUTING_SEED: PyVRP's seed (0).
"""

import csv
import os
import sys
from pathlib import Path

try:
    ROOT = Path(__file__).resolve().parents[2]
except NameError:  # fed to odoo shell on stdin by ./fsm bench
    from odoo.modules.module import get_module_path

    ROOT = Path(get_module_path("fsm_orders")).resolve().parent.parent
sys.path.insert(0, str(ROOT / "addons" / "fsm_routing"))

from solver import vrptw  # noqa: E402  (the path is set just above)

DATA = Path(os.environ.get("FSM_BENCH_ROUTING_DATA") or ROOT / "tests" / "data" / "vrptw")
SECONDS = float(os.environ.get("FSM_BENCH_ROUTING_ENGINE_SECONDS", "10"))
INSTANCES = os.environ.get("FSM_BENCH_ROUTING_INSTANCES", "C101,C201,R101,R201,RC101,RC201")
SEED = int(os.environ.get("FSM_BENCH_ROUTING_SEED", "0"))
SET = "solomon_100"
STRATEGIES = ("PATH_CHEAPEST_ARC", "PARALLEL_CHEAPEST_INSERTION")


def bench(text):
    print(f"BENCH {text}", flush=True)


def ortools_distance(instance, strategy, seconds):
    """Total integer distance of OR-Tools' best plan, or None when it found
    none (every customer is mandatory, so a plan serves them all)."""
    size = len(instance.demand)
    manager = pywrapcp.RoutingIndexManager(size, instance.vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    distance = instance.matrix.tolist()
    cost = routing.RegisterTransitMatrix(distance)
    routing.SetArcCostEvaluatorOfAllVehicles(cost)

    travel = [[d + instance.service[i] for d in row] for i, row in enumerate(distance)]
    early, horizon = instance.windows[0]
    routing.AddDimension(routing.RegisterTransitMatrix(travel), horizon, horizon, False, "Time")
    timing = routing.GetDimensionOrDie("Time")
    for node in range(1, size):
        timing.CumulVar(manager.NodeToIndex(node)).SetRange(*instance.windows[node])
    for vehicle in range(instance.vehicles):
        timing.CumulVar(routing.Start(vehicle)).SetRange(early, horizon)
        timing.CumulVar(routing.End(vehicle)).SetRange(early, horizon)

    if instance.capacity is not None:
        demand = routing.RegisterUnaryTransitVector(instance.demand)
        routing.AddDimensionWithVehicleCapacity(
            demand, 0, [instance.capacity] * instance.vehicles, True, "Capacity"
        )

    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, strategy)
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    parameters.time_limit.FromMilliseconds(int(seconds * 1000))
    solution = routing.SolveWithParameters(parameters)
    if solution is None:
        return None
    total = 0
    for vehicle in range(instance.vehicles):
        index = routing.Start(vehicle)
        while not routing.IsEnd(index):
            following = solution.Value(routing.NextVar(index))
            total += distance[manager.IndexToNode(index)][manager.IndexToNode(following)]
            index = following
    return total


def stop(reason):
    bench(reason)
    sys.exit(1)


def best_known(names):
    path = DATA / "best_known.csv"
    if not path.is_file():
        stop(f"no best-known values: {path} is missing")
    with open(path, newline="") as handle:
        values = {
            r["instance"]: int(r["best_value"]) for r in csv.DictReader(handle) if r["set"] == SET
        }
    unknown = [name for name in names if name not in values]
    if unknown:
        stop(f"no best-known value in {path} for {SET} {', '.join(unknown)}")
    return values


def instance_path(name):
    found = sorted((DATA / SET).glob(f"{name}.*.vrptw"))
    if len(found) != 1:
        stop(f"no single file {name}.*.vrptw in {DATA / SET} (found {len(found)})")
    return found[0]


def cells(units, best, instance):
    """Distance in the file's unit and gap to the best-known, or no plan."""
    if units is None:
        return f" {'no plan':>12} {'':>8}"
    return f" {units / instance.divisor:12.1f} {100 * (units - best) / best:+7.2f}%"


try:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2
except ImportError as exc:
    stop(f"ortools is not importable ({exc}): pip install -r requirements-bench.txt")

names = [n.strip() for n in INSTANCES.split(",") if n.strip()]
known = best_known(names)
paths = {name: instance_path(name) for name in names}
short = {s: "".join(word[0] for word in s.split("_")) for s in STRATEGIES}
bench(
    f"engines on {SET} at {SECONDS:g} s per engine and instance, PyVRP seed {SEED}; OR-Tools: "
    + ", ".join(f"{short[s]} = {s}" for s in STRATEGIES)
    + ", each then guided local search"
)
found = dict.fromkeys(["PyVRP"] + [f"OR-Tools {short[s]}" for s in STRATEGIES], 0)
bench(f"{'instance':<8} {'best-known':>10}" + "".join(f" {c:>12} {'gap':>8}" for c in found))
for name in names:
    instance = vrptw.read(paths[name])
    best = known[name]
    pyvrp = vrptw.pyvrp_baseline(instance, SECONDS, SEED)
    results = [None if pyvrp["distance"] is None else round(pyvrp["distance"] * instance.divisor)]
    results += [ortools_distance(instance, s, SECONDS) for s in STRATEGIES]
    for column, units in zip(found, results, strict=True):
        found[column] += units is not None
    row = "".join(cells(u, best, instance) for u in results)
    bench(f"{name:<8} {best / instance.divisor:10.1f}{row}".rstrip())
bench("plans found: " + ", ".join(f"{c} {n}/{len(names)}" for c, n in found.items()))
