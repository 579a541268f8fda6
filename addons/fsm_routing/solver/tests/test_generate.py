"""The generated field-service days and the straight-line travel provider."""

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from solver import URGENT, ProblemError, solve
from solver.generate import SKILLS, field_day, field_day_with_points
from solver.travel import straight_line

STOCKHOLM = (59.3293, 18.0686)
UPPSALA = (59.8586, 17.6389)
STOCKHOLM_UPPSALA_M = 63_600  # great circle


def _signature(problem):
    return (
        [dataclass_tuple(o) for o in problem.orders],
        [dataclass_tuple(t) for t in problem.technicians],
        problem.durations.tolist(),
        problem.distances.tolist(),
    )


def dataclass_tuple(item):
    return tuple(sorted(vars(item).items(), key=lambda kv: kv[0]))


def test_same_seed_same_problem_other_seed_other_problem():
    assert _signature(field_day(60, 6, seed=3)) == _signature(field_day(60, 6, seed=3))
    assert _signature(field_day(60, 6, seed=3)) != _signature(field_day(60, 6, seed=4))


DIGEST = """
import hashlib
from solver.generate import field_day
def plain(item):  # a set's repr follows the string hashes: sorted
    return [(k, sorted(v) if isinstance(v, frozenset) else v) for k, v in vars(item).items()]
p = field_day(80, 8, seed=4, days=2)
text = repr([plain(o) for o in p.orders] + [plain(t) for t in p.technicians])
print(hashlib.sha1((text + repr(p.durations.tolist())).encode()).hexdigest())
"""


