from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero


class ServiceOrder(models.Model):
    """Parts on the order: planned before the visit (*Prepare parts* makes
    the warehouse's transfer to the van), used and returned on site, and
    the used ones on the order's invoice at the client's pricelist price."""

    _inherit = "service.order"

    part_ids = fields.One2many("service.order.part", "order_id", string="Parts")

    @property
    def TECHNICIAN_WRITABLE_FIELDS(self):
        # the technician adds the parts they need on site
        return super().TECHNICIAN_WRITABLE_FIELDS | {"part_ids"}

    part_transfer_count = fields.Integer(compute="_compute_part_transfer_count")
    fsm_offer_ids = fields.One2many(
        "sale.order", "fsm_order_id", "Offers", groups="fsm_orders.group_fsm_coordinator"
    )
    fsm_offer_count = fields.Integer(
        "Offer count", compute="_compute_fsm_offer_count", groups="fsm_orders.group_fsm_coordinator"
    )
    fsm_parts_to_prepare = fields.Boolean(
        compute="_compute_fsm_parts_to_prepare",
        help="Planned parts not on a transfer to the van yet.",
    )

    @api.depends("part_ids.transfer_move_id", "part_ids.quantity_pending", "technician_id")
    def _compute_fsm_parts_to_prepare(self):
        for order in self:
            order.fsm_parts_to_prepare = bool(
                order.technician_id
                and order.state not in ("done", "cancelled")
                and order._fsm_parts_to_prepare()
            )

    def _fsm_parts_to_prepare(self):
        self.ensure_one()
        return self.part_ids.sudo().filtered(
            lambda p: not p.transfer_move_id and p.quantity_pending > 0 and p._fsm_moves_stock()
        )

    def _compute_part_transfer_count(self):
        for order in self:
            order.part_transfer_count = len(order.part_ids.sudo().move_ids.picking_id)

    def action_fsm_prepare_parts(self):
        """One transfer from the warehouse's stock to the technician's van
        with the planned parts not prepared yet, for the warehouse to pick."""
        if not self.env.user.has_group("fsm_orders.group_fsm_coordinator"):
            raise UserError(self.env._("Only a coordinator prepares the parts of an order."))
        for order in self:
            van = order.technician_id.sudo().van_location_id
            if not van:
                raise UserError(
                    self.env._("%s has no technician with a van to prepare parts for.", order.name)
                )
            parts = order._fsm_parts_to_prepare()
            if not parts:
                raise UserError(self.env._("%s has no planned part left to prepare.", order.name))
            warehouse = order.company_id._fsm_warehouse()
            picking = (
                self.env["stock.picking"]
                .sudo()
                .create(
                    {
                        "picking_type_id": warehouse.int_type_id.id,
                        "location_id": warehouse.lot_stock_id.id,
                        "location_dest_id": van.id,
                        "origin": order.name,
                        "company_id": order.company_id.id,
                        "move_ids": [
                            fields.Command.create(
                                {
                                    "product_id": part.product_id.id,
                                    "product_uom_qty": part.quantity_pending,
                                    "product_uom": part.product_id.uom_id.id,
                                    "location_id": warehouse.lot_stock_id.id,
                                    "location_dest_id": van.id,
                                    "fsm_part_id": part.id,
                                    "company_id": order.company_id.id,
                                }
                            )
                            for part in parts
                        ],
                    }
                )
            )
            picking.action_confirm()
            for move in picking.move_ids:
                move.fsm_part_id.sudo().transfer_move_id = move
        return True

    def action_fsm_view_part_transfers(self):
        self.ensure_one()
        pickings = self.part_ids.sudo().move_ids.picking_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Parts transfers"),
            "res_model": "stock.picking",
            "view_mode": "list,form",
            "domain": [("id", "in", pickings.ids)],
        }

    def _prepare_settlement_lines(self):
        """The used parts, at the client's pricelist price (Odoo's product
        price when the client has none), beside the lines of other modules
        (labour from fsm_worktime)."""
        lines = super()._prepare_settlement_lines()
        pricelist = self.partner_id.commercial_partner_id.property_product_pricelist
        used = self.part_ids.filtered(lambda p: p.quantity_used > 0)
        # what accepted offers sold is invoiced from their sale orders
        offered = self._fsm_offered_quantities()
        for part in used.filtered(lambda p: p.source == "catalogue"):
            sold = min(offered.get(part.product_id, 0.0), part.quantity_used)
            offered[part.product_id] = offered.get(part.product_id, 0.0) - sold
            quantity = part.quantity_used - sold
            if float_is_zero(quantity, precision_rounding=part.product_id.uom_id.rounding):
                continue
            lines.append(part._fsm_prepare_settlement_line(quantity, pricelist))
        # external parts: the company's "External part" service product, named
        # by the part and priced as the line says (it never was in our stock)
        external_product = self.company_id._fsm_external_part_product()
        for part in used.filtered(lambda p: p.source == "external"):
            lines.append(
                {
                    "product_id": external_product.id,
                    "quantity": part.quantity_used,
                    "product_uom_id": external_product.uom_id.id,
                    "price_unit": part.sale_price,
                    "name": self.env._(
                        "%(part)s (external, %(supplier)s) on %(order)s",
                        part=part.name,
                        supplier=part.supplier_id.display_name,
                        order=self.name,
                    ),
                }
            )
        return lines

    # ------------------------------------------------------------------
    # offers
    # ------------------------------------------------------------------
    @api.depends("fsm_offer_ids")
    def _compute_fsm_offer_count(self):
        counts = dict(
            self.env["sale.order"]._read_group(
                [("fsm_order_id", "in", self.ids)], ["fsm_order_id"], ["__count"]
            )
        )
        for order in self:
            order.fsm_offer_count = counts.get(order, 0)

    def _prepare_offer_vals(self):
        """A quotation for the order's client with its planned parts."""
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id,
            "partner_shipping_id": (self.location_id or self.partner_id).id,
            "company_id": self.company_id.id,
            "fsm_order_id": self.id,
            "origin": self.name,
            "user_id": self.env.user.id,
            "order_line": [
                fields.Command.create(
                    {
                        "product_id": part.product_id.id,
                        "product_uom_qty": part.quantity_planned,
                        "fsm_part_id": part.id,
                    }
                )
                for part in self.part_ids
                if part.quantity_planned > 0
            ],
        }

    def action_fsm_make_offer(self):
        """*Make an offer*: a quotation of the order's planned parts, opened
        for the coordinator to add services, discounts and a validity date."""
        self.ensure_one()
        if not self._is_coordinator():
            raise UserError(self.env._("Only a coordinator makes offers."))
        if self.state in ("done", "cancelled"):
            raise UserError(self.env._("%s is closed: make the offer on an open order.", self.name))
        offer = self.env["sale.order"].create(self._prepare_offer_vals())
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": offer.id,
            "view_mode": "form",
        }

    def action_fsm_view_offers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fsm_inventory.action_fsm_offers")
        action["domain"] = [("fsm_order_id", "=", self.id)]
        action["context"] = {"default_fsm_order_id": self.id, "create": False}
        return action

    def _fsm_plan_offered_lines(self, sale_lines):
        """An accepted offer's goods become planned parts of this order.

        A line made from one of the order's planned parts (*Make an offer*)
        is planned already: only what the offer sells beyond it is added.
        What is added goes to a line of the same product not yet on a
        transfer to the van, else to a new line. Services and discounts stay
        on the sale order, which invoices them."""
        self.ensure_one()
        Part = self.env["service.order.part"]
        added = []
        for line in sale_lines:
            product = line.product_id
            if line.display_type or line.is_downpayment or product.type != "consu":
                continue
            quantity = line.product_uom_id._compute_quantity(line.product_uom_qty, product.uom_id)
            source = line.fsm_part_id if line.fsm_part_id.order_id == self else Part
            if source:
                quantity -= source.quantity_planned
            if float_compare(quantity, 0.0, precision_rounding=product.uom_id.rounding) <= 0:
                continue
            target = (
                source.filtered(lambda p: not p.transfer_move_id)
                or self.part_ids.filtered(
                    lambda p, product=product: p.product_id == product and not p.transfer_move_id
                )[:1]
            )
            if target:
                target.quantity_planned += quantity
            else:
                target = Part.create(
                    {"order_id": self.id, "product_id": product.id, "quantity_planned": quantity}
                )
            line.fsm_part_id = target
            added.append(f"{product.display_name}: {quantity:g}")
        self.message_post(
            body=self.env._(
                "Offer %(offer)s accepted. Planned parts added: %(parts)s",
                offer=sale_lines.order_id[:1].name,
                parts=", ".join(added) or self.env._("none"),
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _fsm_offered_quantities(self):
        """{product: quantity} of goods that the order's accepted offers sold
        on ordered quantities (Odoo's policy for goods): their sale orders
        invoice them, so the order's settlement leaves them out. Goods set to
        delivered quantities are not invoiced by the sale order (the van's
        deliveries are not its own), so the settlement invoices them."""
        self.ensure_one()
        quantities = {}
        # sudo: whoever settles the order need not read sales
        for line in self.sudo().fsm_offer_ids.filtered(lambda o: o.state == "sale").order_line:
            product = line.product_id
            if line.display_type or product.type != "consu" or product.invoice_policy != "order":
                continue
            quantities[product] = quantities.get(
                product, 0.0
            ) + line.product_uom_id._compute_quantity(line.product_uom_qty, product.uom_id)
        return quantities
