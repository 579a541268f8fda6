from odoo import fields, models


class HrEmployeePublic(models.Model):
    _inherit = "hr.employee.public"

    fsm_share_position = fields.Boolean(readonly=True)
