"""Travel times and distances between places, from their coordinates.

``straight_line`` is the default provider, and works offline: the
great-circle (haversine) distance on a sphere of the Earth's mean radius,
times a road factor (roads are longer than the crow's flight; 1.3 is a usual
figure for a city and its suburbs), driven at one average speed.

A *provider* is any callable ``provider(points) -> (durations, distances)``
where ``points`` is a sequence of (latitude, longitude) in degrees and both
results are square numpy int64 arrays indexed like ``points``: seconds and
metres from row to column, zero on the diagonal. That is what
``model.Problem`` takes as its matrices. ``osrm`` is the adapter for an OSRM
server the firm runs itself (its Table service), with the same shape (there
the matrices need not be symmetric); nothing here reaches the internet
unless a caller names a server.
"""

import numpy as np

from .model import ProblemError

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)


def straight_line(points, road_factor=1.3, speed_kmh=40.0):
    """(durations in seconds, distances in metres) between ``points``.

    distance = haversine distance x ``road_factor``, rounded to the metre;
    duration = that distance at ``speed_kmh``, rounded to the second.
    Raises ProblemError on points that are not (latitude, longitude) pairs in
    range, a road factor below 1 or a speed that is not positive.
    """
    if not road_factor >= 1:
        raise ProblemError(f"the road factor must be at least 1, not {road_factor!r}")
    if not speed_kmh > 0:
        raise ProblemError(f"the average speed must be positive, not {speed_kmh!r} km/h")
    coords = coordinates(points)
    lat, lon = coords[:, 0], coords[:, 1]
    phi, lam = np.radians(lat), np.radians(lon)
    half_dphi = (phi[:, None] - phi[None, :]) / 2
    half_dlam = (lam[:, None] - lam[None, :]) / 2
    h = (
        np.sin(half_dphi) ** 2
        + np.cos(phi)[:, None] * np.cos(phi)[None, :] * np.sin(half_dlam) ** 2
    )
    # h can exceed 1 by a rounding error for antipodal points
    metres = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))) * road_factor
    distances = np.rint(metres).astype(np.int64)
    durations = np.rint(distances / (speed_kmh / 3.6)).astype(np.int64)
    np.fill_diagonal(distances, 0)
    np.fill_diagonal(durations, 0)
    return durations, distances


def coordinates(points):
    """``points`` as an (n, 2) float array of valid (latitude, longitude)."""
    try:
        coords = np.asarray(points, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ProblemError(f"the points are not (latitude, longitude) pairs: {exc}") from exc
    if coords.size == 0:
        coords = coords.reshape(0, 2)
    if coords.ndim != 2 or coords.shape[1] != 2:
        raise ProblemError(
            f"the points are not (latitude, longitude) pairs (an array of shape {coords.shape})"
        )
    lat, lon = coords[:, 0], coords[:, 1]
    if not np.isfinite(coords).all():
        raise ProblemError("a point has a coordinate that is not a finite number")
    bad = np.flatnonzero((lat < -90) | (lat > 90))
    if bad.size:
        raise ProblemError(f"point {bad[0]}: latitude {lat[bad[0]]} is outside [-90, 90]")
    bad = np.flatnonzero((lon < -180) | (lon > 180))
    if bad.size:
        raise ProblemError(f"point {bad[0]}: longitude {lon[bad[0]]} is outside [-180, 180]")
    return coords


class TravelError(ProblemError):
    """A routing server could not give the travel matrix (the message says why)."""


# What a pair the road network does not join gets (seconds and metres):
# longer than any shift, so no plan uses it and the order is left out.
UNREACHABLE = 10**8


def osrm(points, url, profile="driving", max_table_size=100, timeout=30.0, session=None):
    """(durations in seconds, distances in metres) from an OSRM server.

    ``url`` is the server the firm runs (``http://osrm.internal:5000``); its
    Table service is asked for both annotations. OSRM answers at most
    ``max_table_size`` coordinates per request (its ``--max-table-size``,
    100 by default), so a larger matrix is asked block by block, half of the
    coordinates as sources and half as destinations. A pair the network does
    not join gets UNREACHABLE. ``session`` is anything with requests'
    ``get(url, timeout=...)`` (tests pass a double; nothing else is called).
    Raises TravelError when the server cannot be reached or refuses.
    """
    coords = coordinates(points)
    if max_table_size < 2:
        raise ProblemError(f"max_table_size must be at least 2, not {max_table_size!r}")
    if session is None:
        import requests  # noqa: PLC0415  (only this adapter needs it)

        session = requests.Session()
    size = len(coords)
    durations = np.zeros((size, size), dtype=np.int64)
    distances = np.zeros((size, size), dtype=np.int64)
    block = max_table_size // 2
    base = url.rstrip("/")
    for s0 in range(0, size, block):
        sources = list(range(s0, min(s0 + block, size)))
        for d0 in range(0, size, block):
            targets = list(range(d0, min(d0 + block, size)))
            places = sources + [t for t in targets if t not in sources]
            where = {p: i for i, p in enumerate(places)}
            query = ";".join(f"{coords[p][1]:.6f},{coords[p][0]:.6f}" for p in places)
            request = (
                f"{base}/table/v1/{profile}/{query}?annotations=duration,distance"
                f"&sources={';'.join(str(where[p]) for p in sources)}"
                f"&destinations={';'.join(str(where[p]) for p in targets)}"
            )
            answer = _ask(session, request, timeout, base)
            for kind, matrix in (("durations", durations), ("distances", distances)):
                rows = answer.get(kind)
                if not isinstance(rows, list) or len(rows) != len(sources):
                    raise TravelError(f"the OSRM server at {base} gave no {kind} table")
                for i, row in zip(sources, rows, strict=True):
                    if not isinstance(row, list) or len(row) != len(targets):
                        raise TravelError(f"the OSRM server at {base} gave a short {kind} row")
                    matrix[i, targets] = [UNREACHABLE if v is None else round(v) for v in row]
    np.fill_diagonal(durations, 0)
    np.fill_diagonal(distances, 0)
    return durations, distances


def _ask(session, request, timeout, base):
    try:
        response = session.get(request, timeout=timeout)
    except Exception as exc:  # noqa: BLE001  (requests' errors and the socket's)
        raise TravelError(f"the OSRM server at {base} cannot be reached: {exc}") from exc
    try:
        answer = response.json()
    except ValueError as exc:
        raise TravelError(
            f"the OSRM server at {base} answered {response.status_code} without JSON"
        ) from exc
    if response.status_code != 200 or answer.get("code") != "Ok":
        why = answer.get("message") or answer.get("code") or response.status_code
        raise TravelError(f"the OSRM server at {base} refused the table: {why}")
    return answer
