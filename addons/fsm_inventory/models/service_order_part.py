from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero, float_round


class ServiceOrderPart(models.Model):
    """A part on a service order, and the stock it moves.

    * **planned**: what the visit needs; *Prepare parts* on the order makes
      one internal transfer from the warehouse's stock to the technician's
      van, for the warehouse to pick and validate;
    * **used** on site: from the van to the client (a delivery, validated at
      once). Using more than the van holds is refused with what it holds; two
      phones using the last unit at the same moment serialise on the van
      (``hr.employee._fsm_lock_van``): one succeeds, the other is told;
    * **returned**: planned parts left unused go back from the van to the
      warehouse (an internal transfer, validated at once); no more than was
      planned and not used.

    * **collected** from the client: a broken part taken back to the firm,
      from the client to the company's *Collected from clients* location
      (validated at once; see ``res.company._fsm_collected_location``). A
      collected serial is marked removed from the machine's structure;
    * **external**: bought outside the catalogue (supplier, description,
      cost, sale price, receipt photo). It never was in our stock, so it
      moves none: *Use* marks it used, and it is invoiced with the company's
      *External part* service product;
    * a **service** product (labour from the catalogue) moves no stock
      either: *Use* marks it used, so that it is invoiced. Consumables that
      are not storable move without an availability check (Odoo keeps no
      stock of them).

    Tracked parts carry their lot or serial on every move: using one needs a
    lot the van holds; a serial-numbered part is one line per serial (it
    plans at most one). Used goods with a machine (``equipment_id``, the
    order's machine by default) are fitted on it: a
    ``service.equipment.component`` each; a serial already fitted on another
    machine is refused.

    Quantities only grow through these actions, never by typing, so that the
    stock always says what the lines say. Stock is moved with the superuser
    after the checks of this model (the technician's own order and van), as
    technicians are not warehouse users.
    """

    _name = "service.order.part"
    _description = "Part on a service order"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one(
        "service.order", required=True, index=True, ondelete="cascade", string="Order"
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    technician_id = fields.Many2one(related="order_id.technician_id", string="Technician")
    technician_user_id = fields.Many2one(
        related="order_id.technician_user_id", store=True, string="Technician user"
    )
    source = fields.Selection(
        [("catalogue", "Catalogue"), ("external", "External")],
        required=True,
        default="catalogue",
        help="Catalogue: a product of ours, moved from the van. External: bought outside the "
        "catalogue by the technician; it moves no stock.",
    )
    product_id = fields.Many2one(
        "product.product",
        "Part",
        domain="[('type', 'in', ('consu', 'service')), ('sale_ok', '=', True), "
        "('company_id', 'in', [company_id, False])]",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    tracking = fields.Selection(related="product_id.tracking")
    product_type = fields.Selection(related="product_id.type")
    product_is_storable = fields.Boolean(related="product_id.is_storable")
    lot_id = fields.Many2one(
        "stock.lot",
        "Serial / lot",
        copy=False,
        domain="[('product_id', '=', product_id), ('quant_ids.location_id', '=', van_location_id)]",
        help="The serial number or lot used from the van; needed to use a tracked part.",
    )
    van_location_id = fields.Many2one(related="order_id.technician_id.van_location_id")
    equipment_id = fields.Many2one(
        "service.equipment",
        "Machine",
        compute="_compute_equipment_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        domain="[('id', 'in', order_equipment_ids)]",
        help="The machine the part is fitted on: the order's machine when it has one.",
    )
    order_equipment_ids = fields.Many2many(related="order_id.equipment_ids")
    date_used = fields.Datetime("Used on", readonly=True, copy=False)
    quantity_collected = fields.Float(
        "Collected",
        digits="Product Unit",
        readonly=True,
        copy=False,
        help="Broken parts taken back from the client to the firm.",
    )
    # external parts
    name = fields.Char("Description", help="What the external part is, as on the receipt.")
    supplier_id = fields.Many2one("res.partner", "Supplier", help="Where the part was bought.")
    currency_id = fields.Many2one(related="company_id.currency_id")
    purchase_cost = fields.Monetary("Purchase cost", help="Unit cost on the supplier's receipt.")
    sale_price = fields.Monetary(
        "Sale price",
        compute="_compute_sale_price",
        store=True,
        readonly=False,
        help="Unit price for the client: the cost until someone enters another.",
    )
    receipt_image = fields.Image("Receipt photo", attachment=True, max_width=1920, max_height=1920)
    quantity_planned = fields.Float("Planned", digits="Product Unit", default=1.0)
    quantity_used = fields.Float("Used", digits="Product Unit", readonly=True, copy=False)
    quantity_returned = fields.Float("Returned", digits="Product Unit", readonly=True, copy=False)
    quantity_pending = fields.Float(
        "To use",
        digits="Product Unit",
        compute="_compute_quantity_pending",
        help="Planned and neither used nor returned yet.",
    )
    # the warehouse's documents: read by stock users, moved by this model
    move_ids = fields.One2many(
        "stock.move", "fsm_part_id", string="Stock moves", readonly=True,
        groups="stock.group_stock_user",
    )  # fmt: skip
    transfer_move_id = fields.Many2one(
        "stock.move", "Transfer to the van", readonly=True, copy=False,
        groups="stock.group_stock_user",
    )  # fmt: skip
    van_available = fields.Float(
        "In the van",
        digits="Product Unit",
        compute="_compute_van_available",
        help="What the technician's van holds of this part now.",
    )

    _quantities_positive = models.Constraint(
        "CHECK(quantity_planned >= 0 AND quantity_used >= 0 AND quantity_returned >= 0"
        " AND quantity_collected >= 0)",
        "A part's quantities cannot be negative.",
    )
    _catalogue_has_product = models.Constraint(
        "CHECK(source = 'external' OR product_id IS NOT NULL)",
        "A catalogue part needs a product: choose one, or record it as an external part.",
    )
    _prices_positive = models.Constraint(
        "CHECK(COALESCE(purchase_cost, 0) >= 0 AND COALESCE(sale_price, 0) >= 0)",
        "An external part's cost and price cannot be negative.",
    )

    @api.depends("order_id")
    def _compute_equipment_id(self):
        for part in self:
            if not part.equipment_id:
                machines = part.order_id.equipment_ids
                part.equipment_id = machines if len(machines) == 1 else False

    @api.depends("purchase_cost")
    def _compute_sale_price(self):
        # decided: no margin setting; the cost is the starting price, and the
        # technician or coordinator enters the client's price
        for part in self:
            if part.source == "external" and not part.sale_price:
                part.sale_price = part.purchase_cost

    @api.constrains("source", "supplier_id", "name", "purchase_cost")
    def _check_external(self):
        for part in self.filtered(lambda p: p.source == "external"):
            missing = [
                label
                for label, value in (
                    (self.env._("supplier"), part.supplier_id),
                    (self.env._("description"), part.name),
                    (self.env._("purchase cost"), part.purchase_cost > 0),
                )
                if not value
            ]
            if missing:
                raise ValidationError(
                    self.env._(
                        "An external part needs its %(missing)s: enter them from the receipt.",
                        missing=", ".join(missing),
                    )
                )

    @api.constrains("product_id", "lot_id", "quantity_planned")
    def _check_lot(self):
        for part in self.filtered("product_id"):
            if part.lot_id and part.lot_id.product_id != part.product_id:
                raise ValidationError(
                    self.env._(
                        "%(lot)s is a serial of %(other)s, not of %(part)s: choose one of the "
                        "part's own.",
                        lot=part.lot_id.name,
                        other=part.lot_id.product_id.display_name,
                        part=part.product_id.display_name,
                    )
                )
            if part.tracking == "serial" and part.quantity_planned > 1:
                raise ValidationError(
                    self.env._(
                        "%(part)s has a serial number per unit: add one line per serial "
                        "instead of %(quantity)s on one.",
                        part=part.product_id.display_name,
                        quantity=part.quantity_planned,
                    )
                )

    @api.depends("quantity_planned", "quantity_used", "quantity_returned")
    def _compute_quantity_pending(self):
        for part in self:
            part.quantity_pending = max(
                part.quantity_planned - part.quantity_used - part.quantity_returned, 0.0
            )

    @api.depends("product_id", "order_id.technician_id")
    def _compute_van_available(self):
        Quant = self.env["stock.quant"].sudo()
        for part in self:
            van = part.order_id.technician_id.sudo().van_location_id
            part.van_available = (
                Quant._get_available_quantity(part.product_id, van)
                if van and part.product_id
                else 0.0
            )

    def _fsm_moves_stock(self):
        """Catalogue goods move stock; services and external parts do not."""
        self.ensure_one()
        return self.source == "catalogue" and self.product_id.type == "consu"

    def _fsm_whole_units_only(self):
        """A part counted in units (Odoo's *Units*, or a unit rounded to
        whole numbers) is planned and used in whole numbers."""
        self.ensure_one()
        uom = self.product_id.uom_id
        if not uom:  # an external part: counted in units
            return True
        unit = self.env.ref("uom.product_uom_unit", raise_if_not_found=False)
        return uom == unit or uom.rounding >= 1

    def _fsm_check_whole(self, quantity, verb):
        self.ensure_one()
        uom = self.product_id.uom_id or self.env.ref("uom.product_uom_unit")
        step = 1.0 if self._fsm_whole_units_only() else uom.rounding
        if not float_is_zero(quantity - float_round(quantity, precision_rounding=step), 6):
            raise ValidationError(
                self.env._(
                    "%(part)s is counted in whole %(unit)s: %(quantity)s cannot be %(verb)s.",
                    part=self._fsm_label(),
                    unit=uom.name,
                    quantity=quantity,
                    verb=verb,
                )
            )

    @api.constrains("quantity_planned", "product_id")
    def _check_whole_units(self):
        for part in self:
            part._fsm_check_whole(part.quantity_planned, self.env._("planned"))

    def _fsm_prepare_settlement_line(self, quantity, pricelist):
        """The invoice line of ``quantity`` of this catalogue part: the
        client's pricelist price (Odoo's sale price when the client has
        none), less the catalogue's line discount. Other modules change the
        price of their own parts here (the signed estimate's)."""
        self.ensure_one()
        line = {
            "product_id": self.product_id.id,
            "quantity": quantity,
            "product_uom_id": self.product_id.uom_id.id,
            "discount": self.product_id.fsm_discount,
            "name": self.env._(
                "%(part)s on %(order)s",
                part=self.product_id.display_name,
                order=self.order_id.name,
            ),
        }
        if pricelist:
            line["price_unit"] = pricelist._get_product_price(self.product_id, quantity)
        return line

    def _fsm_label(self):
        self.ensure_one()
        return self.product_id.display_name or self.name or ""

    @api.depends("product_id", "name", "order_id")
    def _compute_display_name(self):
        # "[GAS-85] Group head gasket 8.5 mm on SO/2026/00031", not "Unnamed"
        for part in self:
            part.display_name = self.env._(
                "%(part)s on %(order)s", part=part._fsm_label(), order=part.order_id.name
            )

    # ------------------------------------------------------------------
    # rules
    # ------------------------------------------------------------------
    def _fsm_check_may_move(self, needs_van=True):
        """Parts move on an order that is not finished or cancelled, by its
        technician or a coordinator; the order has a technician with a van."""
        for part in self:
            order = part.order_id
            if order.state in ("done", "cancelled"):
                raise UserError(self.env._("%s is closed: its parts no longer move.", order.name))
            if not self.env.user.has_group("fsm_orders.group_fsm_coordinator") and (
                order.technician_user_id != self.env.user
            ):
                raise UserError(
                    self.env._("%s is not your order: use parts on your own orders.", order.name)
                )
            if needs_van and not order.technician_id.sudo().van_location_id:
                raise UserError(
                    self.env._("%s has no technician with a van to take parts from.", order.name)
                )

    def _fsm_check_quantity(self, quantity, verb=None):
        self.ensure_one()
        rounding = self.product_id.uom_id.rounding or 0.01
        if float_compare(quantity, 0.0, precision_rounding=rounding) <= 0:
            raise UserError(self.env._("Enter a quantity above zero."))
        self._fsm_check_whole(quantity, verb or self.env._("used"))

    # ------------------------------------------------------------------
    # stock
    # ------------------------------------------------------------------
    def _fsm_move(
        self, quantity, source, destination, picking_type, partner=None, validate=True, lot=None
    ):
        """One move of this part in a transfer of its own type; validated at
        once unless ``validate`` is false (the warehouse's to pick). A
        tracked part moves its lot (``lot``, or the line's): the move line
        carries it, made here before ``_action_done`` rather than reserved by
        Odoo, which could pick another serial."""
        self.ensure_one()
        lot = lot if lot is not None else self.lot_id
        order = self.order_id
        picking = (
            self.env["stock.picking"]
            .sudo()
            .create(
                {
                    "picking_type_id": picking_type.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "partner_id": (partner or order.partner_id).id,
                    "origin": order.name,
                    "company_id": order.company_id.id,
                    "move_ids": [
                        fields.Command.create(
                            {
                                "product_id": self.product_id.id,
                                "product_uom_qty": quantity,
                                "product_uom": self.product_id.uom_id.id,
                                "location_id": source.id,
                                "location_dest_id": destination.id,
                                "fsm_part_id": self.id,
                                "company_id": order.company_id.id,
                            }
                        )
                    ],
                }
            )
        )
        picking.action_confirm()
        if validate:
            if lot and self.product_id.tracking != "none":
                move = picking.move_ids
                move.move_line_ids.unlink()
                self.env["stock.move.line"].sudo().create(
                    {
                        "move_id": move.id,
                        "picking_id": picking.id,
                        "product_id": self.product_id.id,
                        "product_uom_id": move.product_uom.id,
                        "lot_id": lot.id,
                        "quantity": quantity,
                        "location_id": source.id,
                        "location_dest_id": destination.id,
                        "company_id": order.company_id.id,
                        "picked": True,
                    }
                )
                move.picked = True
            else:
                picking.action_assign()
                for move in picking.move_ids:
                    move.quantity = move.product_uom_qty
                    move.picked = True
            picking._action_done()
        return picking.move_ids

    def action_fsm_use(self):
        """*Use* on the phone: what is planned and not used yet leaves the van
        for the client."""
        for part in self:
            part._fsm_use(part.quantity_pending)
        return True

    def _fsm_use(self, quantity):
        self.ensure_one()
        stocked = self._fsm_moves_stock()
        self._fsm_check_may_move(needs_van=stocked)
        self._fsm_check_quantity(quantity)
        if stocked:
            self._fsm_use_from_van(quantity)
        self._fsm_fit(quantity)
        rounding = self.product_id.uom_id.rounding or 0.01
        vals = {
            "quantity_used": self.quantity_used + quantity,
            # now, or the tap's time of a part used from the phone's queue
            "date_used": self.env["service.order"]._fsm_now(),
        }
        if (
            float_compare(
                self.quantity_used + quantity, self.quantity_planned, precision_rounding=rounding
            )
            > 0
        ):
            vals["quantity_planned"] = self.quantity_used + quantity
        self.sudo().write(vals)

    def _fsm_check_lot_given(self):
        """A tracked part moves with its lot or serial."""
        self.ensure_one()
        if self.product_id.tracking != "none" and not self.lot_id:
            raise UserError(
                self.env._(
                    "%(part)s is tracked by serial or lot number: choose the one you take "
                    "from the van first.",
                    part=self.product_id.display_name,
                )
            )

    def _fsm_use_from_van(self, quantity):
        """Goods leave the van for the client: a tracked part with a serial
        or lot the van holds, a serial one at a time and not fitted on
        another machine; a storable part no more than the van holds."""
        self.ensure_one()
        self._fsm_check_lot_given()
        if (
            self.product_id.tracking == "serial"
            and float_compare(quantity, 1.0, precision_digits=2) > 0
        ):
            raise UserError(
                self.env._(
                    "%(part)s has a serial number per unit: use one line per serial.",
                    part=self.product_id.display_name,
                )
            )
        self._fsm_check_serial_free()
        technician = self.order_id.technician_id.sudo()
        technician._fsm_lock_van()
        van = technician.van_location_id
        rounding = self.product_id.uom_id.rounding
        if self.product_id.is_storable:
            Quant = self.env["stock.quant"].sudo()
            if self.lot_id:
                available = Quant._get_available_quantity(
                    self.product_id, van, lot_id=self.lot_id, strict=True
                )
                if float_compare(quantity, available, precision_rounding=rounding) > 0:
                    raise UserError(
                        self.env._(
                            "%(van)s holds %(available)s %(unit)s of %(part)s with the "
                            "serial/lot %(lot)s: choose a serial or lot that is in the van.",
                            van=van.display_name,
                            available=available,
                            unit=self.product_id.uom_id.name,
                            part=self.product_id.display_name,
                            lot=self.lot_id.name,
                        )
                    )
            available = Quant._get_available_quantity(self.product_id, van)
            if float_compare(quantity, available, precision_rounding=rounding) > 0:
                raise UserError(
                    self.env._(
                        "%(van)s holds %(available)s %(unit)s of %(part)s: %(quantity)s cannot be "
                        "used.",
                        van=van.display_name,
                        available=available,
                        unit=self.product_id.uom_id.name,
                        part=self.product_id.display_name,
                        quantity=quantity,
                    )
                )
        warehouse = self.order_id.company_id._fsm_warehouse()
        customers = self.env.ref("stock.stock_location_customers")
        self._fsm_move(quantity, van, customers, warehouse.out_type_id)

    # ------------------------------------------------------------------
    # the machine's structure
    # ------------------------------------------------------------------
    def _fsm_check_serial_free(self):
        """A serial is fitted on one machine at a time."""
        self.ensure_one()
        if self.product_id.tracking != "serial" or not self.lot_id:
            return
        # sudo: the other machine may be one the technician cannot read
        fitted = (
            self.env["service.equipment.component"]
            .sudo()
            .search(
                [("lot_id", "=", self.lot_id.id), ("equipment_id", "!=", self.equipment_id.id)],
                limit=1,
            )
        )
        if fitted:
            raise UserError(
                self.env._(
                    "Serial %(lot)s of %(part)s is already fitted on %(machine)s: collect it "
                    "there first, or choose another serial.",
                    lot=self.lot_id.name,
                    part=self.product_id.display_name,
                    machine=fitted.equipment_id.display_name,
                )
            )

    def _fsm_fit(self, quantity):
        """Used goods with a machine join its structure; services do not."""
        self.ensure_one()
        if not self.equipment_id or self.product_id.type == "service":
            return
        self.env["service.equipment.component"].sudo().create(
            {
                "equipment_id": self.equipment_id.id,
                "product_id": self.product_id.id,
                "name": self._fsm_label(),
                "lot_id": self.lot_id.id,
                "quantity": quantity,
                "part_id": self.id,
            }
        )

    def action_fsm_return(self):
        """The planned parts left unused go back to the warehouse."""
        for part in self:
            part._fsm_return(part.quantity_pending)
        return True

    def _fsm_return(self, quantity):
        self.ensure_one()
        if not self._fsm_moves_stock():
            raise UserError(
                self.env._(
                    "%s is not stock of ours: there is nothing to take back to the warehouse.",
                    self._fsm_label(),
                )
            )
        self._fsm_check_may_move()
        self._fsm_check_quantity(quantity, self.env._("returned"))
        rounding = self.product_id.uom_id.rounding
        if float_compare(quantity, self.quantity_pending, precision_rounding=rounding) > 0:
            raise UserError(
                self.env._(
                    "%(quantity)s of %(part)s cannot go back: %(pending)s were planned and not "
                    "used.",
                    quantity=quantity,
                    part=self.product_id.display_name,
                    pending=self.quantity_pending,
                )
            )
        self._fsm_check_lot_given()
        technician = self.order_id.technician_id.sudo()
        technician._fsm_lock_van()
        van = technician.van_location_id
        if self.product_id.is_storable:
            available = (
                self.env["stock.quant"]
                .sudo()
                ._get_available_quantity(
                    self.product_id, van, lot_id=self.lot_id or None, strict=bool(self.lot_id)
                )
            )
            if float_compare(quantity, available, precision_rounding=rounding) > 0:
                raise UserError(
                    self.env._(
                        "%(van)s holds %(available)s of %(part)s: %(quantity)s cannot go back.",
                        van=van.display_name,
                        available=available,
                        part=self.product_id.display_name,
                        quantity=quantity,
                    )
                )
        warehouse = self.order_id.company_id._fsm_warehouse()
        self._fsm_move(quantity, van, warehouse.lot_stock_id, warehouse.int_type_id)
        self.sudo().quantity_returned += quantity

    # ------------------------------------------------------------------
    # collected from the client
    # ------------------------------------------------------------------
    def action_fsm_collect_wizard(self):
        """*Collect*: asks how many (and which serial) are taken back."""
        self.ensure_one()
        self._fsm_check_collectable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Collect from the client"),
            "res_model": "service.order.part.collect",
            "view_mode": "form",
            "target": "new",
            "context": {"default_part_id": self.id},
        }

    def _fsm_check_collectable(self):
        self.ensure_one()
        if not self._fsm_moves_stock():
            raise UserError(
                self.env._(
                    "%s is not a catalogue part: only catalogue goods are collected back to "
                    "the firm.",
                    self._fsm_label(),
                )
            )

    def _fsm_collect(self, quantity, lot_name=None):
        """A broken part comes back from the client to the company's
        *Collected from clients* location (validated at once). A serial
        collected from the line's machine is marked removed there."""
        self.ensure_one()
        self._fsm_check_collectable()
        self._fsm_check_may_move(needs_van=False)
        self._fsm_check_quantity(quantity, self.env._("collected"))
        product = self.product_id
        lot = self.env["stock.lot"]
        if product.tracking != "none":
            lot_name = (lot_name or "").strip()
            if not lot_name:
                raise UserError(
                    self.env._(
                        "%s is tracked by serial or lot number: enter the one on the collected "
                        "part.",
                        product.display_name,
                    )
                )
            if (
                product.tracking == "serial"
                and float_compare(quantity, 1.0, precision_digits=2) > 0
            ):
                raise UserError(
                    self.env._(
                        "%s has a serial number per unit: collect one serial at a time.",
                        product.display_name,
                    )
                )
            Lot = self.env["stock.lot"].sudo()
            company = self.order_id.company_id
            lot = Lot.search(
                [
                    ("product_id", "=", product.id),
                    ("name", "=", lot_name),
                    ("company_id", "in", [company.id, False]),
                ],
                limit=1,
            ) or Lot.create({"product_id": product.id, "name": lot_name, "company_id": company.id})
        company = self.order_id.company_id
        warehouse = company._fsm_warehouse()
        customers = self.env.ref("stock.stock_location_customers")
        self._fsm_move(
            quantity, customers, company._fsm_collected_location(), warehouse.in_type_id, lot=lot
        )
        if lot and self.equipment_id:
            self.env["service.equipment.component"].sudo().search(
                [("equipment_id", "=", self.equipment_id.id), ("lot_id", "=", lot.id)]
            ).write(
                {
                    "active": False,
                    "date_removed": fields.Datetime.now(),
                    "removed_order_id": self.order_id.id,
                }
            )
        self.sudo().quantity_collected += quantity

    @api.model
    def _fsm_demo_parts(self):
        """Demo: 20 of each part in the warehouse, 3 in each van, and a gasket
        planned on each dispatched or accepted order."""
        parts = self.env.ref("fsm_inventory.product_part_gasket") | self.env.ref(
            "fsm_inventory.product_part_burrs"
        )
        Quant = self.env["stock.quant"]
        warehouse = self.env.company._fsm_warehouse()
        vans = self.env["hr.employee"].search([("is_technician", "=", True)]).van_location_id
        for product in parts:
            Quant._update_available_quantity(product, warehouse.lot_stock_id, 20)
            for van in vans:
                Quant._update_available_quantity(product, van, 3)
        orders = self.env["service.order"].search([("state", "in", ("dispatched", "accepted"))])
        self.create(
            [
                {"order_id": order.id, "product_id": parts[0].id, "quantity_planned": 2}
                for order in orders
            ]
        )
