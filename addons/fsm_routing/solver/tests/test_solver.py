"""The optimiser on small hand-made days, one constraint at a time.

The map is a road along a line: location i is at ``POINTS[i]`` km, driven at
60 km/h (a kilometre takes a minute). Times are seconds from midnight.
"""

import random

import pytest
from solver import (
    LOW,
    NORMAL,
    REASONS,
    URGENT,
    Break,
    Order,
    Problem,
    ProblemError,
    Shift,
    Technician,
    Window,
    solve,
)
from solver.emergency import TechnicianState, insert_urgent

H = 3600
DAY = Shift(8 * H, 17 * H)


def line(points):
    """Travel seconds and metres between points on a line (km)."""
    durations = [[round(abs(a - b) * 60) for b in points] for a in points]
    distances = [[round(abs(a - b) * 1000) for b in points] for a in points]
    return durations, distances


def problem(points, orders, techs, **kw):
    durations, distances = line(points)
    kw.setdefault("cost_per_distance", 0.0003)
    return Problem(orders, techs, durations, distances, **kw)


def tech(tid, home=0, **kw):
    kw.setdefault("shifts", (DAY,))
    kw.setdefault("hourly_cost", 40.0)
    return Technician(tid, home, **kw)


def plan_of(prob, **kw):
    kw.setdefault("seconds", 5)
    kw.setdefault("iterations", 300)
    return solve(prob, **kw)


def where(plan, order_id):
    """(technician id, visit) of an order in the plan, or None."""
    found = plan.visits.get(order_id)
    return None if found is None else (found[0].technician_id, found[1])


def reasons(plan):
    return {left.order_id: left.reason for left in plan.left_out}


def check_plan(prob, plan):
    """Every hard constraint, read from the problem: each visit fits a window
    of its order and its duration, the technician has the skills, the visits
    lie in the shift and out of absences and breaks, locked ones stay."""
    orders = {o.id: o for o in prob.orders}
    techs = {t.id: t for t in prob.technicians}
    served = set()
    for route in plan.routes:
        t = techs[route.technician_id]
        shift = t.shifts[route.shift]
        assert shift.start <= route.start and route.end <= shift.end + t.max_overtime
        busy = []
        for v in route.visits:
            o = orders[v.order_id]
            assert o.id not in served
            served.add(o.id)
            assert o.skills <= t.skills
            assert v.end - v.start == o.duration
            windows = o.allowed_windows()
            assert not windows or any(w.start <= v.start and v.end <= w.end for w in windows)
            if o.locked_technician is not None:
                assert route.technician_id == o.locked_technician
            for a in t.absences:
                assert v.end <= a.start or v.start >= a.end
            busy.append((v.start, v.end))
        for b_start, b_end in route.breaks:
            for start, end in busy:
                assert b_end <= start or b_start >= end
        for (_s1, e1), (s2, _e2) in zip(busy, busy[1:], strict=False):
            assert e1 <= s2
    assert served | {left.order_id for left in plan.left_out} == set(orders)


def test_the_technician_without_the_skill_never_gets_the_order():
    # Bo lives at the site, Ann 60 km away; only Ann is a gas fitter
    prob = problem(
        [0, 60],
        [
            Order("boiler", 1, 45 * 60, skills=frozenset({"gas"})),
            Order("lift", 1, 45 * 60, skills=frozenset({"elevator"})),
        ],
        [tech("ann", 0, skills=frozenset({"gas"})), tech("bo", 1)],
    )
    plan = plan_of(prob)
    check_plan(prob, plan)
    assert where(plan, "boiler")[0] == "ann"
    assert reasons(plan) == {"lift": "no_skill"}
    assert plan.left_out[0].message == REASONS["no_skill"]


def test_the_window_is_respected_and_the_one_that_fits_is_used():
    prob = problem(
        [0, 10, 90],
        [
            Order("morning", 1, 30 * 60, windows=(Window(10 * H, 11 * H),)),
            # 1.5 h away: 08:00-09:00 cannot be reached, 15:00-16:00 can
            Order("far", 2, 30 * 60, windows=(Window(8 * H, 9 * H), Window(15 * H, 16 * H))),
        ],
        [tech("ann")],
    )
    plan = plan_of(prob)
    check_plan(prob, plan)
    _tech, morning = where(plan, "morning")
    assert morning.start >= 10 * H and morning.end <= 11 * H
    _tech, far = where(plan, "far")
    assert far.window == 1 and far.start >= 15 * H and far.end <= 16 * H


