from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import FsmCase


@tagged("post_install", "-at_install")
class TestWorkflow(FsmCase):
    def test_coordinator_creates_order_in_form_and_walks_it_to_done_with_technician(self):
        form = Form(self.env["service.order"].with_user(self.user_coord_north))
        form.partner_id = self.client_cafe
        form.contact_id = self.contact_cafe
        form.location_id = self.site_cafe
        form.equipment_ids.add(self.machine_cafe)
        form.priority = "2"
        form.scheduled_start = self.tomorrow_9
        form.scheduled_duration = 2.0
        form.technician_id = self.tech_north
        form.parts_note = "2 x group gasket"
        order = form.save()
        self._flush_tracking()
        self.assertTrue(order.name.startswith("SO/"), "orders are numbered from a sequence")
        self.assertEqual(order.team_id, self.team_north, "the team follows the technician")
        self.assertEqual(order.state, "draft")
        self.assertEqual(
            (order.scheduled_end - order.scheduled_start).total_seconds(), 7200,
        )  # fmt: skip

        as_coord = order.with_user(self.user_coord_north)
        as_coord.action_plan()
        self._flush_tracking()
        self.assertEqual(order.state, "planned")
        as_coord.with_context(fsm_skip_client_notification=True).action_dispatch()
        self._flush_tracking()
        self.assertEqual(order.state, "dispatched")

        as_tech = order.with_user(self.user_tech_north)
        as_tech.action_accept()
        self._flush_tracking()
        self.assertEqual(order.state, "accepted")
        self.assertTrue(order.date_accepted)
        as_tech.action_start()
        self._flush_tracking()
        self.assertEqual(order.state, "in_progress")
        self.assertTrue(order.date_started)
        as_tech.write({"work_summary": "Replaced the gasket, tested pressure"})
        as_tech.action_done()
        self._flush_tracking()
        self.assertEqual(order.state, "done")
        self.assertGreaterEqual(order.date_finished, order.date_started)

        tracked = order.sudo().message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "state"
        )
        self.assertEqual(len(tracked), 5, "every state change is written in the chatter")
        authors = order.sudo().message_ids.filtered("tracking_value_ids").author_id
        self.assertIn(
            self.user_tech_north.partner_id, authors, "the technician's steps carry their name"
        )

    def test_technician_cannot_plan_or_dispatch(self):
        order = self._new_order(scheduled_start=self.tomorrow_9, technician_id=self.tech_north.id)
        with self.assertRaisesRegex(UserError, "Only a coordinator"):
            order.with_user(self.user_tech_north).action_plan()
        with self.assertRaisesRegex(UserError, "Only a coordinator"):
            order.with_user(self.user_tech_north).action_dispatch()
        self.assertEqual(order.state, "draft")

    def test_other_technician_cannot_accept_or_start(self):
        order = self._dispatched_order(self.tech_north)
        with self.assertRaises(UserError):
            order.with_user(self.user_tech_south).action_accept()
        with self.assertRaises(UserError):
            order.with_user(self.user_tech_south).action_start()
        self.assertEqual(order.state, "dispatched")

    def test_start_from_dispatched_accepts_on_the_way(self):
        order = self._dispatched_order()
        order.with_user(self.user_tech_north).action_start()
        self.assertEqual(order.state, "in_progress")
        self.assertTrue(order.date_accepted, "starting a dispatched order also accepts it")

    def test_finishing_an_order_never_started_is_refused(self):
        order = self._dispatched_order()
        with self.assertRaisesRegex(UserError, "never started"):
            order.with_user(self.user_tech_north).action_done()
        order.with_user(self.user_tech_north).action_accept()
        with self.assertRaisesRegex(UserError, "never started"):
            order.with_user(self.user_tech_north).action_done()
        self.assertEqual(order.state, "accepted")
        self.assertFalse(order.date_finished)

    def test_steps_out_of_order_are_refused(self):
        order = self._new_order(scheduled_start=self.tomorrow_9)
        with self.assertRaisesRegex(UserError, "cannot be accepted now"):
            order.action_accept()
        order.action_cancel()
        self.assertEqual(order.state, "cancelled")
        with self.assertRaisesRegex(UserError, "cannot be planned now"):
            order.action_plan()
        order.action_draft()
        self.assertEqual(order.state, "draft")

    def test_technician_cannot_cancel(self):
        order = self._dispatched_order()
        with self.assertRaisesRegex(UserError, "Only a coordinator"):
            order.with_user(self.user_tech_north).action_cancel()
        self.assertEqual(order.state, "dispatched")

    def test_done_order_cannot_be_cancelled_or_deleted(self):
        order = self._dispatched_order()
        order.action_start()
        order.action_done()
        with self.assertRaises(UserError):
            order.action_cancel()
        with self.assertRaisesRegex(UserError, "cancel it instead"):
            order.unlink()
        self.assertTrue(order.exists())

    def test_dispatch_accepts_activity_is_closed_when_technician_accepts(self):
        order = self._dispatched_order()
        visit_type = self.env.ref("fsm_orders.mail_activity_type_service_visit")
        self.assertEqual(order.activity_ids.activity_type_id, visit_type)
        order.with_user(self.user_tech_north).action_accept()
        self.assertFalse(order.activity_ids, "the visit activity is done once accepted")

    def test_technician_can_report_work_but_not_reschedule(self):
        order = self._dispatched_order()
        as_tech = order.with_user(self.user_tech_north)
        as_tech.write({"work_summary": "Descaled boiler", "parts_note": "1 x filter"})
        self.assertEqual(order.work_summary, "Descaled boiler")
        with self.assertRaisesRegex(UserError, "Only a coordinator can change"):
            as_tech.write({"scheduled_start": self.tomorrow_9.replace(hour=12)})
        with self.assertRaisesRegex(UserError, "Only a coordinator can change"):
            as_tech.write({"technician_id": self.tech_south.id})
        self.assertEqual(order.scheduled_start, self.tomorrow_9)
        self.assertEqual(order.technician_id, self.tech_north)
