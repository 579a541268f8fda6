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
    product_id = fields.Many2one(
        "product.product",
        "Part",
        required=True,
        domain="[('type', '=', 'consu'), ('sale_ok', '=', True), "
        "('company_id', 'in', [company_id, False])]",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
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
        "CHECK(quantity_planned >= 0 AND quantity_used >= 0 AND quantity_returned >= 0)",
        "A part's quantities cannot be negative.",
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

    def _fsm_whole_units_only(self):
        """A part counted in units (Odoo's *Units*, or a unit rounded to
        whole numbers) is planned and used in whole numbers."""
        self.ensure_one()
        uom = self.product_id.uom_id
        unit = self.env.ref("uom.product_uom_unit", raise_if_not_found=False)
        return uom == unit or uom.rounding >= 1

    def _fsm_check_whole(self, quantity, verb):
        self.ensure_one()
        uom = self.product_id.uom_id
        step = 1.0 if self._fsm_whole_units_only() else uom.rounding
        if not float_is_zero(quantity - float_round(quantity, precision_rounding=step), 6):
            raise ValidationError(
                self.env._(
                    "%(part)s is counted in whole %(unit)s: %(quantity)s cannot be %(verb)s.",
                    part=self.product_id.display_name,
                    unit=uom.name,
                    quantity=quantity,
                    verb=verb,
                )
            )

    @api.constrains("quantity_planned", "product_id")
    def _check_whole_units(self):
        for part in self:
            part._fsm_check_whole(part.quantity_planned, self.env._("planned"))

    # ------------------------------------------------------------------
    # rules
    # ------------------------------------------------------------------
    def _fsm_check_may_move(self):
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
            if not order.technician_id.sudo().van_location_id:
                raise UserError(
                    self.env._("%s has no technician with a van to take parts from.", order.name)
                )

    def _fsm_check_quantity(self, quantity):
        self.ensure_one()
        if float_compare(quantity, 0.0, precision_rounding=self.product_id.uom_id.rounding) <= 0:
            raise UserError(self.env._("Enter a quantity above zero."))
        self._fsm_check_whole(quantity, self.env._("used"))

    # ------------------------------------------------------------------
    # stock
    # ------------------------------------------------------------------
    def _fsm_move(self, quantity, source, destination, picking_type, partner=None, validate=True):
        """One move of this part in a transfer of its own type; validated at
        once unless ``validate`` is false (the warehouse's to pick)."""
        self.ensure_one()
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
        self._fsm_check_may_move()
        self._fsm_check_quantity(quantity)
        technician = self.order_id.technician_id.sudo()
        technician._fsm_lock_van()
        van = technician.van_location_id
        available = self.env["stock.quant"].sudo()._get_available_quantity(self.product_id, van)
        rounding = self.product_id.uom_id.rounding
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
        vals = {"quantity_used": self.quantity_used + quantity}
        if (
            float_compare(
                self.quantity_used + quantity, self.quantity_planned, precision_rounding=rounding
            )
            > 0
        ):
            vals["quantity_planned"] = self.quantity_used + quantity
        self.sudo().write(vals)

    def action_fsm_return(self):
        """The planned parts left unused go back to the warehouse."""
        for part in self:
            part._fsm_return(part.quantity_pending)
        return True

    def _fsm_return(self, quantity):
        self.ensure_one()
        self._fsm_check_may_move()
        self._fsm_check_quantity(quantity)
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
        technician = self.order_id.technician_id.sudo()
        technician._fsm_lock_van()
        van = technician.van_location_id
        available = self.env["stock.quant"].sudo()._get_available_quantity(self.product_id, van)
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
