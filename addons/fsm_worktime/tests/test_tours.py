from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.fsm_orders.tests.common import FsmWorldMixin


@tagged("post_install", "-at_install")
class TestWorktimeTours(FsmWorldMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_fsm_world()
        cls.user_tech_north.password = "tech_north"
        cls.order = cls._new_order(
            contact_id=cls.contact_cafe.id,
            technician_id=cls.tech_north.id,
            team_id=cls.team_north.id,
            scheduled_start=fields.Datetime.now(),
            scheduled_duration=1.0,
        )
        cls.order.with_context(fsm_skip_client_notification=True).action_dispatch()

    def test_travel_work_break_finish_on_the_phone(self):
        self.browser_size = "390x844"
        self.touch_enabled = True
        self.start_tour("/odoo/my-day", "fsm_worktime_visit_on_the_phone", login="tech_north")
        entries = self.order.work_time_ids.sorted(lambda e: (e.date_start, e.id))
        self.assertEqual(entries.mapped("category"), ["travel", "work", "break", "work"])
        self.assertEqual(entries[0].distance_km, 12)
        self.assertFalse(entries.filtered("is_running"), "Finish stopped the timer")
        self.assertEqual(self.order.state, "done")
        admin = self.env["service.work.time"].search(
            [("employee_id", "=", self.tech_north.id), ("order_id", "=", False)]
        )
        self.assertEqual(admin.category, "admin")
        self.assertFalse(admin.is_running, "stopped from the bar")

    def test_the_planning_shows_an_approved_absence(self):
        """The coordinator's planning draws the technician's approved time off
        of the week beside the orders."""
        today = fields.Date.today()
        # a working day in the calendar's week (Sunday to Saturday)
        day = today + timedelta(days={5: -1, 6: 1}.get(today.weekday(), 0))
        leave_type = self.env["hr.leave.type"].create(
            {"name": "Vacation", "requires_allocation": False, "leave_validation_type": "hr"}
        )
        leave = self.env["hr.leave"].create(
            {
                "employee_id": self.tech_north.id,
                "holiday_status_id": leave_type.id,
                "request_date_from": day,
                "request_date_to": day,
            }
        )
        leave.with_context(fsm_replan_confirmed=True).action_approve()
        self.assertEqual(leave.state, "validate")
        self.user_coord_north.password = "coord_north"
        action = self.env.ref("fsm_orders.action_service_order_calendar")
        self.start_tour(
            f"/odoo/action-{action.id}", "fsm_worktime_absence_on_the_planning", login="coord_north"
        )
