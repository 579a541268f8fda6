from odoo import fields, models


class ServiceOrder(models.Model):
    _inherit = "service.order"

    request_id = fields.Many2one(
        "service.request", "Request", index="btree_not_null", tracking=True, copy=False
    )

    request_task_ids = fields.One2many("service.request.task", "order_id", "Request tasks")

    def action_done(self):
        res = super().action_done()
        self.request_task_ids.sudo().with_context(fsm_task_sync=True).write({"is_done": True})
        self.request_id._check_auto_close()
        return res

    def action_cancel(self):
        res = super().action_cancel()
        self.request_id._check_auto_close()
        return res
