import base64

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..models.service_kpi_goal import KPIS

PERIODS = [
    ("week", "This week"),
    ("month", "This month"),
    ("quarter", "This quarter"),
    ("year", "This year"),
    ("last_month", "Last month"),
    ("custom", "Custom"),
]
STATUS = [("met", "Met"), ("missed", "Missed")]


class ServiceKpiDashboard(models.TransientModel):
    """The KPI screen of a manager or coordinator: a period (this month by
    default) and a team, a row for the team and one per technician with each
    figure beside its goal. Lines are refreshed by *Refresh*; the pivot and
    graph of the same period, the XLSX download and the mail to the managers
    are buttons. A transient model: nothing here is kept, the figures are
    computed from the time entries and orders each time."""

    _name = "service.kpi.dashboard"
    _description = "Work time KPIs"

    period = fields.Selection(PERIODS, required=True, default="month")
    date_from = fields.Date(
        "From", required=True, compute="_compute_dates", store=True, readonly=False, precompute=True
    )
    date_to = fields.Date(
        "To", required=True, compute="_compute_dates", store=True, readonly=False, precompute=True
    )
    team_id = fields.Many2one(
        "service.team",
        string="Team",
        domain="[('company_id', '=', company_id)]",
        help="Leave empty for every technician.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    line_ids = fields.One2many("service.kpi.dashboard.line", "dashboard_id", string="KPIs")

    @api.depends("date_from", "date_to", "team_id")
    def _compute_display_name(self):
        """ "Work time KPIs: 1 Dec 2026 – 31 Dec 2026, North" in the breadcrumb."""
        for dashboard in self:
            dates = (
                " – ".join(
                    format_date(self.env, day) for day in (dashboard.date_from, dashboard.date_to)
                )
                if dashboard.date_from and dashboard.date_to
                else ""
            )
            parts = [part for part in (dates, dashboard.team_id.name) if part]
            dashboard.display_name = (
                self.env._("Work time KPIs: %s", ", ".join(parts))
                if parts
                else self.env._("Work time KPIs")
            )

    @api.depends("period")
    def _compute_dates(self):
        Report = self.env["service.work.kpi.report"]
        for dashboard in self:
            if dashboard.period != "custom" or not dashboard.date_from:
                period = dashboard.period if dashboard.period != "custom" else "month"
                dashboard.date_from, dashboard.date_to = Report._fsm_period(period)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for dashboard in self:
            if dashboard.date_to < dashboard.date_from:
                raise ValidationError(
                    self.env._("The period ends before it starts: check the dates.")
                )

    @api.model
    def action_open(self):
        """The menu's entry: this month's KPIs of the user's company."""
        dashboard = self.create({})
        dashboard._fsm_fill_lines()
        return dashboard._fsm_action_reopen()

    def _fsm_action_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Work time KPIs"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def _fsm_kpis(self):
        self.ensure_one()
        return self.env["service.work.kpi.report"]._fsm_kpis(
            self.date_from, self.date_to, team=self.team_id or None, company=self.company_id
        )

    def _fsm_fill_lines(self):
        self.ensure_one()
        kpis = self._fsm_kpis()
        rows = [(self.env._("Team"), kpis["team"])]
        rows += [(row["employee"].name, row) for row in kpis["employees"]]
        vals_list = []
        for sequence, (name, row) in enumerate(rows):
            vals = {
                "dashboard_id": self.id,
                "sequence": sequence,
                "name": name,
                "employee_id": row["employee"].id,
                "is_team": not row["employee"],
            }
            for key, *_rest in KPIS:
                goal = row["goals"][key]
                vals[key] = row["figures"][key]
                vals[f"{key}_goal"] = goal._fsm_label() if goal else False
                vals[f"{key}_status"] = row["status"][key]
            vals_list.append(vals)
        self.line_ids.unlink()
        self.env["service.kpi.dashboard.line"].create(vals_list)

    def action_refresh(self):
        """Recompute the lines for the period and team shown (the form reloads)."""
        self._fsm_fill_lines()
        return True

    def action_open_analysis(self):
        """The pivot and graph of the facts of the same period and team."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fsm_worktime.action_service_work_kpi_report"
        )
        domain = [("date", ">=", self.date_from), ("date", "<=", self.date_to)]
        if self.team_id:
            domain.append(("employee_id", "in", self.team_id.member_ids.ids))
        action["domain"] = domain
        action["context"] = {}
        return action

    def _fsm_filename(self):
        return f"kpis-{self.date_from.isoformat()}-{self.date_to.isoformat()}.xlsx"

    def action_download_xlsx(self):
        self.ensure_one()
        content = self.env["service.work.kpi.report"]._fsm_kpi_xlsx(self._fsm_kpis())
        attachment = self.env["ir.attachment"].create(
            {
                "name": self._fsm_filename(),
                "datas": base64.b64encode(content),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_send_xlsx(self):
        """Mail this period's KPIs to the company's Field Service managers now."""
        self.ensure_one()
        Report = self.env["service.work.kpi.report"]
        if not Report._fsm_kpi_managers(self.company_id):
            raise UserError(
                self.env._(
                    "%s has no Field Service manager with an email address to send the KPIs to.",
                    self.company_id.name,
                )
            )
        Report._fsm_send_kpis(self.date_from, self.date_to, self.company_id, team=self.team_id)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("The KPIs are on their way to the managers."),
            },
        }


class ServiceKpiDashboardLine(models.TransientModel):
    """One row of the KPI screen: the team or a technician, each KPI beside
    its goal (empty when there is none) and whether it is met."""

    _name = "service.kpi.dashboard.line"
    _description = "Work time KPIs of a technician"
    _order = "sequence, id"

    dashboard_id = fields.Many2one("service.kpi.dashboard", required=True, ondelete="cascade")
    sequence = fields.Integer()
    name = fields.Char("Technician")
    employee_id = fields.Many2one("hr.employee", string="Employee")
    is_team = fields.Boolean("Team")
    weekly_hours = fields.Float("Weekly hours", digits=(16, 1))
    weekly_hours_goal = fields.Char("Goal: weekly hours")
    weekly_hours_status = fields.Selection(STATUS, "Weekly hours met")
    travel_share = fields.Float("Travel %", digits=(16, 1))
    travel_share_goal = fields.Char("Goal: travel %")
    travel_share_status = fields.Selection(STATUS, "Travel % met")
    paid_share = fields.Float("Paid %", digits=(16, 1))
    paid_share_goal = fields.Char("Goal: paid %")
    paid_share_status = fields.Selection(STATUS, "Paid % met")
    visits_per_day = fields.Float("Visits / day", digits=(16, 2))
    visits_per_day_goal = fields.Char("Goal: visits / day")
    visits_per_day_status = fields.Selection(STATUS, "Visits / day met")
    late_starts = fields.Integer("Late starts")
    late_starts_goal = fields.Char("Goal: late starts")
    late_starts_status = fields.Selection(STATUS, "Late starts met")
    late_start_minutes = fields.Float("Min. late (start)", digits=(16, 0))
    late_start_minutes_goal = fields.Char("Goal: min. late (start)")
    late_start_minutes_status = fields.Selection(STATUS, "Min. late (start) met")
    late_finishes = fields.Integer("Late finishes")
    late_finishes_goal = fields.Char("Goal: late finishes")
    late_finishes_status = fields.Selection(STATUS, "Late finishes met")
    late_finish_minutes = fields.Float("Min. late (finish)", digits=(16, 0))
    late_finish_minutes_goal = fields.Char("Goal: min. late (finish)")
    late_finish_minutes_status = fields.Selection(STATUS, "Min. late (finish) met")