def test_the_absent_technician_gets_nothing_in_the_absence():
    absence = Window(9 * H, 13 * H)
    prob = problem(
        [0, 5, 5],
        [
            Order("ten", 1, H, windows=(Window(10 * H, 12 * H),)),
            Order("gas", 2, H, windows=(Window(10 * H, 12 * H),), skills=frozenset({"gas"})),
            Order("later", 1, H, windows=(Window(13 * H, 17 * H),), skills=frozenset({"gas"})),
        ],
        [
            tech("ann", skills=frozenset({"gas"}), absences=(absence,)),
            tech("bo"),
        ],
    )
    plan = plan_of(prob)
    check_plan(prob, plan)
    assert where(plan, "ten")[0] == "bo"
    # only Ann can, and she is away whenever the client can have her
    assert reasons(plan) == {"gas": "absent"}
    # after the absence she works again, leaving from home
    assert where(plan, "later")[0] == "ann"
    assert where(plan, "later")[1].start >= absence.end


def test_breaks_are_kept():
    lunch = Break(int(11.5 * H), 13 * H, 30 * 60)
    orders = [Order(f"o{i}", 1, 50 * 60) for i in range(8)]
    prob = problem(
        [0, 1],
        orders,
        [tech("ann", shifts=(Shift(8 * H, 17 * H, breaks=(lunch,)),))],
    )
    plan = plan_of(prob)
    check_plan(prob, plan)
    (route,) = plan.routes
    assert len(route.visits) >= 7
    assert len(route.breaks) == 1
    b_start, b_end = route.breaks[0]
    assert lunch.earliest <= b_start <= lunch.latest and b_end - b_start == lunch.duration


def test_a_locked_visit_does_not_move():
    # Ann is at the site, but the client booked Bo at 14:00
    prob = problem(
        [0, 80, 0],
        [
            Order("booked", 2, H, locked_technician="bo", locked_start=14 * H),
            Order("free", 2, H),
        ],
        [tech("ann", 2), tech("bo", 1)],
    )
    plan = plan_of(prob)
    check_plan(prob, plan)
    technician, visit = where(plan, "booked")
    assert technician == "bo" and visit.start == 14 * H
    assert where(plan, "free")[0] == "ann"


def test_the_urgent_order_is_kept_and_the_low_one_left_out_with_its_reason():
    # one technician, four hours: room for one of two three-hour jobs
    prob = problem(
        [0, 1, 2],
        [Order("low", 1, 3 * H, priority=LOW), Order("urgent", 2, 3 * H, priority=URGENT)],
        [tech("ann", shifts=(Shift(8 * H, 12 * H),))],
    )
    plan = plan_of(prob)
    check_plan(prob, plan)
    assert where(plan, "urgent")[0] == "ann"
    assert reasons(plan) == {"low": "capacity"}
    assert plan.totals(prob)["urgent_left_out"] == 0


def random_day(orders=60, techs=6, seed=3):
    rng = random.Random(seed)
    points = [rng.uniform(0, 60) for _ in range(techs + orders)]
    skills = ["gas", "hvac", "lift"]
    lunch = Break(int(11.5 * H), 13 * H, 30 * 60)
    technicians = [
        tech(
            f"t{k}",
            k,
            skills=frozenset(rng.sample(skills, 2)),
            shifts=(Shift(8 * H, 17 * H, breaks=(lunch,)),),
            absences=(Window(13 * H, 15 * H),) if k == 0 else (),
        )
        for k in range(techs)
    ]
    jobs = []
    for i in range(orders):
        kind = rng.random()
        windows = ()
        if kind < 0.3:
            windows = (Window(8 * H, 12 * H),)
        elif kind < 0.4:
            windows = (Window(8 * H, 10 * H), Window(15 * H, 17 * H))
        jobs.append(
            Order(
                f"o{i}",
                techs + i,
                rng.choice([30, 45, 60, 90]) * 60,
                windows=windows,
                skills=frozenset(rng.sample(skills, rng.choice([0, 1]))),
                priority=rng.choice([LOW, NORMAL, NORMAL, URGENT]),
                locked_technician="t1" if i == 0 else None,
            )
        )
    return problem(points, jobs, technicians)


