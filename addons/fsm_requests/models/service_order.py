from odoo import fields, models


class ServiceOrder(models.Model):
    _inherit = "service.order"

    request_id = fields.Many2one(
        "service.request", "Request", index="btree_not_null", tracking=True, copy=False
    )

    def action_done(self):
        res = super().action_done()
        self.request_id._check_auto_close()
        return res

    def action_cancel(self):
        res = super().action_cancel()
        self.request_id._check_auto_close()
        return res
