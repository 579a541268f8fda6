from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from odoo.addons.fsm_orders.tests.common import CompanySeparationMixin

from ..models.service_route_map import ROUTE_LINK_WAYPOINTS, TILE_URL_PARAM
from ..solver.travel import straight_line
from .common import RoutingCase, stockholm


def _point(partner):
    return [partner.partner_latitude, partner.partner_longitude]


@tagged("post_install", "-at_install")
class TestRouteMap(CompanySeparationMixin, RoutingCase):
    """The day on a map: numbered routes home to home, unplanned pins, the
    orders that cannot be shown, last positions and a day's replay, for
    whom may see them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_other_company()
        cls.Map = cls.env["service.route.map"]
        cls.Position = cls.env["service.position"]
        # Anna: the bar at 13:00 (entered first) and the café at 09:00
        cls.afternoon = cls._plannable_order(
            site=cls.site_bar,
            machine=cls.env["service.equipment"],
            technician_id=cls.tech_north.id,
            scheduled_start=cls._at(13),
        )
        cls.morning = cls._plannable_order(
            technician_id=cls.tech_north.id, scheduled_start=cls._at(9)
        )
        # Erik: the café of Vasastan at 10:00
        cls.erik_job = cls._plannable_order(
            site=cls.site_kafe,
            machine=cls.env["service.equipment"],
            technician_id=cls.tech_south.id,
            scheduled_start=cls._at(10),
            team_id=cls.team_south.id,
        )
        (cls.afternoon | cls.morning | cls.erik_job).action_plan()
        cls.pin = cls._plannable_order(site=cls.site_kafe, machine=cls.env["service.equipment"])
        cls.nowhere = cls.env["res.partner"].create(
            {"name": "Somewhere", "parent_id": cls.client_cafe.id, "type": "other"}
        )
        cls.lost = cls._plannable_order(site=cls.nowhere, machine=cls.env["service.equipment"])
        cls.tech_north.fsm_share_position = True
        cls.tech_south.fsm_share_position = True
        for employee, hour, latitude in (
            (cls.tech_north, 9, 59.3429),
            (cls.tech_north, 11, 59.3300),
            (cls.tech_south, 10, 59.3450),
        ):
            cls.Position.sudo().create(
                {
                    "employee_id": employee.id,
                    "recorded_at": stockholm(cls.day, hour),
                    "latitude": latitude,
                    "longitude": 18.05,
                    "source": "fleet",
                }
            )
        cls.env["ir.config_parameter"].sudo().set_param(TILE_URL_PARAM, False)

    def _map(self, user=None, **kw):
        return self.Map.with_user(user or self.user_coord_north).get_map_data(str(self.day), **kw)

    def _routes(self, data):
        return {route["name"]: route for route in data["routes"]}

    def test_each_technician_gets_a_numbered_route_from_home_and_back(self):
        anna = self._routes(self._map())["Anna Andersson"]
        self.assertEqual(anna["home"], _point(self.home_north))
        self.assertEqual(
            [(stop["number"], stop["id"]) for stop in anna["stops"]],
            [(1, self.morning.id), (2, self.afternoon.id)],
            "numbered in time order, not in the order they were entered",
        )
        self.assertEqual(anna["stops"][0]["point"], _point(self.site_cafe))
        path = [
            _point(p) for p in (self.home_north, self.site_cafe, self.site_bar, self.home_north)
        ]
        company = self.env.company
        _seconds, metres = straight_line(path, company.fsm_road_factor, company.fsm_average_speed)
        expected = sum(int(metres[i, i + 1]) for i in range(3)) / 1000
        self.assertAlmostEqual(anna["km"], expected, places=1)
        self.assertGreater(anna["km"], 0)
        self.assertEqual(anna["hours"], 2.0)

    def test_unplanned_orders_are_pins_and_sites_without_coordinates_a_list(self):
        data = self._map()
        self.assertEqual([pin["id"] for pin in data["unplanned"]], [self.pin.id])
        self.assertEqual(data["unplanned"][0]["point"], _point(self.site_kafe))
        self.assertEqual([order["id"] for order in data["no_location"]], [self.lost.id])
        # a planned visit at a site without coordinates leaves the route, not the day
        self.morning.location_id = self.nowhere
        data = self._map()
        anna = self._routes(data)["Anna Andersson"]
        self.assertEqual([(s["number"], s["id"]) for s in anna["stops"]], [(1, self.afternoon.id)])
        missing = {order["id"]: order["technician"] for order in data["no_location"]}
        self.assertEqual(missing[self.morning.id], "Anna Andersson")

    def test_the_last_position_of_the_day_and_the_replay(self):
        data = self._map()
        last = {fix["name"]: fix["point"][0] for fix in data["positions"]}
        self.assertEqual(last, {"Anna Andersson": 59.33, "Erik Eriksson": 59.345})
        track = self.Map.with_user(self.user_coord_north).get_track(
            self.tech_north.id, str(self.day)
        )
        self.assertEqual([point[0] for point in track["points"]], [59.3429, 59.33])
        self.assertTrue(track["points"][0][2].endswith("Z"))
        tuesday = self.Map.with_user(self.user_coord_north).get_map_data(
            str(self.day + timedelta(days=1))
        )
        self.assertFalse(tuesday["positions"], "no fix that day")

    def test_a_proposed_plan_shows_on_the_map_as_on_the_board(self):
        plan = self.env["service.route.plan"].create(
            {"date_from": self.day, "scope": "unplanned", "team_ids": [(6, 0, self.team_north.ids)]}
        )
        plan.with_user(self.user_coord_north).action_run()
        self.assertEqual(plan.state, "done")
        line = plan.line_ids.filtered(lambda ln: ln.order_id == self.pin and not ln.left_out)
        self.assertTrue(line, "the plan places the pinned order")
        data = self._map(plan_id=plan.id)
        self.assertEqual(data["plan"]["id"], plan.id)
        route = next(r for r in data["routes"] if r["id"] == line.technician_id.id)
        proposed = [stop for stop in route["stops"] if stop["proposed"]]
        self.assertIn(self.pin.id, [stop["id"] for stop in proposed])
        self.assertNotIn(self.pin.id, [pin["id"] for pin in data["unplanned"]])

    def test_the_background_comes_from_the_setting_and_none_without_it(self):
        self.assertFalse(self._map()["tile_url"], "no tiles fetched without a URL")
        url = "https://tiles.example.test/{z}/{x}/{y}.png"
        self.env["res.config.settings"].create({"fsm_map_tile_url": url}).execute()
        self.assertEqual(self._map()["tile_url"], url)

    def test_a_technician_sees_only_their_own_route_and_position(self):
        data = self._map(self.user_tech_north)
        self.assertEqual(list(self._routes(data)), ["Anna Andersson"])
        self.assertEqual([fix["name"] for fix in data["positions"]], ["Anna Andersson"])
        self.assertFalse(data["unplanned"], "no unplanned orders for a technician")
        Map = self.Map.with_user(self.user_tech_north)
        self.assertEqual(len(Map.get_track(self.tech_north.id, str(self.day))["points"]), 2)
        with self.assertRaises(AccessError):
            Map.get_track(self.tech_south.id, str(self.day))

    def test_a_coordinator_of_another_company_sees_none(self):
        data = self._map(self.user_coord_other)
        self.assertFalse(data["routes"])
        self.assertFalse(data["positions"])
        self.assertFalse(data["unplanned"])
        self.assertFalse(data["no_location"])
        with self.assertRaises(AccessError):
            self.Map.with_user(self.user_coord_other).get_track(self.tech_north.id, str(self.day))


TODAY = date(2030, 1, 7)  # a Monday; the tests run at 07:00 in Stockholm


@tagged("post_install", "-at_install")
@freeze_time("2030-01-07 06:00:00")
class TestRouteOfTheDay(RoutingCase):
    """The technician's *Route of the day* link: today's visits still to do,
    in time order, as Google Maps directions ending at home."""

    def _link(self, user=None):
        return self.env["service.route.map"].with_user(user or self.user_tech_north).get_day_route()

    def _params(self, url):
        parsed = urlparse(url)
        self.assertEqual((parsed.netloc, parsed.path), ("www.google.com", "/maps/dir/"))
        return {key: values[0] for key, values in parse_qs(parsed.query).items()}

    def _visit(self, hour, minute=0, site=None):
        order = self._plannable_order(
            site=site,
            hours=0.5,
            machine=self.env["service.equipment"],
            technician_id=self.tech_north.id,
            scheduled_start=self._at(hour, minute, day=TODAY),
        )
        order.action_plan()
        return order

    def test_the_days_visits_in_time_order_back_home(self):
        late = self._visit(14, site=self.site_bar)
        early = self._visit(9)
        self._visit(8, site=self.site_kafe).write({"state": "done"})
        self._visit(10, site=self.site_kafe).write({"state": "cancelled"})
        link = self._link()
        params = self._params(link["url"])
        self.assertNotIn("origin", params, "Google starts from where the phone is")
        self.assertEqual(params["destination"], self.home_north._fsm_directions_place())
        self.assertEqual(
            params["waypoints"].split("|"),
            [early.location_id._fsm_directions_place(), late.location_id._fsm_directions_place()],
            "in time order, and the finished visit is not driven to again",
        )
        self.assertEqual((link["stops"], link["total"]), (2, 2))
        self.assertFalse(self._link(self.user_tech_south)["url"], "Erik has no visit today")

    def test_a_long_day_is_cut_at_what_google_takes_and_says_so(self):
        count = ROUTE_LINK_WAYPOINTS + 3
        visits = [self._visit(8 + i // 2, 30 * (i % 2)) for i in range(count)]
        link = self._link()
        params = self._params(link["url"])
        self.assertEqual(len(params["waypoints"].split("|")), ROUTE_LINK_WAYPOINTS)
        self.assertEqual((link["stops"], link["total"]), (ROUTE_LINK_WAYPOINTS + 1, count))
        self.assertEqual(
            params["destination"],
            visits[ROUTE_LINK_WAYPOINTS].location_id._fsm_directions_place(),
            "the link ends at the last visit it can hold, not at home",
        )

    def test_a_visit_without_an_address_is_named_not_lost(self):
        bare = self.env["res.partner"].create(
            {"name": "Nowhere", "parent_id": self.client_cafe.id, "type": "other"}
        )
        self._visit(9)
        lost = self._visit(11, site=bare)
        link = self._link()
        self.assertEqual(link["missing"], [lost.display_name])
        self.assertEqual(link["stops"], 1)
        params = self._params(link["url"])
        self.assertEqual(params["waypoints"], self.site_cafe._fsm_directions_place())
        self.assertEqual(params["destination"], self.home_north._fsm_directions_place())
