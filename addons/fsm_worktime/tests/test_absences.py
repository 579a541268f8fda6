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


@tagged("post_install", "-at_install")
class TestTimeOffFromThePhone(WorktimeCase):
    """The technician asks for time off (Odoo Time Off, menu *Time off* of
    Field Service); the team's coordinator is told at once and approves or
    refuses; the planning shows approved absences beside the orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.by_approver = cls.env["hr.leave.type"].create(
            {"name": "Vacation", "requires_allocation": False, "leave_validation_type": "manager"}
        )
        cls.by_officer = cls.env["hr.leave.type"].create(
            {"name": "Training leave", "requires_allocation": False, "leave_validation_type": "hr"}
        )
        cls.day = fields.Date.today() + timedelta(days=14)
        while cls.day.weekday() >= 5:
            cls.day += timedelta(days=1)

    def _ask(self, leave_type=None, user=None, employee=None, days=1, weeks_later=0):
        first = self.day + timedelta(weeks=weeks_later)
        return (
            self.env["hr.leave"]
            .with_user(user or self.user_tech_north)
            .create(
                {
                    "employee_id": (employee or self.tech_north).id,
                    "holiday_status_id": (leave_type or self.by_approver).id,
                    "request_date_from": first,
                    "request_date_to": first + timedelta(days=days - 1),
                }
            )
        )

    def test_the_teams_coordinator_approves_the_technicians_time_off(self):
        self.assertEqual(self.tech_north.leave_manager_id, self.user_coord_north)
        self.assertEqual(self.tech_south.leave_manager_id, self.user_coord_south)
        # a new coordinator takes over the team's approvals; one chosen by hand stays
        self.tech_south.leave_manager_id = self.user_manager
        self.team_north.coordinator_id = self.user_coord_south
        self.assertEqual(self.tech_north.leave_manager_id, self.user_coord_south)
        self.team_south.member_ids |= self.tech_north
        self.team_south.coordinator_id = self.user_coord_north
        self.assertEqual(self.tech_south.leave_manager_id, self.user_manager)

    def test_the_coordinator_is_told_at_once_and_decides(self):
        menu = self.env.ref("fsm_worktime.menu_fsm_my_time_off")
        self.assertEqual(menu.action, self.env.ref("hr_holidays.hr_leave_action_my"))
        visible = self.env["ir.ui.menu"].with_user(self.user_tech_north)._visible_menu_ids()
        self.assertIn(menu.id, visible, "in Field Service on the technician's phone")
        leave = self._ask()
        self.assertEqual(leave.state, "confirm")
        activity = leave.activity_ids
        self.assertEqual(activity.user_id, self.user_coord_north, "an approval to-do at once")
        leave.with_user(self.user_coord_north).action_approve()
        self.assertEqual(leave.state, "validate")
        refused = self._ask(weeks_later=1)
        refused.with_user(self.user_coord_north).action_refuse()
        self.assertEqual(refused.state, "refuse")
        # Erik's coordinator cannot decide on Anna's time off
        other = self._ask(weeks_later=2)
        with self.assertRaises(UserError):  # an access error is one too
            other.with_user(self.user_coord_south).action_approve()

    def test_time_off_an_officer_approves_still_reaches_the_coordinator(self):
        leave = self._ask(self.by_officer)
        told = leave.message_ids.filtered(
            lambda m: self.user_coord_north.partner_id in m.partner_ids
        )
        self.assertEqual(len(told), 1)
        self.assertIn("Anna Andersson", told.body)

    def test_the_planning_shows_approved_absences(self):
        approved = self._ask(days=2)
        approved.with_user(self.user_coord_north).action_approve()
        self._ask(employee=self.tech_south, user=self.user_tech_south)  # only asked for
        Leave = self.env["hr.leave"].with_user(self.user_coord_north)
        start = fields.Datetime.to_string(approved.date_from - timedelta(days=3))
        stop = fields.Datetime.to_string(approved.date_to + timedelta(days=3))
        absences = Leave.fsm_planning_absences(start, stop)
        self.assertEqual([a["id"] for a in absences], approved.ids)
        absence = absences[0]
        self.assertEqual(absence["title"], "Anna Andersson: absent", "no type: it may be private")
        self.assertTrue(absence["all_day"])
        self.assertEqual(absence["date_to"], fields.Date.to_string(self.day + timedelta(days=1)))
        # unticked in the calendar's side panel, or out of the period: not shown
        self.assertFalse(Leave.fsm_planning_absences(start, stop, self.tech_north.ids))
        later = fields.Datetime.to_string(approved.date_to + timedelta(days=9))
        self.assertFalse(Leave.fsm_planning_absences(stop, later))
        # a technician does not see the team's absences
        self.assertFalse(
            self.env["hr.leave"].with_user(self.user_tech_south).fsm_planning_absences(start, stop)
        )
        arch = self.env["service.order"].get_view(
            self.env.ref("fsm_orders.service_order_view_calendar").id, "calendar"
        )["arch"]
        self.assertIn('js_class="fsm_planning_calendar"', arch)
