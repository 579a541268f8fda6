from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .test_parts import InventoryCase


class SerialCase(InventoryCase):
    """A pressure switch tracked by serial (SN-1 and SN-2 in Anna's van,
    SN-3 in the warehouse) and a descaler tracked by lot (lot L-7, 5 in the
    van)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.switch = Product.create(
            {"name": "Pressure switch", "fsm_phone_ok": True, "type": "consu", "is_storable": True,
             "tracking": "serial", "list_price": 90.0}
        )  # fmt: skip
        cls.descaler = Product.create(
            {"name": "Descaler 1 l", "type": "consu", "is_storable": True, "tracking": "lot",
             "fsm_phone_ok": True,
             "list_price": 15.0}
        )  # fmt: skip
        Lot = cls.env["stock.lot"]
        cls.sn1, cls.sn2, cls.sn3 = Lot.create(
            [{"name": f"SN-{n}", "product_id": cls.switch.id} for n in (1, 2, 3)]
        )
        cls.lot7 = Lot.create({"name": "L-7", "product_id": cls.descaler.id})
        for lot in (cls.sn1, cls.sn2):
            cls.Quant._update_available_quantity(cls.switch, cls.van, 1, lot_id=lot)
        cls.Quant._update_available_quantity(cls.switch, cls.stock, 1, lot_id=cls.sn3)
        cls.Quant._update_available_quantity(cls.descaler, cls.van, 5, lot_id=cls.lot7)

    def _qty(self, product, location, lot=None):
        """What ``location`` holds of ``product`` (of ``lot``), negative too
        (the client's location is not an internal one)."""
        quants = self.Quant._gather(product, location, lot_id=lot, strict=bool(lot))
        return sum(quants.mapped("quantity"))

    def _line(self, product, lot=None, planned=1, order=None, **vals):
        order = (order or self.order).with_user(self.user_tech_north)
        vals.update(product_id=product.id, quantity_planned=planned, lot_id=lot and lot.id)
        order.write({"part_ids": [(0, 0, vals)]})
        return order.part_ids[-1]


@tagged("post_install", "-at_install")
class TestSerialParts(SerialCase):
    def test_a_serial_part_leaves_the_van_with_its_serial_and_is_fitted(self):
        part = self._line(self.switch, self.sn1)
        self.assertEqual(part.equipment_id, self.machine_cafe, "the order's machine")
        part.with_user(self.user_tech_north).action_fsm_use()
        self.assertEqual(part.quantity_used, 1)
        move = part.sudo().move_ids
        self.assertEqual(move.state, "done")
        self.assertEqual(move.move_line_ids.lot_id, self.sn1)
        self.assertEqual(self._qty(self.switch, self.van, self.sn1), 0)
        self.assertEqual(self._qty(self.switch, self.van, self.sn2), 1, "the other stays")
        self.assertEqual(self._qty(self.switch, self.customers, self.sn1), 1)
        self.assertEqual(self._qty(self.switch, self.stock), 1, "the warehouse untouched")
        # the machine's structure and its part history
        component = self.machine_cafe.component_ids
        self.assertEqual(
            (component.product_id, component.lot_id, component.quantity, component.order_id),
            (self.switch, self.sn1, 1, self.order),
        )
        self.assertTrue(component.active)
        self.assertEqual(self.machine_cafe.fsm_part_ids, part)
        self.assertEqual(part.technician_id, self.tech_north)
        self.assertTrue(part.date_used)
        # Anna reads her machine's components, and may not change them
        mine = self.machine_cafe.with_user(self.user_tech_north)
        self.assertEqual(mine.component_ids.lot_id, self.sn1)
        with self.assertRaises(AccessError):
            mine.component_ids.write({"quantity": 2})

    def test_a_lot_part_moves_its_lot(self):
        part = self._line(self.descaler, self.lot7, planned=2)
        part.with_user(self.user_tech_north).action_fsm_use()
        self.assertEqual(part.sudo().move_ids.move_line_ids.lot_id, self.lot7)
        self.assertEqual(self._qty(self.descaler, self.van, self.lot7), 3)
        self.assertEqual(self._qty(self.descaler, self.customers, self.lot7), 2)

    def test_a_returned_serial_goes_back_with_its_serial(self):
        part = self._line(self.switch, self.sn2)
        part.with_user(self.user_tech_north).action_fsm_return()
        self.assertEqual(part.quantity_returned, 1)
        self.assertEqual(part.sudo().move_ids.move_line_ids.lot_id, self.sn2)
        self.assertEqual(self._qty(self.switch, self.van, self.sn2), 0)
        self.assertEqual(self._qty(self.switch, self.stock, self.sn2), 1)
        self.assertEqual(self._qty(self.switch, self.stock), 2)
        self.assertFalse(self.machine_cafe.component_ids, "a return fits nothing")

    def test_a_serial_part_needs_a_serial_from_the_van(self):
        part = self._line(self.switch)
        with self.assertRaisesRegex(UserError, "tracked by serial or lot number"):
            part.with_user(self.user_tech_north).action_fsm_use()
        part.lot_id = self.sn3  # in the warehouse, not in the van
        with self.assertRaisesRegex(UserError, "with the serial/lot SN-3: choose a serial"):
            part.with_user(self.user_tech_north).action_fsm_use()
        self.assertEqual(part.quantity_used, 0)
        self.assertFalse(part.sudo().move_ids)
        self.assertEqual(self._qty(self.switch, self.van), 2, "nothing moved")
        self.assertEqual(self._qty(self.switch, self.stock, self.sn3), 1)

    def test_one_line_per_serial(self):
        with self.assertRaisesRegex(ValidationError, "one line per serial"):
            self._line(self.switch, planned=2)
        with self.assertRaisesRegex(ValidationError, "not of Pressure switch"):
            self._line(self.switch, self.lot7)

    def test_a_serial_fitted_on_another_machine_is_refused(self):
        self._line(self.switch, self.sn1).with_user(self.user_tech_north).action_fsm_use()
        # SN-1 comes back to the van by mistake, and Anna tries to fit it at the bar
        self.Quant._update_available_quantity(self.switch, self.van, 1, lot_id=self.sn1)
        bar = self._dispatched_order(client=self.client_bar)
        part = self._line(self.switch, self.sn1, order=bar)
        self.assertEqual(part.equipment_id, self.machine_bar)
        with self.assertRaisesRegex(
            UserError, "SN-1 of Pressure switch is already fitted on La Marzocco Linea PB"
        ):
            part.with_user(self.user_tech_north).action_fsm_use()
        self.assertFalse(self.machine_bar.component_ids)
        self.assertEqual(self._qty(self.switch, self.van, self.sn1), 1, "nothing moved")

    def test_a_collected_serial_comes_off_the_machine(self):
        fitted = self._line(self.switch, self.sn1)
        fitted.with_user(self.user_tech_north).action_fsm_use()
        component = self.machine_cafe.component_ids
        # the next visit replaces it: SN-2 in, SN-1 collected
        replacement = self._line(self.switch, self.sn2)
        replacement.with_user(self.user_tech_north).action_fsm_use()
        action = replacement.with_user(self.user_tech_north).action_fsm_collect_wizard()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.user_tech_north)
            .with_context(**action["context"])
        )
        self.assertIn(wizard.lot_name, ("SN-1", "SN-2"))
        wizard.lot_name = "SN-1"
        wizard.save().action_collect()
        self.assertEqual(replacement.quantity_collected, 1)
        collected = self.company.fsm_collected_location_id
        self.assertEqual(collected.usage, "internal")
        self.assertFalse(collected._child_of(self.stock), "never picked for a delivery")
        self.assertEqual(self._qty(self.switch, collected, self.sn1), 1)
        self.assertEqual(self._qty(self.switch, self.customers, self.sn1), 0)
        self.assertEqual(self._qty(self.switch, self.customers, self.sn2), 1)
        self.assertEqual(self._qty(self.switch, self.van), 0)
        self.assertFalse(component.active)
        self.assertEqual(component.removed_order_id, self.order)
        self.assertTrue(component.date_removed)
        self.assertEqual(self.machine_cafe.component_ids.filtered("active").lot_id, self.sn2)
        self.assertEqual(len(self.machine_cafe.component_ids), 2, "the removed one is kept")
        # SN-1 is free again: it may be fitted elsewhere once repaired
        bar = self._dispatched_order(client=self.client_bar)
        self.Quant._update_available_quantity(self.switch, self.van, 1, lot_id=self.sn3)
        self._line(self.switch, self.sn3, order=bar).with_user(
            self.user_tech_north
        ).action_fsm_use()
        self.assertEqual(self.machine_bar.component_ids.lot_id, self.sn3)

    def test_a_collected_serial_part_needs_its_serial(self):
        part = self._line(self.switch, planned=0)
        with self.assertRaisesRegex(UserError, "enter the one on the collected part"):
            part.with_user(self.user_tech_north)._fsm_collect(1)
        with self.assertRaisesRegex(UserError, "collect one serial at a time"):
            part.with_user(self.user_tech_north)._fsm_collect(2, "SN-9")
        self.assertEqual(part.quantity_collected, 0)


@tagged("post_install", "-at_install")
class TestComponentAccess(SerialCase):
    """Another company sees no component: TestInventoryCompanies checks every
    model of the addon with one record of each."""

    def test_a_technician_reads_components_of_machines_they_serve_only(self):
        self._line(self.switch, self.sn1).with_user(self.user_tech_north).action_fsm_use()
        component = self.machine_cafe.component_ids
        Component = self.env["service.equipment.component"]
        rule = self.env.ref("fsm_inventory.service_equipment_component_rule_technician")
        self.assertIn("fsm_technician_user_ids", rule.domain_force)
        self.assertEqual(Component.with_user(self.user_tech_north).search([]), component)
        self.assertFalse(Component.with_user(self.user_tech_south).search([]))
        with self.assertRaises(AccessError):
            Component.with_user(self.user_tech_north).create(
                {"equipment_id": self.machine_cafe.id, "name": "Something"}
            )
