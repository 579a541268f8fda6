from datetime import datetime

from odoo.tests import Form, TransactionCase, tagged

from odoo.addons.fsm_orders.tests.common import CompanySeparationMixin

from .common import RequestWorldMixin


@tagged("post_install", "-at_install")
class TestDeadlinesAreKept(RequestWorldMixin, TransactionCase):
    """An open request's computed deadline follows its type; a deadline set by
    hand, and a closed or cancelled request's, never change afterwards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_request_world()
        calendar = cls.company.resource_calendar_id  # 8–12 and 13–17, Monday to Friday
        calendar.tz = "Europe/Stockholm"
        cls.type_breakdown.write({"sla_hours_urgent": 4.0, "sla_working_hours": False})
        # Friday 6 November 2026, 15:00 in Stockholm
        cls.friday_3pm = datetime(2026, 11, 6, 14, 0)

    def _request(self, **vals):
        request = self._new_request(priority="3", **vals)
        request.write({"date_registered": self.friday_3pm})
        return request

    def test_open_computed_deadlines_follow_the_types_hours_and_flag(self):
        request = self._request()
        self.assertEqual(request.deadline, datetime(2026, 11, 6, 18, 0), "4 hours round the clock")
        self.type_breakdown.sla_working_hours = True
        self.assertEqual(request.deadline, datetime(2026, 11, 9, 9, 0), "Monday 10:00 local")
        self.type_breakdown.sla_hours_urgent = 3.0
        self.assertEqual(request.deadline, datetime(2026, 11, 9, 8, 0), "Monday 09:00 local")
        self.assertFalse(request.is_deadline_manual)

    def test_a_deadline_set_by_hand_never_changes(self):
        request = self._request()
        by_hand = datetime(2026, 11, 12, 9, 0)
        request.deadline = by_hand
        self.assertTrue(request.is_deadline_manual)
        request.priority = "0"
        self.type_breakdown.sla_hours_urgent = 1.0
        self.type_breakdown.sla_working_hours = True
        self.type_breakdown.sla_working_hours = False
        self.assertEqual(request.deadline, by_hand)

    def test_a_closed_or_cancelled_requests_deadline_never_changes(self):
        closed, cancelled = self._request(), self._request()
        closed.action_close()
        cancelled.action_cancel()
        kept = closed.deadline
        self.type_breakdown.sla_hours_urgent = 1.0
        self.type_breakdown.sla_working_hours = True
        (closed | cancelled).write({"priority": "1"})
        self.assertEqual(closed.deadline, kept)
        self.assertEqual(cancelled.deadline, kept)
        self.assertFalse((closed | cancelled).filtered("is_deadline_manual"))

    def test_in_the_form_a_new_priority_keeps_the_deadline_computed(self):
        request = self._request()
        with Form(request.with_user(self.user_coord_north)) as form:
            form.priority = "1"
        self.assertFalse(request.is_deadline_manual, "the form sent the recomputed deadline")
        self.assertEqual(request.deadline, request._get_sla_deadline())
        with Form(request.with_user(self.user_coord_north)) as form:
            form.deadline = datetime(2026, 11, 20, 12, 0)
        self.assertTrue(request.is_deadline_manual)
        self.type_breakdown.sla_hours_normal = 1.0
        self.assertEqual(request.deadline, datetime(2026, 11, 20, 12, 0))


@tagged("post_install", "-at_install")
class TestOrderLinkedByHand(RequestWorldMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_request_world()

    def test_an_order_given_a_request_in_its_form_moves_and_closes_it(self):
        request = self._new_request()
        order = self._new_order(technician_id=self.tech_north.id, scheduled_start=self.tomorrow_9)
        self.assertEqual(request.state, "new")
        with Form(order.with_user(self.user_coord_north)) as form:
            form.request_id = request
        self.assertEqual(request.state, "in_progress")
        self.assertEqual(request.order_ids, order)
        order.with_context(fsm_skip_client_notification=True).action_dispatch()
        order.action_start()
        order.with_context(fsm_skip_service_report=True).action_done()
        self.assertEqual(request.state, "closed")

    def test_moving_the_last_open_order_away_closes_the_request_it_leaves(self):
        first, second = self._new_request(), self._new_request(title="Second")
        quiet = {"fsm_skip_client_notification": True, "fsm_skip_service_report": True}
        done = self._dispatched_order(request_id=first.id).with_context(**quiet)
        moved = self._dispatched_order(request_id=first.id)
        done.action_start()
        done.action_done()
        self.assertEqual(first.state, "in_progress", "one order still open")
        moved.request_id = second
        self.assertEqual(first.state, "closed")
        self.assertEqual(second.state, "in_progress")

    def test_an_old_visit_filed_under_a_closed_request_leaves_it_closed(self):
        request = self._new_request()
        request.action_close()
        self._new_order(request_id=request.id)
        self.assertEqual(request.state, "closed")


@tagged("post_install", "-at_install")
class TestDeskCompaniesAreSeparate(CompanySeparationMixin, RequestWorldMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_request_world()
        cls._setup_other_company()
        request = cls._new_request()
        cls.env["service.request.task"].create({"request_id": request.id, "name": "Deliver"})
        cls.env["service.request.call"].create(
            {"call_ref": "C-100", "number": "+46701234567", "request_id": request.id}
        )
        cls.env["service.request.type"].create({"name": "Calibration"})

    def test_a_coordinator_of_another_company_sees_nothing_of_the_desk(self):
        self._assert_other_company_sees_nothing("fsm_requests")

    def test_the_other_company_gets_its_own_request_types_only(self):
        Request = self.env["service.request"].with_user(self.user_coord_other)
        self.assertFalse(
            self.env["service.request.type"].with_user(self.user_coord_other).search([])
        )
        self.assertFalse(Request.default_get(["type_id"]).get("type_id"))
        shared = self.env["service.request.type"].create({"name": "Shared", "company_id": False})
        self.assertEqual(Request.default_get(["type_id"]).get("type_id"), shared.id)
