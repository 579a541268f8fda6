import statistics
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

TRIGGERS = [
    ("interval", "Every few days, weeks or months"),
    ("yearly", "Each year in a month"),
    ("counter", "Every so many counter units"),
]
INTERVAL_UNITS = [("day", "Days"), ("week", "Weeks"), ("month", "Months"), ("year", "Years")]
MONTHS = [
    ("1", "January"),
    ("2", "February"),
    ("3", "March"),
    ("4", "April"),
    ("5", "May"),
    ("6", "June"),
    ("7", "July"),
    ("8", "August"),
    ("9", "September"),
    ("10", "October"),
    ("11", "November"),
    ("12", "December"),
]

# the readings a counter forecast reads: the latest ones since the last reset
FORECAST_READINGS = 12


def forecast_day(readings, target):
    """The day a counter read as ``readings`` ((datetime, value), oldest
    first) reaches ``target``, by the least-squares line through them; None
    when they show no rise. Pure: tested without a database."""
    if len(readings) < 2:
        return None
    origin = readings[0][0]
    days = [(moment - origin).total_seconds() / 86400 for moment, _value in readings]
    values = [value for _moment, value in readings]
    if len(set(days)) < 2:
        return None
    slope, intercept = statistics.linear_regression(days, values)
    if slope <= 0:
        return None
    return (origin + timedelta(days=(target - intercept) / slope)).date()


