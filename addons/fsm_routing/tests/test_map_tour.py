from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..models.service_route_map import TILE_URL_PARAM
from .common import RoutingCase


@tagged("post_install", "-at_install")
class TestRouteMapTours(RoutingCase, HttpCase):
    """The coordinator's map of today on a desktop, and the technician's
    *Route of the day* on a phone; no tile is fetched (no tile URL)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(TILE_URL_PARAM, False)
        now = fields.Datetime.now().replace(second=0, microsecond=0)
        cls.first = cls._plannable_order(
            technician_id=cls.tech_north.id, scheduled_start=now + timedelta(minutes=5)
        )
        cls.second = cls._plannable_order(
            site=cls.site_bar,
            machine=cls.env["service.equipment"],
            technician_id=cls.tech_north.id,
            scheduled_start=now + timedelta(hours=2),
        )
        (cls.first | cls.second).action_plan()
        cls.pin = cls._plannable_order(site=cls.site_kafe, machine=cls.env["service.equipment"])
        cls.tech_north.fsm_share_position = True
        for minutes, latitude, longitude in ((-2, 59.355, 18.02), (0, 59.35, 18.03)):
            cls.env["service.position"].sudo().create(
                {
                    "employee_id": cls.tech_north.id,
                    "recorded_at": now + timedelta(minutes=minutes),
                    "latitude": latitude,
                    "longitude": longitude,
                    "source": "fleet",
                }
            )

    def test_the_days_routes_pins_and_replay_on_the_map(self):
        self.user_coord_north.password = "coord_north"
        self.start_tour(
            "/odoo/action-fsm_routing.action_route_map", "route_map_tour", login="coord_north"
        )

    def test_the_route_of_the_day_on_the_phone(self):
        self.first.with_context(fsm_skip_client_notification=True).action_dispatch()
        self.browser_size = "390x844"
        self.touch_enabled = True
        self.user_tech_north.password = "tech_north"
        self.start_tour("/odoo/my-day", "route_of_the_day_tour", login="tech_north")

    def test_review_a_proposed_plan_on_the_map_and_apply_it(self):
        monday_job = self._plannable_order(
            site=self.site_kafe, machine=self.env["service.equipment"]
        )
        plan = (
            self.env["service.route.plan"]
            .with_user(self.user_coord_north)
            .create({"date_from": self.day, "period": "day", "team_ids": self.team_north.ids})
        )
        plan.action_run()
        self.assertEqual(plan.state, "done", plan.message)
        line = plan.line_ids.filtered(lambda ln: ln.order_id == monday_job)
        self.assertFalse(line.left_out)
        self.user_coord_north.password = "coord_north"
        self.start_tour(
            f"/odoo/action-fsm_routing.action_route_plan/{plan.id}",
            "route_map_plan_tour",
            login="coord_north",
        )
        self.assertEqual(plan.state, "applied")
        self.assertEqual(monday_job.technician_id, line.technician_id)
        self.assertEqual(monday_job.scheduled_start, line.start)
