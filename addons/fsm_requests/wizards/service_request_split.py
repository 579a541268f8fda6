from odoo import api, fields, models
from odoo.exceptions import UserError


class ServiceRequestSplit(models.TransientModel):
    """Turn a request into one or several service orders, each pre-filled from
    the request (client, contact, site, machine, priority, scope, warranty)."""

    _name = "service.request.split"
    _description = "Create Orders from a Request"

    request_id = fields.Many2one("service.request", required=True, readonly=True)
    line_ids = fields.One2many("service.request.split.line", "wizard_id", "Orders to create")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        request = self.env["service.request"].browse(values.get("request_id"))
        if request and "line_ids" in fields_list:
            tasks = request.task_ids.filtered(lambda t: not t.is_done and not t.order_id)
            lines = [
                {"description": task.name, "task_ids": [fields.Command.set(task.ids)]}
                for task in tasks
            ] or [{"description": request.title}]
            values["line_ids"] = [
                fields.Command.create(
                    {
                        "equipment_ids": [fields.Command.set(request.equipment_id.ids)],
                        "scheduled_duration": 1.0,
                        **line,
                    }
                )
                for line in lines
            ]
        return values

    def action_create_orders(self):
        self.ensure_one()
        request = self.request_id
        if not self.line_ids:
            raise UserError(self.env._("Add at least one order to create."))
        base = request._prepare_order_vals()
        vals_list = []
        for line in self.line_ids:
            vals = dict(base)
            vals.update(
                {
                    "description": f"<p>{line.description}</p>"
                    if line.description
                    else base["description"],
                    "equipment_ids": [fields.Command.set(line.equipment_ids.ids)],
                    "scheduled_start": line.scheduled_start,
                    "scheduled_duration": line.scheduled_duration,
                    "technician_id": line.technician_id.id,
                }
            )
            vals_list.append(vals)
        orders = self.env["service.order"].create(vals_list)
        for line, order in zip(self.line_ids, orders, strict=True):
            line.task_ids.with_context(fsm_task_sync=True).write({"order_id": order.id})
        if len(orders) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "service.order",
                "res_id": orders.id,
                "view_mode": "form",
            }
        return request.action_view_orders()


class ServiceRequestSplitLine(models.TransientModel):
    _name = "service.request.split.line"
    _description = "Order to Create"

    wizard_id = fields.Many2one("service.request.split", required=True, ondelete="cascade")
    request_partner_id = fields.Many2one(related="wizard_id.request_id.commercial_partner_id")
    description = fields.Char("What to do", required=True)
    task_ids = fields.Many2many("service.request.task", string="Tasks", readonly=True)
    equipment_ids = fields.Many2many(
        "service.equipment",
        string="Machines",
        domain="[('commercial_partner_id', '=', request_partner_id)]",
    )
    scheduled_start = fields.Datetime("Scheduled start")
    scheduled_duration = fields.Float("Duration", default=1.0)
    technician_id = fields.Many2one(
        "hr.employee", "Technician", domain=[("is_technician", "=", True)]
    )