def test_same_seed_same_problem_in_another_process():
    """Nothing depends on the process (string hashing orders sets)."""
    here = Path(__file__).resolve().parents[2]
    digests = {
        subprocess.run(
            [sys.executable, "-c", DIGEST],
            cwd=here,
            env={**os.environ, "PYTHONHASHSEED": str(hash_seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in (1, 2)
    }
    assert len(digests) == 1


def test_sizes_asked_are_produced():
    problem, points = field_day_with_points(37, 5, seed=2, days=2)
    assert len(problem.orders) == 37
    assert len(problem.technicians) == 5
    assert len(points) == 42
    assert problem.durations.shape == problem.distances.shape == (42, 42)
    assert [len(t.shifts) for t in problem.technicians] == [2] * 5
    second = problem.technicians[0].shifts[1]
    assert (second.start, second.end) == (86_400 + 8 * 3600, 86_400 + 17 * 3600)
    assert second.breaks[0].earliest == 86_400 + 11 * 3600 + 1800
    assert (problem.time_units_per_hour, problem.cost_scale) == (3600, 10_000)
    assert len(field_day(0, 1).orders) == 0


def test_bad_sizes_raise():
    with pytest.raises(ProblemError, match="technicians >= 1"):
        field_day(10, 0)


def test_proportions_on_a_large_day():
    problem = field_day(1000, 100, seed=5)
    orders, techs = problem.orders, problem.technicians
    assert all(sum(s in t.skills for t in techs) >= 2 for s in SKILLS)
    assert all(1 <= len(t.skills) <= 3 for t in techs)
    assert sum(t.max_overtime == 1800 for t in techs) == 30
    assert sum(bool(t.absences) for t in techs) == 10
    assert all(35 <= t.hourly_cost <= 60 for t in techs)
    assert all(len(t.shifts[0].breaks) == 1 for t in techs)
    locked = [o for o in orders if o.locked_technician is not None]
    assert sum(o.locked_start is None for o in locked) == 30
    assert sum(o.locked_start is not None for o in locked) == 20
    priorities = Counter(o.priority for o in orders)
    assert 30 <= priorities[URGENT] <= 75
    assert all(30 * 60 <= o.duration <= 120 * 60 for o in orders)
    assert all(len(o.skills) <= 2 for o in orders)
    any_time = sum(
        not o.windows or o.windows[0].end - o.windows[0].start == 9 * 3600 for o in orders
    )
    assert 500 <= any_time <= 600
    assert 60 <= sum(len(o.windows) == 2 for o in orders) <= 140


def test_locked_orders_go_to_a_technician_who_can_do_them_then():
    problem = field_day(400, 40, seed=7)
    techs = {t.id: t for t in problem.technicians}
    locked = [o for o in problem.orders if o.locked_technician is not None]
    assert locked
    for order in locked:
        tech = techs[order.locked_technician]
        assert order.skills <= tech.skills
        if order.locked_start is None:
            continue
        start, end = order.locked_start, order.locked_start + order.duration
        assert not order.windows or any(w.start <= start and end <= w.end for w in order.windows)
        parts = [p for shift in tech.shifts for p in tech.parts(shift)]
        assert any(p_start <= start and end <= p_end for p_start, p_end in parts)


def test_straight_line_stockholm_uppsala():
    durations, distances = straight_line([STOCKHOLM, UPPSALA])
    expected = STOCKHOLM_UPPSALA_M * 1.3
    assert abs(distances[0, 1] - expected) <= 0.01 * expected
    assert durations[0, 1] == round(distances[0, 1] / (40 / 3.6))
    durations, distances = straight_line([STOCKHOLM, UPPSALA], road_factor=1.0, speed_kmh=80)
    assert abs(distances[0, 1] - STOCKHOLM_UPPSALA_M) <= 0.01 * STOCKHOLM_UPPSALA_M
    assert durations[0, 1] == round(distances[0, 1] / (80 / 3.6))


def test_straight_line_is_a_symmetric_integer_matrix_with_zero_diagonal():
    points = field_day_with_points(50, 5, seed=1)[1]
    durations, distances = straight_line(points)
    for matrix in (durations, distances):
        assert matrix.dtype == np.int64
        assert matrix.shape == (55, 55)
        assert (matrix == matrix.T).all()
        assert (np.diag(matrix) == 0).all()
    assert (distances[~np.eye(55, dtype=bool)] > 0).all()
    assert straight_line([])[0].shape == (0, 0)


@pytest.mark.parametrize(
    ("points", "kwargs", "message"),
    [
        ([(59.3, 18.0, 1.0)], {}, "not \\(latitude, longitude\\) pairs"),
        ([59.3, 18.0], {}, "not \\(latitude, longitude\\) pairs"),
        ([("north", 18.0)], {}, "not \\(latitude, longitude\\) pairs"),
        ([(59.3, 18.0), (91.0, 18.0)], {}, "point 1: latitude 91.0 is outside"),
        ([(59.3, -180.5)], {}, "point 0: longitude -180.5 is outside"),
        ([(float("nan"), 18.0)], {}, "not a finite number"),
        ([STOCKHOLM], {"speed_kmh": 0}, "speed must be positive"),
        ([STOCKHOLM], {"road_factor": 0.9}, "road factor must be at least 1"),
    ],
)
def test_straight_line_bad_input_raises(points, kwargs, message):
    with pytest.raises(ProblemError, match=message):
        straight_line(points, **kwargs)


def test_a_solved_generated_day_respects_skills_and_windows():
    problem = field_day(30, 4, seed=1)
    plan = solve(problem, seconds=5, iterations=300)
    orders = {o.id: o for o in problem.orders}
    techs = {t.id: t for t in problem.technicians}
    assert plan.routes
    for route in plan.routes:
        tech = techs[route.technician_id]
        for visit in route.visits:
            order = orders[visit.order_id]
            assert order.skills <= tech.skills
            windows = order.allowed_windows()
            assert not windows or any(
                w.start <= visit.start and visit.end <= w.end for w in windows
            )
            assert visit.end - visit.start == order.duration
    served = {v.order_id for r in plan.routes for v in r.visits}
    assert served | {left.order_id for left in plan.left_out} == set(orders)
