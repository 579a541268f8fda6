from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import WorktimeCase


@tagged("post_install", "-at_install")
class TestAbsencesMeetThePlanning(WorktimeCase):
    """An approved absence (Odoo Time Off) keeps visits off the technician at
    any moment of their duration; approving one over scheduled visits lists
    them and leaves a re-plan activity on each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leave_type = cls.env["hr.leave.type"].create(
            {"name": "Vacation", "requires_allocation": False, "leave_validation_type": "hr"}
        )
        cls.day = fields.Date.today() + timedelta(days=7)
        while cls.day.weekday() >= 5:  # a working day
            cls.day += timedelta(days=1)

    def _leave(self, employee=None):
        return self.env["hr.leave"].create(
            {
                "employee_id": (employee or self.tech_north).id,
                "holiday_status_id": self.leave_type.id,
                "request_date_from": self.day,
                "request_date_to": self.day,
            }
        )

    def _planned(self, start, hours, technician=None):
        technician = technician or self.tech_north
        order = self._new_order(
            technician_id=technician.id,
            team_id=(self.team_north if technician == self.tech_north else self.team_south).id,
            scheduled_start=start,
            scheduled_duration=hours,
        )
        order.action_plan()
        return order

    def test_dispatch_is_refused_over_any_moment_of_an_absence(self):
        leave = self._leave()
        leave.action_approve()
        self.assertEqual(leave.state, "validate")
        start, stop = leave.date_from, leave.date_to
        overlapping = {
            "inside": self._planned(start + timedelta(hours=1), 1.5),
            "ends inside": self._planned(start - timedelta(minutes=30), 1.0),
            "starts inside": self._planned(stop - timedelta(minutes=30), 2.0),
            "around": self._planned(start - timedelta(hours=1), 12.0),
        }
        for case, order in overlapping.items():
            with self.subTest(case=case):
                self.assertFalse(order.can_dispatch, "the button is not offered")
                with self.assertRaisesRegex(UserError, "is absent .*Vacation"):
                    order.with_context(fsm_skip_client_notification=True).action_dispatch()
                self.assertEqual(order.state, "planned")
        before = self._planned(start - timedelta(hours=1.5), 1.5)  # ends as the absence starts
        after = self._planned(stop, 1.0)
        eriks = self._planned(start + timedelta(hours=1), 1.0, technician=self.tech_south)
        for order in (before, after, eriks):
            self.assertTrue(order.can_dispatch)
            order.with_context(fsm_skip_client_notification=True).action_dispatch()
            self.assertEqual(order.state, "dispatched")

    def test_a_requested_absence_does_not_block_the_planning(self):
        leave = self._leave()
        self.assertEqual(leave.state, "confirm")
        order = self._planned(leave.date_from + timedelta(hours=1), 1.0)
        self.assertTrue(order.can_dispatch)

    def test_approving_an_absence_over_visits_lists_them_and_asks_to_replan(self):
        leave = self._leave()
        visit = self._planned(leave.date_from + timedelta(hours=1), 1.0)
        visit.with_context(fsm_skip_client_notification=True).action_dispatch()
        untouched = self._planned(leave.date_to + timedelta(days=1), 1.0)
        action = leave.action_approve()
        self.assertEqual(leave.state, "confirm", "not approved before the approver confirms")
        self.assertEqual(action["res_model"], "service.leave.replan")
        wizard = Form(self.env["service.leave.replan"].with_context(**action["context"])).save()
        self.assertEqual(wizard.order_ids, visit)
        wizard.action_confirm()
        self.assertEqual(leave.state, "validate")
        replan = visit.activity_ids.filtered(lambda a: "Re-plan" in (a.summary or ""))
        self.assertEqual(len(replan), 1)
        self.assertEqual(replan.user_id, self.user_coord_north, "the team's coordinator")
        self.assertFalse(untouched.activity_ids.filtered(lambda a: "Re-plan" in (a.summary or "")))
