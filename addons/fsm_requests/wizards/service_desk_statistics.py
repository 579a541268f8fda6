from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ServiceDeskStatistics(models.TransientModel):
    """Service desk figures over a period the user picks: requests registered,
    turned into orders, closed and past their deadline, time to close, and per
    employee the requests they handled and the orders they finished.

    A transient record so that each user has a period of their own; the figures
    are computed, never stored, and drill down into the request and order
    analyses with the same period."""

    _name = "service.desk.statistics"
    _description = "Service Desk Statistics"

    date_from = fields.Date(
        "From", required=True, default=lambda self: self._today() - timedelta(days=29)
    )
    date_to = fields.Date("To", required=True, default=lambda self: self._today())
    registered_count = fields.Integer("Registered", compute="_compute_figures")
    with_orders_count = fields.Integer("Became orders", compute="_compute_figures")
    conversion_rate = fields.Float(
        "Share turned into orders", compute="_compute_figures", help="A fraction: 0.5 is 50 %."
    )
    closed_count = fields.Integer("Closed", compute="_compute_figures")
    avg_hours_to_close = fields.Float("Average time to close", compute="_compute_figures")
    overdue_count = fields.Integer("Open past deadline (now)", compute="_compute_figures")
    orders_done_count = fields.Integer("Orders done", compute="_compute_figures")
    employee_table = fields.Html(
        "Per employee", compute="_compute_figures", sanitize=False, readonly=True
    )

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for stats in self:
            if stats.date_from and stats.date_to and stats.date_to < stats.date_from:
                raise ValidationError(self.env._("The period ends before it begins."))

    def _compute_display_name(self):
        for stats in self:
            stats.display_name = self.env._("Service desk statistics")

    @api.model
    def _action_open(self):
        """The statistics of the last 30 days, on a record of the user's own."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fsm_requests.action_service_desk_statistics"
        )
        action["res_id"] = self.create({}).id
        return action

    # ------------------------------------------------------------------
    def _today(self):
        return fields.Date.context_today(self)

    def _period_bounds(self):
        """The period as UTC datetimes: from the user's midnight on date_from
        to the user's midnight after date_to."""
        self.ensure_one()
        tz = self.env.tz
        start = tz.localize(datetime.combine(self.date_from, time.min))
        stop = tz.localize(datetime.combine(self.date_to + timedelta(days=1), time.min))
        return (
            start.astimezone(pytz.utc).replace(tzinfo=None),
            stop.astimezone(pytz.utc).replace(tzinfo=None),
        )

    def _registered_domain(self):
        start, stop = self._period_bounds()
        return [("date_registered", ">=", start), ("date_registered", "<", stop)]

    def _closed_domain(self):
        start, stop = self._period_bounds()
        return [("state", "=", "closed"), ("date_closed", ">=", start), ("date_closed", "<", stop)]

    def _done_orders_domain(self):
        start, stop = self._period_bounds()
        return [
            ("state", "=", "done"),
            ("date_finished", ">=", start),
            ("date_finished", "<", stop),
        ]

    @api.depends("date_from", "date_to")
    def _compute_figures(self):
        Request = self.env["service.request"]
        Order = self.env["service.order"]
        for stats in self:
            if not (stats.date_from and stats.date_to) or stats.date_to < stats.date_from:
                stats.update(
                    {
                        "registered_count": 0,
                        "with_orders_count": 0,
                        "conversion_rate": 0.0,
                        "closed_count": 0,
                        "avg_hours_to_close": 0.0,
                        "overdue_count": 0,
                        "orders_done_count": 0,
                        "employee_table": False,
                    }
                )
                continue
            registered = stats._registered_domain()
            stats.registered_count = Request.search_count(registered)
            stats.with_orders_count = Request.search_count(
                registered + [("order_ids", "!=", False)]
            )
            stats.conversion_rate = (
                stats.with_orders_count / stats.registered_count if stats.registered_count else 0.0
            )
            [(closed, avg_hours)] = Request._read_group(
                stats._closed_domain(), [], ["__count", "hours_to_close:avg"]
            )
            stats.closed_count = closed
            stats.avg_hours_to_close = avg_hours or 0.0
            stats.overdue_count = Request.search_count([("is_overdue", "=", True)])
            stats.orders_done_count = Order.search_count(stats._done_orders_domain())
            stats.employee_table = self.env["ir.qweb"]._render(
                "fsm_requests.desk_statistics_employee_table",
                {"rows": stats._employee_rows()},
            )

    def _employee_rows(self):
        """One row per person: requests they were responsible for (registered
        and closed in the period) and orders they finished as technician."""
        self.ensure_one()
        Request = self.env["service.request"]
        rows = {}

        def row(employee, user):
            key = ("employee", employee.id) if employee else ("user", user.id)
            return rows.setdefault(
                key,
                {
                    "name": (employee or user).name,
                    "employee": employee,
                    "user": user,
                    "registered": 0,
                    "closed": 0,
                    "orders_done": 0,
                },
            )

        def employee_of(user):
            return user.with_company(self.env.company).employee_id

        for user, count in Request._read_group(
            self._registered_domain() + [("user_id", "!=", False)], ["user_id"], ["__count"]
        ):
            row(employee_of(user), user)["registered"] = count
        for user, count in Request._read_group(
            self._closed_domain() + [("user_id", "!=", False)], ["user_id"], ["__count"]
        ):
            row(employee_of(user), user)["closed"] = count
        for employee, count in self.env["service.order"]._read_group(
            self._done_orders_domain() + [("technician_id", "!=", False)],
            ["technician_id"],
            ["__count"],
        ):
            row(employee, employee.user_id)["orders_done"] = count
        return sorted(
            rows.values(),
            key=lambda r: (-(r["registered"] + r["closed"] + r["orders_done"]), r["name"] or ""),
        )

    # ------------------------------------------------------------------
    # drill down
    # ------------------------------------------------------------------
    def _analysis_action(self, xmlid, name, domain, context=None):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action.update(
            {
                "name": name,
                "domain": domain,
                "context": dict(context or {}),
                "view_mode": "graph,pivot,list,form",
                "views": [(False, "graph"), (False, "pivot"), (False, "list"), (False, "form")],
            }
        )
        return action

    def action_requests_per_week(self):
        return self._analysis_action(
            "fsm_requests.action_service_request",
            self.env._("Requests registered per week"),
            self._registered_domain(),
            {"graph_groupbys": ["date_registered:week", "channel"]},
        )

    def action_orders_per_technician(self):
        return self._analysis_action(
            "fsm_orders.action_service_order",
            self.env._("Orders done per technician"),
            self._done_orders_domain(),
            {"graph_groupbys": ["technician_id"], "pivot_row_groupby": ["technician_id"]},
        )

    def action_requests_per_responsible(self):
        return self._analysis_action(
            "fsm_requests.action_service_request",
            self.env._("Requests per responsible"),
            self._registered_domain(),
            {"graph_groupbys": ["user_id", "state"], "pivot_row_groupby": ["user_id"]},
        )

    def action_overdue(self):
        overdue = [("is_overdue", "=", True)]
        name = self.env._("Requests past their deadline")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fsm_requests.action_service_request"
        )
        action.update({"name": name, "domain": overdue, "context": {}})
        return action
