from odoo import api, fields, models

from ..solver.model import REASONS

PLAN_STATES = [
    ("draft", "Draft"),
    ("queued", "Waiting"),
    ("running", "Optimising"),
    ("done", "Proposed"),
    ("applied", "Applied"),
    ("discarded", "Discarded"),
    ("failed", "Failed"),
]
# what a run is still doing or may still become: its orders are not free
ACTIVE_STATES = ("queued", "running")

SCOPES = [
    ("unplanned", "Unplanned orders only"),
    ("not_started", "Everything not yet started"),
]

LEFT_OUT_REASONS = [(key, key) for key in REASONS] + [
    ("no_location", "no_location"),
    ("no_technician", "no_technician"),
]


class ServiceRoutePlan(models.Model):
    """One run of the optimiser over a period and teams: the orders it plans,
    its proposal (lines per visit, orders left out and why) and the totals
    against the plan in place, until the coordinator applies or discards it."""

    _name = "service.route.plan"
    _description = "Optimised plan"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one("res.users", "Coordinator", default=lambda self: self.env.user)
    period = fields.Selection([("day", "A day"), ("week", "A week")], default="day", required=True)
    date_from = fields.Date(
        "From", required=True, default=lambda self: fields.Date.context_today(self)
    )
    date_to = fields.Date("To", compute="_compute_date_to", store=True, readonly=False)
    team_ids = fields.Many2many("service.team", string="Teams")
    scope = fields.Selection(SCOPES, "Plan", default="unplanned", required=True)
    state = fields.Selection(PLAN_STATES, default="draft", required=True, tracking=True, index=True)
    order_ids = fields.Many2many("service.order", string="Orders", copy=False)
    line_ids = fields.One2many("service.route.plan.line", "plan_id", "Proposal", copy=False)
    visit_line_ids = fields.One2many(
        "service.route.plan.line", "plan_id", domain=[("left_out", "=", False)], string="Visits"
    )
    left_out_line_ids = fields.One2many(
        "service.route.plan.line", "plan_id", domain=[("left_out", "=", True)], string="Left out"
    )
    seconds = fields.Integer("Search time (s)")
    progress = fields.Float("Progress (%)", readonly=True)
    progress_message = fields.Char(readonly=True)
    message = fields.Text("Problems", readonly=True)
    date_started = fields.Datetime("Run started", readonly=True)
    date_finished = fields.Datetime("Run finished", readonly=True)
    # totals, proposed and in place
    proposed_orders = fields.Integer("Orders planned", readonly=True)
    proposed_left_out = fields.Integer("Orders left out", readonly=True)
    proposed_km = fields.Float("Distance (km)", readonly=True, digits=(16, 1))
    proposed_travel_hours = fields.Float("Travel (h)", readonly=True)
    proposed_hours = fields.Float("Working time (h)", readonly=True)
    current_orders = fields.Integer("Orders planned now", readonly=True)
    current_km = fields.Float("Distance now (km)", readonly=True, digits=(16, 1))
    current_travel_hours = fields.Float("Travel now (h)", readonly=True)
    current_hours = fields.Float("Working time now (h)", readonly=True)

    @api.depends("period", "date_from")
    def _compute_date_to(self):
        for plan in self:
            if plan.date_from:
                plan.date_to = fields.Date.add(
                    plan.date_from, days=6 if plan.period == "week" else 0
                )

    @api.depends("date_from", "date_to", "team_ids")
    def _compute_name(self):
        for plan in self:
            period = (
                str(plan.date_from)
                if plan.date_from == plan.date_to
                else f"{plan.date_from} – {plan.date_to}"
            )
            teams = ", ".join(plan.team_ids.mapped("name")) or self.env._("all teams")
            plan.name = f"{period} · {teams}"


class ServiceRoutePlanLine(models.Model):
    """A visit of the proposal (technician, arrival, start, travel before
    it) or an order the run left out, with its reason."""

    _name = "service.route.plan.line"
    _description = "Optimised plan line"
    _order = "plan_id, left_out, technician_id, start, id"

    plan_id = fields.Many2one("service.route.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    order_id = fields.Many2one("service.order", required=True, ondelete="cascade", index=True)
    technician_id = fields.Many2one("hr.employee", "Technician", index=True)
    sequence = fields.Integer("Visit", help="The visit's number in the technician's day.")
    arrival = fields.Datetime()
    start = fields.Datetime()
    end = fields.Datetime()
    travel_minutes = fields.Float("Travel before (min)", digits=(16, 0))
    distance_km = fields.Float("Distance before (km)", digits=(16, 1))
    previous_technician_id = fields.Many2one("hr.employee", "Technician before")
    previous_start = fields.Datetime("Start before")
    changed = fields.Boolean(compute="_compute_changed", store=True)
    left_out = fields.Boolean(index=True)
    reason = fields.Selection(LEFT_OUT_REASONS)
    reason_text = fields.Char("Why left out")

    @api.depends("technician_id", "start", "previous_technician_id", "previous_start", "left_out")
    def _compute_changed(self):
        for line in self:
            line.changed = not line.left_out and (
                line.technician_id != line.previous_technician_id
                or line.start != line.previous_start
            )
