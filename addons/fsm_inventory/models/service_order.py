from odoo import api, fields, models
from odoo.exceptions import UserError


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
            lambda p: not p.transfer_move_id and p.quantity_pending > 0
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
        for part in self.part_ids.filtered(lambda p: p.quantity_used > 0):
            line = {
                "product_id": part.product_id.id,
                "quantity": part.quantity_used,
                "product_uom_id": part.product_id.uom_id.id,
                "discount": part.product_id.fsm_discount,
                "name": self.env._(
                    "%(part)s on %(order)s", part=part.product_id.display_name, order=self.name
                ),
            }
            if pricelist:
                line["price_unit"] = pricelist._get_product_price(
                    part.product_id, part.quantity_used
                )
            lines.append(line)
        return lines
