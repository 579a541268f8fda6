"""Travel times and distances between places, from their coordinates.

``straight_line`` is the default provider, and works offline: the
great-circle (haversine) distance on a sphere of the Earth's mean radius,
times a road factor (roads are longer than the crow's flight; 1.3 is a usual
figure for a city and its suburbs), driven at one average speed.

A *provider* is any callable ``provider(points) -> (durations, distances)``
where ``points`` is a sequence of (latitude, longitude) in degrees and both
results are square numpy int64 arrays indexed like ``points``: seconds and
metres from row to column, zero on the diagonal. That is what
``model.Problem`` takes as its matrices. The planning addon adds an adapter for an
OSRM server the firm runs itself, returning the same shape (there the
matrices need not be symmetric).
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
