from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .test_parts import InventoryCase


class SettleCase(InventoryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_billing = mail_new_test_user(
            cls.env, login="coord_billing", name="Bo Billing",
            groups="fsm_orders.group_fsm_coordinator,account.group_account_invoice",
        )  # fmt: skip
        cls.hardware_store = cls.env["res.partner"].create({"name": "Järnia Odenplan"})
        Product = cls.env["product.product"]
        cls.descaling = Product.create(
            {
                "name": "Descaling service",
                "fsm_phone_ok": True,
                "type": "service",
                "list_price": 60.0,
            }
        )
        cls.tablets = Product.create(
            {
                "name": "Cleaning tablets",
                "fsm_phone_ok": True,
                "type": "consu",
                "is_storable": False,
                "list_price": 8.0,
            }
        )

    def _qty(self, location):
        return sum(self.Quant._gather(self.burrs, location).mapped("quantity"))

    def _settle(self):
        quiet = self.order.with_context(
            fsm_skip_service_report=True, fsm_skip_client_notification=True
        )
        quiet.action_start()
        quiet.action_done()
        self.order.with_user(self.user_billing).action_create_invoice()
        return self.order.invoice_ids

    def _external(self, **vals):
        base = {
            "source": "external",
            "name": "Hose clamp 12 mm",
            "supplier_id": self.hardware_store.id,
            "purchase_cost": 4.0,
            "quantity_planned": 2,
        }
        base.update(vals)
        order = self.order.with_user(self.user_tech_north)
        order.write({"part_ids": [(0, 0, base)]})
        return order.part_ids[-1]


@tagged("post_install", "-at_install")
class TestCollectedParts(SettleCase):
    def test_a_broken_part_comes_back_to_the_collected_location(self):
        self._stock_van(2)
        part = self._part(1)
        part.with_user(self.user_tech_north).action_fsm_use()
        action = part.with_user(self.user_tech_north).action_fsm_collect_wizard()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.user_tech_north)
            .with_context(**action["context"])
        )
        wizard.quantity = 1
        wizard.save().action_collect()
        self.assertEqual((part.quantity_used, part.quantity_collected), (1, 1))
        collected = self.company.fsm_collected_location_id
        self.assertEqual(collected.name, "Collected from clients")
        self.assertEqual(collected.location_id, self.warehouse.view_location_id)
        self.assertEqual(
            (self._qty(self.stock), self._qty(self.van), self._qty(self.customers),
             self._qty(collected)),
            (10, 1, 0, 1),
        )  # fmt: skip
        move = part.sudo().move_ids.filtered(lambda m: m.location_dest_id == collected)
        self.assertEqual((move.state, move.location_id), ("done", self.customers))
        # a second collection uses the same location
        part.with_user(self.user_tech_north)._fsm_collect(2)
        self.assertEqual(self.company.fsm_collected_location_id, collected)
        self.assertEqual((self._qty(self.customers), self._qty(collected)), (-2, 3))
        self.assertEqual(part.quantity_collected, 3)

    def test_collecting_nothing_or_less_is_refused(self):
        part = self._part(0)
        for quantity in (0, -1):
            with (
                self.subTest(quantity=quantity),
                self.assertRaisesRegex(UserError, "above zero"),
            ):
                part.with_user(self.user_tech_north)._fsm_collect(quantity)
        with self.assertRaisesRegex(UserError, "counted in whole Units"):
            part.with_user(self.user_tech_north)._fsm_collect(0.5)
        self.assertEqual(part.quantity_collected, 0)
        self.assertFalse(self.company.fsm_collected_location_id)

    def test_services_and_external_parts_are_not_collected(self):
        service = self._part(1)
        service.product_id = self.descaling
        with self.assertRaisesRegex(UserError, "only catalogue goods are collected"):
            service.with_user(self.user_tech_north)._fsm_collect(1)
        with self.assertRaisesRegex(UserError, "only catalogue goods are collected"):
            self._external().with_user(self.user_tech_north).action_fsm_collect_wizard()


