"""Generated field-service days: the benchmark's problems, and a test bed.

``field_day(orders, technicians, seed, days)`` makes the days of an
elevator/HVAC service firm around a city (a 60 km x 60 km square centred on
Stockholm, 59.33 N 18.06 E). Everything is drawn from ``random.Random(seed)``
(nothing from the process: sets are sorted before a draw), so one seed gives
one problem, on any machine. ``field_day_with_points`` also returns the
coordinates of the locations (for a map, or to add a place to the matrix).

Units: times in seconds from midnight of day 1 (day d, counted from 0, is
offset by d x 86,400; ``time_units_per_hour`` 3600), distances in metres,
``cost_scale`` 10,000; travel is ``travel.straight_line`` (road factor 1.3,
40 km/h). A kilometre driven costs 0.25 (``cost_per_distance``, the van);
time is paid through the technicians' hourly cost.

**Places.** Half the technicians live around the centre (normal in each
direction, 10 km standard deviation, drawn again until inside the square),
half anywhere in the square (uniform); of the order sites, where the buildings
with lifts and plant rooms are, 75 % are around the centre (6 km standard
deviation) and 25 % anywhere in the square.

**Technicians** (ids ``T001``...):

- one shift a day, 08:00-17:00, with one 30-minute break to start between
  11:30 and 13:00;
- 1, 2 or 3 skills (probabilities 30 %, 45 %, 25 %) out of ``SKILLS``
  (elevator, hvac, electrical, gas, medical); technician i's first skill is
  SKILLS[i mod 5], and a skill held by fewer than two technicians is then
  given to one with fewer than three, so that every skill has at least two
  holders (when there are at least two technicians);
- an hourly cost uniform in 35-60 (whole units);
- round(30 %) of them (chosen at random) may work 30 minutes of overtime;
- round(10 %) of them, at least one, have one absence on a random day: with
  even odds a half day (the morning 08:00-12:00 or the afternoon 12:00-17:00,
  even odds) or a 2-hour appointment starting on the hour from 09:00 to 14:00.

**Orders** (ids ``O0001``...), each drawn on its own:

- duration 30, 45, 60, 90 or 120 minutes (60 %, 20 %, 10 %, 7 %, 3 %: mostly
  routine maintenance; a mean of 43 minutes). Ask for 8-10 orders per
  technician-day (the defaults: 10) for a day that is full but not hopeless:
  ten orders are about 430 minutes of work, the shift has 510 after its
  break, and the travel between them takes the rest and more, so the plan
  has to choose what it leaves out;
- 0, 1 or 2 required skills (30 %, 50 %, 20 %), taken from the skills of a
  technician drawn at random, so that someone can always do it;
- windows: 55 % any time (half of them with no window, half with one window
  08:00-17:00 per day); 30 % morning 08:00-12:00 or afternoon 12:00-17:00
  (even odds); 10 % two windows, 08:00-10:00 and 15:00-17:00; 5 % a 2-hour
  appointment starting on the hour from 08:00 to 15:00; the windows that are
  not "any time" fall on one day drawn at random;
- priority low 20 %, normal 60 %, high 15 %, urgent 5 %; the penalty for
  leaving an order out is model.PRIORITY_PENALTY's;
- round(3 %) of the orders (chosen at random) are locked to a technician who
  has their skills and can reach them in a window, and round(2 %) more are
  locked to such a technician and a start time: on a quarter hour, inside a
  window of the order and a working part of the technician's day with the
  travel from and back home, and an hour or more clear of the technician's
  other locked visits. An order for which no technician qualifies is skipped
  and the next one drawn.
"""

import math
import random

from . import travel
from .model import (
    HIGH,
    LOW,
    NORMAL,
    URGENT,
    Break,
    Order,
    Problem,
    ProblemError,
    Shift,
    Technician,
    Window,
)

SKILLS = ("elevator", "hvac", "electrical", "gas", "medical")

CENTRE = (59.33, 18.06)
HALF_SIDE_M = 30_000
METRES_PER_DEGREE = 111_195.0  # of latitude, on the mean sphere
ROAD_FACTOR = 1.3
SPEED_KMH = 40.0
COST_PER_KM = 0.25

DAY = 86_400
HOUR = 3_600
MINUTE = 60
SHIFT = (8 * HOUR, 17 * HOUR)
BREAK = Break(11 * HOUR + 30 * MINUTE, 13 * HOUR, 30 * MINUTE)

