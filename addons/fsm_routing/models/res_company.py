from odoo import fields, models

TRAVEL_PROVIDERS = [
    ("straight_line", "Straight line (offline)"),
    ("osrm", "OSRM server"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    fsm_travel_provider = fields.Selection(
        TRAVEL_PROVIDERS,
        "Travel times",
        default="straight_line",
        required=True,
        help="Straight line: the distance as the crow flies times the road factor, at the "
        "average speed; works offline. OSRM: the road network of an OSRM server the firm runs.",
    )
    fsm_road_factor = fields.Float(
        "Road factor",
        default=1.3,
        help="How much longer a road trip is than the straight line between its ends.",
    )
    fsm_average_speed = fields.Float("Average speed (km/h)", default=40.0)
    fsm_osrm_url = fields.Char(
        "OSRM server", help="Address of the firm's OSRM server, e.g. http://osrm.example:5000"
    )
    fsm_plan_seconds = fields.Integer(
        "Optimiser time (s)",
        default=20,
        help="How long the optimiser searches on a plan run in the background.",
    )
    fsm_plan_foreground_orders = fields.Integer(
        "Plan at once up to (orders)",
        default=30,
        help="A run over at most this many orders is solved while the coordinator waits "
        "(a few seconds); a larger one runs in the background with its progress shown.",
    )
    fsm_position_retention_days = fields.Integer(
        "Keep positions (days)",
        default=90,
        help="Technicians' GPS positions older than this are deleted every night.",
    )

    _fsm_road_factor_positive = models.Constraint(
        "CHECK(fsm_road_factor >= 1)",
        "The road factor is at least 1: a road is never shorter than the straight line.",
    )
    _fsm_average_speed_positive = models.Constraint(
        "CHECK(fsm_average_speed > 0)", "The average speed must be above zero."
    )
    _fsm_plan_seconds_positive = models.Constraint(
        "CHECK(fsm_plan_seconds > 0)", "The optimiser needs at least a second."
    )
    _fsm_position_retention_positive = models.Constraint(
        "CHECK(fsm_position_retention_days > 0)", "Positions are kept at least one day."
    )
