from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .test_parts import InventoryCase


@tagged("post_install", "-at_install")
class TestBatchSettlement(InventoryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_billing = mail_new_test_user(
            cls.env, login="coord_billing", name="Bo Billing",
            groups="fsm_orders.group_fsm_coordinator,account.group_account_invoice",
        )  # fmt: skip
        cls._stock_van_cls(10)

    @classmethod
    def _stock_van_cls(cls, quantity):
        cls.Quant._update_available_quantity(cls.burrs, cls.van, quantity)

    def _order_with_part(self, used=1, finish=True, **vals):
        order = self._dispatched_order(**vals)
        quiet = order.with_context(fsm_skip_service_report=True, fsm_skip_client_notification=True)
        quiet.with_user(self.user_tech_north).action_start()
        if used:
            self._part(used, order=order).with_user(self.user_tech_north).action_fsm_use()
        if finish:
            quiet.with_user(self.user_tech_north).action_done()
        return order

    def test_create_invoices_settles_the_settleable_and_names_the_others(self):
        billable = self._order_with_part(2) | self._order_with_part(1)
        warranty = self._order_with_part(1, is_billable=False)
        invoiced = self._order_with_part(1)
        invoiced.with_user(self.user_billing).action_create_invoice()
        in_progress = self._order_with_part(1, finish=False)
        nothing = self._order_with_part(0)
        # a visit without parts: with fsm_worktime installed, its labour is still to invoice
        labour_only = bool(nothing._prepare_settlement_lines())
        settled = billable | (nothing if labour_only else self.env["service.order"])
        orders = billable | warranty | invoiced | in_progress | nothing
        action = self.env.ref("fsm_inventory.action_service_order_create_invoices")
        self.assertEqual(action.binding_model_id.model, "service.order")
        self.assertEqual(action.binding_view_types, "list")
        result = (
            action.with_user(self.user_billing)
            .with_context(active_model="service.order", active_ids=orders.ids)
            .run()
        )
        for order in billable:
            with self.subTest(order=order.name):
                self.assertEqual(order.invoice_status, "invoiced")
                self.assertEqual(len(order.invoice_ids), 1)
                self.assertEqual(order.invoice_ids.state, "draft")
        # the parts' lines (fsm_worktime, when installed, adds the visits' labour)
        parts = billable.invoice_ids.invoice_line_ids.filtered(
            lambda line: line.product_id == self.burrs
        )
        self.assertEqual(parts.mapped("price_subtotal"), [84.0, 42.0])
        self.assertFalse(warranty.invoice_ids | in_progress.invoice_ids)
        self.assertEqual(bool(nothing.invoice_ids), labour_only)
        self.assertEqual(len(invoiced.invoice_ids), 1, "not invoiced twice")
        params = result["params"]
        self.assertEqual(params["type"], "warning")
        self.assertTrue(params["sticky"])
        message = params["message"]
        self.assertIn(
            f"{len(settled)} order(s) invoiced, {len(orders) - len(settled)} skipped", message
        )
        self.assertIn(f"{warranty.name} is not billable.", message)
        self.assertIn(f"{invoiced.name} is already invoiced.", message)
        self.assertIn(f"{in_progress.name} is In progress: only done orders are invoiced.", message)
        self.assertEqual(f"{nothing.name} has nothing to invoice" in message, not labour_only)
        self.assertEqual(params["next"]["res_model"], "account.move")
        self.assertEqual(params["next"]["domain"], [("id", "in", settled.invoice_ids.ids)])

    def test_all_settleable_is_a_success(self):
        orders = self._order_with_part(1) | self._order_with_part(1)
        result = orders.with_user(self.user_billing).action_fsm_create_invoices()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(result["params"]["message"], "2 order(s) invoiced.")
        self.assertEqual(len(orders.invoice_ids), 2)

    def test_nothing_settleable_invoices_nothing(self):
        warranty = self._order_with_part(1, is_billable=False)
        result = warranty.with_user(self.user_billing).action_fsm_create_invoices()
        self.assertIn("0 order(s) invoiced, 1 skipped", result["params"]["message"])
        self.assertNotIn("next", result["params"])

    def test_a_technician_cannot_batch_settle(self):
        order = self._order_with_part(1)
        with self.assertRaisesRegex(UserError, "Only a coordinator can invoice"):
            order.with_user(self.user_tech_north).action_fsm_create_invoices()
        # a coordinator without invoicing rights is told per order
        result = order.with_user(self.user_coord_north).action_fsm_create_invoices()
        self.assertIn("Only a user with invoicing rights", result["params"]["message"])
        self.assertFalse(order.invoice_ids)
