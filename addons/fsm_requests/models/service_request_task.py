from odoo import api, fields, models
from odoo.exceptions import UserError


class ServiceRequestTask(models.Model):
    """A piece of work the desk lists on a request ("replace the group gasket",
    "send the quote", "order the pump"). Open tasks become the lines of the
    order wizard; a task is done when its order is done, or ticked by hand."""

    _name = "service.request.task"
    _description = "Service Request Task"
    _order = "request_id, sequence, id"

    request_id = fields.Many2one(
        "service.request", "Request", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="request_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char("Task", required=True)
    user_id = fields.Many2one("res.users", "Responsible")
    date_deadline = fields.Date("Due")
    order_id = fields.Many2one(
        "service.order", "Order", readonly=True, copy=False, index="btree_not_null"
    )
    is_done = fields.Boolean("Done", copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        tasks = super().create(vals_list)
        tasks.request_id._check_task_edit()
        return tasks

    def write(self, vals):
        self.request_id._check_task_edit()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_ordered_or_closed(self):
        self.request_id._check_task_edit()
        if self.filtered("order_id"):
            raise UserError(
                self.env._(
                    "A task already turned into an order cannot be deleted: "
                    "cancel the order instead."
                )
            )
