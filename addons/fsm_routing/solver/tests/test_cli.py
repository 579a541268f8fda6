"""``python -m solver FILE.vrptw``: the figures on a tiny file, one-line errors
on bad ones, and the reader's distances against the file's convention."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from solver import vrptw

SOLVER_DIR = Path(__file__).resolve().parents[2]
DATA = SOLVER_DIR.parent.parent / "tests" / "data" / "vrptw"

TINY = """NAME : TINY
TYPE : CVRPTW
DIMENSION : 5
VEHICLES : 2
CAPACITY : 10
SERVICE_TIME : 10
SCALE : 10
EDGE_WEIGHT_TYPE : FLOOR_2D
NODE_COORD_SECTION
1 0 0
2 3 4
3 6 8
4 -3 -4
5 -6 -8
DEMAND_SECTION
1 0
2 4
3 4
4 4
5 4
TIME_WINDOW_SECTION
1 0 1000
2 0 100
3 0 200
4 0 100
5 0 200
DEPOT_SECTION
1
-1
EOF
"""


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "solver", *map(str, args)],
        cwd=SOLVER_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_a_tiny_file_is_solved_and_reported_on_one_line(tmp_path):
    path = tmp_path / "tiny.vrptw"
    path.write_text(TINY)
    out = cli(path, "--seconds", "1", "--seed", "3")
    assert out.returncode == 0, out.stderr
    (line,) = out.stdout.splitlines()
    figures = json.loads(line)
    # two out-and-back routes along the two rays: 2 x (5 + 5 + 10) = 40
    assert figures["distance"] == 40.0
    assert figures["vehicles"] == 2 and figures["unserved"] == 0
    assert 0 < figures["seconds"] < 5


def test_the_same_seed_on_the_same_file_gives_the_same_figures(tmp_path):
    path = tmp_path / "tiny.vrptw"
    path.write_text(TINY)
    instance = vrptw.read(path)
    first = vrptw.solve(instance, 5, seed=1, iterations=50)[1]
    again = vrptw.solve(instance, 5, seed=1, iterations=50)[1]
    assert {k: v for k, v in first.items() if k != "seconds"} == {
        k: v for k, v in again.items() if k != "seconds"
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "no such file"),
        ("garbage\n", "not a VRPLIB file"),
        (TINY.replace("TIME_WINDOW_SECTION", "OTHER_SECTION"), "no TIME_WINDOW section"),
        (TINY.replace("2 0 100", "2 100 0"), "ends before it starts"),
        (TINY.replace("FLOOR_2D", "GEO"), "Edge weight type or format unknown"),
        (TINY.replace("DIMENSION : 5", "DIMENSION : 7"), "DIMENSION"),
    ],
)
def test_a_missing_or_malformed_file_gets_a_one_line_error_and_exit_2(tmp_path, text, message):
    path = tmp_path / "bad.vrptw"
    if text is not None:
        path.write_text(text)
    out = cli(path, "--seconds", "1")
    assert out.returncode == 2
    assert out.stdout == ""
    (line,) = out.stderr.splitlines()
    assert line.startswith("error: ") and message in line


def test_distances_follow_the_file_convention():
    # Solomon: Euclidean truncated to a tenth; C101's depot (40, 50) to
    # customer 1 (45, 68) is 18.68..., kept as 186 tenths, times x 10
    c101 = vrptw.read(next((DATA / "solomon_100").glob("C101.*.vrptw")))
    assert c101.divisor == 10 and c101.matrix[0, 1] == 186
    assert c101.windows[0] == (0, 12360) and c101.service[1] == 900
    assert c101.vehicles == 10 and c101.capacity == 200
    # Gehring & Homberger: full precision in thousandths
    c1 = vrptw.read(next((DATA / "homberger_200").glob("C1_2_1.*.vrptw")))
    assert c1.divisor == 1000 and c1.matrix[0, 1] == round(1000 * ((70 - 33) ** 2 + 8**2) ** 0.5)
