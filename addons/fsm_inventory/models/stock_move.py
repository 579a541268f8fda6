from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    fsm_part_id = fields.Many2one(
        "service.order.part", "Service order part", index="btree_not_null", ondelete="set null"
    )
