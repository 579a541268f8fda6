"""Insert an urgent order into today's plan (the order's *Insert into
today's plan* button).

Today's world is every technician of the order's company with a shift left
today: their orders of today keep their scheduled start as the earliest
(a client expecting 10:00 is not visited at 9:00) and may only be delayed;
each technician is where the records say (a visit in progress: on site until
it should end; a travel timer running: on the way; otherwise at their last
GPS fix of the last half hour, the last visit done, or home). The solver's
``insert_urgent`` tries each one at every place of the rest of their day;
the options are ranked by its score plus ``DELAY_COST`` per hour other booked
clients wait, and the coordinator sees the best and the others, who is delayed
and what is pushed out, and confirms.
"""

import dataclasses
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

from ..models.route_problem import PlanWorld
from ..models.service_route_plan import REASON_SENTENCES
from ..solver.emergency import URGENCY_COST, TechnicianState, insert_urgent
from ..solver.model import Plan, Window
from ..solver.timeline import schedule

# a GPS fix older than this does not say where a technician is
POSITION_FRESH = timedelta(minutes=30)
# what an hour's delay of a client already booked weighs when the options are
# ranked (the solver's score counts the route, what is pushed out and the
# urgent client's wait; keeping the others' promises matters too)
DELAY_COST = URGENCY_COST / 2