def test_a_full_day_meets_every_constraint():
    prob = random_day()
    plan = plan_of(prob, iterations=500)
    check_plan(prob, plan)
    totals = plan.totals(prob)
    assert totals["served"] > 40 and totals["urgent_left_out"] == 0


def test_the_same_seed_gives_the_same_plan():
    prob = random_day()

    def shape(plan):
        return [(r.technician_id, [(v.order_id, v.start) for v in r.visits]) for r in plan.routes]

    first = plan_of(prob, seed=7, iterations=200)
    assert shape(plan_of(prob, seed=7, iterations=200)) == shape(first)
    assert first.seed == 7


def test_the_time_limit_is_honoured_and_progress_is_reported():
    prob = random_day(orders=200, techs=15)
    reports = []
    plan = solve(prob, seconds=2, progress=reports.append, every=0.5)
    assert plan.seconds < 3  # the limit, plus timing the plan
    assert len(reports) >= 3
    assert reports[-1].best_cost == pytest.approx(plan.totals(prob)["cost"])
    assert [r.seconds for r in reports] == sorted(r.seconds for r in reports)


def test_a_progress_callback_can_stop_the_run():
    prob = random_day(orders=200, techs=15)
    plan = solve(prob, seconds=30, progress=lambda p: p.seconds < 1, every=0.2)
    assert plan.seconds < 3
    check_plan(prob, plan)


def test_bad_input_says_what_is_wrong():
    with pytest.raises(ProblemError, match="ends"):
        Window(10, 5)
    with pytest.raises(ProblemError, match="square"):
        Problem([], [], [[0, 1]])
    with pytest.raises(ProblemError, match="appears twice"):
        problem([0, 1], [Order("a", 1, 60), Order("a", 1, 60)], [])
    with pytest.raises(ProblemError, match="not in matrix"):
        problem([0, 1], [Order("a", 5, 60)], [])
    with pytest.raises(ProblemError, match="priority"):
        Order("a", 1, 60, priority=9)
    with pytest.raises(ProblemError, match="negative"):
        Order("a", 1, -60)


def test_emergency_insertion_picks_the_obviously_best_technician():
    # Ann works next to the emergency, Bo 50 km away, Cy is a gas fitter only
    prob = problem(
        [0, 50, 1, 2, 51, 52, 1.5, 0],
        [
            Order("a1", 2, H, skills=frozenset({"lift"})),
            Order("a2", 3, H, skills=frozenset({"lift"})),
            Order("b1", 4, H, skills=frozenset({"lift"})),
            Order("b2", 5, H, skills=frozenset({"lift"})),
        ],
        [
            tech("ann", 0, skills=frozenset({"lift"})),
            tech("bo", 1, skills=frozenset({"lift"})),
            tech("cy", 7, skills=frozenset({"gas"})),
        ],
    )
    plan = plan_of(prob)
    assert {where(plan, i)[0] for i in ("a1", "a2")} == {"ann"}
    urgent = Order("stuck lift", 6, H, priority=URGENT, skills=frozenset({"lift"}))
    now = 10 * H
    answer = insert_urgent(prob, plan, urgent, {}, now=now)
    assert answer.chosen.technician_id == "ann"
    assert answer.chosen.start >= now
    assert {o.technician_id for o in answer.options} == {"ann", "bo"}  # not Cy
    assert answer.seconds < 1
    # Ann's later visits move back by what the emergency takes, and say so
    new = {v.order_id: v.start for v in answer.chosen.route.visits}
    for order_id, old, moved in answer.chosen.delays:
        assert moved > old and new[order_id] == moved
    # a finished technician gets nothing
    states = {"ann": TechnicianState("finished")}
    assert insert_urgent(prob, plan, urgent, states, now=now).chosen.technician_id == "bo"


