from odoo import fields, models


class ServiceEquipmentCategory(models.Model):
    _inherit = "service.equipment.category"

    service_interval_days = fields.Integer(
        "Service every (days)",
        help="A machine of this category without a maintenance plan is due for service this "
        "many days after its last visit (its client is reminded). 0: no such rule.",
    )

    _service_interval_positive = models.Constraint(
        "CHECK(service_interval_days >= 0)", "A service interval cannot be negative."
    )
