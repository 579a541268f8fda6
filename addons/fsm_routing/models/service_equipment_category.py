from odoo import fields, models


class ServiceEquipmentCategory(models.Model):
    _inherit = "service.equipment.category"

    skill_ids = fields.Many2many(
        "hr.skill",
        string="Required skills",
        help="A technician needs all these skills (any level) to service a machine of this "
        "category; the planner and the optimiser only give its orders to such technicians.",
    )