def test_emergency_insertion_pushes_out_what_no_longer_fits():
    # Ann's afternoon is full to the end of her shift with a low-priority job
    prob = problem(
        [0, 1, 1],
        [Order("long", 1, 4 * H, priority=LOW, windows=(Window(13 * H, 17 * H),))],
        [tech("ann", shifts=(Shift(8 * H, 18 * H),))],
    )
    plan = plan_of(prob)
    assert where(plan, "long")[1].start == 13 * H
    urgent = Order("flood", 2, 2 * H, priority=URGENT, windows=(Window(14 * H, 17 * H),))
    answer = insert_urgent(
        prob, plan, urgent, {"ann": TechnicianState("available", 0, 12 * H)}, now=12 * H
    )
    assert answer.chosen.technician_id == "ann"
    assert answer.chosen.pushed_out == ["long"]
    nobody = Order("gas leak", 2, H, priority=URGENT, skills=frozenset({"gas"}))
    refused = insert_urgent(prob, plan, nobody, {}, now=12 * H)
    assert refused.chosen is None and refused.reason == "no_skill"


def test_overtime_only_where_allowed_and_at_its_cost():
    # a 2-hour job that can only start at 15:30: it ends after 17:00
    job = Order("late", 1, 2 * H, windows=(Window(int(15.5 * H), int(17.5 * H)),))
    prob = problem(
        [0, 0, 0],
        [job],
        [tech("ann"), tech("bo", 2, max_overtime=H, overtime_hourly_cost=90.0)],
    )
    plan = plan_of(prob)
    check_plan(prob, plan)
    technician, visit = where(plan, "late")
    (route,) = plan.routes
    assert technician == "bo" and visit.end == int(17.5 * H)
    assert route.overtime == route.end - DAY.end > 0
    # 2 hours' work at 40, the overtime again at 90 an hour
    assert route.cost == pytest.approx(40.0 * 2 + 90.0 * route.overtime / H)


def test_a_week_plans_each_order_on_a_day_its_window_allows():
    week = tuple(Shift(d * 24 * H + 8 * H, d * 24 * H + 17 * H) for d in range(5))
    thursday = Window(3 * 24 * H + 8 * H, 3 * 24 * H + 12 * H)
    prob = problem(
        [0, 5],
        [Order("thu", 1, H, windows=(thursday,)), Order("any", 1, 8 * H)],
        [tech("ann", shifts=week, absences=(Window(0, 24 * H),))],  # off on Monday
    )
    plan = plan_of(prob)
    check_plan(prob, plan)
    assert plan.visits["thu"][0].shift == 3
    assert plan.visits["any"][0].shift != 0


def test_a_break_falls_in_an_absence_when_the_absence_covers_it():
    lunch = Break(12 * H, 13 * H, 30 * 60)
    prob = problem(
        [0, 10],
        [
            Order("am", 1, 2 * H, windows=(Window(8 * H, 12 * H),)),
            Order("pm", 1, 2 * H, windows=(Window(14 * H, 17 * H),)),
        ],
        [
            tech(
                "ann",
                shifts=(Shift(8 * H, 17 * H, breaks=(lunch,)),),
                absences=(Window(12 * H, 14 * H),),
            )
        ],
    )
    plan = plan_of(prob)
    check_plan(prob, plan)
    (route,) = plan.routes
    assert route.breaks == [(12 * H, int(12.5 * H))]
    # out 08:00-12:00 and 14:00-17:00 at most: the absence is not working time
    assert route.working_time <= 7 * H


def test_an_order_locked_to_a_technician_goes_to_them_even_into_a_full_day():
    # Bo's day is full of low-priority jobs; the client insists on Bo
    jobs = [Order(f"low{i}", 1, 2 * H, priority=LOW) for i in range(4)]
    prob = problem(
        [0, 1, 0],
        [*jobs, Order("mine", 1, 2 * H, locked_technician="bo")],
        [tech("ann", 2, shifts=(Shift(8 * H, 9 * H),)), tech("bo", 0)],
    )
    plan = plan_of(prob)
    check_plan(prob, plan)
    assert where(plan, "mine")[0] == "bo"
    # four two-hour jobs and the locked one do not fit in nine hours: a low
    # one is left out, not the locked one
    assert list(reasons(plan).values()) == ["capacity"]
    assert next(iter(reasons(plan))).startswith("low")