class ServiceMaintenancePlan(models.Model):
    """Maintenance a contract promises, per machine or site: "every 3
    months", "each March", "every 500 counter units", with the checklists
    and expected duration of each visit.

    Its visits are numbered (occurrence 1, 2, …) from its first due date, or,
    for a counter, from the reading it started at: the n-th visit of a time
    plan is due ``date_start`` plus n-1 intervals, the n-th of a counter plan
    when the counter reaches ``counter_start`` plus n intervals, on the day
    its readings' trend forecasts. The daily job creates each visit's order
    ``days_ahead`` days before it is due (unscheduled, with the due date's
    window, ready for the optimiser); an order per plan and occurrence at
    most, enforced by a unique index, so two runs (even concurrent) never
    make one twice.
    """

    _name = "service.maintenance.plan"
    _description = "Maintenance plan"
    _inherit = ["mail.thread"]
    _order = "contract_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    contract_id = fields.Many2one(
        "service.contract", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    commercial_partner_id = fields.Many2one(
        related="contract_id.commercial_partner_id", store=True, string="Client"
    )
    equipment_id = fields.Many2one(
        "service.equipment",
        "Machine",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        tracking=True,
    )
    location_id = fields.Many2one(
        "res.partner",
        "Site",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="The site of the visits; the machine's own site when a machine is set.",
    )
    trigger = fields.Selection(TRIGGERS, required=True, default="interval", tracking=True)
    interval_number = fields.Integer("Every", default=3, tracking=True)
    interval_unit = fields.Selection(INTERVAL_UNITS, "Unit", default="month", required=True)
    month = fields.Selection(MONTHS, "In", default="3")
    counter_id = fields.Many2one(
        "service.equipment.counter",
        "Counter",
        domain="[('equipment_id', '=', equipment_id)]",
    )
    counter_interval = fields.Float("Every (units)", default=500.0)
    counter_start = fields.Float(
        "Counted from", help="The counter's value the plan counts from (its last reading when set)."
    )
    date_start = fields.Date(
        "First visit due", required=True, default=fields.Date.today, tracking=True
    )
    days_ahead = fields.Integer(
        "Create orders ahead (days)",
        default=14,
        help="Each visit's order is made this many days before it is due.",
    )
    tolerance_days = fields.Integer(
        "Window (± days)",
        default=7,
        help="The visit may be planned this many days before or after it is due.",
    )
    duration = fields.Float("Expected duration (hours)", default=1.0)
    checklist_template_ids = fields.Many2many(
        "service.checklist.template", string="Checklists", check_company=True
    )
    team_id = fields.Many2one("service.team", "Team", check_company=True)
    description = fields.Html("Work to do")
    order_ids = fields.One2many("service.order", "maintenance_plan_id", "Orders", readonly=True)
    order_count = fields.Integer(compute="_compute_order_count")
    next_occurrence = fields.Integer(compute="_compute_next_due_date")
    next_due_date = fields.Date("Next visit due", compute="_compute_next_due_date")

    _interval_positive = models.Constraint(
        "CHECK(trigger != 'interval' OR interval_number > 0)",
        "A plan's interval must be at least 1: 'every 0 months' never comes.",
    )
    _counter_interval_positive = models.Constraint(
        "CHECK(trigger != 'counter' OR counter_interval > 0)",
        "A counter plan's interval must be more than 0 units.",
    )
    _lead_positive = models.Constraint(
        "CHECK(days_ahead >= 0 AND tolerance_days >= 0 AND duration >= 0)",
        "Lead time, window and duration cannot be negative.",
    )

    @api.constrains("trigger", "equipment_id", "location_id", "counter_id", "month", "contract_id")
    def _check_target(self):
        for plan in self:
            if not plan.equipment_id and not plan.location_id:
                raise ValidationError(
                    self.env._("%s needs a machine or a site to visit.", plan.name)
                )
            client = plan.contract_id.commercial_partner_id
            for record in (plan.equipment_id, plan.location_id):
                if record and record.commercial_partner_id != client:
                    raise ValidationError(
                        self.env._(
                            "%(record)s is not %(client)s's: a plan visits its contract's client.",
                            record=record.display_name,
                            client=client.display_name,
                        )
                    )
            if plan.trigger == "counter" and (
                not plan.counter_id or plan.counter_id.equipment_id != plan.equipment_id
            ):
                raise ValidationError(
                    self.env._("%s counts units: choose a counter of its machine.", plan.name)
                )
            if plan.trigger == "yearly" and not plan.month:
                raise ValidationError(
                    self.env._("%s comes each year: choose the month.", plan.name)
                )

    @api.onchange("counter_id")
    def _onchange_counter_id(self):
        if self.counter_id:
            self.counter_start = self.counter_id.last_value

    @api.model_create_multi
    def create(self, vals_list):
        Counter = self.env["service.equipment.counter"]
        for vals in vals_list:
            if vals.get("counter_id") and "counter_start" not in vals:
                vals["counter_start"] = Counter.browse(vals["counter_id"]).last_value
        return super().create(vals_list)

    def _compute_order_count(self):
        counts = dict(
            self.env["service.order"]._read_group(
                [("maintenance_plan_id", "in", self.ids)], ["maintenance_plan_id"], ["__count"]
            )
        )
        for plan in self:
            plan.order_count = counts.get(plan, 0)

    def _compute_next_due_date(self):
        made = dict(
            self.env["service.order"]
            .with_context(active_test=False)
            ._read_group(
                [("maintenance_plan_id", "in", self.ids)],
                ["maintenance_plan_id"],
                ["maintenance_occurrence:max"],
            )
        )
        for plan in self:
            plan.next_occurrence = (made.get(plan) or 0) + 1 if plan.id else 1
            plan.next_due_date = plan._fsm_due_date(plan.next_occurrence) if plan.id else False

    # ------------------------------------------------------------------
    # the calendar
    # ------------------------------------------------------------------
    def _fsm_due_date(self, occurrence):
        """The day the ``occurrence``-th visit is due (1 is the first); None
        when a counter's readings cannot tell yet."""
        self.ensure_one()
        steps = occurrence - 1
        if self.trigger == "interval":
            delta = {
                "day": relativedelta(days=self.interval_number * steps),
                "week": relativedelta(weeks=self.interval_number * steps),
                "month": relativedelta(months=self.interval_number * steps),
                "year": relativedelta(years=self.interval_number * steps),
            }[self.interval_unit]
            return self.date_start + delta
        if self.trigger == "yearly":
            month = int(self.month)
            first_year = self.date_start.year + (1 if self.date_start.month > month else 0)
            return self.date_start.replace(year=first_year + steps, month=month, day=1)
        return self._fsm_counter_due_date(self.counter_start + self.counter_interval * occurrence)

    def _fsm_counter_due_date(self, target):
        """When the counter reaches ``target``: today when it already has,
        else the forecast from its latest readings since the last reset."""
        self.ensure_one()
        readings = self.env["service.equipment.counter.reading"].search(
            [("counter_id", "=", self.counter_id.id)], order="date desc, id desc"
        )
        recent = []
        for reading in readings:
            recent.append((reading.date, reading.value))
            if reading.is_reset or len(recent) >= FORECAST_READINGS:
                break
        recent.reverse()
        if recent and recent[-1][1] >= target:
            return fields.Date.context_today(self, recent[-1][0])
        return forecast_day(recent, target)

    def _fsm_first_due_from(self, day):
        """The first due date on or after ``day`` (for a renewed plan)."""
        self.ensure_one()
        if self.trigger == "counter":
            return day
        occurrence = 1
        due = self._fsm_due_date(occurrence)
        while due < day:
            occurrence += 1
            due = self._fsm_due_date(occurrence)
        return due

    # ------------------------------------------------------------------
    # the generator
    # ------------------------------------------------------------------
    def _fsm_window(self, due):
        """The visit's window around ``due``, in the company's time zone."""
        self.ensure_one()
        tz = pytz.timezone(self.company_id.partner_id.tz or self.env.user.tz or "UTC")
        today = fields.Date.context_today(self)
        first = max(due - timedelta(days=self.tolerance_days), today)
        last = max(due + timedelta(days=self.tolerance_days), first)

        def utc(day, moment):
            local = tz.localize(datetime.combine(day, moment))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return utc(first, time(0, 0)), utc(last, time(23, 59))

    def _fsm_prepare_order_vals(self, occurrence, due):
        self.ensure_one()
        contract = self.contract_id
        machine = self.equipment_id
        window_start, window_end = self._fsm_window(due)
        title = Markup("<p>%s</p>") % self.env._("Maintenance: %s", self.name)
        return {
            "partner_id": contract.commercial_partner_id.id,
            "contact_id": contract.contact_id.id,
            "location_id": (self.location_id or machine.location_id or contract.partner_id).id,
            "equipment_ids": [fields.Command.set(machine.ids)],
            "company_id": contract.company_id.id,
            "team_id": self.team_id.id,
            "scheduled_duration": self.duration,
            "window_start": window_start,
            "window_end": window_end,
            "description": title + (self.description or ""),
            "maintenance_plan_id": self.id,
            "maintenance_occurrence": occurrence,
            "maintenance_due_date": due,
            "checklist_ids": [
                fields.Command.create({"template_id": template.id})
                for template in self.checklist_template_ids
            ],
        }

    def _fsm_generate_orders(self, today=None):
        """The orders of every visit due by ``today`` + ``days_ahead`` and
        within the contract, each once."""
        today = today or fields.Date.context_today(self)
        Order = self.env["service.order"]
        created = Order
        # a plan another run is generating right now is left to it
        plans = self.try_lock_for_update(allow_referencing=True)
        plans.invalidate_recordset(["next_occurrence", "next_due_date"])
        for plan in plans:
            contract = plan.contract_id
            if contract.state != "running" or not plan.active:
                continue
            occurrence = plan.next_occurrence
            while True:
                due = plan._fsm_due_date(occurrence)
                if not due or due > today + timedelta(days=plan.days_ahead):
                    break
                if due > contract.date_end:
                    break
                if due >= contract.date_start:
                    created |= Order._fsm_create_planned(
                        plan._fsm_prepare_order_vals(occurrence, due)
                    )
                occurrence += 1
        if created:
            created._fsm_post_planned_message()
        return created

    @api.model
    def _fsm_generation_domain(self):
        return Domain("active", "=", True) & Domain("contract_id.state", "=", "running")

    @api.model
    def _cron_generate_orders(self, batch_size=200):
        """The daily job: every plan's coming visits get their orders."""
        plans = self.search(self._fsm_generation_domain(), order="id")
        done = 0
        for start in range(0, len(plans), batch_size):
            batch = plans[start : start + batch_size]
            batch._fsm_generate_orders()
            done += len(batch)
            self.env["ir.cron"]._commit_progress(len(batch), remaining=len(plans) - done)

    def action_generate_orders(self):
        """*Create due orders* on the plan: what the job would do today."""
        created = self._fsm_generate_orders()
        return self.action_view_orders(created)

    def action_view_orders(self, orders=None):
        action = self.env["ir.actions.act_window"]._for_xml_id("fsm_orders.action_service_order")
        action["domain"] = [
            ("id", "in", orders.ids)
            if orders is not None
            else ("maintenance_plan_id", "in", self.ids)
        ]
        action["context"] = {"create": False}
        return action
