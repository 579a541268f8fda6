from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from odoo.addons.fsm_orders.tests.common import CompanySeparationMixin

from .common import ContractWorldMixin


@tagged("post_install", "-at_install")
class TestContractAccess(ContractWorldMixin, CompanySeparationMixin, TransactionCase):
    """Who may read and change contracts, plans and their reports."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_contract_world()
        cls._setup_other_company()
        cls.own_type = cls.env["service.contract.type"].create(
            {"name": "Café Norr special", "company_id": cls.company.id}
        )
        cls.contract = cls._contract(price=100.0, billing_period="month")
        cls.plan = cls.Plan.create(
            {"name": "Descaling", "contract_id": cls.contract.id,
             "equipment_id": cls.machine_cafe.id}
        )  # fmt: skip
        cls.contract._fsm_invoice_due_periods(cls.contract.date_next_invoice)

    def test_technician_reads_contracts_and_cannot_change_them(self):
        contract = self.contract.with_user(self.user_tech_north)
        self.assertEqual(contract.cover_summary, self.contract.cover_summary)
        for write in (
            lambda: contract.write({"price": 1.0}),
            contract.action_close,
            lambda: self.plan.with_user(self.user_tech_north).write({"interval_number": 9}),
            lambda: self.Contract.with_user(self.user_tech_north).create(
                {
                    "partner_id": self.client_cafe.id,
                    "type_id": self.type_amc.id,
                    "date_start": self.contract.date_start,
                    "date_end": self.contract.date_end,
                }
            ),  # fmt: skip
        ):
            with self.assertRaises(AccessError):
                write()
        self.assertEqual(self.contract.price, 100.0)
        self.assertEqual(self.contract.state, "running")

    def test_salesperson_records_a_contract_and_a_plan(self):
        Contract = self.Contract.with_user(self.user_sales)
        contract = Contract.create(
            {"partner_id": self.client_bar.id, "type_id": self.type_amc.id,
             "date_start": self.contract.date_start, "date_end": self.contract.date_end}
        )  # fmt: skip
        contract.action_confirm()
        self.Plan.with_user(self.user_sales).create(
            {"name": "Yearly", "contract_id": contract.id, "equipment_id": self.machine_bar.id,
             "trigger": "yearly", "month": "3"}
        )  # fmt: skip
        self.assertEqual(contract.state, "running")
        with self.assertRaises(AccessError):
            contract.unlink()

    def test_only_managers_change_contract_types(self):
        with self.assertRaises(AccessError):
            self.type_amc.with_user(self.user_coord_north).write({"name": "Mine"})
        self.type_amc.with_user(self.user_manager).write({"renewal_reminder_days": 45})
        self.assertEqual(self.type_amc.renewal_reminder_days, 45)

    def test_reports_are_for_coordinators_and_accountants(self):
        Income = self.env["service.contract.income.report"]
        self.assertTrue(Income.with_user(self.user_billing).search([]))
        self.assertTrue(
            self.env["service.contract.profit.report"].with_user(self.user_coord_north).search([])
        )
        with self.assertRaises(AccessError):
            Income.with_user(self.user_tech_north).search([])

    def test_coordinator_of_another_company_sees_none(self):
        self._assert_other_company_sees_nothing("fsm_contracts")