HOMES_CENTRAL, HOMES_SPREAD_M = 0.5, 10_000
SITES_CENTRAL, SITES_SPREAD_M = 0.75, 6_000
DURATIONS = ((30, 60), (45, 20), (60, 10), (90, 7), (120, 3))  # (minutes, %)
SKILL_COUNTS = ((0, 30), (1, 50), (2, 20))
TECH_SKILL_COUNTS = ((1, 30), (2, 45), (3, 25))
PRIORITIES = ((LOW, 20), (NORMAL, 60), (HIGH, 15), (URGENT, 5))
OVERTIME_SHARE, OVERTIME = 0.30, 30 * MINUTE
ABSENT_SHARE = 0.10
LOCKED_TECHNICIAN_SHARE, LOCKED_START_SHARE = 0.03, 0.02
LOCKED_GAP = HOUR


def field_day(orders=100, technicians=10, seed=0, days=1):
    """A generated field-service problem (see the module docstring)."""
    return field_day_with_points(orders, technicians, seed, days)[0]


def field_day_with_points(orders=100, technicians=10, seed=0, days=1):
    """(problem, points): the problem and the (latitude, longitude) of each of
    its locations, technicians' homes first (location i is technician i's
    home), then the orders' sites in order."""
    if orders < 0 or technicians < 1 or days < 1:
        raise ProblemError(
            f"a field day needs orders >= 0, technicians >= 1 and days >= 1,"
            f" not {orders}, {technicians}, {days}"
        )
    rng = random.Random(seed)
    homes = [_point(rng, HOMES_CENTRAL, HOMES_SPREAD_M) for _ in range(technicians)]
    sites = [_point(rng, SITES_CENTRAL, SITES_SPREAD_M) for _ in range(orders)]
    points = homes + sites
    durations, distances = travel.straight_line(points, ROAD_FACTOR, SPEED_KMH)
    techs = _technicians(rng, technicians, days)
    drafts = [_order(rng, i, technicians + i, techs, days) for i in range(orders)]
    _lock(rng, drafts, techs, durations)
    problem = Problem(
        orders=[Order(**draft) for draft in drafts],
        technicians=techs,
        durations=durations,
        distances=distances,
        cost_per_distance=COST_PER_KM / 1000,
        time_units_per_hour=HOUR,
        cost_scale=10_000,
    )
    return problem, points


# -- places ------------------------------------------------------------------
def _to_point(north_m, east_m):
    lat = CENTRE[0] + north_m / METRES_PER_DEGREE
    lon = CENTRE[1] + east_m / (METRES_PER_DEGREE * math.cos(math.radians(CENTRE[0])))
    return (round(lat, 6), round(lon, 6))


def _point(rng, central, spread_m):
    """Around the centre (normal, ``spread_m``) with probability ``central``,
    else uniform over the square."""
    if rng.random() >= central:
        return _to_point(*(rng.uniform(-HALF_SIDE_M, HALF_SIDE_M) for _ in range(2)))
    while True:
        north, east = rng.gauss(0, spread_m), rng.gauss(0, spread_m)
        if abs(north) <= HALF_SIDE_M and abs(east) <= HALF_SIDE_M:
            return _to_point(north, east)


def _weighted(rng, table):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


# -- technicians ---------------------------------------------------------------
def _technicians(rng, count, days):
    skills = []
    for i in range(count):
        own = {SKILLS[i % len(SKILLS)]}
        extra = [s for s in SKILLS if s not in own]
        own.update(rng.sample(extra, _weighted(rng, TECH_SKILL_COUNTS) - 1))
        skills.append(own)
    need = min(2, count)
    for skill in SKILLS:
        while sum(skill in own for own in skills) < need:
            room = [i for i, own in enumerate(skills) if len(own) < 3 and skill not in own]
            if not room:
                break
            fewest = min(len(skills[i]) for i in room)
            skills[rng.choice([i for i in room if len(skills[i]) == fewest])].add(skill)
    overtime = set(rng.sample(range(count), round(OVERTIME_SHARE * count)))
    absent = set(rng.sample(range(count), max(1, round(ABSENT_SHARE * count))))
    techs = []
    for i in range(count):
        hourly = float(rng.randint(35, 60))
        absences = ()
        if i in absent:
            base = rng.randrange(days) * DAY
            if rng.random() < 0.5:
                start, end = (8 * HOUR, 12 * HOUR) if rng.random() < 0.5 else (12 * HOUR, SHIFT[1])
            else:
                start = rng.randint(9, 14) * HOUR
                end = start + 2 * HOUR
            absences = (Window(base + start, base + end),)
        shifts = tuple(
            Shift(d * DAY + SHIFT[0], d * DAY + SHIFT[1], (_shifted(BREAK, d * DAY),))
            for d in range(days)
        )
        techs.append(
            Technician(
                id=f"T{i + 1:03d}",
                start_location=i,
                shifts=shifts,
                skills=frozenset(skills[i]),
                absences=absences,
                hourly_cost=hourly,
                max_overtime=OVERTIME if i in overtime else 0,
            )
        )
    return techs


