from odoo import api, fields, models

LABOUR_RATE_MODES = [
    ("fixed", "Fixed fee"),
    ("hourly", "Hourly"),
    ("per_km", "Per km"),
]

# the data products each mode invoices until the company picks its own
LABOUR_PRODUCT_FIELDS = {
    "fixed": ("fsm_labour_fixed_product_id", "fsm_worktime.product_labour_fixed"),
    "hourly": ("fsm_labour_hour_product_id", "fsm_worktime.product_labour_hour"),
    "per_km": ("fsm_labour_km_product_id", "fsm_worktime.product_labour_km"),
}


def _default_product(xmlid):
    return lambda self: self.env.ref(xmlid, raise_if_not_found=False)


class ResCompany(models.Model):
    """How a company settles the labour of its done orders, and how much a
    technician's day may differ from their schedule before it is an anomaly,
    and when the timeliness alerts go (``service_order_alerts.py``).

    * ``fsm_labour_rate_mode`` is the default of every client that has no
      mode of its own (one place to change the firm's usual practice).
    * One service product per mode, so that price, taxes and income account
      are kept where the accountant keeps them: on the product.
    * Hourly labour is rounded on the order's total billable work (not entry by
      entry, which would bill each short stretch a whole increment), *up* by
      default: the usual "every started quarter of an hour" of service firms;
      *nearest* for firms that round half up. 0 minutes bills the exact time.
    """

    _inherit = "res.company"

    fsm_labour_rate_mode = fields.Selection(
        LABOUR_RATE_MODES,
        "Default labour rate",
        required=True,
        default="hourly",
        help="How the labour of a client's done orders is invoiced when the client has no "
        "rate of its own: a fixed fee per order, the billable work hours, or the km travelled.",
    )
    fsm_labour_fixed_product_id = fields.Many2one(
        "product.product",
        "Fixed fee product",
        default=_default_product("fsm_worktime.product_labour_fixed"),
        ondelete="restrict",
        help="Invoiced once per order under the fixed fee rate, at its sales price.",
    )
    fsm_labour_hour_product_id = fields.Many2one(
        "product.product",
        "Labour hour product",
        default=_default_product("fsm_worktime.product_labour_hour"),
        ondelete="restrict",
        help="Invoiced per hour of billable work under the hourly rate, at its sales price.",
    )
    fsm_labour_km_product_id = fields.Many2one(
        "product.product",
        "Travel km product",
        default=_default_product("fsm_worktime.product_labour_km"),
        ondelete="restrict",
        help="Invoiced per km of billable travel under the per km rate, at its sales price.",
    )
    fsm_labour_rounding_minutes = fields.Integer(
        "Round hours to (minutes)",
        default=15,
        help="Billable work is invoiced in steps of this many minutes; 0 invoices the exact time.",
    )
    fsm_labour_rounding = fields.Selection(
        [("up", "Up"), ("nearest", "To the nearest")],
        "Rounding",
        required=True,
        default="up",
        help="Up: every started step is invoiced. To the nearest: half a step or more is "
        "invoiced as a whole step, less is dropped.",
    )

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
    _fsm_labour_rounding_minutes_range = models.Constraint(
        "CHECK(fsm_labour_rounding_minutes >= 0 AND fsm_labour_rounding_minutes <= 480)",
        "Round labour hours to between 0 and 480 minutes.",
    )

    @api.model
    def _fsm_set_default_labour_products(self):
        """At install, the companies that exist get the data products (a new
        company gets them from the fields' defaults)."""
        for fname, xmlid in LABOUR_PRODUCT_FIELDS.values():
            if product := self.env.ref(xmlid, raise_if_not_found=False):
                self.search([(fname, "=", False)]).write({fname: product.id})

    def _fsm_labour_product(self, mode):
        """The product the company invoices ``mode``'s labour with."""
        self.ensure_one()
        return self[LABOUR_PRODUCT_FIELDS[mode][0]] if mode in LABOUR_PRODUCT_FIELDS else False

    def _fsm_round_labour_hours(self, hours):
        """``hours`` rounded by the company's rule. Counted in whole seconds,
        so that float drift never tips an exact hour into the next step."""
        self.ensure_one()
        seconds = round(hours * 3600)
        step = self.fsm_labour_rounding_minutes * 60
        if not step:
            return seconds / 3600
        if self.fsm_labour_rounding == "up":
            steps = -(-seconds // step)
        else:
            steps = (seconds + step // 2) // step
        return steps * step / 3600

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
