from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .test_parts import InventoryCase


class VanStockCase(InventoryCase):
    """Anna's van holds 1 burr set, Erik's 4; the warehouse 10."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.van_south = cls.tech_south.van_location_id
        cls.Quant._update_available_quantity(cls.burrs, cls.van, 1)
        cls.Quant._update_available_quantity(cls.burrs, cls.van_south, 4)

    def _quants(self, user, domain=()):
        return (
            self.env["stock.quant"]
            .with_user(user)
            .search([("product_id", "=", self.burrs.id), *domain])
        )


@tagged("post_install", "-at_install")
class TestVanStockRights(VanStockCase):
    def test_a_technician_reads_their_own_van_only(self):
        quants = self._quants(self.user_tech_north)
        self.assertEqual(quants.location_id, self.van)
        self.assertEqual(quants.quantity, 1)
        self.assertFalse(self._quants(self.user_tech_north, [("location_id", "=", self.stock.id)]))
        eriks = self._quants(self.user_coord_north, [("location_id", "=", self.van_south.id)])
        with self.assertRaises(AccessError):
            eriks.with_user(self.user_tech_north).read(["quantity"])
        # "My van" on the phone: the van's quants, as a list and kanban
        action = self.env["stock.quant"].with_user(self.user_tech_north).action_fsm_my_van()
        self.assertEqual([view_type for _view, view_type in action["views"]], ["list", "kanban"])
        mine = self.env["stock.quant"].with_user(self.user_tech_north).search(action["domain"])
        self.assertEqual(mine.location_id, self.van)
        self.assertEqual(mine.mapped("product_uom_id.name"), ["Units"])
        visible = self.env["ir.ui.menu"].with_user(self.user_tech_north)._visible_menu_ids()
        self.assertIn(self.env.ref("fsm_inventory.menu_fsm_my_van").id, visible)
        self.assertNotIn(self.env.ref("fsm_inventory.menu_fsm_vans").id, visible)

    def test_someone_without_a_van_is_told(self):
        with self.assertRaisesRegex(UserError, "You have no van"):
            self.env["stock.quant"].with_user(self.user_coord_north).action_fsm_my_van()

    def test_a_coordinator_reads_every_van(self):
        Location = self.env["stock.location"].with_user(self.user_coord_north)
        action = self.env.ref("fsm_inventory.action_fsm_vans")
        vans = Location.search(safe_eval(action.domain))
        self.assertIn(self.van, vans)
        self.assertIn(self.van_south, vans)
        self.assertNotIn(self.stock, vans)
        self.assertEqual(vans.location_id, self.company.fsm_van_parent_location_id)
        stock = vans.action_fsm_view_van_stock()
        self.assertEqual(stock["context"]["group_by"], ["location_id"])
        quants = (
            self.env["stock.quant"]
            .with_user(self.user_coord_north)
            .search(stock["domain"] + [("product_id", "=", self.burrs.id)])
        )
        self.assertEqual(
            {q.location_id: q.quantity for q in quants}, {self.van: 1, self.van_south: 4}
        )

    def test_a_coordinator_corrects_a_van_with_an_inventory_adjustment(self):
        quant = self._quants(self.user_coord_north, [("location_id", "=", self.van_south.id)])
        quant = quant.with_context(inventory_mode=True)
        quant.inventory_quantity = 2
        quant.action_apply_inventory()
        self.assertEqual(self._on_hand(self.van_south), 2)
        move = self.env["stock.move"].search(
            [("product_id", "=", self.burrs.id), ("is_inventory", "=", True)]
        )
        self.assertEqual((move.location_id, move.quantity), (self.van_south, 2))
        # a technician counts nothing: they are no stock users
        mine = self._quants(self.user_tech_north).with_context(inventory_mode=True)
        with self.assertRaises(AccessError):
            mine.inventory_quantity = 5
            mine.action_apply_inventory()
        self.assertEqual(self._on_hand(self.van), 1)


@tagged("post_install", "-at_install")
class TestVanReplenishment(VanStockCase):
    """A minimum level of 2 (up to 5) burr sets in Anna's van, which holds 1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        action = cls.van.with_user(cls.user_coord_north).action_fsm_view_van_orderpoints()
        cls.orderpoint = (
            cls.env["stock.warehouse.orderpoint"]
            .with_user(cls.user_coord_north)
            .with_context(**action["context"])
            .create({"product_id": cls.burrs.id, "product_min_qty": 2, "product_max_qty": 5})
        )

    def _van_transfers(self):
        return (
            self.env["stock.move"]
            .search(
                [
                    ("location_dest_id", "=", self.van.id),
                    ("state", "not in", ("done", "cancel")),
                    ("product_id", "=", self.burrs.id),
                ]
            )  # fmt: skip
            .picking_id
        )

    def _run_scheduler(self):
        self.env["stock.rule"].run_scheduler(company_id=self.company.id)

    def test_the_level_uses_the_van_route(self):
        self.assertEqual(self.orderpoint.location_id, self.van)
        self.assertEqual(self.orderpoint.trigger, "auto")
        self.assertEqual(self.orderpoint.warehouse_id, self.warehouse)
        route = self.company.fsm_van_route_id
        self.assertEqual(self.orderpoint.route_id, route)
        self.assertEqual(route.rule_ids.location_dest_id, self.company.fsm_van_parent_location_id)
        self.assertEqual(route.rule_ids.procure_method, "make_to_stock")
        self.assertEqual(self.company._fsm_van_route(), route, "one route for all vans")
        levels = self.env["stock.warehouse.orderpoint"].with_user(self.user_coord_north)
        self.assertEqual(
            levels.search(self.van.action_fsm_view_van_orderpoints()["domain"]), self.orderpoint
        )

    def test_the_scheduler_sends_the_missing_parts_to_the_van_once(self):
        self._run_scheduler()
        picking = self._van_transfers()
        self.assertEqual(len(picking), 1)
        self.assertEqual(
            picking.picking_type_id, self.company.fsm_van_route_id.rule_ids.picking_type_id
        )
        self.assertEqual(picking.picking_type_id.code, "internal")
        self.assertEqual((picking.location_id, picking.location_dest_id), (self.stock, self.van))
        self.assertEqual(
            (picking.move_ids.location_id, picking.move_ids.location_dest_id),
            (self.stock, self.van),
        )
        self.assertEqual(picking.move_ids.product_id, self.burrs)
        self.assertEqual(picking.move_ids.product_uom_qty, 4, "up to the maximum of 5")
        self._run_scheduler()
        self.assertEqual(self._van_transfers(), picking, "no second transfer")
        self.assertEqual(picking.move_ids.product_uom_qty, 4)
        # the warehouse validates it: the van holds its maximum
        picking.action_assign()
        picking.move_ids.quantity = 4
        picking.move_ids.picked = True
        picking._action_done()
        self.assertEqual((self._on_hand(self.van), self._on_hand(self.stock)), (5, 6))

    def test_using_a_part_replenishes_the_van_at_once(self):
        self._stock_van(2)  # 3 in the van: above the minimum, nothing to send
        self._run_scheduler()
        self.assertFalse(self._van_transfers())
        part = self._part(2)
        part.with_user(self.user_tech_north).action_fsm_use()
        self.assertEqual(self._on_hand(self.van), 1)
        picking = self._van_transfers()
        self.assertEqual(len(picking), 1, "without running the scheduler")
        self.assertEqual(picking.move_ids.location_dest_id, self.van)
        self.assertEqual(picking.move_ids.product_uom_qty, 4)
        self._run_scheduler()
        self.assertEqual(self._van_transfers(), picking, "no duplicate")
        self.assertFalse(
            self.env["stock.move"].search([("location_dest_id", "=", self.van_south.id)]),
            "Erik's van has no level",
        )
