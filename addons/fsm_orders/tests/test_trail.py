from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import FsmCase
from .test_onsite import png


@tagged("post_install", "-at_install")
class TestTrail(FsmCase):
    """The chatter keeps who changed what on a report, and followers choose
    which steps of an order they hear of."""

    def test_a_coordinator_changing_a_signed_report_leaves_a_trail(self):
        order = self._dispatched_order()
        order.action_start()
        order.with_user(self.user_tech_north).write(
            {"work_summary": "Gasket replaced", "parts_note": "1 gasket",
             "signed_by": "Lisa Lind", "signature": png(40, 20)}
        )  # fmt: skip
        order.action_done()
        self._flush_tracking()
        order.with_user(self.user_coord_north).write(
            {"work_summary": "Gasket and shower screen replaced",
             "parts_note": "1 gasket, 1 screen", "signed_by": "Lisa Lind-Berg"}
        )  # fmt: skip
        self._flush_tracking()
        changes = {
            value.field_id.name: (
                value.old_value_char or value.old_value_text,
                value.new_value_char or value.new_value_text,
                message.author_id,
            )
            for message in order.message_ids
            for value in message.tracking_value_ids
            if message.author_id == self.user_coord_north.partner_id
        }
        coordinator = self.user_coord_north.partner_id
        self.assertEqual(
            changes["work_summary"],
            ("Gasket replaced", "Gasket and shower screen replaced", coordinator),
        )
        self.assertEqual(changes["parts_note"], ("1 gasket", "1 gasket, 1 screen", coordinator))
        self.assertEqual(changes["signed_by"], ("Lisa Lind", "Lisa Lind-Berg", coordinator))

    def test_a_follower_subscribed_to_done_only_hears_of_done_only(self):
        boss = mail_new_test_user(
            self.env, login="boss", name="Berit Boss", groups="fsm_orders.group_fsm_coordinator",
            notification_type="inbox",
        )  # fmt: skip
        done = self.env.ref("fsm_orders.mt_order_done")
        order = self._new_order(
            technician_id=self.tech_north.id, scheduled_start=self.tomorrow_9
        ).with_context(fsm_skip_client_notification=True, fsm_skip_service_report=True)
        order.message_subscribe(partner_ids=boss.partner_id.ids, subtype_ids=done.ids)
        self._flush_tracking()  # the order exists before its steps are taken

        def step(action, user):
            """Take a step; return the subtype it was posted with and whether
            the boss heard of it."""
            getattr(order.with_user(user), action)()
            self._flush_tracking()
            order.invalidate_recordset(["message_ids"])
            message = order.message_ids.filtered("tracking_value_ids")[:1]
            return message.subtype_id, boss.partner_id in message.notification_ids.res_partner_id

        self.assertEqual(
            step("action_dispatch", self.user_coord_north),
            (self.env.ref("fsm_orders.mt_order_dispatched"), False),
        )
        self.assertEqual(
            step("action_accept", self.user_tech_north),
            (self.env.ref("fsm_orders.mt_order_accepted"), False),
        )
        self.assertEqual(
            step("action_start", self.user_tech_north),
            (self.env.ref("fsm_orders.mt_order_in_progress"), False),
        )
        self.assertEqual(step("action_done", self.user_tech_north), (done, True))
