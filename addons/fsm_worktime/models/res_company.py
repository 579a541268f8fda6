from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # --- timeliness alerts (service_order_alerts.py) ---------------------
    fsm_alert_tomorrow = fields.Boolean(
        "Visit reminder",
        default=True,
        help="The day before a dispatched visit, remind the client and the technician of it.",
    )
    fsm_alert_tomorrow_hour = fields.Float(
        "Visit reminder from",
        default=16.0,
        help="Hour of the day before the visit (in the company's time zone) from which the "
        "reminder goes.",
    )
    fsm_alert_not_accepted_minutes = fields.Integer(
        "Not accepted alert (minutes before start)",
        default=60,
        help="Tell the technician and the manager when a dispatched visit is still not "
        "accepted this many minutes before its start. 0 turns the alert off.",
    )
    fsm_alert_not_started_minutes = fields.Integer(
        "Not started alert (minutes after start)",
        default=15,
        help="Tell the manager when a visit has not started this many minutes after its "
        "scheduled start. 0 turns the alert off.",
    )
    fsm_alert_done = fields.Boolean(
        "Finished alert",
        default=True,
        help="When an order is finished, text the client and tell the manager.",
    )

    _fsm_alert_hour_in_day = models.Constraint(
        "CHECK(fsm_alert_tomorrow_hour >= 0 AND fsm_alert_tomorrow_hour < 24)",
        "The visit reminder's hour is a time of day: between 00:00 and 23:59.",
    )
    _fsm_alert_minutes_positive = models.Constraint(
        "CHECK(fsm_alert_not_accepted_minutes >= 0 AND fsm_alert_not_started_minutes >= 0)",
        "The alerts' minutes cannot be negative: use 0 to turn an alert off.",
    )
