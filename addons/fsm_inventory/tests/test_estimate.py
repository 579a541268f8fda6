import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .test_parts import InventoryCase

# a 1x1 PNG: what the signature pad sends
SIGNATURE = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
)


class EstimateCase(InventoryCase):
    """Anna's order started on site, a descaling service in the catalogue,
    and 5 burr sets in her van."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.descaling = cls.env["product.product"].create(
            {"name": "Descaling (hour)", "type": "service", "list_price": 80.0,
             "fsm_phone_ok": True,
             "default_code": "LAB-DESC"}
        )  # fmt: skip
        cls.order.with_user(cls.user_tech_north).action_start()
        cls.Quant._update_available_quantity(cls.burrs, cls.van, 5)
        cls.user_billing = mail_new_test_user(
            cls.env, login="coord_billing", name="Bo Billing",
            groups="fsm_orders.group_fsm_coordinator,account.group_account_invoice",
        )  # fmt: skip

    def _estimate(self, lines, user=None, order=None):
        """The technician's estimate made in the phone form: ``lines`` are
        (product, quantity, price or None, discount)."""
        Estimate = self.env["service.order.estimate"].with_user(user or self.user_tech_north)
        form = Form(Estimate.with_context(default_order_id=(order or self.order).id))
        form.note = "Burrs worn down, group head scaled"
        for product, quantity, price, discount in lines:
            with form.line_ids.new() as line:
                line.product_id = product
                line.quantity = quantity
                if price is not None:
                    line.price_unit = price
                line.discount = discount
        return form.save()

    def _sign(self, estimate, name="Lisa Lind"):
        estimate.write({"signature": SIGNATURE, "signed_by": name})
        estimate.action_sign()
        return estimate

    def _part_lines(self, order):
        """The order's invoice lines of parts (with fsm_worktime installed,
        labour lines of the visit's time stand beside them)."""
        parts = order.part_ids.product_id
        return order.invoice_ids.invoice_line_ids.filtered(lambda line: line.product_id in parts)

    def _finish(self, order):
        quiet = order.with_context(fsm_skip_service_report=True, fsm_skip_client_notification=True)
        quiet.with_user(self.user_tech_north).action_done()
        return order


