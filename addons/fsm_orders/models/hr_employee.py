from odoo import api, fields, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    is_technician = fields.Boolean(
        "Field technician",
        tracking=True,
        help="Can be assigned service orders and sees them in My day.",
    )
    service_team_ids = fields.Many2many(
        "service.team",
        "service_team_member_rel",
        "employee_id",
        "team_id",
        string="Service teams",
    )
    service_start_location_id = fields.Many2one(
        "res.partner",
        string="Start location",
        help="Where the technician's day starts and ends (home or depot); the planner "
        "computes the first and last trip from here.",
    )
    service_order_ids = fields.One2many("service.order", "technician_id", string="Service orders")
    service_order_count = fields.Integer(compute="_compute_service_order_count")

    def _compute_service_order_count(self):
        counts = self._fsm_open_order_counts(self.ids)
        for employee in self:
            employee.service_order_count = counts.get(employee.id, 0)

    @api.model
    def _fsm_open_order_counts(self, employee_ids):
        """{employee id: their open orders}, in one grouped query (the
        employee's form and the Technicians screen on the public profile)."""
        groups = self.env["service.order"]._read_group(
            [("technician_id", "in", employee_ids), ("state", "not in", ("done", "cancelled"))],
            ["technician_id"],
            ["__count"],
        )
        return {employee.id: count for employee, count in groups}

    @api.model_create_multi
    def create(self, vals_list):
        employees = super().create(vals_list)
        employees.filtered("is_technician")._fsm_prepare_technician_users()
        return employees

    def write(self, vals):
        res = super().write(vals)
        if vals.get("is_technician") or "user_id" in vals:
            self.filtered("is_technician")._fsm_prepare_technician_users()
        return res

    def _fsm_prepare_technician_users(self):
        """A technician's user gets the technician group and lands on their
        visits (the screen that opens without a network)."""
        group = self.env.ref("fsm_orders.group_fsm_technician")
        my_day = self.env.ref("fsm_orders.action_fsm_visit", raise_if_not_found=False)
        for user in self.user_id.sudo():
            if group not in user.all_group_ids:
                user.group_ids = [fields.Command.link(group.id)]
            if (
                my_day
                and not user.action_id
                and not user.has_group("fsm_orders.group_fsm_coordinator")
            ):
                user.action_id = my_day.id

    def action_view_service_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fsm_orders.action_service_order")
        action["domain"] = [("technician_id", "=", self.id)]
        action["context"] = {"default_technician_id": self.id}
        return action
