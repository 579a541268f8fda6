from odoo import api, fields, models


class ServiceOrder(models.Model):
    _inherit = "service.order"

    request_id = fields.Many2one(
        "service.request", "Request", index="btree_not_null", tracking=True, copy=False
    )

    request_task_ids = fields.One2many("service.request.task", "order_id", "Request tasks")

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders.request_id._on_orders_created()
        return orders

    def write(self, vals):
        """An order set on a request by hand counts as one made from it: the
        request goes in progress, and closes with its last order."""
        previous = self.request_id if "request_id" in vals else self.env["service.request"]
        res = super().write(vals)
        if "request_id" in vals:
            self.request_id._on_orders_created()
            (previous - self.request_id)._check_auto_close()
        return res

    def action_done(self):
        res = super().action_done()
        self.request_task_ids.sudo().with_context(fsm_task_sync=True).write({"is_done": True})
        self.request_id._check_auto_close()
        return res

    def action_cancel(self):
        res = super().action_cancel()
        self.request_id._check_auto_close()
        return res
