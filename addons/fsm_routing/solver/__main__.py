"""``python -m solver FILE.vrptw --seconds N [--seed S]``, from addons/fsm_routing/.

Solves a VRPLIB VRPTW file with at most its VEHICLES vehicles and prints one
JSON line: distance (in the file's unit), vehicles, unserved, seconds. A
missing or malformed file gets a one-line error and exit status 2.
"""

# A command line prints its answer: print is its interface, not a log.
# pylint: disable=print-used
import argparse
import json
import sys

from . import vrptw


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m solver", description=__doc__.split("\n")[0])
    parser.add_argument("file", help="a VRPLIB VRPTW file")
    parser.add_argument("--seconds", type=float, default=10.0, help="time limit (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--engine",
        choices=("suite", "pyvrp"),
        default="suite",
        help="suite: this solver (default); pyvrp: PyVRP alone with its defaults on the "
        "same data, the benchmarks' yardstick",
    )
    args = parser.parse_args(argv)
    if args.seconds <= 0:
        parser.error("--seconds must be positive")
    try:
        instance = vrptw.read(args.file)
    except vrptw.VrptwError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.engine == "pyvrp":
        figures = vrptw.pyvrp_baseline(instance, args.seconds, args.seed)
    else:
        _plan, figures = vrptw.solve(instance, args.seconds, args.seed)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
