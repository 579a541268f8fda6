from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from ..models.service_contract import period_bounds
from .common import ContractWorldMixin, D


@tagged("post_install", "-at_install")
class TestRecurringBilling(ContractWorldMixin, TransactionCase):
    """Café Norr pays 310 a month for an AMC from 15 March to 10 June 2027;
    the daily job runs at frozen days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_contract_world()
        cls.cron = cls.env.ref("fsm_contracts.ir_cron_contract_invoices")
        with freeze_time("2027-03-01"):
            cls.contract = cls._contract(
                date_start=D(2027, 3, 15),
                date_end=D(2027, 6, 10),
                price=310.0,
                billing_period="month",
            )

    def _run_job_on(self, day):
        moment = datetime.combine(day, datetime.min.time()) + timedelta(hours=3)
        # the scheduler's own transaction, on the test's data
        with freeze_time(moment), self.enter_registry_test_mode():
            self.assertIs(self.cron.method_direct_trigger(), True, "the job ran without error")
        self.env.invalidate_all()

    def _period_lines(self, contract=None):
        contract = contract or self.contract
        return contract.invoice_ids.invoice_line_ids.filtered(
            lambda line: line.product_id == contract.billing_product_id
        ).sorted(lambda line: line.move_id.fsm_period_start)

    def test_calendar_periods(self):
        self.assertEqual(period_bounds(D(2027, 3, 15), "month"), (D(2027, 3, 1), D(2027, 3, 31)))
        self.assertEqual(period_bounds(D(2027, 5, 2), "quarter"), (D(2027, 4, 1), D(2027, 6, 30)))
        self.assertEqual(
            period_bounds(D(2027, 8, 2), "half_year"), (D(2027, 7, 1), D(2027, 12, 31))
        )
        self.assertEqual(period_bounds(D(2027, 2, 28), "year"), (D(2027, 1, 1), D(2027, 12, 31)))

    def test_monthly_invoices_prorated_at_start_and_end_each_once(self):
        self.assertEqual(self.contract.date_next_invoice, D(2027, 3, 15))
        self._run_job_on(D(2027, 3, 14))
        self.assertFalse(self.contract.invoice_ids, "nothing before the start")
        self._run_job_on(D(2027, 3, 15))
        self._run_job_on(D(2027, 3, 15))
        self.assertEqual(len(self.contract.invoice_ids), 1, "run twice, invoiced once")
        first = self._period_lines()
        self.assertAlmostEqual(first.price_unit, round(310.0 * 17 / 31, 2))
        self.assertIn("17 of 31 days", first.name)
        self.assertEqual(first.move_id.partner_id, self.client_cafe)
        self.assertEqual(first.move_id.state, "draft", "the accountant posts it")
        # the job did not run in April and May: both periods come on its next run
        self._run_job_on(D(2027, 5, 3))
        self.assertEqual(
            self._period_lines().mapped("price_unit"), [round(310.0 * 17 / 31, 2), 310.0, 310.0]
        )
        self._run_job_on(D(2027, 6, 1))
        last = self._period_lines()[-1]
        self.assertAlmostEqual(last.price_unit, 310.0 * 10 / 30, places=2)
        self.assertFalse(self.contract.date_next_invoice, "the end is invoiced")
        self._run_job_on(D(2027, 7, 1))
        self.assertEqual(len(self.contract.invoice_ids), 4)
        self.assertEqual(
            self.contract.invoice_ids.mapped("fsm_period_start"),
            [D(2027, 6, 1), D(2027, 5, 1), D(2027, 4, 1), D(2027, 3, 15)],
        )

    def test_out_of_cover_work_goes_on_the_period_invoice(self):
        with freeze_time("2027-04-10 09:00"):
            order = self._visit(parts=[(self.burrs, 1)])
        self.assertEqual(order.contract_id, self.contract)
        self.assertEqual(order.invoice_status, "to_invoice", "the AMC leaves the parts")
        self._run_job_on(D(2027, 3, 15))
        self.assertFalse(order.invoice_ids, "finished after March")
        self._run_job_on(D(2027, 4, 12))
        april = self.contract.invoice_ids.filtered(lambda m: m.fsm_period_start == D(2027, 4, 1))
        self.assertEqual(order.invoice_ids, april)
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertEqual(
            self._lines(april.invoice_line_ids),
            {self.contract.billing_product_id.id: 1.0, self.burrs.id: 1.0},
        )

    def test_closing_early_prorates_the_last_period(self):
        self._run_job_on(D(2027, 4, 1))
        with freeze_time("2027-04-20 10:00"):
            self.contract.action_close()
        self.assertEqual(self.contract.date_end, D(2027, 4, 20))
        self.assertEqual(self.contract.date_next_invoice, False, "April was invoiced already")
        april = self._period_lines()[-1]
        self.assertAlmostEqual(april.price_unit, 310.0, msg="invoiced in advance, in full")

    def test_invoiced_contract_keeps_its_start_and_period(self):
        self._run_job_on(D(2027, 3, 15))
        with self.assertRaisesRegex(UserError, "already invoiced"):
            self.contract.date_start = D(2027, 3, 1)
        with self.assertRaisesRegex(UserError, "already invoiced"):
            self.contract.billing_period = "quarter"
        self.contract.date_end = D(2027, 6, 30)  # an end may move
        self.assertEqual(self.contract.date_end, D(2027, 6, 30))

    def test_subcontracting_invoices_the_principal(self):
        principal = self.env["res.partner"].create({"name": "Big Vendor AB", "is_company": True})
        with freeze_time("2027-03-01"):
            contract = self._contract(
                type_id=self.type_subcontracting.id,
                principal_id=principal.id,
                partner_id=self.client_bar.id,
                date_start=D(2027, 3, 1),
                date_end=D(2027, 12, 31),
                price=1000.0,
                billing_period="quarter",
            )
        self._run_job_on(D(2027, 3, 1))
        self.assertEqual(contract.invoice_ids.partner_id, principal)
        # March is 31 of the first quarter's 90 days
        self.assertAlmostEqual(self._period_lines(contract).price_unit, 1000.0 * 31 / 90, places=2)
