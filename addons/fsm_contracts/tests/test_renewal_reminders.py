from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCommon

from .common import ContractWorldMixin


@tagged("post_install", "-at_install")
class TestRenewalAndReminders(ContractWorldMixin, SMSCommon):
    """A contract's coming end, its renewal offer, and the machines'
    reminders, each sent once. Lisa (Café Norr's contact, with email and
    phone) is the contract's and the machines' contact; Nora coordinates
    the contracts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_contract_world()
        cls.today = fields.Date.context_today(cls.env["service.contract"])
        cls.lifecycle = cls.env.ref("fsm_contracts.ir_cron_contract_lifecycle")
        cls.reminders = cls.env.ref("fsm_contracts.ir_cron_equipment_reminders")
        cls.machine_cafe.administrator_id = cls.contact_cafe
        cls.machine_cafe_2.administrator_id = cls.contact_cafe

    def _run(self, cron, day=None):
        day = day or self.today
        moment = datetime.combine(day, datetime.min.time()) + timedelta(hours=6)
        # the mail mocks run the job on the test's data, as the scheduler would
        with freeze_time(moment), self.mock_mail_gateway(), self.mockSMSGateway():
            self.assertIs(cron.method_direct_trigger(), True, "the job ran without error")
        self.env.invalidate_all()

    def _sent_mails(self, record, template_xmlid):
        subject = self.env.ref(template_xmlid)._render_field(
            "subject", record.ids, compute_lang=True
        )[record.id]
        return self._new_mails.filtered(
            lambda m: m.model == record._name and m.res_id == record.id and m.subject == subject
        )

    def _texts(self, record):
        return self._new_sms.filtered(
            lambda s: (
                s.mail_message_id.model == record._name and s.mail_message_id.res_id == record.id
            )
        )

    def _todos(self, record, user):
        return record.activity_ids.filtered(lambda a: a.user_id == user)

    # ------------------------------------------------------------------
    # the contract's end
    # ------------------------------------------------------------------
    def test_contract_end_is_reminded_once_to_client_and_responsible(self):
        contract = self._contract(
            contact_id=self.contact_cafe.id,
            user_id=self.user_coord_north.id,
            date_end=self.today + timedelta(days=40),
        )
        days = contract.type_id.renewal_reminder_days
        self._run(self.lifecycle, contract.date_end - timedelta(days=days + 1))
        self.assertFalse(self._sent_mails(contract, "fsm_contracts.mail_template_contract_end"))
        self._run(self.lifecycle, contract.date_end - timedelta(days=days))
        mails = self._sent_mails(contract, "fsm_contracts.mail_template_contract_end")
        self.assertEqual(len(mails.filtered(lambda m: self.contact_cafe in m.recipient_ids)), 1)
        self.assertEqual(len(self._texts(contract)), 1)
        self.assertEqual(self._texts(contract).partner_id, self.contact_cafe)
        self.assertEqual(len(self._todos(contract, self.user_coord_north)), 1)
        self.assertEqual(contract.end_reminder_for, contract.date_end)
        self._run(self.lifecycle, contract.date_end - timedelta(days=days - 1))
        self.assertFalse(self._new_mails, "once")
        self.assertFalse(self._new_sms)
        self.assertEqual(len(self._todos(contract, self.user_coord_north)), 1)
        # moved: a reminder for the new end, in its time
        contract.date_end += timedelta(days=60)
        self._run(self.lifecycle, contract.date_end - timedelta(days=days))
        mails = self._sent_mails(contract, "fsm_contracts.mail_template_contract_end")
        self.assertEqual(len(mails.filtered(lambda m: self.contact_cafe in m.recipient_ids)), 1)

    def test_lifecycle_job_expires_ended_contracts(self):
        contract = self._contract(date_end=self.today + timedelta(days=2))
        self._run(self.lifecycle, self.today + timedelta(days=2))
        self.assertEqual(contract.state, "running", "its last day")
        self._run(self.lifecycle, self.today + timedelta(days=3))
        self.assertEqual(contract.state, "expired")

    # ------------------------------------------------------------------
    # renewal
    # ------------------------------------------------------------------
    def test_renewal_offer_accepted_makes_the_next_contract(self):
        start = self.today.replace(day=1)
        end = start.replace(year=start.year + 1) - timedelta(days=1)
        contract = self._contract(
            date_start=start,
            date_end=end,
            price=300.0,
            equipment_ids=[(6, 0, self.machine_cafe.ids)],
            user_id=self.user_coord_north.id,
        )
        plan = self.Plan.create(
            {"name": "Quarterly", "contract_id": contract.id, "equipment_id": self.machine_cafe.id,
             "interval_number": 3, "interval_unit": "month", "date_start": start}
        )  # fmt: skip
        action = contract.with_user(self.user_coord_north).action_renewal_offer()
        offer = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(offer.fsm_renewal_contract_id, contract)
        self.assertEqual(offer.partner_id, self.client_cafe)
        line = offer.order_line
        self.assertEqual(line.product_id, contract.billing_product_id)
        self.assertAlmostEqual(line.product_uom_qty, 12.0, msg="a year of monthly periods")
        self.assertAlmostEqual(line.price_unit, 300.0)
        self.assertFalse(contract.next_contract_id, "not before it is accepted")
        line.price_unit = 320.0  # the salesperson's new price
        offer.action_confirm()
        renewed = contract.next_contract_id
        self.assertTrue(renewed)
        self.assertEqual(
            offer.invoice_status, "no", "the periods are invoiced by the contract, not the offer"
        )
        self.assertEqual(renewed.previous_contract_id, contract)
        self.assertEqual(renewed.state, "running")
        self.assertEqual(
            (renewed.date_start, renewed.date_end),
            (end + timedelta(days=1), end.replace(year=end.year + 1)),
        )
        self.assertEqual(renewed.price, 320.0)
        self.assertEqual(renewed.equipment_ids, self.machine_cafe)
        self.assertEqual(renewed.plan_ids.name, plan.name)
        self.assertGreaterEqual(renewed.plan_ids.date_start, renewed.date_start)
        self.assertEqual(contract.state, "running", "the old one runs to its end, readable")
        with self.assertRaisesRegex(UserError, "already renewed"):
            contract.action_renewal_offer()
        self.assertFalse(contract.with_user(self.user_coord_north)._fsm_renew(offer) - renewed)

    def test_draft_contract_is_not_renewed(self):
        contract = self._contract(confirm=False)
        with self.assertRaisesRegex(UserError, "Only running or expired"):
            contract.action_renewal_offer()

    # ------------------------------------------------------------------
    # the machines' reminders
    # ------------------------------------------------------------------
    def test_warranty_end_is_reminded_once(self):
        self.company.fsm_warranty_reminder_days = 30
        self.client_cafe.user_id = self.user_coord_north
        self.machine_cafe.warranty_end = self.today + timedelta(days=31)
        self._run(self.reminders)
        self.assertFalse(
            self._sent_mails(self.machine_cafe, "fsm_contracts.mail_template_equipment_warranty")
        )
        self.machine_cafe.warranty_end = self.today + timedelta(days=20)
        self._run(self.reminders)
        mails = self._sent_mails(
            self.machine_cafe, "fsm_contracts.mail_template_equipment_warranty"
        )
        self.assertEqual(len(mails.filtered(lambda m: self.contact_cafe in m.recipient_ids)), 1)
        self.assertEqual(len(self._texts(self.machine_cafe)), 1)
        self.assertEqual(
            len(self._todos(self.machine_cafe, self.user_coord_north)), 1, "the salesperson"
        )
        self._run(self.reminders, self.today + timedelta(days=1))
        self.assertFalse(self._new_mails, "once")
        self.assertFalse(self._new_sms)

    def test_reminders_follow_the_recipient_setting(self):
        self.company.write({"fsm_warranty_reminder_days": 30, "fsm_reminder_recipients": "manager"})
        self.client_cafe.user_id = self.user_coord_north
        self.machine_cafe.warranty_end = self.today + timedelta(days=20)
        self._run(self.reminders)
        self.assertFalse(
            self._sent_mails(self.machine_cafe, "fsm_contracts.mail_template_equipment_warranty")
        )
        self.assertFalse(self._new_sms)
        self.assertEqual(len(self._todos(self.machine_cafe, self.user_coord_north)), 1)

    def test_next_service_after_the_category_interval_is_reminded_once(self):
        self.company.fsm_service_reminder_days = 14
        self.category_espresso.service_interval_days = 180
        last = self._visit(
            location_id=self.site_cafe_2.id, equipment_ids=[(6, 0, self.machine_cafe_2.ids)]
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE service_order SET date_started = %s, date_finished = %s WHERE id = %s",
            [
                datetime.now() - timedelta(days=170, hours=1),
                datetime.now() - timedelta(days=170),
                last.id,
            ],
        )
        self.env.invalidate_all()
        due = self.today + timedelta(days=10)
        self.assertEqual(self.machine_cafe_2.next_service_date, due)
        self._run(self.reminders)
        mail = self._sent_mails(
            self.machine_cafe_2, "fsm_contracts.mail_template_equipment_service"
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(self.machine_cafe_2.service_reminder_for, due)
        self._run(self.reminders, self.today + timedelta(days=2))
        self.assertFalse(self._new_mails, "once")

    def test_next_service_of_a_plan_is_reminded(self):
        self.company.fsm_service_reminder_days = 14
        contract = self._contract()
        self.Plan.create(
            {"name": "Descaling", "contract_id": contract.id, "equipment_id": self.machine_cafe.id,
             "date_start": self.today + timedelta(days=5)}
        )  # fmt: skip
        self.assertEqual(self.machine_cafe.next_service_date, self.today + timedelta(days=5))
        self._run(self.reminders)
        self.assertEqual(
            len(
                self._sent_mails(self.machine_cafe, "fsm_contracts.mail_template_equipment_service")
            ),
            1,
        )
