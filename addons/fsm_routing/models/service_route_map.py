"""The route map's data (the client action ``fsm_routing.route_map``) and the
technician's *Route of the day* link.

The map shows one day: each technician's visits as a numbered route from
their start location through the stops and back, the unplanned orders as pins,
the orders that cannot be placed (a site without coordinates) in a list, and
where each technician was last seen that day. It reads the same rows as the
planning board (``service.route.board.get_board_data``), so the board and the
map never disagree on who does what, on what a technician may see, or on a
proposed plan laid over the current one.

Tiles come from the URL in the setting ``fsm_routing.map_tile_url``
(OpenStreetMap's by default, set at install); an empty setting draws the routes
on a blank background and fetches nothing, as the tests do.
"""

from urllib.parse import urlencode

from odoo import api, models
from odoo.exceptions import AccessError, UserError

from ..solver import ProblemError
from ..solver.travel import straight_line
from .service_route_board import _iso

TILE_URL_PARAM = "fsm_routing.map_tile_url"
TILE_ATTRIBUTION_PARAM = "fsm_routing.map_tile_attribution"
# Google Maps takes up to nine waypoints in a directions link
# (developers.google.com/maps/documentation/urls/get-started#directions-action)
ROUTE_LINK_WAYPOINTS = 9
DONE_STATES = ("done", "cancelled")


def _point(partner):
    if partner and (partner.partner_latitude or partner.partner_longitude):
        return [partner.partner_latitude, partner.partner_longitude]
    return False