class ServiceRouteEmergency(models.TransientModel):
    _name = "service.route.emergency"
    _description = "Insert an urgent order into today's plan"

    order_id = fields.Many2one("service.order", required=True, readonly=True)
    option_ids = fields.One2many("service.route.emergency.option", "wizard_id", readonly=True)
    option_id = fields.Many2one(
        "service.route.emergency.option",
        "Chosen",
        domain="[('wizard_id', '=', id)]",
        help="The best by extra travel and working time, orders pushed out and the "
        "client's wait; choose another one to compare.",
    )
    delayed_ids = fields.One2many(related="option_id.delayed_ids")
    pushed_out_ids = fields.Many2many(related="option_id.pushed_out_ids")
    reason = fields.Char("Why nobody", readonly=True)
    seconds = fields.Float("Found in (s)", readonly=True, digits=(16, 2))

    @api.model
    def _fsm_propose(self, order):
        order.ensure_one()
        if order.state not in ("draft", "planned", "dispatched"):
            raise UserError(
                self.env._("%s is already under way: it cannot be inserted again.", order.name)
            )
        now = fields.Datetime.now()
        today = fields.Datetime.context_timestamp(order, now).date()
        technicians = self.env["hr.employee"].search(
            [("is_technician", "=", True), ("company_id", "=", order.company_id.id)]
        )
        world = PlanWorld(self.env, order.company_id, today, today, technicians, now=now)
        urgent = world.order(order)
        if isinstance(urgent, str):
            raise UserError(str(REASON_SENTENCES[urgent]))
        urgent = dataclasses.replace(urgent, priority=3)
        day_orders = (
            self.env["service.order"]
            .search(
                [
                    ("id", "!=", order.id),
                    ("technician_id", "in", list(world.technicians)),
                    ("scheduled_start", ">=", world.origin),
                    ("scheduled_start", "<", world.stop),
                    ("state", "!=", "cancelled"),
                ]
            )
            .sorted(lambda o: (o.scheduled_start, o.id))
        )
        items, by_tech = {}, {}
        for record in day_orders:
            item = world.order(record, "none")
            if isinstance(item, str):
                continue
            end = item.windows[0].end if item.windows else world.seconds(world.stop)
            start = world.seconds(record.scheduled_start)
            items[record.id] = dataclasses.replace(
                item,
                windows=(Window(start, max(start + item.duration, end)),),
                locked_technician=record.technician_id.id,
            )
            by_tech.setdefault(record.technician_id.id, []).append(record)
        states = {
            tech_id: self._fsm_state(world, tech_id, by_tech.get(tech_id, []), items, now)
            for tech_id in world.technicians
        }
        problem = world.problem([urgent, *items.values()])
        problem.orders = [o for o in problem.orders if o.id != urgent.id]
        routes = []
        for tech_id, records in by_tech.items():
            tech = world.technicians[tech_id]
            shift = next((i for i, s in enumerate(tech.shifts) if s.end > world.seconds(now)), None)
            if shift is not None:
                sequence = [items[r.id] for r in records if r.id in items]
                routes.append(schedule(problem, tech, shift, sequence).route)
        answer = insert_urgent(problem, Plan(routes, []), urgent, states, now=world.seconds(now))
        wizard = self.create(
            {
                "order_id": order.id,
                "seconds": answer.seconds,
                "reason": str(REASON_SENTENCES[answer.reason]) if answer.reason else False,
            }
        )
        records = {r.id: r for r in day_orders}
        ranked = []
        for option in answer.options:
            delayed = [
                (records[order_id], _minute_up(world.moment(new)))
                for order_id, _old, new in option.delays
                if world.moment(new) > records[order_id].scheduled_start + timedelta(minutes=1)
            ]
            late_hours = sum(
                (new - rec.scheduled_start).total_seconds() / 3600 for rec, new in delayed
            )
            ranked.append((option.score + DELAY_COST * late_hours, option, delayed))
        ranked.sort(key=lambda item: item[0])
        for rank, (score, option, delayed) in enumerate(ranked, start=1):
            visit = next(v for v in option.route.visits if v.order_id == urgent.id)
            self.env["service.route.emergency.option"].create(
                {
                    "wizard_id": wizard.id,
                    "sequence": rank,
                    "technician_id": option.technician_id,
                    "start": _minute_up(world.moment(option.start)),
                    "arrival": world.moment(visit.arrival),
                    "travel_minutes": visit.travel_time / 60.0,
                    "score": score,
                    "delayed_ids": [
                        (
                            0,
                            0,
                            {
                                "order_id": rec.id,
                                "old_start": rec.scheduled_start,
                                "new_start": new,
                            },
                        )
                        for rec, new in delayed
                    ],  # fmt: skip
                    "pushed_out_ids": [(6, 0, list(option.pushed_out))],
                }
            )
        wizard.option_id = wizard.option_ids[:1]
        return wizard

    def _fsm_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Insert into today's plan"),
        }

    @api.model
    def _fsm_state(self, world, tech_id, records, items, now):
        """Where a technician is now, from the records: in a visit started
        (or whose scheduled time covers now) until it should end; on the way
        when a travel timer runs; otherwise free at their last GPS fix of the
        last half hour, where their last visit ended, or home."""
        tech = world.technicians[tech_id]
        current = [r for r in records if r.id in items]
        ongoing = next((r for r in current if r.state == "in_progress"), None) or next(
            (
                r
                for r in current
                if r.state in ("dispatched", "accepted")
                and r.scheduled_start <= now < r.scheduled_end
            ),
            None,
        )
        past = [
            r for r in current if r.state == "done" or (r.scheduled_end and r.scheduled_end <= now)
        ]
        done = frozenset(r.id for r in past) | frozenset([ongoing.id] if ongoing else [])
        if ongoing:
            started = ongoing.date_started or ongoing.scheduled_start
            free_at = max(now, started + timedelta(hours=ongoing.scheduled_duration or 1.0))
            return TechnicianState(
                "on_site", items[ongoing.id].location, world.seconds(free_at), done
            )
        employee = self.env["hr.employee"].browse(tech_id)
        fix = (
            self.env["service.position"]
            .sudo()
            .search(
                [("employee_id", "=", tech_id), ("recorded_at", ">=", now - POSITION_FRESH)],
                limit=1,
            )
        )
        timer = self.env["service.work.time"]._fsm_running(employee)
        if fix:
            location = world.point(fix.latitude, fix.longitude)
        elif past:
            location = items[past[-1].id].location
        else:
            location = tech.start_location
        if timer.category == "travel":
            return TechnicianState("travelling", location, world.seconds(now), done)
        return TechnicianState("available", location, world.seconds(now), done)

    def action_insert(self):
        """Give the urgent order to the chosen technician at the proposed
        start, move the visits it delays, take what it pushes out off the
        day (back to the coordinator to re-plan), and dispatch."""
        self.ensure_one()
        option = self.option_id
        if not option:
            raise UserError(self.reason or self.env._("Choose a technician first."))
        order = self.order_id
        if refusal := order._fsm_planning_refusal(option.technician_id, option.start):
            raise UserError(refusal)
        for delay in option.delayed_ids:
            delay.order_id.write({"scheduled_start": delay.new_start})
            delay.order_id.message_post(
                body=self.env._(
                    "Delayed to make room for the urgent %(order)s.", order=order.display_name
                )
            )
        for pushed in option.pushed_out_ids:
            pushed.write({"technician_id": False})
            if pushed.state != "draft":
                pushed._write_state({"state": "draft"})
            pushed._fsm_close_dispatch_activities()
            pushed.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Re-plan: pushed out by an urgent order"),
                note=self.env._(
                    "%(order)s took %(tech)s's time.",
                    order=order.display_name,
                    tech=option.technician_id.name,
                ),
                user_id=(pushed.team_id.coordinator_id or self.env.user).id,
            )
        order.write({"technician_id": option.technician_id.id, "scheduled_start": option.start})
        self.env["service.route.plan"]._fsm_dispatch(order)
        return {"type": "ir.actions.act_window_close"}


