from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.fsm_orders.tests.common import CompanySeparationMixin, FsmCase
from odoo.addons.mail.tests.common import mail_new_test_user


class InventoryCase(FsmCase):
    """The fsm_orders world with a stocked part: 10 grinder burr sets in the
    warehouse, and Anna's order for tomorrow."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Quant = cls.env["stock.quant"]
        cls.warehouse = cls.company._fsm_warehouse()
        cls.stock = cls.warehouse.lot_stock_id
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.burrs = cls.env["product.product"].create(
            {"name": "Burr set 64 mm", "type": "consu", "is_storable": True, "list_price": 42.0,
             "default_code": "BUR-64", "fsm_phone_ok": True}
        )  # fmt: skip
        cls.Quant._update_available_quantity(cls.burrs, cls.stock, 10)
        cls.van = cls.tech_north.van_location_id
        cls.order = cls._dispatched_order()

    def _on_hand(self, location):
        return self.Quant._get_available_quantity(self.burrs, location)

    def _stock_van(self, quantity):
        self.Quant._update_available_quantity(self.burrs, self.van, quantity)

    def _part(self, planned, order=None, user=None):
        order = (order or self.order).with_user(user or self.user_tech_north)
        order.write(
            {"part_ids": [(0, 0, {"product_id": self.burrs.id, "quantity_planned": planned})]}
        )
        return order.part_ids[-1]


@tagged("post_install", "-at_install")
class TestVanStock(InventoryCase):
    def test_every_technician_has_a_van(self):
        self.assertEqual(self.van.usage, "internal")
        self.assertEqual(self.van.location_id, self.company.fsm_van_parent_location_id)
        self.assertEqual(self.van.location_id.location_id, self.warehouse.view_location_id)
        newcomer = self.env["hr.employee"].create({"name": "Nils Nilsson"})
        self.assertFalse(newcomer.van_location_id)
        newcomer.is_technician = True
        self.assertEqual(newcomer.van_location_id.name, "Nils Nilsson")
        self.assertNotEqual(newcomer.van_location_id, self.van)

    def test_staff_without_hr_rights_read_technicians_and_their_van(self):
        """Coordinators and technicians read employees through the public
        profile: the van is on it, so reading a technician never fails."""
        for user in (self.user_coord_north, self.user_tech_north):
            with self.subTest(user=user.login):
                employee = self.tech_north.with_user(user)
                self.assertEqual(employee.van_location_id, self.van)
                self.assertTrue(employee.user_id)
        planned = self._new_order(
            technician_id=self.tech_north.id,
            team_id=self.team_north.id,
            scheduled_start=self.tomorrow_9,
            scheduled_duration=1.0,
        ).with_user(self.user_coord_north)
        planned.action_plan()
        planned.with_context(fsm_skip_client_notification=True).action_dispatch()
        self.assertEqual(planned.state, "dispatched")

    def test_planned_parts_go_to_the_van_on_a_transfer(self):
        part = self._part(3)
        self.assertTrue(self.order.fsm_parts_to_prepare)
        self.order.with_user(self.user_coord_north).action_fsm_prepare_parts()
        picking = part.sudo().transfer_move_id.picking_id
        self.assertEqual(picking.picking_type_id, self.warehouse.int_type_id)
        self.assertEqual((picking.location_id, picking.location_dest_id), (self.stock, self.van))
        self.assertEqual(part.sudo().transfer_move_id.product_uom_qty, 3)
        self.assertFalse(self.order.fsm_parts_to_prepare, "prepared once")
        self.assertEqual(self.order.part_transfer_count, 1)
        # the warehouse picks and validates it
        picking.action_assign()
        picking.move_ids.quantity = 3
        picking.move_ids.picked = True
        picking._action_done()
        self.assertEqual((self._on_hand(self.stock), self._on_hand(self.van)), (7, 3))
        with self.assertRaises(UserError):
            self.order.with_user(self.user_tech_north).action_fsm_prepare_parts()

    def test_using_and_returning_parts_moves_the_stock(self):
        self._stock_van(3)
        used = self._part(2)
        self.assertEqual(used.van_available, 3)
        used.with_user(self.user_tech_north).action_fsm_use()
        self.assertEqual((used.quantity_used, used.quantity_pending), (2, 0))
        self.assertEqual(self._on_hand(self.van), 1)
        moves = used.sudo().move_ids
        self.assertEqual(sum(moves.filtered(lambda m: m.state == "done").mapped("quantity")), 2)
        self.assertEqual(moves.location_dest_id, self.customers)
        self.assertEqual(moves.picking_id.picking_type_id, self.warehouse.out_type_id)
        self.assertEqual(moves.picking_id.partner_id, self.order.partner_id)
        spare = self._part(1)
        spare.with_user(self.user_tech_north).action_fsm_return()
        self.assertEqual(spare.quantity_returned, 1)
        self.assertEqual((self._on_hand(self.van), self._on_hand(self.stock)), (0, 11))

    def test_using_more_than_the_van_holds_is_refused(self):
        self._stock_van(1)
        part = self._part(2)
        with self.assertRaisesRegex(UserError, "holds 1.0 Units of .*Burr set 64 mm"):
            part.with_user(self.user_tech_north).action_fsm_use()
        self.assertEqual(part.quantity_used, 0)
        self.assertEqual(self._on_hand(self.van), 1, "nothing moved")
        self.assertFalse(part.sudo().move_ids)

    def test_bad_input_is_refused_and_changes_nothing(self):
        self._stock_van(5)
        with self.assertRaisesRegex(UserError, "counted in whole Units"):
            self._part(1.5)
        part = self._part(1)
        with self.assertRaisesRegex(UserError, "planned and not used"):
            part.with_user(self.user_tech_north)._fsm_return(2)
        with self.assertRaises(UserError):
            part.with_user(self.user_tech_north)._fsm_use(-1)
        with self.assertRaises(UserError):  # not his order: he cannot even read the line
            part.with_user(self.user_tech_south).action_fsm_use()
        self.order.technician_id = self.tech_south  # given to Erik: Anna may no longer use it
        with self.assertRaises(UserError):
            part.with_user(self.user_tech_north).action_fsm_use()
        self.order.technician_id = self.tech_north
        self.assertEqual(self._on_hand(self.van), 5)

    def test_a_technician_sees_parts_of_their_own_orders_only(self):
        part = self._part(1)
        eriks = self._dispatched_order(self.tech_south)
        self.assertFalse(
            self.env["service.order.part"]
            .with_user(self.user_tech_south)
            .search([("id", "=", part.id)])
        )
        with self.assertRaises(UserError):  # an access error is one
            self._part(1, order=eriks, user=self.user_tech_north)
        form = Form(self.order.with_user(self.user_tech_north))
        with form.part_ids.new() as line:
            line.product_id = self.burrs
            line.quantity_planned = 2
        form.save()
        self.assertEqual(self.order.part_ids.mapped("quantity_planned"), [1, 2])


@tagged("post_install", "-at_install")
class TestPartsOnTheInvoice(InventoryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_billing = mail_new_test_user(
            cls.env, login="coord_billing", name="Bo Billing",
            groups="fsm_orders.group_fsm_coordinator,account.group_account_invoice",
        )  # fmt: skip

    def _finish(self, order):
        quiet = order.with_context(fsm_skip_service_report=True, fsm_skip_client_notification=True)
        quiet.action_start()
        quiet.action_done()
        return order

    def test_used_parts_are_invoiced_at_the_clients_price(self):
        self._stock_van(3)
        self._part(2).with_user(self.user_tech_north).action_fsm_use()
        self._part(1)  # planned, never used: not invoiced
        self._finish(self.order)
        self.order.with_user(self.user_billing).action_create_invoice()
        invoice = self.order.invoice_ids
        self.assertEqual(invoice.state, "draft")
        lines = invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.burrs)
        self.assertEqual(lines.quantity, 2)
        self.assertEqual(lines.price_unit, 42.0)
        self.assertEqual(lines.price_subtotal, 84.0)

    def test_a_warranty_order_invoices_no_part(self):
        self._stock_van(1)
        self._part(1).with_user(self.user_tech_north).action_fsm_use()
        self.order.is_billable = False
        self._finish(self.order)
        self.assertFalse(self.order.with_user(self.user_billing).can_create_invoice)
        with self.assertRaisesRegex(UserError, "not billable"):
            self.order.with_user(self.user_billing).action_create_invoice()
        self.assertFalse(self.order.invoice_ids)


@tagged("post_install", "-at_install")
class TestInventoryCompanies(CompanySeparationMixin, InventoryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_other_company()

    def test_another_companys_coordinator_sees_no_part(self):
        self._stock_van(1)
        self._part(1).with_user(self.user_tech_north).action_fsm_use()  # fitted: a component
        self.env["service.order.estimate"].create(
            {"order_id": self.order.id, "line_ids": [(0, 0, {"product_id": self.burrs.id})]}
        )
        self.env["service.offer.reject.reason"].create(
            {"name": "Chose our other firm", "company_id": self.company.id}
        )
        self._assert_other_company_sees_nothing("fsm_inventory")
