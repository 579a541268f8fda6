from odoo.tests import TransactionCase, tagged

from odoo.addons.fsm_orders.tests.common import search_filter_domains

from .common import ContractWorldMixin


@tagged("post_install", "-at_install")
class TestContractReports(ContractWorldMixin, TransactionCase):
    """Income per period, machines without a contract, and what a contract
    earns against the cost of its work."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_contract_world()
        cls.contract = cls._contract(
            type_id=cls.type_cmc.id,
            equipment_ids=[(6, 0, cls.machine_cafe.ids)],
            price=150.0,
            billing_period="month",
            invoice_orders=False,
        )
        cls.invoices = cls.contract._fsm_invoice_due_periods(cls.contract.date_next_invoice)

    def test_income_report_sums_the_contracts_invoices(self):
        self.assertTrue(self.invoices)
        self.invoices.action_post()
        Income = self.env["service.contract.income.report"]
        rows = Income.search([("contract_id", "=", self.contract.id)])
        self.assertEqual(len(rows), len(self.invoices.invoice_line_ids))
        self.assertAlmostEqual(
            sum(rows.mapped("amount")), sum(self.invoices.mapped("amount_untaxed"))
        )
        self.assertTrue(all(rows.mapped("is_period_line")))
        self.assertEqual(set(rows.mapped("state")), {"posted"})
        # a credit note counts against it
        credit = self.invoices[:1]._reverse_moves()
        credit.action_post()
        rows = Income.search([("contract_id", "=", self.contract.id)])
        self.assertAlmostEqual(
            sum(rows.mapped("amount")),
            sum(self.invoices.mapped("amount_untaxed")) - credit.amount_untaxed,
        )

    def test_profitability_sets_the_work_at_cost_against_the_income(self):
        """Two hours of Anna's (40 an hour) and a burr set (cost 20) under
        the contract: 100 of cost against its invoices."""
        order = self._visit(hours=2.0, parts=[(self.burrs, 1)])
        self.assertEqual(order.contract_id, self.contract)
        self.env.flush_all()
        row = self.env["service.contract.profit.report"].search(
            [("contract_id", "=", self.contract.id)]
        )
        income = sum(self.invoices.mapped("amount_untaxed"))
        self.assertEqual(row.order_count, 1)
        self.assertAlmostEqual(row.income, income)
        self.assertAlmostEqual(row.labour_cost, order.labour_cost)
        self.assertAlmostEqual(row.labour_cost, 80.0)
        self.assertAlmostEqual(row.parts_cost, 20.0)
        self.assertAlmostEqual(row.margin, income - 100.0)

    def test_coverage_report_lists_the_machines_without_a_running_contract(self):
        action = self.env.ref("fsm_contracts.action_equipment_without_contract")
        self.assertEqual(action.res_model, "service.equipment")
        domain = search_filter_domains(self.env, "service.equipment")["without_contract"]
        without = self.env["service.equipment"].search(domain)
        self.assertNotIn(self.machine_cafe, without)
        self.assertIn(self.machine_cafe_2, without)
        self.assertIn(self.machine_bar, without)
        self.contract.action_close()
        self.assertIn(self.machine_cafe, self.env["service.equipment"].search(domain))