@tagged("post_install", "-at_install")
class TestEstimate(EstimateCase):
    def test_prices_default_to_the_clients_pricelist(self):
        # pricelists switched on in the settings, as a firm with client prices has them
        self.env.ref("base.group_user").implied_ids |= self.env.ref(
            "product.group_product_pricelist"
        )
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Café Norr prices",
                "item_ids": [
                    (0, 0, {"applied_on": "0_product_variant", "product_id": self.burrs.id,
                            "compute_price": "fixed", "fixed_price": 39.0})
                ],
            }
        )  # fmt: skip
        self.client_cafe.property_product_pricelist = pricelist
        self.assertEqual(self.client_cafe.property_product_pricelist, pricelist)
        self.assertEqual(pricelist._get_product_price(self.burrs, 2.0), 39.0)
        self.assertEqual(
            self.client_cafe.with_user(self.user_tech_north).property_product_pricelist, pricelist
        )
        estimate = self._estimate([(self.burrs, 2, None, 0), (self.descaling, 1.5, None, 0)])
        self.assertEqual(estimate.line_ids.mapped("price_unit"), [39.0, 80.0])
        self.assertEqual(estimate.line_ids.mapped("price_subtotal"), [78.0, 120.0])
        self.assertEqual(estimate.amount_untaxed, 198.0)
        self.assertEqual(estimate.currency_id, self.company.currency_id)
        self.assertEqual(estimate.name, f"{self.order.name}-E1")
        self.assertEqual(estimate.state, "draft")

    def test_client_signs_and_the_lines_become_planned_parts(self):
        estimate = self._estimate([(self.burrs, 2, 50.0, 10), (self.descaling, 1, None, 0)])
        self.assertEqual(estimate.amount_untaxed, 90.0 + 80.0)
        with self.assertRaisesRegex(UserError, "needs the client's signature and name"):
            estimate.action_sign()
        estimate.signature = SIGNATURE
        with self.assertRaisesRegex(UserError, "needs the client's signature and name"):
            estimate.action_sign()
        self.assertEqual(estimate.state, "draft")
        self.assertFalse(self.order.part_ids)
        before = self.order.message_ids
        self._sign(estimate)
        self.assertEqual(estimate.state, "signed")
        self.assertTrue(estimate.signed_on)
        parts = self.order.part_ids
        self.assertEqual(parts.product_id, self.burrs | self.descaling)
        self.assertEqual(parts.mapped("quantity_planned"), [2, 1])
        self.assertEqual(parts.estimate_line_id, estimate.line_ids)
        self.assertEqual(parts.estimate_id, estimate)
        self.assertEqual(estimate.part_ids, parts)
        # the signed estimate is on the order's chatter, as the report's PDF
        # (Odoo renders the report's HTML instead while tests run: a real PDF
        # would have wkhtmltopdf fetch the report's styles from a server that
        # waits on this test's transaction)
        message = self.order.message_ids - before
        self.assertEqual(len(message), 1)
        self.assertIn("Lisa Lind signed estimate", message.body)
        self.assertIn(estimate.name, message.body)
        self.assertIn("170.00", message.body)
        document = message.attachment_ids
        self.assertEqual(document.name, f"{estimate.name.replace('/', '-')}.pdf")
        for text in (estimate.name, "Lisa Lind", "Descaling (hour)", "The client approved"):
            self.assertIn(text.encode(), document.raw)
        self.assertIn(b"data:image/png;base64", document.raw, "with the signature")
        self.assertEqual(self.order.estimate_count, 1)

    def test_nothing_changes_after_signing(self):
        estimate = self._sign(self._estimate([(self.burrs, 1, None, 0)]))
        line = estimate.line_ids
        for change in (
            lambda: estimate.write({"note": "changed"}),
            lambda: estimate.write({"signed_by": "Someone else"}),
            lambda: line.write({"price_unit": 1.0}),
            lambda: line.write({"quantity": 5}),
            lambda: estimate.write({"line_ids": [(0, 0, {"product_id": self.burrs.id})]}),
            line.unlink,
            estimate.unlink,
            estimate.action_refuse,
            estimate.action_sign,
        ):
            with self.assertRaisesRegex(UserError, "is Signed and can no longer be changed"):
                change()
        with self.assertRaisesRegex(UserError, "Use the estimate's buttons"):
            estimate.write({"state": "draft"})
        self.assertEqual((line.price_unit, line.quantity), (42.0, 1))
        self.assertEqual(len(self.order.part_ids), 1)

    def test_refused_by_client_with_a_reason(self):
        estimate = self._estimate([(self.burrs, 1, None, 0)])
        with self.assertRaisesRegex(UserError, "Reason for refusal"):
            estimate.action_refuse()
        estimate.refusal_reason = "Too expensive, next month"
        estimate.action_refuse()
        self.assertEqual(estimate.state, "refused")
        self.assertFalse(self.order.part_ids, "nothing added to the order")
        self.assertIn("Too expensive, next month", self.order.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "is Refused"):
            estimate.line_ids.quantity = 2
        draft = self._estimate([(self.burrs, 1, None, 0)])
        draft.action_cancel()
        self.assertEqual(draft.state, "cancelled")
        self.assertEqual(draft.name, f"{self.order.name}-E2")

    def test_signed_prices_and_discounts_go_on_the_invoice(self):
        self._part(1).with_user(self.user_tech_north).action_fsm_use()  # planned: pricelist
        estimate = self._sign(self._estimate([(self.burrs, 2, 50.0, 10)]))
        extra = estimate.part_ids.with_user(self.user_tech_north)
        self.assertEqual(extra.quantity_pending, 2)
        extra.action_fsm_use()
        self.assertEqual(self._on_hand(self.van), 2, "5 - 1 - 2 used from the van")
        self._finish(self.order)
        self.order.with_user(self.user_billing).action_create_invoice()
        lines = self._part_lines(self.order).sorted("price_unit")
        self.assertEqual(lines.mapped("quantity"), [1, 2])
        self.assertEqual(lines.mapped("price_unit"), [42.0, 50.0])
        self.assertEqual(lines.mapped("discount"), [0.0, 10.0])
        self.assertEqual(lines.mapped("price_subtotal"), [42.0, 90.0])
        self.assertEqual(sum(lines.mapped("price_subtotal")), 132.0)

    def test_a_signed_service_is_planned_and_invoiced_only_when_used(self):
        """Labour on an estimate is a part line of the order too: it moves no
        stock, and is invoiced at the signed price once used; what was not
        used stays off the invoice."""
        estimate = self._sign(
            self._estimate([(self.descaling, 2, 75.0, 0), (self.burrs, 1, None, 0)])
        )
        labour = estimate.part_ids.filtered(lambda p: p.product_id == self.descaling)
        burrs = estimate.part_ids - labour
        self.assertEqual((labour.quantity_planned, labour.quantity_used), (2, 0))
        labour.with_user(self.user_tech_north).action_fsm_use()
        self.assertEqual(labour.quantity_used, 2)
        self.assertFalse(labour.sudo().move_ids, "a service moves no stock")
        self._finish(self.order)
        self.order.with_user(self.user_billing).action_create_invoice()
        line = self._part_lines(self.order)
        self.assertEqual((line.product_id, line.quantity, line.price_unit), (self.descaling, 2, 75))
        self.assertEqual(burrs.quantity_used, 0, "the burr set was not used: not invoiced")
        self.assertEqual(self._on_hand(self.van), 5)

    def test_bad_input_is_refused(self):
        Line = self.env["service.order.estimate.line"]
        estimate = self._estimate([(self.burrs, 1, None, 0)])
        for vals, message in (
            ({"quantity": -1}, "quantity must be above zero"),
            ({"quantity": 0}, "quantity must be above zero"),
            ({"discount": 150}, "discount is between 0 and 100"),
            ({"price_unit": -5}, "unit price cannot be negative"),
        ):
            with self.subTest(vals=vals), self.assertConstraintRefused(Line._name, message):
                estimate.line_ids.write(vals)
        empty = self.env["service.order.estimate"].create({"order_id": self.order.id})
        empty.write({"signature": SIGNATURE, "signed_by": "Lisa Lind"})
        with self.assertRaisesRegex(UserError, "has no line"):
            empty.action_sign()
        self._finish(self.order)
        with self.assertRaisesRegex(UserError, "is closed"):
            self._sign(estimate)
        with self.assertRaisesRegex(UserError, "is closed"):
            self.env["service.order.estimate"].create({"order_id": self.order.id})


