"""VRPTW benchmark files (VRPLIB format, read with ``vrplib``) as solver problems.

Distances follow the file's convention, kept exact in integers:

- ``FLOOR_2D`` with ``SCALE : s`` (the Solomon set): Euclidean truncated to
  1/s, so the matrix holds floor(s * d) and times are multiplied by s;
- ``EXACT_2D`` (Gehring & Homberger): Euclidean in thousandths, rounded;
- ``EUC_2D``: Euclidean rounded to the unit (TSPLIB);
- ``EXPLICIT``: the file's matrix, in thousandths when it is not integral.

``divisor`` turns an integer distance back into the file's unit. One distance
unit takes one time unit, as in the benchmark literature.
"""

import dataclasses
import pathlib
import warnings

import numpy as np
import pyvrp
import vrplib

from . import engine
from .model import Order, Problem, ProblemError, Shift, Technician, Window


class VrptwError(ValueError):
    """The file is missing or is no VRPTW instance this reader understands."""


@dataclasses.dataclass
class Instance:
    name: str
    vehicles: int
    capacity: int
    divisor: int
    matrix: np.ndarray
    demand: list
    windows: list  # (early, late) of the start of service, integer units
    service: list
    problem: Problem


def read(path):
    """Read a VRPTW file; raise VrptwError with a one-line reason."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise VrptwError(f"{path}: no such file")
    try:
        raw = vrplib.read_instance(str(path))
    except Exception as exc:  # noqa: BLE001  (vrplib raises anything on bad text)
        raise VrptwError(f"{path}: not a VRPLIB file ({exc.__class__.__name__}: {exc})") from exc
    for key in ("dimension", "node_coord", "time_window", "demand"):
        if key not in raw:
            raise VrptwError(f"{path}: no {key.upper()} section: not a VRPTW instance")
    depots = np.atleast_1d(raw.get("depot", np.array([0])))
    if depots.size != 1 or int(depots[0]) != 0:
        raise VrptwError(f"{path}: one depot, node 1, is expected")
    size = int(raw["dimension"])
    coords = np.asarray(raw["node_coord"], dtype=float)
    windows = np.asarray(raw["time_window"], dtype=float)
    demand = np.asarray(raw["demand"], dtype=float)
    if coords.shape != (size, 2) or windows.shape != (size, 2) or demand.shape != (size,):
        raise VrptwError(f"{path}: the sections do not have DIMENSION ({size}) rows")
    service = raw.get("service_time", 0)
    service = np.full(size, float(service)) if np.isscalar(service) else np.asarray(service)
    service[0] = 0
    kind = str(raw.get("edge_weight_type", "EUC_2D")).upper()
    if kind == "FLOOR_2D":
        divisor = int(raw.get("scale", 1))
        matrix = _floor(coords, divisor)
    elif kind == "EXACT_2D":
        divisor = 1000
        matrix = np.rint(1000 * _dist(coords)).astype(np.int64)
    elif kind == "EUC_2D":
        divisor = 1
        matrix = np.rint(_dist(coords)).astype(np.int64)
    elif kind == "EXPLICIT" and "edge_weight" in raw:
        weights = np.asarray(raw["edge_weight"], dtype=float)
        divisor = 1 if np.all(weights == np.rint(weights)) else 1000
        matrix = np.rint(weights * divisor).astype(np.int64)
    else:
        raise VrptwError(f"{path}: EDGE_WEIGHT_TYPE {kind} is not supported")
    if np.any(windows[:, 1] < windows[:, 0]) or np.any(demand < 0) or np.any(service < 0):
        raise VrptwError(f"{path}: a time window ends before it starts, or a negative value")
    vehicles = int(raw.get("vehicles", size - 1))
    capacity = raw.get("capacity")
    capacity = int(capacity) if capacity is not None else None
    win = [(int(round(a * divisor)), int(round(b * divisor))) for a, b in windows]
    serv = [int(round(s * divisor)) for s in service]
    dem = [int(d) for d in demand]
    try:
        orders = [
            Order(
                id=node,
                location=node,
                duration=serv[node],
                windows=(Window(win[node][0], win[node][1] + serv[node]),),
                demand=dem[node],
                required=True,
            )
            for node in range(1, size)
        ]
        shift = Shift(win[0][0], win[0][1])
        techs = [
            Technician(id=k, start_location=0, shifts=(shift,), capacity=capacity)
            for k in range(vehicles)
        ]
        problem = Problem(orders, techs, matrix, cost_per_distance=1.0, cost_scale=1)
    except ProblemError as exc:
        raise VrptwError(f"{path}: {exc}") from exc
    return Instance(str(raw.get("name", path.stem)), vehicles, capacity, divisor, matrix,
                    dem, win, serv, problem)  # fmt: skip


def _dist(coords):
    diff = coords[:, None, :] - coords[None, :, :]
    return np.sqrt((diff**2).sum(axis=2))


def _floor(coords, scale):
    """floor(scale * d), exactly (integer square roots) for integral coordinates."""
    if np.all(coords == np.rint(coords)):
        ints = coords.astype(np.int64)
        diff = ints[:, None, :] - ints[None, :, :]
        return _isqrt((diff**2).sum(axis=2) * scale * scale)
    return np.floor(_dist(coords) * scale).astype(np.int64)


def _isqrt(values):
    """Exact integer square roots of a matrix of non-negative integers."""
    roots = np.floor(np.sqrt(values.astype(float))).astype(np.int64)
    roots -= (roots * roots > values).astype(np.int64)
    roots += ((roots + 1) * (roots + 1) <= values).astype(np.int64)
    return roots


def summary(instance, plan, seconds):
    """The CLI's figures for a plan: distance in the file's unit and counts."""
    routes = [r for r in plan.routes if r.visits]
    return {
        "instance": instance.name,
        "distance": round(sum(r.distance for r in routes) / instance.divisor, 3),
        "vehicles": len(routes),
        "unserved": len(plan.left_out),
        "seconds": round(seconds, 2),
    }


def solve(instance, seconds, seed=0, iterations=None):
    plan = engine.solve(instance.problem, seconds=seconds, seed=seed, iterations=iterations)
    return plan, summary(instance, plan, plan.seconds)


def pyvrp_baseline(instance, seconds, seed=0):
    """PyVRP alone, with its own defaults, on the same integer data: the
    benchmarks' yardstick. Returns the CLI's figures (unserved = every
    customer when PyVRP ends without a feasible plan)."""
    size = len(instance.demand)
    cap = [instance.capacity] if instance.capacity is not None else []
    clients = [
        pyvrp.Client(
            node,
            delivery=[instance.demand[node]] if cap else [],
            service_duration=instance.service[node],
            tw_early=instance.windows[node][0],
            tw_late=instance.windows[node][1],
        )
        for node in range(1, size)
    ]
    vehicle = pyvrp.VehicleType(
        instance.vehicles, capacity=cap, tw_early=instance.windows[0][0],
        tw_late=instance.windows[0][1],
    )  # fmt: skip
    data = pyvrp.ProblemData(
        [pyvrp.Location(0, 0) for _ in range(size)],
        clients,
        [pyvrp.Depot(0)],
        [vehicle],
        [instance.matrix],
        [instance.matrix],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyVRP's own about its penalty bound
        result = pyvrp.solve(data, pyvrp.stop.MaxRuntime(seconds), seed=seed, collect_stats=False)
    best = result.best
    feasible = best.is_feasible() and best.is_complete()
    return {
        "instance": instance.name,
        "distance": round(best.distance() / instance.divisor, 3) if feasible else None,
        "vehicles": best.num_routes(),
        "unserved": 0 if feasible else size - 1,
        "seconds": round(result.runtime, 2),
    }
