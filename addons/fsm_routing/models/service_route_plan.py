import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import LazyTranslate

from ..solver import solve
from ..solver.model import ProblemError
from .route_problem import PlanWorld

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

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
# orders the optimiser may move: not started, not finished, not cancelled
MOVABLE_STATES = ("draft", "planned", "dispatched", "accepted")

SCOPES = [
    ("unplanned", "Unplanned orders only"),
    ("not_started", "Everything not yet started"),
]

# why an order is left out: the solver's reasons and the addon's own
LEFT_OUT_REASONS = [
    ("no_skill", "No technician has the skills"),
    ("locked_technician", "Its technician does not work then"),
    ("no_window", "No window fits a shift"),
    ("absent", "The technicians who could are absent"),
    ("capacity", "The days are full"),
    ("no_location", "The site has no coordinates"),
    ("conflict", "Kept as it is: changed since the run"),
]
REASON_SENTENCES = {
    "no_skill": _lt("No technician of the plan has the skills it requires."),
    "locked_technician": _lt("It is kept for a technician who does not work in the period."),
    "no_window": _lt("The client's window fits no technician's shift in the period."),
    "absent": _lt("The technicians who could do it are absent when it could be done."),
    "capacity": _lt("The technicians' days are full: more important orders came first."),
    "no_location": _lt("Its site has no coordinates: geolocate the address first."),
}

# a run in the foreground searches this long (the coordinator waits for it)
FOREGROUND_SECONDS = 3