@tagged("post_install", "-at_install")
class TestExternalAndServiceParts(SettleCase):
    def test_an_external_part_moves_no_stock_and_is_invoiced(self):
        part = self._external(sale_price=6.5)
        self.assertFalse(part.product_id)
        part.with_user(self.user_tech_north).action_fsm_use()
        self.assertEqual(part.quantity_used, 2)
        self.assertFalse(part.sudo().move_ids, "it never was in our stock")
        component = self.machine_cafe.component_ids
        self.assertEqual((component.name, component.quantity), ("Hose clamp 12 mm", 2))
        invoice = self._settle()
        line = invoice.invoice_line_ids.filtered(
            lambda line: line.product_id == self.company._fsm_external_part_product()
        )
        self.assertEqual((line.quantity, line.price_unit, line.price_subtotal), (2, 6.5, 13.0))
        self.assertIn("Hose clamp 12 mm", line.name)
        self.assertIn("Järnia Odenplan", line.name)
        self.assertEqual(line.product_id.type, "service")

    def test_an_external_parts_price_starts_at_its_cost(self):
        form = Form(
            self.env["service.order.part"].with_user(self.user_tech_north),
            view="fsm_inventory.service_order_part_view_form",
        )
        form.order_id = self.order
        form.source = "external"
        form.name = "Fuse 5 A"
        form.supplier_id = self.hardware_store
        form.purchase_cost = 3.0
        self.assertEqual(form.sale_price, 3.0)
        form.sale_price = 5.0
        part = form.save()
        self.assertEqual((part.sale_price, part.purchase_cost, part.source), (5.0, 3.0, "external"))

    def test_an_external_part_needs_supplier_description_and_cost(self):
        for missing, regex in (
            ({"supplier_id": False}, "supplier"),
            ({"name": False}, "description"),
            ({"purchase_cost": 0.0}, "purchase cost"),
        ):
            with (
                self.subTest(missing=regex),
                self.assertRaisesRegex(ValidationError, f"needs its {regex}"),
            ):
                self._external(**missing)
        with self.assertConstraintRefused("service.order.part", "cannot be negative"):
            self._external(purchase_cost=-4.0, sale_price=-1.0)
        with self.assertConstraintRefused("service.order.part", "A catalogue part needs a product"):
            self.order.write({"part_ids": [(0, 0, {"quantity_planned": 1})]})
        self.assertFalse(self.order.part_ids)

    def test_a_service_is_used_without_stock_and_invoiced(self):
        part = self._part(1)
        part.product_id = self.descaling
        self.assertFalse(part.van_available)
        part.with_user(self.user_tech_north).action_fsm_use()
        self.assertEqual(part.quantity_used, 1)
        self.assertFalse(part.sudo().move_ids)
        self.assertFalse(self.machine_cafe.component_ids, "a service is not fitted")
        unused = self._part(1)
        unused.product_id = self.descaling
        with self.assertRaisesRegex(UserError, "nothing to take back"):
            unused.with_user(self.user_tech_north).action_fsm_return()
        invoice = self._settle()
        line = invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.descaling)
        self.assertEqual((line.quantity, line.price_subtotal), (1, 60.0))

    def test_services_are_not_prepared_for_the_van(self):
        part = self._part(1)
        part.product_id = self.descaling
        self.assertFalse(self.order.fsm_parts_to_prepare)

    def test_a_consumable_without_stock_tracking_is_used(self):
        part = self._part(3)
        part.product_id = self.tablets
        part.with_user(self.user_tech_north).action_fsm_use()
        self.assertEqual(part.quantity_used, 3)
        move = part.sudo().move_ids
        self.assertEqual((move.state, move.quantity, move.location_dest_id),
                         ("done", 3, self.customers))  # fmt: skip
        invoice = self._settle()
        line = invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.tablets)
        self.assertEqual((line.quantity, line.price_subtotal), (3, 24.0))

    def test_parts_services_and_external_on_one_invoice(self):
        self._stock_van(2)
        self._part(2).with_user(self.user_tech_north).action_fsm_use()
        service = self._part(1)
        service.product_id = self.descaling
        service.with_user(self.user_tech_north).action_fsm_use()
        self._external(sale_price=5.0).with_user(self.user_tech_north).action_fsm_use()
        self._external(name="Never fitted")  # not used: not invoiced
        invoice = self._settle()
        self.assertEqual(len(invoice.invoice_line_ids), 3)
        self.assertEqual(invoice.amount_untaxed, 84.0 + 60.0 + 10.0)
        self.assertEqual((self._qty(self.van), self._qty(self.customers)), (0, 2))

    def test_negative_or_fractional_quantities_are_refused(self):
        self._stock_van(2)
        with self.assertRaisesRegex(ValidationError, "counted in whole Units"):
            self._part(0.5)
        with self.assertRaisesRegex(ValidationError, "counted in whole Units"):
            self._external(quantity_planned=1.5)
        with self.assertConstraintRefused("service.order.part", "cannot be negative"):
            self._part(-1)
        part = self._part(1)
        with self.assertRaisesRegex(UserError, "above zero"):
            part.with_user(self.user_tech_north)._fsm_use(-2)
        with self.assertRaisesRegex(UserError, "counted in whole Units"):
            part.with_user(self.user_tech_north)._fsm_use(0.5)
        with self.assertRaisesRegex(UserError, "planned and not used"):
            part.with_user(self.user_tech_north)._fsm_return(3)
        self.assertEqual((self._qty(self.van), self._qty(self.stock)), (2, 10))