class ServiceRouteEmergencyOption(models.TransientModel):
    _name = "service.route.emergency.option"
    _description = "Urgent order: a technician who could take it"
    _order = "sequence"

    wizard_id = fields.Many2one("service.route.emergency", required=True, ondelete="cascade")
    sequence = fields.Integer("Rank")
    technician_id = fields.Many2one("hr.employee", "Technician", readonly=True)
    arrival = fields.Datetime(readonly=True)
    start = fields.Datetime(readonly=True)
    travel_minutes = fields.Float("Travel (min)", digits=(16, 0), readonly=True)
    score = fields.Float("Cost", digits=(16, 0), readonly=True)
    delayed_ids = fields.One2many("service.route.emergency.delay", "option_id", readonly=True)
    delayed_count = fields.Integer("Visits delayed", compute="_compute_counts")
    pushed_out_ids = fields.Many2many("service.order", string="Pushed out", readonly=True)
    pushed_out_count = fields.Integer("Orders pushed out", compute="_compute_counts")
    is_chosen = fields.Boolean(compute="_compute_is_chosen")

    @api.depends("technician_id", "start")
    def _compute_display_name(self):
        for option in self:
            option.display_name = self.env._(
                "%(technician)s at %(time)s",
                technician=option.technician_id.name,
                time=format_datetime(self.env, option.start, dt_format="short")
                if option.start
                else "",
            )

    @api.depends("wizard_id.option_id")
    def _compute_is_chosen(self):
        for option in self:
            option.is_chosen = option.wizard_id.option_id == option

    @api.depends("delayed_ids", "pushed_out_ids")
    def _compute_counts(self):
        for option in self:
            option.delayed_count = len(option.delayed_ids)
            option.pushed_out_count = len(option.pushed_out_ids)

    def action_choose(self):
        self.ensure_one()
        self.wizard_id.option_id = self
        return self.wizard_id._fsm_reopen()


class ServiceRouteEmergencyDelay(models.TransientModel):
    _name = "service.route.emergency.delay"
    _description = "Urgent order: a visit it delays"

    option_id = fields.Many2one("service.route.emergency.option", required=True, ondelete="cascade")
    order_id = fields.Many2one("service.order", readonly=True)
    old_start = fields.Datetime("Was", readonly=True)
    new_start = fields.Datetime("Becomes", readonly=True)


def _minute_up(moment):
    """The next whole minute (a visit is announced on the minute, never
    before the technician can be there)."""
    if moment.second or moment.microsecond:
        return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return moment