class ServiceRoutePlan(models.Model):
    """One run of the optimiser over a period and teams: the orders it plans,
    its proposal (a line per visit, the orders left out and why) and the
    totals against the plan in place, until the coordinator applies or
    discards it. Nothing changes on an order before ``action_apply``.

    A run over at most ``company.fsm_plan_foreground_orders`` orders is
    solved while the coordinator waits (``FOREGROUND_SECONDS``); a larger one
    waits for the ``ir_cron_route_plan_run`` job, triggered at once, which
    commits its progress about once a second (``_commit_progress``) so the
    form shows it, and stops early when the plan is discarded meanwhile.
    Two runs never plan the same order at once: ``action_run`` locks the
    orders' rows and refuses while another waiting or running plan holds any.
    """

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
    date_from = fields.Date("From", required=True, default=fields.Date.context_today)
    date_to = fields.Date("To", compute="_compute_date_to", store=True, readonly=False)
    team_ids = fields.Many2many(
        "service.team", string="Teams", help="Leave empty to plan every team of the company."
    )
    scope = fields.Selection(SCOPES, "Plan", default="unplanned", required=True)
    state = fields.Selection(PLAN_STATES, default="draft", required=True, tracking=True, index=True)
    order_ids = fields.Many2many("service.order", string="Orders", copy=False, readonly=True)
    line_ids = fields.One2many("service.route.plan.line", "plan_id", "Proposal", copy=False)
    visit_line_ids = fields.One2many(
        "service.route.plan.line", "plan_id", domain=[("left_out", "=", False)], string="Visits"
    )
    left_out_line_ids = fields.One2many(
        "service.route.plan.line", "plan_id", domain=[("left_out", "=", True)], string="Left out"
    )
    seconds = fields.Integer("Search time (s)", readonly=True)
    progress = fields.Float("Progress (%)", readonly=True)
    progress_message = fields.Char(readonly=True)
    message = fields.Text("Notes", readonly=True)
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
    can_run = fields.Boolean(compute="_compute_can")
    can_apply = fields.Boolean(compute="_compute_can")
    can_discard = fields.Boolean(compute="_compute_can")

    _dates_ordered = models.Constraint(
        "CHECK(date_to >= date_from)", "The plan's period ends before it starts."
    )

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
            if plan.date_from == plan.date_to:
                period = str(plan.date_from)
            else:
                period = f"{plan.date_from} – {plan.date_to}"
            teams = ", ".join(plan.team_ids.mapped("name")) or self.env._("all teams")
            plan.name = f"{period} · {teams}"

    @api.depends("state")
    def _compute_can(self):
        for plan in self:
            plan.can_run = not plan._get_refusal("run")
            plan.can_apply = not plan._get_refusal("apply")
            plan.can_discard = not plan._get_refusal("discard")

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for plan in self:
            if plan.date_to and (plan.date_to - plan.date_from).days > 30:
                raise ValidationError(
                    self.env._("A plan covers at most a month: split %s.", plan.name)
                )

    # ------------------------------------------------------------------
    # one check behind each button and its action
    # ------------------------------------------------------------------
    def _get_refusal(self, step):
        """Why ``step`` (run, apply, discard) cannot be taken on this plan
        now, as the sentence shown; False when it can. The ``can_*`` fields
        show a button exactly when pressing it works."""
        self.ensure_one()
        if not self.env.user.has_group("fsm_orders.group_fsm_coordinator"):
            return self.env._("Only a coordinator can plan with the optimiser.")
        allowed = {
            "run": ("draft", "failed"),
            "apply": ("done",),
            "discard": ("draft", "queued", "running", "done", "failed"),
        }[step]
        if self.state not in allowed:
            state = dict(self._fields["state"]._description_selection(self.env))[self.state]
            return self.env._(
                "%(plan)s is %(state)s: it cannot be %(step)s now.",
                plan=self.name,
                state=state.lower(),
                step={
                    "run": self.env._("run"),
                    "apply": self.env._("applied"),
                    "discard": self.env._("discarded"),
                }[step],
            )
        return False

    def _check(self, step):
        for plan in self:
            if refusal := plan._get_refusal(step):
                raise UserError(refusal)

    # ------------------------------------------------------------------
    # what the run plans
    # ------------------------------------------------------------------
    def _fsm_technicians(self):
        self.ensure_one()
        domain = [
            ("is_technician", "=", True),
            ("company_id", "=", self.company_id.id),
        ]
        if self.team_ids:
            domain.append(("service_team_ids", "in", self.team_ids.ids))
        return self.env["hr.employee"].search(domain, order="name, id")

    def _fsm_period(self):
        world = PlanWorld(
            self.env, self.company_id, self.date_from, self.date_to, self.env["hr.employee"]
        )
        return world.origin, world.stop

    def _fsm_orders_to_plan(self, technicians):
        """The orders this run may move: unplanned ones of its teams whose
        window or start falls in the period, and with scope
        ``not_started`` also those already planned for its technicians."""
        self.ensure_one()
        start, stop = self._fsm_period()
        Order = self.env["service.order"]
        base = [
            ("company_id", "=", self.company_id.id),
            ("state", "in", ("draft", "planned")),
            "|",
            ("window_end", "=", False),
            ("window_end", ">", start),
            "|",
            ("window_start", "=", False),
            ("window_start", "<", stop),
            "|",
            ("scheduled_start", "=", False),
            "&",
            ("scheduled_start", ">=", start),
            ("scheduled_start", "<", stop),
        ]
        if self.team_ids:
            base += [("team_id", "in", self.team_ids.ids)]
        unplanned = Order.search(
            base + ["|", ("technician_id", "=", False), ("scheduled_start", "=", False)]
        )
        # an order kept to its technician and time is planned around, not moved
        unplanned = unplanned.filtered(
            lambda o: not (o.plan_lock == "time" and o.technician_id and o.scheduled_start)
        )
        if self.scope == "unplanned":
            return unplanned
        planned = Order.search(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "in", MOVABLE_STATES),
                ("technician_id", "in", technicians.ids),
                ("scheduled_start", ">=", start),
                ("scheduled_start", "<", stop),
                ("plan_lock", "!=", "time"),
            ]
        )
        return unplanned | planned

    def _fsm_fixed_orders(self, technicians, orders):
        """What already fills the technicians' days and this run does not
        move: their other orders of the period (and those locked to their
        technician and time), kept as they are."""
        start, stop = self._fsm_period()
        return self.env["service.order"].search(
            [
                ("id", "not in", orders.ids),
                ("technician_id", "in", technicians.ids),
                ("scheduled_start", "<", stop),
                ("scheduled_end", ">", start),
                ("state", "!=", "cancelled"),
            ]
        )

    # ------------------------------------------------------------------
    # run
    # ------------------------------------------------------------------
    def action_run(self):
        """Take the orders, then solve now (small runs) or queue the run for
        the background job (large ones)."""
        self.ensure_one()
        self._check("run")
        technicians = self._fsm_technicians()
        if not technicians:
            raise UserError(self.env._("No technician works in the teams of %s.", self.name))
        orders = self._fsm_orders_to_plan(technicians)
        if not orders:
            raise UserError(
                self.env._("%s finds no order to plan: nothing is unplanned there.", self.name)
            )
        self._fsm_claim(orders)
        self.write(
            {
                "order_ids": [(6, 0, orders.ids)],
                "line_ids": [(5, 0, 0)],
                "message": False,
                "progress": 0.0,
                "progress_message": False,
            }
        )
        if len(orders) <= self.company_id.fsm_plan_foreground_orders:
            self._fsm_solve(FOREGROUND_SECONDS)
            return True
        self.write(
            {
                "state": "queued",
                "progress_message": self.env._("Waiting for the optimiser…"),
            }
        )
        self.env.ref("fsm_routing.ir_cron_route_plan_run")._trigger()
        return True

    def _fsm_claim(self, orders):
        """Refuse while another waiting or running plan holds any of these
        orders. The rows are locked first, so two coordinators pressing Run
        at the same moment cannot both pass the check."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM service_order WHERE id IN %s FOR UPDATE NOWAIT",
                    [tuple(orders.ids)],
                )
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                self.env._(
                    "Another plan is taking these orders right now: wait for it, then run again."
                )
            ) from None
        other = self.sudo().search(
            [
                ("id", "!=", self.id),
                ("state", "in", ACTIVE_STATES),
                ("order_ids", "in", orders.ids),
            ],
            limit=1,
        )
        if other:
            raise UserError(
                self.env._(
                    "%(other)s (%(user)s) is optimising some of these orders: wait for it to "
                    "finish, or discard it, before running %(plan)s.",
                    other=other.name,
                    user=other.user_id.name,
                    plan=self.name,
                )
            )

    @api.model
    def _fsm_run_queued(self):
        """The background job: solve the waiting plans, oldest first."""
        while True:
            plan = self.search([("state", "=", "queued")], order="id", limit=1)
            if not plan:
                return
            plan.write({"state": "running", "date_started": fields.Datetime.now()})
            plan._fsm_commit()
            plan._fsm_solve(plan.company_id.fsm_plan_seconds)
            plan._fsm_commit()

    def _fsm_commit(self):
        """Commit in the background job (so the coordinator sees the
        progress), never in a request or a test."""
        if self.env.context.get("cron_id"):
            self.env["ir.cron"]._commit_progress()

    def _fsm_still_running(self):
        """Whether the plan was not discarded meanwhile (read from the
        database: the coordinator's discard is another transaction)."""
        self.flush_recordset(["state"])
        self.env.cr.execute("SELECT state FROM service_route_plan WHERE id = %s", [self.id])
        row = self.env.cr.fetchone()
        return bool(row) and row[0] in ("running", "draft", "failed")

    def _fsm_solve(self, seconds):
        """Build the problem, solve it, write the proposal. A failure is
        written on the plan (state failed), not raised into the job."""
        self.ensure_one()
        started = fields.Datetime.now()
        technicians = self._fsm_technicians()
        orders = self.order_ids.filtered(lambda o: o.state in MOVABLE_STATES)
        try:
            fixed = self._fsm_fixed_orders(technicians, orders)
            world = PlanWorld(
                self.env, self.company_id, self.date_from, self.date_to, technicians, fixed=fixed
            )
            solver_orders, left_out = [], {}
            for record in orders:
                item = world.order(record, record.plan_lock)
                if isinstance(item, str):
                    left_out[record.id] = item
                else:
                    solver_orders.append(item)
            problem = world.problem(solver_orders)

            def progress(report):
                if not self._fsm_still_running():
                    return False
                self.write(
                    {
                        "progress": min(99.0, 100.0 * report.seconds / max(seconds, 1)),
                        "progress_message": self.env._(
                            "%(iterations)s improvements tried, best cost %(cost)s",
                            iterations=report.iterations,
                            cost=round(report.best_cost) if report.feasible else "–",
                        ),
                    }
                )
                self._fsm_commit()
                return True

            plan = solve(problem, seconds=seconds, seed=self.id or 0, progress=progress)
        except (ProblemError, UserError) as error:
            _logger.info("plan %s failed: %s", self.id, error)
            self.write(
                {
                    "state": "failed",
                    "message": str(error),
                    "progress": 0.0,
                    "progress_message": False,
                }
            )
            return False
        if self.state == "discarded" or not self._fsm_still_running():
            return False
        self._fsm_write_proposal(world, problem, plan, orders, fixed, left_out)
        self.write(
            {
                "state": "done",
                "seconds": round(plan.seconds),
                "progress": 100.0,
                "progress_message": False,
                "date_started": self.date_started or started,
                "date_finished": fields.Datetime.now(),
                "message": "\n".join(world.problems) or False,
            }
        )
        return True

    def _fsm_write_proposal(self, world, problem, plan, orders, fixed, left_out):
        records = {o.id: o for o in orders | fixed}
        lines = []
        for route in plan.routes:
            for sequence, visit in enumerate(route.visits, start=1):
                record = records[visit.order_id]
                # on the minute, as a coordinator would write it (never before
                # the client's window opens)
                start = world.moment(visit.start).replace(second=0)
                if record.window_start and start < record.window_start:
                    start = world.moment(visit.start)
                lines.append(
                    {
                        "order_id": record.id,
                        "technician_id": route.technician_id,
                        "sequence": sequence,
                        "arrival": min(world.moment(visit.arrival), start),
                        "start": start,
                        "end": start + timedelta(seconds=int(visit.end - visit.start)),
                        "travel_minutes": visit.travel_time / 60.0,
                        "distance_km": visit.travel_distance / 1000.0,
                        "previous_technician_id": record.technician_id.id,
                        "previous_start": record.scheduled_start,
                        "fixed": False,
                    }
                )
        for record in fixed:
            lines.append(
                {
                    "order_id": record.id,
                    "technician_id": record.technician_id.id,
                    "start": record.scheduled_start,
                    "end": record.scheduled_end,
                    "arrival": record.scheduled_start,
                    "previous_technician_id": record.technician_id.id,
                    "previous_start": record.scheduled_start,
                    "fixed": True,
                }
            )
        reasons = {left.order_id: left.reason for left in plan.left_out} | left_out
        for order_id, reason in reasons.items():
            record = records[order_id]
            lines.append(
                {
                    "order_id": order_id,
                    "left_out": True,
                    "reason": reason,
                    "previous_technician_id": record.technician_id.id,
                    "previous_start": record.scheduled_start,
                    "fixed": False,
                }
            )
        self.line_ids = [(5, 0, 0)] + [(0, 0, vals) for vals in lines]
        routes = [r for r in plan.routes if r.visits]
        current = self._fsm_current_totals(world, problem, orders)
        self.write(
            {
                "proposed_orders": sum(
                    1 for line in lines if not line.get("left_out") and not line["fixed"]
                ),
                "proposed_left_out": len(reasons),
                "proposed_km": sum(r.distance for r in routes) / 1000.0,
                "proposed_travel_hours": sum(r.travel_time for r in routes) / 3600.0,
                "proposed_hours": sum(r.working_time for r in routes) / 3600.0,
                **current,
            }
        )

    def _fsm_current_totals(self, world, problem, records):
        """The plan in place for the orders the run moves: each technician's
        day in the order of its scheduled starts, from home and back, on the
        same travel matrix as the proposal (visits planned around count in
        neither)."""
        index = {o.id: o.location for o in problem.orders}
        duration = {o.id: o.duration for o in problem.orders}
        days = defaultdict(list)
        for record in records:
            tech = world.technicians.get(record.technician_id.id)
            if tech and record.scheduled_start and record.id in index:
                day = world.seconds(record.scheduled_start) // 86400
                days[tech.id, day].append((record.scheduled_start, record.id))
        distance = travel = work = 0
        planned = 0
        for (tech_id, _day), day_visits in days.items():
            home = world.technicians[tech_id].start_location
            visits = sorted(day_visits)
            stops = [home] + [index[order_id] for _start, order_id in visits] + [home]
            legs = list(zip(stops, stops[1:], strict=False))
            distance += sum(problem.distances[a][b] for a, b in legs)
            travel += sum(problem.durations[a][b] for a, b in legs)
            # out of home, as the solver counts a route: from leaving for the
            # first visit to being back from the last
            first, last = visits[0], visits[-1]
            leave = world.seconds(first[0]) - problem.durations[legs[0][0]][legs[0][1]]
            back = (
                world.seconds(last[0])
                + duration[last[1]]
                + problem.durations[legs[-1][0]][legs[-1][1]]
            )
            work += back - leave
            planned += len(visits)
        return {
            "current_orders": planned,
            "current_km": distance / 1000.0,
            "current_travel_hours": travel / 3600.0,
            "current_hours": work / 3600.0,
        }

    # ------------------------------------------------------------------
    # apply, discard
    # ------------------------------------------------------------------
    def action_apply(self):
        """Give every order of the proposal its technician and start, and
        tell the technicians as a dispatch does. An order changed by someone
        since the run (another technician or start, started, cancelled) or
        that no longer passes the planning checks (an absence approved
        since) is kept as it is and named in the plan's notes."""
        self.ensure_one()
        self._check("apply")
        kept, dispatched, unassigned = [], self.env["service.order"], self.env["service.order"]
        for line in self.line_ids.filtered(lambda line: not line.fixed):
            order = line.order_id
            if order.state not in MOVABLE_STATES or (
                order.technician_id != line.previous_technician_id
                or order.scheduled_start != line.previous_start
            ):
                kept.append(
                    self.env._("%s changed since the run: kept as it is.", order.display_name)
                )
                continue
            if line.left_out:
                if order.technician_id and self.scope == "not_started":
                    order.write({"technician_id": False})
                    order.message_post(
                        body=self.env._(
                            "Taken off %(tech)s's day by the plan %(plan)s: %(reason)s",
                            tech=line.previous_technician_id.name,
                            plan=self.name,
                            reason=line.reason_text,
                        )
                    )
                    unassigned |= order
                continue
            if not line.changed:
                continue
            if refusal := order._fsm_planning_refusal(line.technician_id, line.start, line.end):
                kept.append(refusal)
                continue
            order.write({"technician_id": line.technician_id.id, "scheduled_start": line.start})
            dispatched |= order
        self._fsm_dispatch(dispatched)
        for order in unassigned.filtered(lambda o: o.state != "draft"):
            order._write_state({"state": "draft"})
        self.write(
            {
                "state": "applied",
                "message": "\n".join(filter(None, [self.message, *kept])) or False,
            }
        )
        self.message_post(
            body=self.env._(
                "Applied: %(count)s orders re-planned, %(kept)s kept as they were.",
                count=len(dispatched),
                kept=len(kept),
            )
        )
        return True

    def _fsm_dispatch(self, orders):
        """Plan and dispatch each re-planned order, so its technician is told
        (an activity on their phone) and its client too, as when a
        coordinator dispatches by hand; an order whose technician has no
        user stays planned."""
        for order in orders:
            if order.state == "draft":
                order.action_plan()
            if order.state == "planned" and not order._get_step_refusal("dispatch"):
                order.action_dispatch()
            elif order.state in ("dispatched", "accepted"):
                order._fsm_close_dispatch_activities()
                order._write_state({"state": "dispatched"})
                order._notify_dispatch()

    def action_discard(self):
        """Drop the proposal (or stop the run): no order changes."""
        self._check("discard")
        self.write({"state": "discarded", "progress_message": False})
        return True

    def action_reset(self):
        """A failed or discarded plan back to draft, to change and run again."""
        self.filtered(lambda p: p.state in ("failed", "discarded")).write(
            {"state": "draft", "line_ids": [(5, 0, 0)], "message": False}
        )
        return True

    def action_open_board(self):
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "fsm_routing.planning_board",
            "name": self.name,
            "params": {
                "plan_id": self.id,
                "date": str(self.date_from),
                "days": 7 if self.period == "week" else 1,
            },
        }

    def action_open_map(self):
        """The proposal's first day on the route map; the map steps through
        the other days of a week."""
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "fsm_routing.route_map",
            "name": self.name,
            "params": {"plan_id": self.id, "date": str(self.date_from)},
        }


