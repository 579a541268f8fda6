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
             "default_code": "BUR-64"}
        )  # fmt: skip
        cls.van = cls.tech_north.van_location_id
        cls.env["stock.quant"]._update_available_quantity(cls.burrs, cls.van, 3)
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
        self.assertEqual(self.order.part_ids.quantity_used, 2)
        self.assertEqual(self.env["stock.quant"]._get_available_quantity(self.burrs, self.van), 1)
        delivered = self.order.part_ids.move_ids.filtered(
            lambda m: m.state == "done" and m.location_dest_id == customers
        )
        self.assertEqual(sum(delivered.mapped("quantity")), 2)
