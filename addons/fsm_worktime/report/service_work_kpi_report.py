import base64
import io
from datetime import timedelta

import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, format_date

from ..models.service_kpi_goal import KPIS
from ..models.service_work_time_type import CATEGORIES

# measures summed per technician to compute the KPIs
MEASURES = [
    "total_hours",
    "working_hours",
    "work_hours",
    "travel_hours",
    "paid_hours",
    "visit_count",
    "late_start_count",
    "late_start_minutes",
    "late_finish_count",
    "late_finish_minutes",
]


class ServiceWorkKpiReport(models.Model):
    """Work time KPIs: the facts behind them, for the pivot and the graph.

    One row per fact, so that every ratio is computed from sums, never from
    ratios: a *time* row per work time entry (its hours in the measure of its
    category, in paid hours when its type is paid) and a *visit* row per
    started order of a technician (a done visit, a late start, a late finish,
    in minutes against ``scheduled_start`` / ``scheduled_end``, with no grace).

    * ``date`` is the day in the technician's time zone: the entry's start,
      the visit's start.
    * ``team_id`` is the technician's team (the first one of a technician
      in several), as the KPI screen's team filter takes the team's members:
      a team's figures are its people's, whatever orders they worked on.
    * A running timer counts 0 hours until it stops.

    The ratios themselves (``_fsm_kpis``) cannot be summed in a pivot; they
    are computed over a period from these sums, in one grouped query."""

    _name = "service.work.kpi.report"
    _description = "Work time KPI analysis"
    _auto = False
    _order = "date desc, employee_id"
    _rec_name = "date"

    fact = fields.Selection([("time", "Time entry"), ("visit", "Visit")], readonly=True)
    date = fields.Date(readonly=True)
    employee_id = fields.Many2one("hr.employee", string="Technician", readonly=True)
    team_id = fields.Many2one("service.team", string="Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    order_id = fields.Many2one("service.order", string="Service order", readonly=True)
    type_id = fields.Many2one("service.work.time.type", string="Type", readonly=True)
    category = fields.Selection(CATEGORIES, readonly=True)
    total_hours = fields.Float("Recorded hours", readonly=True, help="All entries, breaks too.")
    working_hours = fields.Float("Working hours", readonly=True, help="All entries but breaks.")
    work_hours = fields.Float("Work hours", readonly=True)
    travel_hours = fields.Float("Travel hours", readonly=True)
    break_hours = fields.Float("Break hours", readonly=True)
    admin_hours = fields.Float("Admin hours", readonly=True)
    training_hours = fields.Float("Training hours", readonly=True)
    paid_hours = fields.Float("Paid hours", readonly=True)
    distance_km = fields.Float("Distance (km)", readonly=True)
    visit_count = fields.Integer("Visits done", readonly=True)
    late_start_count = fields.Integer("Late starts", readonly=True)
    late_start_minutes = fields.Float("Minutes late at start", readonly=True)
    late_finish_count = fields.Integer("Late finishes", readonly=True)
    late_finish_minutes = fields.Float("Minutes late at finish", readonly=True)

    _depends = {
        "service.work.time": [
            "employee_id", "company_id", "order_id", "type_id", "category", "paid",
            "date_start", "duration", "distance_km",
        ],
        "service.order": [
            "technician_id", "company_id", "state", "active", "scheduled_start",
            "scheduled_end", "date_started", "date_finished",
        ],
        "service.team": ["member_ids"],
        "hr.employee": ["resource_id"],
        "resource.resource": ["tz"],
    }  # fmt: skip

    @property
    def _table_query(self):
        # the technicians' time zone and first team: small hash joins (no
        # correlated subquery, no order join: each of the year's 360,000
        # rows goes through them, in parallel workers)
        technicians = """
            SELECT e.id, COALESCE(rr.tz, 'UTC') AS tz, ft.team_id
              FROM hr_employee e
              LEFT JOIN resource_resource rr ON rr.id = e.resource_id
              LEFT JOIN (SELECT employee_id, MIN(team_id) AS team_id
                           FROM service_team_member_rel
                          GROUP BY employee_id) ft ON ft.employee_id = e.id
        """
        local_day = "(%s AT TIME ZONE 'UTC' AT TIME ZONE t.tz)::date"
        hours = "CASE WHEN wt.category = '%s' THEN wt.duration ELSE 0 END"
        late = "GREATEST(EXTRACT(EPOCH FROM so.%s - so.%s)::float8 / 60, 0)"
        return SQL(
            f"""
            SELECT 2 * wt.id AS id, 'time' AS fact, {local_day % "wt.date_start"} AS date,
                   wt.employee_id, t.team_id, wt.company_id, wt.order_id, wt.type_id,
                   wt.category, wt.duration AS total_hours,
                   CASE WHEN wt.category != 'break' THEN wt.duration ELSE 0 END AS working_hours,
                   {hours % "work"} AS work_hours, {hours % "travel"} AS travel_hours,
                   {hours % "break"} AS break_hours, {hours % "admin"} AS admin_hours,
                   {hours % "training"} AS training_hours,
                   CASE WHEN wt.paid THEN wt.duration ELSE 0 END AS paid_hours,
                   COALESCE(wt.distance_km, 0) AS distance_km,
                   0 AS visit_count, 0 AS late_start_count, 0::float8 AS late_start_minutes,
                   0 AS late_finish_count, 0::float8 AS late_finish_minutes
              FROM service_work_time wt
              JOIN ({technicians}) t ON t.id = wt.employee_id
             UNION ALL
            SELECT 2 * so.id + 1, 'visit', {local_day % "so.date_started"},
                   so.technician_id, t.team_id, so.company_id, so.id, NULL, NULL,
                   0, 0, 0, 0, 0, 0, 0, 0, 0,
                   CASE WHEN so.state = 'done' THEN 1 ELSE 0 END,
                   CASE WHEN so.date_started > so.scheduled_start THEN 1 ELSE 0 END,
                   {late % ("date_started", "scheduled_start")},
                   CASE WHEN so.state = 'done' AND so.date_finished > so.scheduled_end
                        THEN 1 ELSE 0 END,
                   CASE WHEN so.state = 'done'
                        THEN {late % ("date_finished", "scheduled_end")} ELSE 0 END
              FROM service_order so
              JOIN ({technicians}) t ON t.id = so.technician_id
             WHERE so.state IN ('in_progress', 'done') AND so.active
               AND so.date_started IS NOT NULL
            """
        )

    # ------------------------------------------------------------------
    # the KPIs of a period
    # ------------------------------------------------------------------
    @api.model
    def _fsm_kpis(self, date_from, date_to, employees=None, team=None, company=None):
        """The KPIs of the days ``date_from`` to ``date_to`` (included), for
        each technician with anything recorded in the period and for the team
        (all of them, or ``employees``, or ``team``'s members), each beside
        its goal.

        * Average weekly working time: working hours (all but breaks) / weeks
          of the period (its days / 7); the team's is the mean over its
          technicians.
        * Share of travel: travel hours / working hours, in percent.
        * Share of paid time: paid hours / recorded hours (breaks included:
          an unpaid break lowers it), in percent.
        * Visits per day: done visits / days worked, the days with time
          recorded or a visit started (a day off is no day of work); the
          team's is all its visits / all its technicians' days.
        * Timeliness: orders started after their scheduled start, finished
          after their scheduled end (no grace), and the average minutes late
          of those orders.

        One grouped query (and one for the goals), whatever the period and
        the number of technicians. Returns ``{"date_from", "date_to",
        "weeks", "company", "team_record", "team", "employees"}``: ``team``
        and each of ``employees`` (sorted by name) a dict of ``employee``,
        ``figures``, ``goals`` (``{kpi: goal or None}``) and ``status``
        (``{kpi: "met" | "missed" | False}``)."""
        domain = Domain("date", ">=", date_from) & Domain("date", "<=", date_to)
        if team:
            employees = team.member_ids if employees is None else employees & team.member_ids
        if employees is not None:
            domain &= Domain("employee_id", "in", employees.ids)
        if company:
            domain &= Domain("company_id", "=", company.id)
        per_employee, totals = {}, dict.fromkeys([*MEASURES, "days"], 0.0)
        for employee_id, *values in self._fsm_sums(domain):
            sums = dict(zip([*MEASURES, "days"], values, strict=True))
            per_employee[self.env["hr.employee"].browse(employee_id)] = sums
            for key, value in sums.items():
                totals[key] += value or 0.0
        weeks = ((date_to - date_from).days + 1) / 7.0
        found = self.env["hr.employee"].concat(*per_employee).sorted(lambda e: e.name or "")
        company = company or (team.company_id if team else self.env.company)
        goals = self.env["service.kpi.goal"]._fsm_goals(found, company)

        def entry(employee, sums, technicians):
            figures = self._fsm_figures(sums, weeks, technicians)
            row_goals = {key: goals[key, employee.id or False] for key in figures}
            return {
                "employee": employee,
                "figures": figures,
                "goals": row_goals,
                "status": {
                    key: (goal._fsm_is_met(figures[key]) and "met" or "missed") if goal else False
                    for key, goal in row_goals.items()
                },
            }

        return {
            "date_from": date_from,
            "date_to": date_to,
            "weeks": weeks,
            "company": company,
            "team_record": team or self.env["service.team"],
            "team": entry(self.env["hr.employee"], totals, len(found)),
            "employees": [entry(e, per_employee[e], 1) for e in found],
        }

    @api.model
    def _fsm_sums(self, domain):
        """[(employee id, *MEASURES sums, days worked)] of the facts in
        ``domain`` (record rules applied, as ``_search`` does).

        Summed by technician and day first, then by technician: the days
        worked are the rows of the first step, where a COUNT(DISTINCT date)
        would sort every fact of the period (the whole year: 360,000 rows)."""
        query = self._search(domain)
        employee = self._field_to_sql(query.table, "employee_id", query)
        day = self._field_to_sql(query.table, "date", query)
        query.groupby = SQL("%s, %s", employee, day)
        per_day = query.select(
            SQL("%s AS employee_id", employee),
            *(
                SQL("SUM(%s) AS %s", self._field_to_sql(query.table, m, query), SQL(m))
                for m in MEASURES
            ),
        )
        self.env.cr.execute(
            SQL(
                "SELECT employee_id, %s, COUNT(*) FROM (%s) AS per_day GROUP BY employee_id",
                SQL(", ").join(SQL("SUM(%s)", SQL(m)) for m in MEASURES),
                per_day,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _fsm_figures(self, sums, weeks, technicians):
        """{kpi: figure} from the sums of ``technicians`` over ``weeks``."""

        def ratio(part, whole, scale=1.0):
            return scale * part / whole if whole else 0.0

        figures = {
            "weekly_hours": ratio(sums["working_hours"], weeks * technicians),
            "travel_share": ratio(sums["travel_hours"], sums["working_hours"], 100.0),
            "paid_share": ratio(sums["paid_hours"], sums["total_hours"], 100.0),
            "visits_per_day": ratio(sums["visit_count"], sums["days"]),
            "late_starts": sums["late_start_count"],
            "late_start_minutes": ratio(sums["late_start_minutes"], sums["late_start_count"]),
            "late_finishes": sums["late_finish_count"],
            "late_finish_minutes": ratio(sums["late_finish_minutes"], sums["late_finish_count"]),
        }
        assert list(figures) == [key for key, *_rest in KPIS]
        return figures

    # ------------------------------------------------------------------
    # periods, the spreadsheet and the monthly mail
    # ------------------------------------------------------------------
    @api.model
    def _fsm_period(self, period, today=None):
        """(first day, last day) of the week, month, quarter or year around
        ``today``, or of the previous month (``last_month``)."""
        today = today or fields.Date.context_today(self)
        if period == "week":
            start = today - timedelta(days=today.weekday())
            return start, start + timedelta(days=6)
        if period == "quarter":
            start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
            return start, start + relativedelta(months=3, days=-1)
        if period == "year":
            return today.replace(month=1, day=1), today.replace(month=12, day=31)
        start = today.replace(day=1)
        if period == "last_month":
            start -= relativedelta(months=1)
        return start, start + relativedelta(months=1, days=-1)

    @api.model
    def _fsm_kpi_labels(self):
        return dict(self.env["service.kpi.goal"]._fields["kpi"]._description_selection(self.env))

    @api.model
    def _fsm_kpi_xlsx(self, kpis):
        """The KPIs as an XLSX workbook (bytes): the period, then a row for
        the team and one per technician, each KPI with its goal and whether
        it is met."""
        labels = self._fsm_kpi_labels()
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = book.add_worksheet(self.env._("KPIs")[:31])
        bold = book.add_format({"bold": True})
        number = book.add_format({"num_format": "0.00"})
        title = self.env._(
            "Work time KPIs, %(start)s – %(stop)s",
            start=format_date(self.env, kpis["date_from"]),
            stop=format_date(self.env, kpis["date_to"]),
        )
        sheet.write(0, 0, title, bold)
        sheet.write(1, 0, kpis["company"].name or "")
        if kpis["team_record"]:
            sheet.write(1, 1, kpis["team_record"].name)
        header = [self.env._("Technician")]
        for key, *_rest in KPIS:
            header += [labels[key], self.env._("Goal"), self.env._("Met")]
        sheet.write_row(3, 0, header, bold)
        status_labels = {"met": self.env._("yes"), "missed": self.env._("no"), False: ""}
        rows = [(self.env._("Team"), kpis["team"])]
        rows += [(row["employee"].name, row) for row in kpis["employees"]]
        for offset, (name, row) in enumerate(rows, start=4):
            sheet.write(offset, 0, name, bold if offset == 4 else None)
            for k, (key, *_rest) in enumerate(KPIS):
                goal = row["goals"][key]
                sheet.write_number(offset, 1 + 3 * k, row["figures"][key], number)
                sheet.write(offset, 2 + 3 * k, goal._fsm_label() if goal else "")
                sheet.write(offset, 3 + 3 * k, status_labels[row["status"][key]])
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, len(header), 12)
        sheet.freeze_panes(4, 1)
        book.close()
        return output.getvalue()

    @api.model
    def _fsm_kpi_managers(self, company):
        """The Field Service managers of ``company`` with an email address."""
        return (
            self.env.ref("fsm_orders.group_fsm_manager")
            .sudo()
            .all_user_ids.filtered(
                lambda u: u.active and not u.share and u.email and company in u.company_ids
            )
        )

    @api.model
    def _fsm_send_kpis(self, date_from, date_to, company, team=None):
        """Queue a mail of ``company``'s KPIs of the period, as an XLSX
        attachment, to the company's Field Service managers. Returns the
        ``mail.mail`` (empty when the company has no manager to write to)."""
        managers = self._fsm_kpi_managers(company)
        if not managers:
            return self.env["mail.mail"]
        kpis = self._fsm_kpis(date_from, date_to, team=team, company=company)
        content = self._fsm_kpi_xlsx(kpis)
        filename = "kpis-%s-%s.xlsx" % (date_from.isoformat(), date_to.isoformat())
        period = "%s – %s" % (format_date(self.env, date_from), format_date(self.env, date_to))
        template = self.env.ref("fsm_worktime.mail_template_kpi_report")
        mail_id = template.with_context(fsm_kpi_period=period).send_mail(
            company.id,
            email_values={
                "recipient_ids": [fields.Command.set(managers.partner_id.ids)],
                "attachments": [(filename, base64.b64encode(content))],
            },
        )
        return self.env["mail.mail"].sudo().browse(mail_id)

    @api.model
    def _cron_send_kpis(self):
        """Monthly: each company's managers get the previous month's KPIs."""
        date_from, date_to = self._fsm_period("last_month")
        managers = self.env.ref("fsm_orders.group_fsm_manager").sudo().all_user_ids
        for company in managers.company_ids:
            self.sudo().with_company(company)._fsm_send_kpis(date_from, date_to, company)
