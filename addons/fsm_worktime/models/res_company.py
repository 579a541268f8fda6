from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    fsm_worktime_tolerance = fields.Integer(
        "Work time tolerance (minutes)",
        default=30,
        help="A technician's day is listed as an anomaly when its paid time differs from the "
        "working schedule by more than this, and work on an order by more than this before "
        "its start or after its finish.",
    )

    _fsm_worktime_tolerance_positive = models.Constraint(
        "CHECK(fsm_worktime_tolerance >= 0)", "The work time tolerance cannot be negative."
    )
