from odoo import api, fields, models


class ServiceOrderPartCollect(models.TransientModel):
    """*Collect*: how many of a part (and which serial) the technician takes
    back from the client."""

    _name = "service.order.part.collect"
    _description = "Collect a part from the client"

    part_id = fields.Many2one("service.order.part", "Part line", required=True, ondelete="cascade")
    product_id = fields.Many2one(related="part_id.product_id")
    tracking = fields.Selection(related="part_id.product_id.tracking")
    quantity = fields.Float(digits="Product Unit", default=1.0, required=True)
    lot_name = fields.Char(
        "Serial / lot",
        compute="_compute_lot_name",
        store=True,
        readonly=False,
        help="The serial or lot on the part taken back: the one fitted on the machine, "
        "when it is known.",
    )

    @api.depends("part_id")
    def _compute_lot_name(self):
        for wizard in self:
            part = wizard.part_id
            fitted = (
                self.env["service.equipment.component"]
                .sudo()
                .search(
                    [
                        ("equipment_id", "=", part.equipment_id.id),
                        ("product_id", "=", part.product_id.id),
                        ("lot_id", "!=", False),
                    ],
                    limit=1,
                )
                if part.equipment_id and part.product_id.tracking != "none"
                else False
            )
            wizard.lot_name = fitted.lot_id.name if fitted else False

    def action_collect(self):
        self.ensure_one()
        self.part_id._fsm_collect(self.quantity, self.lot_name)
        return {"type": "ir.actions.act_window_close"}