class ServiceRouteMap(models.AbstractModel):
    _name = "service.route.map"
    _description = "Route map"

    # ------------------------------------------------------------------
    # the coordinators' map
    # ------------------------------------------------------------------
    @api.model
    def get_map_data(self, day=None, team_ids=None, plan_id=None):
        """Everything the map draws for ``day`` (an ISO date in the user's
        zone, today by default), in one call:

        * ``routes``: one per technician row of the board (a technician who
          is no coordinator gets their own only), with ``home`` ([lat, lng]
          or False), ``stops`` (the day's orders in time order, numbered,
          with coordinates), ``km`` (straight line times the company's road
          factor, home to home) and ``hours`` of work;
        * ``unplanned``: pins of the board's unplanned orders that have
          coordinates;
        * ``no_location``: orders of the day or unplanned whose site has no
          coordinates, to be mended on the site;
        * ``positions``: each technician's last fix of the day (today: where
          they are now), under the record rules of ``service.position``;
        * ``plan``: the proposal laid over the day, as on the board;
        * ``tile_url`` / ``tile_attribution``: the background map, or none.
        """
        Board = self.env["service.route.board"]
        board = Board.get_board_data(start=day, days=1, team_ids=team_ids, plan_id=plan_id)
        _day, day_start, day_end = Board._period(day, 1)
        Order = self.env["service.order"]
        order_ids = [bar["id"] for row in board["rows"] for bar in row["bars"]]
        order_ids += [order["id"] for order in board["unplanned"]]
        sites = {order.id: _point(order.location_id) for order in Order.browse(order_ids)}
        # sudo: the rows are already limited to what the user may see (their
        # companies, or a technician's own); only the start location is read
        employees = self.env["hr.employee"].sudo().browse([row["id"] for row in board["rows"]])
        homes = {employee.id: _point(employee._fsm_home()) for employee in employees}
        company = self.env.company
        routes, no_location = [], []
        for row in board["rows"]:
            stops = []
            for bar in sorted(row["bars"], key=lambda b: b["start"]):
                if not sites.get(bar["id"]):
                    no_location.append(dict(bar, technician=row["name"]))
                    continue
                stops.append(dict(bar, number=len(stops) + 1, point=sites[bar["id"]]))
            home = homes.get(row["id"])
            path = [home, *(stop["point"] for stop in stops), home]
            routes.append(
                {
                    "id": row["id"],
                    "name": row["name"],
                    "team_id": row["team_id"],
                    "home": home,
                    "stops": stops,
                    "km": self._path_km([p for p in path if p], company),
                    "hours": round(sum(stop["duration"] for stop in stops), 2),
                }
            )
        proposed = {stop["id"] for route in routes for stop in route["stops"] if stop["proposed"]}
        unplanned = []
        for order in board["unplanned"]:
            if order["id"] in proposed:
                continue  # the proposal places it: a numbered stop, not a pin
            if sites.get(order["id"]):
                unplanned.append(dict(order, point=sites[order["id"]]))
            else:
                no_location.append(dict(order, technician=False))
        ICP = self.env["ir.config_parameter"].sudo()
        return {
            "date": board["date"],
            "tz": board["tz"],
            "teams": board["teams"],
            "all_teams": board["all_teams"],
            "is_coordinator": board["is_coordinator"],
            "plan": board["plan"],
            "routes": routes,
            "unplanned": unplanned,
            "no_location": no_location,
            "positions": self._last_positions(employees.ids, day_start, day_end),
            "tile_url": ICP.get_param(TILE_URL_PARAM) or False,
            "tile_attribution": ICP.get_param(TILE_ATTRIBUTION_PARAM) or "",
        }

    @api.model
    def _path_km(self, points, company):
        """Kilometres along ``points`` in order, as the planner's straight
        line provider counts them (the company's road factor)."""
        if len(points) < 2:
            return 0.0
        try:
            _durations, metres = straight_line(
                points, company.fsm_road_factor or 1.3, company.fsm_average_speed or 40.0
            )
        except ProblemError:
            return 0.0
        return round(sum(int(metres[i, i + 1]) for i in range(len(points) - 1)) / 1000, 1)

    @api.model
    def _last_positions(self, employee_ids, begin, stop):
        """The last fix of the day of each of ``employee_ids`` the user may
        read (technicians their own, coordinators their companies'), between
        ``begin`` and ``stop`` (naive UTC)."""
        Position = self.env["service.position"]
        groups = Position._read_group(
            [
                ("employee_id", "in", employee_ids),
                ("recorded_at", ">=", begin),
                ("recorded_at", "<", stop),
            ],
            ["employee_id"],
            ["id:max"],
        )
        last = Position.browse([last_id for _employee, last_id in groups])
        return [
            {
                "employee_id": fix.employee_id.id,
                "name": fix.employee_id.name,
                "point": [fix.latitude, fix.longitude],
                "recorded_at": _iso(fix.recorded_at),
                "accuracy": fix.accuracy,
                "source": fix.source,
            }
            for fix in last.sorted(lambda f: f.employee_id.name or "")
        ]

    @api.model
    def get_track(self, employee_id, day=None):
        """The fixes of ``employee_id`` on ``day``, in time order: the replay
        of where they went. A technician replays only their own day."""
        employee = self.env["hr.employee"].sudo().browse(int(employee_id)).exists()
        if not employee:
            raise UserError(self.env._("This technician no longer exists."))
        board = self.env["service.route.board"]
        if not board._is_coordinator() and employee.user_id != self.env.user:
            raise AccessError(self.env._("You can only replay your own day."))
        if employee.company_id not in self.env.companies:
            raise AccessError(self.env._("%s works for another company.", employee.name))
        _day, begin, stop = board._period(day, 1)
        fixes = self.env["service.position"].search_read(
            [
                ("employee_id", "=", employee.id),
                ("recorded_at", ">=", begin),
                ("recorded_at", "<", stop),
            ],
            ["latitude", "longitude", "recorded_at"],
            order="recorded_at, id",
        )
        return {
            "employee_id": employee.id,
            "name": employee.name,
            "points": [
                [fix["latitude"], fix["longitude"], _iso(fix["recorded_at"])] for fix in fixes
            ],
        }

    # ------------------------------------------------------------------
    # the technician's route of the day
    # ------------------------------------------------------------------
    @api.model
    def get_day_route(self):
        """The *Route of the day* link of the technician's My day: Google
        Maps directions through today's visits still to do, in time order.

        The link has no origin, so the phone starts from where it is (in the
        morning their start location, later wherever the last visit was);
        it ends at the technician's start location when that is known, else
        at the last visit. Google takes nine waypoints: with more visits the
        link covers the next ten and says so. Returns ``{"url", "stops",
        "total", "missing"}``: ``url`` False when there is nothing to drive
        to, ``missing`` the visits whose site has no address at all."""
        employee = self.env.user.employee_id
        result = {"url": False, "stops": 0, "total": 0, "missing": []}
        if not employee:
            return result
        orders = self.env["service.order"].search(
            [
                ("technician_id", "=", employee.id),
                ("state", "not in", DONE_STATES),
                ("scheduled_start", ">=", "today"),
                ("scheduled_start", "<", "today +1d"),
            ],
            order="scheduled_start, id",
        )
        places = []
        for order in orders:
            place = order.location_id._fsm_directions_place() if order.location_id else False
            if place:
                places.append(place)
            else:
                result["missing"].append(order.display_name)
        result["total"] = len(places)
        if not places:
            return result
        home = employee.sudo()._fsm_home()
        home_place = home._fsm_directions_place() if home else False
        if home_place and len(places) <= ROUTE_LINK_WAYPOINTS:
            waypoints, destination = places, home_place
        else:
            # the last visit the link can hold is where it ends
            covered = places[: ROUTE_LINK_WAYPOINTS + 1]
            waypoints, destination = covered[:-1], covered[-1]
        params = {"api": "1", "destination": destination, "travelmode": "driving"}
        if waypoints:
            params["waypoints"] = "|".join(waypoints)
        result["url"] = "https://www.google.com/maps/dir/?" + urlencode(params)
        result["stops"] = min(len(places), ROUTE_LINK_WAYPOINTS + 1)
        return result
