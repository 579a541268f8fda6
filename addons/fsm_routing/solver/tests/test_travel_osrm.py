"""The OSRM adapter against a double of an OSRM server's Table service: the
requests it makes, the blocks of a large matrix, and the errors it reports."""

import re
from functools import partial
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from solver import Order, Problem, Shift, Technician, travel
from solver.model import ProblemError

POINTS = [(59.33, 18.06), (59.86, 17.64), (59.61, 16.55), (58.41, 15.62), (59.37, 16.51)]


class Response:
    def __init__(self, status, payload):
        self.status_code = status
        self._payload = payload

    def json(self):
        if isinstance(self._payload, Exception):
            raise self._payload
        return self._payload


class FakeOsrm:
    """Answers like OSRM's /table/v1 with straight-line figures (seconds and
    metres as floats), and keeps every URL asked; ``unreachable`` pairs of
    point indexes get null, as OSRM gives for places its network cannot join."""

    def __init__(self, points, max_table_size=100, unreachable=(), answer=None):
        self.durations, self.distances = travel.straight_line(points)
        self.points = points
        self.max_table_size = max_table_size
        self.unreachable = set(unreachable)
        self.answer = answer
        self.urls = []

    def get(self, url, timeout):
        assert timeout > 0
        self.urls.append(url)
        if self.answer is not None:
            return self.answer
        parts = urlsplit(url)
        match = re.fullmatch(r"/table/v1/driving/(.+)", parts.path)
        places = [tuple(map(float, c.split(","))) for c in match.group(1).split(";")]
        if len(places) > self.max_table_size:
            return Response(400, {"code": "TooBig", "message": "Too many table coordinates"})
        query = parse_qs(parts.query)
        assert query["annotations"] == ["duration,distance"]
        # lon,lat back to the point index
        index = [
            next(i for i, (lat, lon) in enumerate(self.points)
                 if abs(lat - p[1]) < 1e-6 and abs(lon - p[0]) < 1e-6)
            for p in places
        ]  # fmt: skip
        sources = [index[int(i)] for i in query["sources"][0].split(";")]
        targets = [index[int(i)] for i in query["destinations"][0].split(";")]

        def table(matrix):
            return [
                [None if (a, b) in self.unreachable else float(matrix[a, b]) + 0.4
                 for b in targets]
                for a in sources
            ]  # fmt: skip

        return Response(
            200,
            {"code": "Ok", "durations": table(self.durations), "distances": table(self.distances)},
        )


def test_the_matrix_comes_from_the_servers_table_in_one_request():
    server = FakeOsrm(POINTS)
    durations, distances = travel.osrm(POINTS, "http://osrm.test:5000/", session=server)
    assert len(server.urls) == 1
    assert server.urls[0].startswith("http://osrm.test:5000/table/v1/driving/18.060000,59.330000;")
    np.testing.assert_array_equal(durations, server.durations)
    np.testing.assert_array_equal(distances, server.distances)
    assert durations.dtype == np.int64 and not durations.diagonal().any()


def test_a_large_matrix_is_asked_block_by_block_within_the_servers_limit():
    server = FakeOsrm(POINTS, max_table_size=4)
    durations, distances = travel.osrm(POINTS, "http://osrm.test", max_table_size=4, session=server)
    # blocks of two sources and two destinations: 3 x 3 requests for 5 points
    assert len(server.urls) == 9
    np.testing.assert_array_equal(durations, server.durations)
    np.testing.assert_array_equal(distances, server.distances)


def test_a_pair_the_network_does_not_join_is_unreachable():
    server = FakeOsrm(POINTS, unreachable={(0, 3)})
    durations, distances = travel.osrm(POINTS, "http://osrm.test", session=server)
    assert durations[0, 3] == distances[0, 3] == travel.UNREACHABLE
    assert durations[3, 0] == server.durations[3, 0]


class Down:
    def get(self, url, timeout):
        raise ConnectionError("Connection refused")


@pytest.mark.parametrize(
    ("session", "message"),
    [
        (Down(), "cannot be reached: Connection refused"),
        (FakeOsrm(POINTS, answer=Response(502, ValueError("no JSON"))), "502 without JSON"),
        (
            FakeOsrm(POINTS, answer=Response(400, {"code": "InvalidQuery", "message": "bad"})),
            "refused the table: bad",
        ),
        (FakeOsrm(POINTS, answer=Response(200, {"code": "Ok"})), "no durations table"),
    ],
)
def test_a_server_that_fails_says_so(session, message):
    with pytest.raises(travel.TravelError, match=message):
        travel.osrm(POINTS, "http://osrm.test", session=session)


def test_bad_points_are_refused_before_any_request():
    server = FakeOsrm(POINTS)
    with pytest.raises(ProblemError, match="latitude"):
        travel.osrm([(95.0, 18.0)], "http://osrm.test", session=server)
    assert server.urls == []


def test_a_problem_from_coordinates_and_a_provider():
    orders = [Order("o", 1, 600)]
    techs = [Technician("t", 0, (Shift(0, 86400),))]
    offline = Problem.from_points(orders, techs, POINTS[:2])
    np.testing.assert_array_equal(offline.durations, travel.straight_line(POINTS[:2])[0])
    server = FakeOsrm(POINTS[:2])
    routed = Problem.from_points(
        orders, techs, POINTS[:2], partial(travel.osrm, url="http://osrm.test", session=server)
    )
    assert len(server.urls) == 1
    np.testing.assert_array_equal(routed.distances, server.distances)
