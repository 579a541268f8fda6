from odoo.tests import HttpCase, tagged

from odoo.addons.fsm_orders.tests.common import FsmWorldMixin


@tagged("post_install", "-at_install")
class TestPartsOnThePhone(FsmWorldMixin, HttpCase):
    browser_size = "390x844"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_fsm_world()
        cls.user_tech_north.password = "tech_north"
        cls.burrs = cls.env["product.product"].create(
            {"name": "Burr set 64 mm", "type": "consu", "is_storable": True, "list_price": 42.0,
             "fsm_phone_ok": True,
             "default_code": "BUR-64"}
        )  # fmt: skip
        cls.gasket = cls.env["product.product"].create(
            {"name": "Group gasket 8.5 mm", "type": "consu", "is_storable": True,
             "fsm_phone_ok": True,
             "list_price": 6.0, "default_code": "GSK-85"}
        )  # fmt: skip
        cls.van = cls.tech_north.van_location_id
        cls.env["stock.quant"]._update_available_quantity(cls.burrs, cls.van, 3)
        cls.env["stock.quant"]._update_available_quantity(cls.gasket, cls.van, 4)
        cls.order = cls._dispatched_order(contact_id=cls.contact_cafe.id)
        cls.order.with_user(cls.user_tech_north).write(
            {"part_ids": [(0, 0, {"product_id": cls.burrs.id, "quantity_planned": 2})]}
        )
        cls.order.with_user(cls.user_tech_north).action_start()

    def test_technician_uses_a_part_from_the_van_and_finishes(self):
        self.start_tour(
            f"/odoo/my-day/{self.order.id}", "fsm_inventory_part_on_the_phone", login="tech_north"
        )
        customers = self.env.ref("stock.stock_location_customers")
        self.assertEqual(self.order.state, "done")
        Quant = self.env["stock.quant"]
        for product, used, left in ((self.burrs, 2, 1), (self.gasket, 1, 3)):
            with self.subTest(part=product.name):
                part = self.order.part_ids.filtered(
                    lambda p, product=product: p.product_id == product
                )
                self.assertEqual(part.quantity_used, used)
                self.assertEqual(Quant._get_available_quantity(product, self.van), left)
                delivered = part.move_ids.filtered(
                    lambda m: m.state == "done" and m.location_dest_id == customers
                )
                self.assertEqual(sum(delivered.mapped("quantity")), used)
