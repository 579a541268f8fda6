from odoo import fields, models


class HrEmployeePublic(models.Model):
    _inherit = "hr.employee.public"

    is_technician = fields.Boolean(readonly=True)
    service_team_ids = fields.Many2many(
        "service.team", related="employee_id.service_team_ids", compute_sudo=True
    )
    service_start_location_id = fields.Many2one("res.partner", readonly=True)
