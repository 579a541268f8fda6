from datetime import timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import FsmCase


@tagged("post_install", "-at_install")
class TestBadInput(FsmCase):
    def test_end_before_start_is_refused_and_nothing_saved(self):
        order = self._new_order(scheduled_start=self.tomorrow_9, scheduled_duration=2.0)
        with self.assertRaisesRegex(ValidationError, "end of .* is before its start"):
            order.write({"scheduled_end": self.tomorrow_9 - timedelta(hours=1)})
        self.env.invalidate_all()
        self.assertEqual(order.scheduled_duration, 2.0)
        self.assertEqual(order.scheduled_end, self.tomorrow_9 + timedelta(hours=2))

    def test_end_before_start_in_the_form(self):
        form = Form(self.env["service.order"])
        form.partner_id = self.client_cafe
        form.scheduled_start = self.tomorrow_9
        form.scheduled_end = self.tomorrow_9 - timedelta(hours=3)
        with self.assertRaisesRegex(ValidationError, "before its start"):
            form.save()
        self.assertFalse(
            self.env["service.order"].search([("partner_id", "=", self.client_cafe.id)])
        )

    def test_negative_duration_is_refused(self):
        with self.assertConstraintRefused("service.order", "cannot be negative"):
            self._new_order(scheduled_start=self.tomorrow_9, scheduled_duration=-1)

    def test_window_closing_before_it_opens_is_refused(self):
        with self.assertConstraintRefused("service.order", "closes before it opens"):
            self._new_order(
                window_start=self.tomorrow_9,
                window_end=self.tomorrow_9 - timedelta(hours=2),
            )
        self.assertFalse(
            self.env["service.order"].search([("partner_id", "=", self.client_cafe.id)])
        )

    def test_dispatch_without_technician_is_refused(self):
        order = self._new_order(scheduled_start=self.tomorrow_9)
        with self.assertRaisesRegex(UserError, "needs a technician"):
            order.action_dispatch()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.activity_ids)

    def test_dispatch_without_scheduled_time_is_refused(self):
        order = self._new_order(technician_id=self.tech_north.id)
        with self.assertRaisesRegex(UserError, "needs a scheduled start"):
            order.action_dispatch()
        self.assertEqual(order.state, "draft")

    def test_plan_without_scheduled_time_is_refused(self):
        order = self._new_order()
        with self.assertRaisesRegex(UserError, "Set a scheduled start"):
            order.action_plan()
        self.assertEqual(order.state, "draft")

    def test_dispatch_to_technician_without_user_is_refused(self):
        office_tech = self.env["hr.employee"].create({"name": "No Phone", "is_technician": True})
        order = self._new_order(technician_id=office_tech.id, scheduled_start=self.tomorrow_9)
        with self.assertRaisesRegex(UserError, "has no user account"):
            order.action_dispatch()
        self.assertEqual(order.state, "draft")

    def test_order_for_a_machine_of_another_client_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "belong to another client"):
            self._new_order(equipment_ids=[(6, 0, self.machine_bar.ids)])
        order = self._new_order()
        with self.assertRaisesRegex(ValidationError, "belong to another client"):
            order.write({"equipment_ids": [(4, self.machine_bar.id)]})
        self.assertEqual(order.equipment_ids, self.machine_cafe)

    def test_site_of_another_client_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "does not belong to"):
            self._new_order(location_id=self.site_bar.id)

    def test_contact_of_another_client_is_refused(self):
        stranger = self.env["res.partner"].create(
            {"name": "Stranger", "parent_id": self.client_bar.id}
        )
        with self.assertRaisesRegex(ValidationError, "is not a contact of"):
            self._new_order(contact_id=stranger.id)

    def test_finishing_before_starting_dates_are_refused(self):
        order = self._dispatched_order()
        order.action_start()
        with self.assertConstraintRefused("service.order", "cannot finish before it started"):
            order.sudo().write({"date_finished": order.date_started - timedelta(hours=1)})
