import base64
import io
import zipfile
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.fsm_orders.tests.common import CompanySeparationMixin

from .common import WorktimeCase

try:
    import openpyxl
except ImportError:  # the check falls back on the sheet's XML
    openpyxl = None


@tagged("post_install", "-at_install")
class TestWorkTimeKpis(CompanySeparationMixin, WorktimeCase):
    """Two technicians over the two weeks of 2 to 15 March 2026, each KPI
    computed by hand (Stockholm is UTC+1 then; every time below is UTC).

    Anna (north): Mon 2 travel 1 h, work 4 h, break 0.5 h, admin 1 h; Tue 3
    travel 2 h, work 3 h; Mon 9 training 2 h. Visits: on 2 March started 15
    min late and finished 30 min late; on 3 March on time, finished early.
    → working 13 h (6.5 h a week), travel 3/13, paid 13/13.5, 2 visits in 3
    days, 1 late start (15 min), 1 late finish (30 min).

    Erik (south): Wed 4 travel 1 h, work 5 h, break 1 h; Thu 12 travel 1 h,
    work 2 h. Visits: on 4 March started 45 min late, still in progress; on
    12 March started on time, finished 20 min late.
    → working 9 h (4.5 h a week), travel 2/9, paid 9/10, 1 visit in 2 days,
    1 late start (45 min), 1 late finish (20 min).

    Outside the period (16 March) a late visit and an entry of Anna's must
    count nowhere."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_other_company()
        cls.Report = cls.env["service.work.kpi.report"]
        cls.Goal = cls.env["service.kpi.goal"]
        cls.type_training = cls.env.ref("fsm_worktime.work_time_type_training")
        (cls.tech_north | cls.tech_south).write({"tz": "Europe/Stockholm"})
        cls.date_from, cls.date_to = date(2026, 3, 2), date(2026, 3, 15)
        day = {d: datetime(2026, 3, d, 7, 0) for d in (2, 3, 4, 9, 12, 16)}
        hour = timedelta(hours=1)
        anna, erik = cls.tech_north, cls.tech_south
        for employee, start, hours, work_type in [
            (anna, day[2], 1, cls.type_travel),
            (anna, day[2] + hour, 4, cls.type_work),
            (anna, day[2] + 5 * hour, 0.5, cls.type_break),
            (anna, day[2] + 5.5 * hour, 1, cls.type_admin),
            (anna, day[3], 2, cls.type_travel),
            (anna, day[3] + 2 * hour, 3, cls.type_work),
            (anna, day[9], 2, cls.type_training),
            (anna, day[16], 8, cls.type_work),
            (erik, day[4], 1, cls.type_travel),
            (erik, day[4] + hour, 5, cls.type_work),
            (erik, day[4] + 6 * hour, 1, cls.type_break),
            (erik, day[12], 1, cls.type_travel),
            (erik, day[12] + hour, 2, cls.type_work),
        ]:
            cls.WorkTime.create(
                {
                    "employee_id": employee.id,
                    "type_id": work_type.id,
                    "date_start": start,
                    "date_stop": start + hours * hour,
                }
            )
        minute = timedelta(minutes=1)
        cls._visit(anna, day[2] + hour, 2, 15 * minute, 2 * hour + 30 * minute)
        cls._visit(anna, day[3] + 2 * hour, 3, 0 * minute, 3 * hour - 10 * minute)
        cls._visit(anna, day[16], 1, 60 * minute, 2 * hour)
        cls._visit(erik, day[4] + hour, 2, 45 * minute, None)
        cls._visit(erik, day[12] + hour, 1, 0 * minute, hour + 20 * minute)

    @classmethod
    def _visit(cls, technician, scheduled, hours, late, finished_after):
        """An order scheduled at ``scheduled`` for ``hours``, started ``late``
        and finished ``finished_after`` its scheduled start (None: still in
        progress)."""
        order = cls._dispatched_order(technician)
        order.write({"scheduled_start": scheduled, "scheduled_duration": hours})
        order.with_context(fsm_skip_service_report=True).action_start()
        vals = {"date_started": scheduled + late}
        if finished_after is not None:
            order.with_context(fsm_skip_service_report=True).action_done()
            vals["date_finished"] = scheduled + finished_after
        order.write(vals)
        return order

    def _kpis(self, user=None, **kwargs):
        Report = self.Report.with_user(user) if user else self.Report
        return Report._fsm_kpis(self.date_from, self.date_to, **kwargs)

    def _row(self, kpis, employee):
        return next(row for row in kpis["employees"] if row["employee"] == employee)

    def assertFigures(self, figures, expected):
        for key, value in expected.items():
            with self.subTest(kpi=key):
                self.assertAlmostEqual(figures[key], value, places=6)

    # ------------------------------------------------------------------
    def test_each_kpi_of_each_technician_and_the_team(self):
        kpis = self._kpis(user=self.user_coord_north)
        self.assertEqual(kpis["weeks"], 2)
        self.assertEqual(
            [row["employee"] for row in kpis["employees"]], [self.tech_north, self.tech_south]
        )
        self.assertFigures(
            self._row(kpis, self.tech_north)["figures"],
            {
                "weekly_hours": 6.5,
                "travel_share": 100 * 3 / 13,
                "paid_share": 100 * 13 / 13.5,
                "visits_per_day": 2 / 3,
                "late_starts": 1,
                "late_start_minutes": 15,
                "late_finishes": 1,
                "late_finish_minutes": 30,
            },
        )
        self.assertFigures(
            self._row(kpis, self.tech_south)["figures"],
            {
                "weekly_hours": 4.5,
                "travel_share": 100 * 2 / 9,
                "paid_share": 100 * 9 / 10,
                "visits_per_day": 1 / 2,
                "late_starts": 1,
                "late_start_minutes": 45,
                "late_finishes": 1,
                "late_finish_minutes": 20,
            },
        )
        self.assertFigures(
            kpis["team"]["figures"],
            {
                "weekly_hours": (13 + 9) / 2 / 2,  # the mean of the two technicians
                "travel_share": 100 * 5 / 22,
                "paid_share": 100 * 22 / 23.5,
                "visits_per_day": 3 / 5,
                "late_starts": 2,
                "late_start_minutes": (15 + 45) / 2,
                "late_finishes": 2,
                "late_finish_minutes": (30 + 20) / 2,
            },
        )

    def test_one_team_and_one_technician(self):
        north = self._kpis(team=self.team_north)
        self.assertEqual([row["employee"] for row in north["employees"]], [self.tech_north])
        self.assertAlmostEqual(north["team"]["figures"]["weekly_hours"], 6.5)
        alone = self._kpis(employees=self.tech_south)
        self.assertEqual(alone["team"]["figures"]["late_start_minutes"], 45)

    def test_pivot_sums_the_facts_of_the_period(self):
        """The analysis' measures are the sums the ratios are made of."""
        [(working, travel, paid, visits, late)] = self.Report.with_user(
            self.user_coord_north
        )._read_group(
            [("date", ">=", self.date_from), ("date", "<=", self.date_to)],
            [],
            ["working_hours:sum", "travel_hours:sum", "paid_hours:sum", "visit_count:sum",
             "late_start_count:sum"],
        )  # fmt: skip
        self.assertEqual((working, travel, paid, visits, late), (22, 5, 22, 3, 2))

    def test_goals_company_and_individual(self):
        self.Goal.create({"kpi": "weekly_hours", "target": 5})
        travel = self.Goal.create({"kpi": "travel_share", "target": 23})
        self.assertEqual(travel.direction, "at_most", "less travel is better")
        self.Goal.create({"kpi": "weekly_hours", "target": 4, "employee_id": self.tech_south.id})
        kpis = self._kpis(user=self.user_coord_north)
        anna, erik = self._row(kpis, self.tech_north), self._row(kpis, self.tech_south)
        self.assertEqual(anna["status"]["weekly_hours"], "met")  # 6.5 ≥ 5
        self.assertEqual(erik["status"]["weekly_hours"], "met")  # 4.5 ≥ his own 4
        self.assertEqual(erik["goals"]["weekly_hours"].target, 4)
        self.assertEqual(kpis["team"]["status"]["weekly_hours"], "met")  # 5.5 ≥ 5
        self.assertEqual(anna["status"]["travel_share"], "missed")  # 23.1 % > 23 %
        self.assertEqual(erik["status"]["travel_share"], "met")  # 22.2 %
        self.assertEqual(kpis["team"]["status"]["travel_share"], "met")  # 22.7 %
        self.assertFalse(anna["status"]["paid_share"], "no goal, no verdict")
        with self.assertConstraintRefused("service.kpi.goal", "already has a goal"):
            self.Goal.create({"kpi": "weekly_hours", "target": 6})

    def test_dashboard_shows_each_figure_beside_its_goal(self):
        self.Goal.create({"kpi": "visits_per_day", "target": 0.6})
        Dashboard = self.env["service.kpi.dashboard"].with_user(self.user_coord_north)
        with Form(Dashboard) as form:
            self.assertEqual(form.period, "month")
            self.assertEqual(form.date_from.day, 1)
            form.period = "custom"
            form.date_from, form.date_to = self.date_from, self.date_to
        dashboard = form.record
        dashboard.action_refresh()
        team, anna, erik = dashboard.line_ids
        self.assertTrue(team.is_team)
        self.assertEqual((anna.employee_id, erik.employee_id), (self.tech_north, self.tech_south))
        self.assertAlmostEqual(anna.weekly_hours, 6.5)
        self.assertEqual(anna.visits_per_day_goal, "≥ 0.6")
        self.assertEqual(anna.visits_per_day_status, "met")
        self.assertEqual(erik.visits_per_day_status, "missed")
        self.assertEqual(team.visits_per_day_status, "met")
        action = dashboard.action_open_analysis()
        self.assertEqual(self.Report.search_count(action["domain"]), 13 - 1 + 4)
        with self.assertRaises(ValidationError):
            dashboard.write({"date_to": self.date_from - timedelta(days=1)})
        self.assertEqual(dashboard.date_to, self.date_to, "nothing changed")

    def test_menu_opens_this_month_and_sends_now(self):
        menu_action = self.env.ref("fsm_worktime.action_server_kpi_dashboard")
        action = menu_action.with_user(self.user_manager).run()
        dashboard = (
            self.env[action["res_model"]].with_user(self.user_manager).browse(action["res_id"])
        )
        self.assertEqual(dashboard.period, "month")
        self.assertEqual(dashboard.line_ids.mapped("is_team"), [True], "no time this month")
        dashboard.write({"period": "custom", "date_from": self.date_from, "date_to": self.date_to})
        dashboard.action_send_xlsx()
        mail = self.env["mail.mail"].search([("model", "=", "res.company")])
        self.assertEqual(mail.attachment_ids.name, "kpis-2026-03-02-2026-03-15.xlsx")
        self.assertIn(self.user_manager.partner_id, mail.recipient_ids)

    def _sheet_values(self, attachment):
        content = base64.b64decode(attachment.datas)
        if openpyxl:
            sheet = openpyxl.load_workbook(io.BytesIO(content)).active
            return list(sheet.iter_rows(values_only=True))
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return book.read("xl/worksheets/sheet1.xml").decode()

    def test_monthly_mail_to_managers_with_the_xlsx(self):
        self.Goal.create({"kpi": "paid_share", "target": 95})
        with freeze_time("2026-04-01 06:00:00"):
            self.Report._cron_send_kpis()
        mail = self.env["mail.mail"].search(
            [("model", "=", "res.company"), ("res_id", "=", self.company.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn(self.user_manager.partner_id, mail.recipient_ids)
        manager = self.env.ref("fsm_orders.group_fsm_manager")
        self.assertTrue(all(manager in p.user_ids.all_group_ids for p in mail.recipient_ids))
        others = self.user_coord_north | self.user_tech_north | self.user_coord_other
        self.assertFalse(mail.recipient_ids & others.partner_id)
        self.assertEqual(mail.attachment_ids.name, "kpis-2026-03-01-2026-03-31.xlsx")
        values = self._sheet_values(mail.attachment_ids)
        if openpyxl:
            rows = {row[0]: row for row in values if row and row[0]}
            # March: the two weeks and Anna's 8 h of work on the 16th
            anna = rows[self.tech_north.name]
            self.assertAlmostEqual(anna[1], 21 / (31 / 7))  # weekly hours over March
            self.assertAlmostEqual(anna[4], 100 * 3 / 21)  # travel share
            self.assertEqual(anna[8:10], ("≥ 95 %", "yes"))  # paid share 21 / 21.5
            self.assertEqual(rows[self.tech_south.name][9], "no")  # 90 %
        else:
            self.assertIn(f"<v>{100 * 3 / 21}", values)

    def test_access(self):
        """Technicians read no KPI; another company's coordinator none of ours."""
        self.Goal.create({"kpi": "late_starts", "target": 1})
        self.Goal.create({"kpi": "late_starts", "target": 0, "employee_id": self.tech_north.id})
        with self.assertRaises(AccessError):
            self.Report.with_user(self.user_tech_north).search([])
        with self.assertRaises(AccessError):
            self._kpis(user=self.user_tech_north)
        with self.assertRaises(AccessError):
            self.Goal.with_user(self.user_tech_north).search([])
        other = self.user_coord_other
        self.assertFalse(self.Report.with_user(other).search_count([]))
        self.assertFalse(self._kpis(user=other)["employees"])
        self.assertFalse(self.Goal.with_user(other).search([]))
        for model in ("service.work.kpi.report", "service.kpi.goal"):
            with self.subTest(model=model):
                rules = self.env["ir.rule"].search(
                    [("model_id.model", "=", model), ("global", "=", True)]
                )
                self.assertTrue(any("company_ids" in r.domain_force for r in rules))
                first = self.env[model].search([("company_id", "=", self.company.id)], limit=1)
                self.assertTrue(first)
                with self.assertRaises(AccessError):
                    first.with_user(other).read(["company_id"])