class ServiceRoutePlanLine(models.Model):
    """A visit of the proposal (technician, arrival, start, travel before
    it) or an order the run left out, with its reason. ``fixed`` lines are
    the technicians' visits the run planned around and does not change."""

    _name = "service.route.plan.line"
    _description = "Optimised plan line"
    _order = "plan_id, left_out, technician_id, start, id"

    plan_id = fields.Many2one("service.route.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    order_id = fields.Many2one("service.order", required=True, ondelete="cascade", index=True)
    priority = fields.Selection(related="order_id.priority")
    partner_id = fields.Many2one(related="order_id.partner_id", string="Client")
    technician_id = fields.Many2one("hr.employee", "Technician", index=True)
    sequence = fields.Integer("Visit", help="The visit's number in the technician's day.")
    arrival = fields.Datetime()
    start = fields.Datetime()
    end = fields.Datetime()
    travel_minutes = fields.Float("Travel before (min)", digits=(16, 0))
    distance_km = fields.Float("Distance before (km)", digits=(16, 1))
    previous_technician_id = fields.Many2one("hr.employee", "Technician before")
    previous_start = fields.Datetime("Start before")
    fixed = fields.Boolean("Planned around", help="Already planned and kept by this run.")
    changed = fields.Boolean(compute="_compute_changed", store=True)
    left_out = fields.Boolean(index=True)
    reason = fields.Selection(LEFT_OUT_REASONS)
    reason_text = fields.Char("Why left out", compute="_compute_reason_text")

    @api.depends("technician_id", "start", "previous_technician_id", "previous_start", "left_out")
    def _compute_changed(self):
        for line in self:
            line.changed = not line.left_out and (
                line.technician_id != line.previous_technician_id
                or line.start != line.previous_start
            )

    @api.depends("reason")
    def _compute_reason_text(self):
        for line in self:
            line.reason_text = str(REASON_SENTENCES[line.reason]) if line.reason else False