def _shifted(brk, offset):
    return Break(brk.earliest + offset, brk.latest + offset, brk.duration)


# -- orders --------------------------------------------------------------------
def _order(rng, index, location, techs, days):
    duration = _weighted(rng, DURATIONS) * MINUTE
    holder = rng.choice(techs)
    count = min(_weighted(rng, SKILL_COUNTS), len(holder.skills))
    skills = frozenset(rng.sample(sorted(holder.skills), count))
    base = rng.randrange(days) * DAY
    kind = rng.random()
    if kind < 0.55:
        if rng.random() < 0.5:
            windows = ()
        else:
            windows = tuple(Window(d * DAY + SHIFT[0], d * DAY + SHIFT[1]) for d in range(days))
    elif kind < 0.85:
        half = (8 * HOUR, 12 * HOUR) if rng.random() < 0.5 else (12 * HOUR, 17 * HOUR)
        windows = (Window(base + half[0], base + half[1]),)
    elif kind < 0.95:
        windows = (
            Window(base + 8 * HOUR, base + 10 * HOUR),
            Window(base + 15 * HOUR, base + 17 * HOUR),
        )
    else:
        start = base + rng.randint(8, 15) * HOUR
        windows = (Window(start, start + 2 * HOUR),)
    return {
        "id": f"O{index + 1:04d}",
        "location": location,
        "duration": duration,
        "windows": windows,
        "skills": skills,
        "priority": _weighted(rng, PRIORITIES),
    }


def _spans(draft, tech, durations):
    """The (earliest, latest) starts of the order on each working part of the
    technician, with the travel from and back home and inside a window."""
    out = int(durations[tech.start_location][draft["location"]])
    back = int(durations[draft["location"]][tech.home_end])
    duration = draft["duration"]
    spans = []
    for shift in tech.shifts:
        for part_start, part_end in tech.parts(shift):
            windows = draft["windows"] or (Window(part_start, part_end),)
            for window in windows:
                earliest = max(part_start + out, window.start)
                latest = min(window.end, part_end - back) - duration
                if earliest <= latest:
                    spans.append((earliest, latest))
    return spans


def _lock(rng, drafts, techs, durations):
    """Lock round(3 %) of the orders to a technician, round(2 %) more to a
    technician and a start (see the module docstring)."""
    to_tech = round(LOCKED_TECHNICIAN_SHARE * len(drafts))
    to_start = round(LOCKED_START_SHARE * len(drafts))
    booked = {t.id: [] for t in techs}
    for index in rng.sample(range(len(drafts)), len(drafts)):
        if not to_tech and not to_start:
            return
        draft = drafts[index]
        able = [t for t in techs if draft["skills"] <= t.skills]
        able = [t for t in able if _spans(draft, t, durations)]
        if not able:
            continue
        tech = rng.choice(able)
        if to_start:
            quarter = 15 * MINUTE
            duration = draft["duration"]
            starts = [
                s
                for earliest, latest in _spans(draft, tech, durations)
                for s in range(-(-earliest // quarter) * quarter, latest + 1, quarter)
                if all(
                    s >= end + LOCKED_GAP or s + duration + LOCKED_GAP <= start
                    for start, end in booked[tech.id]
                )
            ]
            if not starts:
                continue
            start = rng.choice(starts)
            booked[tech.id].append((start, start + duration))
            draft["locked_technician"], draft["locked_start"] = tech.id, start
            to_start -= 1
        else:
            draft["locked_technician"] = tech.id
            to_tech -= 1
