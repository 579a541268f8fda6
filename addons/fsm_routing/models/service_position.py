from odoo import fields, models

SOURCES = [("phone", "Technician's phone"), ("fleet", "Fleet system")]


class ServicePosition(models.Model):
    """One GPS fix of a technician: from their phone while on duty (with
    their consent) or from the firm's fleet system. Kept
    ``res.company.fsm_position_retention_days`` days, then purged."""

    _name = "service.position"
    _description = "Technician position"
    _order = "recorded_at desc, id desc"
    _rec_name = "employee_id"

    employee_id = fields.Many2one(
        "hr.employee", "Technician", required=True, index=True, ondelete="cascade"
    )
    user_id = fields.Many2one(related="employee_id.user_id", store=True, string="User")
    company_id = fields.Many2one(
        related="employee_id.company_id", store=True, index=True, string="Company"
    )
    recorded_at = fields.Datetime("Recorded at", required=True, index=True)
    latitude = fields.Float("Latitude", digits=(10, 7), required=True)
    longitude = fields.Float("Longitude", digits=(10, 7), required=True)
    accuracy = fields.Float("Accuracy (m)")
    speed = fields.Float("Speed (km/h)")
    heading = fields.Float("Heading (°)")
    source = fields.Selection(SOURCES, "Source", required=True, default="phone")

    _latitude_range = models.Constraint(
        "CHECK(latitude BETWEEN -90 AND 90)", "A latitude lies between -90 and 90."
    )
    _longitude_range = models.Constraint(
        "CHECK(longitude BETWEEN -180 AND 180)", "A longitude lies between -180 and 180."
    )
    _accuracy_positive = models.Constraint(
        "CHECK(accuracy IS NULL OR accuracy >= 0)", "An accuracy cannot be negative."
    )
    _employee_time_index = models.Index("(employee_id, recorded_at DESC)")
