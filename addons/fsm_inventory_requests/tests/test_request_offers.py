from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.fsm_requests.tests.common import RequestWorldMixin


@tagged("post_install", "-at_install")
class TestRequestOffers(RequestWorldMixin, TransactionCase):
    """Lisa calls about a leaking machine; Nora offers a burr set and the
    descaling before planning any visit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_request_world()
        cls.env = cls.env(context=dict(cls.env.context, fsm_skip_client_notification=True))
        cls.burrs = cls.env["product.product"].create(
            {"name": "Burr set 64 mm", "type": "consu", "is_storable": True, "list_price": 42.0,
             "fsm_phone_ok": True,
             "taxes_id": False}
        )  # fmt: skip
        cls.descaling = cls.env["product.product"].create(
            {
                "name": "Descaling",
                "fsm_phone_ok": True,
                "type": "service",
                "list_price": 80.0,
                "taxes_id": False,
            }
        )
        cls.request = cls._new_request().with_env(cls.env)

    def _make_offer(self, user=None):
        request = self.request.with_user(user or self.user_coord_north)
        offer = self.env["sale.order"].browse(request.action_fsm_make_offer()["res_id"])
        return offer.with_user(user or self.user_coord_north)

    def test_an_offer_is_made_from_a_request(self):
        offer = self._make_offer()
        self.assertEqual(offer.partner_id, self.client_cafe)
        self.assertEqual(offer.partner_shipping_id, self.site_cafe)
        self.assertEqual(offer.fsm_request_id, self.request)
        self.assertFalse(offer.fsm_order_id)
        self.assertTrue(offer.fsm_is_offer, "listed among the field service offers")
        self.assertEqual(self.request.with_user(self.user_coord_north).fsm_offer_count, 1)
        action = self.request.with_user(self.user_coord_north).action_fsm_view_offers()
        self.assertEqual(self.env["sale.order"].search(action["domain"]), offer)
        self.assertEqual(offer.with_user(self.user_coord_south).name, offer.name, "any coordinator")

    def test_accepting_creates_the_requests_order_with_the_parts_planned(self):
        offer = self._make_offer()
        offer.write(
            {
                "order_line": [
                    (0, 0, {"product_id": self.burrs.id, "product_uom_qty": 2}),
                    (0, 0, {"product_id": self.descaling.id, "product_uom_qty": 1}),
                ]
            }
        )
        self.assertFalse(self.request.order_ids)
        offer.action_confirm()
        order = self.request.order_ids
        self.assertEqual(len(order), 1)
        self.assertEqual(offer.fsm_order_id, order)
        self.assertEqual(
            (order.partner_id, order.location_id, order.equipment_ids),
            (self.client_cafe, self.site_cafe, self.machine_cafe),
        )
        self.assertEqual(order.part_ids.product_id, self.burrs, "goods only")
        self.assertEqual(order.part_ids.quantity_planned, 2)
        self.assertEqual(self.request.state, "in_progress")
        self.assertFalse(offer.sudo().picking_ids)
        self.assertIn(offer.name, "".join(order.message_ids.mapped("body")))

    def test_an_offer_on_an_order_of_the_request_fills_that_order(self):
        order = self.env["service.order"].create(self.request._prepare_order_vals())
        order.part_ids = [(0, 0, {"product_id": self.burrs.id, "quantity_planned": 1})]
        action = order.with_user(self.user_coord_north).action_fsm_make_offer()
        offer = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual((offer.fsm_order_id, offer.fsm_request_id), (order, self.request))
        offer.order_line.product_uom_qty = 3
        offer.action_confirm()
        self.assertEqual(self.request.order_ids, order, "no second order")
        self.assertEqual(order.part_ids.quantity_planned, 3)

    def test_technicians_and_closed_requests_make_no_offer(self):
        with self.assertRaises(UserError):
            self.request.with_user(self.user_tech_north).action_fsm_make_offer()
        offer = self._make_offer()
        offer.write({"order_line": [(0, 0, {"product_id": self.burrs.id})]})
        self.request.action_cancel()
        with self.assertRaisesRegex(UserError, "reopen it to make an offer"):
            self.request.with_user(self.user_coord_north).action_fsm_make_offer()
        with self.assertRaisesRegex(UserError, "reopen it before accepting"):
            offer.action_confirm()
        self.assertFalse(self.request.order_ids)
