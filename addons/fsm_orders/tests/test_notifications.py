from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.sms.tests.common import SMSCommon

from .common import FsmWorldMixin


@tagged("post_install", "-at_install")
class TestDispatchNotifications(FsmWorldMixin, SMSCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_fsm_world()
        cls.env["res.lang"]._activate_lang("sv_SE")

    def _client_mail(self):
        """The one email that left for the client's contact."""
        mails = self._new_mails.filtered(lambda m: self.contact_cafe in m.recipient_ids)
        self.assertEqual(len(mails), 1, "one email to the client")
        self.assertEqual(mails.state, "sent")
        sent_to = [m["email_to"] for m in self._mails]
        self.assertIn(['"Lisa Lind" <lisa@cafe-norr.example.com>'], sent_to)
        return mails

    def _order_to_dispatch(self, **vals):
        return self._new_order(
            contact_id=self.contact_cafe.id,
            technician_id=self.tech_north.id,
            team_id=self.team_north.id,
            scheduled_start=self.tomorrow_9,
            **vals,
        )

    def test_dispatch_emails_and_texts_the_client_with_technician_and_arrival_window(self):
        order = self._order_to_dispatch()
        with self.mock_mail_gateway(), self.mockSMSGateway():
            order.with_user(self.user_coord_north).action_dispatch()

        # tomorrow 09:00 in Stockholm; the window is one hour (company setting)
        self.assertIn("09:00–10:00", order.arrival_window)
        mail = self._client_mail()
        self.assertEqual(mail.subject, f"{self.company.name}: your service visit {order.name}")
        self.assertIn("Anna Andersson", mail.body_html)
        self.assertIn("09:00–10:00", mail.body_html)
        self.assertIn("Odenplan 5", mail.body_html)
        self.assertSMSOutgoing(
            self.contact_cafe,
            "+46701234567",
            content=(
                f"Anna Andersson will arrive {order.arrival_window} "
                f"for your service visit {order.name}"
            ),
        )

    def test_dispatch_gives_the_technician_an_activity(self):
        order = self._order_to_dispatch()
        with self.mock_mail_gateway(), self.mockSMSGateway():
            order.with_user(self.user_coord_north).action_dispatch()
        activity = order.activity_ids
        self.assertEqual(activity.user_id, self.user_tech_north)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("fsm_orders.mail_activity_type_service_visit")
        )
        self.assertIn("Café Norr AB", activity.summary)
        self.assertEqual(activity.date_deadline, self.tomorrow_9.date())
        self.assertIn(
            self.user_tech_north.partner_id, order.message_partner_ids,
            "the technician follows the order and sees its chatter",
        )  # fmt: skip

    def test_arrival_window_follows_setting_and_client_language(self):
        self.company.fsm_arrival_margin = 2.0
        self.contact_cafe.lang = "sv_SE"
        order = self._order_to_dispatch()
        self.assertIn("09:00–11:00", order.arrival_window)
        with self.mock_mail_gateway(), self.mockSMSGateway():
            order.with_user(self.user_coord_north).action_dispatch()
        self.assertIn("09:00–11:00", self._client_mail().body_html)

    def test_failed_dispatch_sends_nothing(self):
        order = self._new_order(contact_id=self.contact_cafe.id, scheduled_start=self.tomorrow_9)
        with (
            self.mock_mail_gateway(),
            self.mockSMSGateway(),
            self.assertRaisesRegex(UserError, "needs a technician"),
        ):
            order.action_dispatch()
        self.assertFalse(self._new_mails)
        self.assertFalse(self._new_sms)

    def test_client_without_phone_gets_the_email_only(self):
        self.contact_cafe.phone = False
        self.client_cafe.phone = False
        order = self._order_to_dispatch()
        with self.mock_mail_gateway(), self.mockSMSGateway():
            order.with_user(self.user_coord_north).action_dispatch()
        self.assertIn("Anna Andersson", self._client_mail().body_html)
        self.assertFalse(self._new_sms)

    def test_manager_edits_the_client_messages_per_language(self):
        manager = self.user_manager
        menu_action = self.env.ref("fsm_orders.action_fsm_mail_templates")
        templates = (
            self.env["mail.template"].with_user(manager).search(safe_eval(menu_action.domain))
        )
        mail_template = self.env.ref("fsm_orders.mail_template_order_dispatched")
        self.assertIn(mail_template, templates)
        self.assertFalse(templates.filtered(lambda t: not t.model.startswith("service.")))
        sms_template = self.env.ref("fsm_orders.sms_template_order_dispatched")
        sms_action = self.env.ref("fsm_orders.action_fsm_sms_templates")
        self.assertIn(
            sms_template,
            self.env["sms.template"].with_user(manager).search(safe_eval(sms_action.domain)),
        )
        # both forms open for the manager as the menu opens them
        Form(mail_template.with_user(manager))
        Form(sms_template.with_user(manager))
        swedish = {"lang": "sv_SE"}
        mail_template.with_user(manager).with_context(
            **swedish
        ).subject = "Vi kommer till {{ object.partner_id.name }}"
        sms_template.with_user(manager).with_context(
            **swedish
        ).body = "{{ object.technician_id.name }} kommer {{ object.arrival_window }}"
        self.contact_cafe.lang = "sv_SE"
        order = self._order_to_dispatch()
        with self.mock_mail_gateway(), self.mockSMSGateway():
            order.with_user(self.user_coord_north).action_dispatch()
        self.assertEqual(self._client_mail().subject, "Vi kommer till Café Norr AB")
        self.assertSMSOutgoing(
            self.contact_cafe,
            "+46701234567",
            content=f"Anna Andersson kommer {order.arrival_window}",
        )
        self.assertIn("}} will arrive {{", sms_template.body, "English is left as it was")

    def test_only_the_manager_edits_text_messages_and_only_the_suites(self):
        sms_template = self.env.ref("fsm_orders.sms_template_order_dispatched")
        with self.assertRaises(AccessError):
            sms_template.with_user(self.user_coord_north).body = "Changed by a coordinator"
        other = self.env["sms.template"].create(
            {"name": "Birthday", "model_id": self.env.ref("base.model_res_partner").id,
             "body": "Happy birthday"}
        )  # fmt: skip
        with self.assertRaises(AccessError):
            other.with_user(self.user_manager).body = "Not the suite's to change"
        self.assertEqual(other.body, "Happy birthday")