@tagged("post_install", "-at_install")
class TestEstimateAccess(EstimateCase):
    def test_a_technician_estimates_on_their_own_orders_only(self):
        estimate = self._estimate([(self.burrs, 1, None, 0)])
        Estimate = self.env["service.order.estimate"].with_user(self.user_tech_south)
        self.assertFalse(Estimate.search([("id", "=", estimate.id)]))
        self.assertFalse(
            self.env["service.order.estimate.line"]
            .with_user(self.user_tech_south)
            .search([("id", "in", estimate.line_ids.ids)])
        )
        with self.assertRaises(AccessError):
            estimate.with_user(self.user_tech_south).read(["amount_total"])
        with self.assertRaises(AccessError):
            Estimate.create({"order_id": self.order.id})
        with self.assertRaises(AccessError):
            estimate.with_user(self.user_tech_south).action_sign()
        # the coordinator sees and answers every estimate of the company
        coordinator = estimate.with_user(self.user_coord_north)
        self.assertEqual(coordinator.amount_total, estimate.amount_total)
        coordinator.write({"signature": SIGNATURE, "signed_by": "Lisa Lind"})
        coordinator.action_sign()
        self.assertEqual(estimate.state, "signed")
        # the rule on the technician is the order's
        rule = self.env.ref("fsm_inventory.service_order_estimate_rule_technician")
        self.assertIn("order_id.technician_user_id", rule.domain_force)

    def test_the_technician_cannot_delete_an_estimate(self):
        estimate = self._estimate([(self.burrs, 1, None, 0)])
        with self.assertRaises(AccessError):
            estimate.with_user(self.user_tech_north).unlink()
