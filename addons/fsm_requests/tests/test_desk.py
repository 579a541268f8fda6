import base64
from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, TransactionCase, tagged

from .common import RequestWorldMixin


@tagged("post_install", "-at_install")
class TestRequestTasks(RequestWorldMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_request_world()

    def _request_with_tasks(self):
        request = self._new_request()
        request.write(
            {
                "task_ids": [
                    fields_create({"name": "Replace the group 2 gasket", "sequence": 1}),
                    fields_create({"name": "Descale the boiler", "sequence": 2}),
                    fields_create({"name": "Ask the client for the old invoice", "is_done": True}),
                ]
            }
        )
        return request

    def _create_orders(self, request):
        action = request.action_split()
        wizard_form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        for index in range(len(wizard_form.line_ids)):
            with wizard_form.line_ids.edit(index) as line:
                line.technician_id = self.tech_north
                line.scheduled_start = self.tomorrow_9 + timedelta(hours=2 * index)
        wizard_form.save().action_create_orders()
        return request.order_ids.sorted("id")

    def test_open_tasks_become_one_order_each_and_are_done_with_it(self):
        request = self._request_with_tasks()
        self.assertEqual(request.task_progress, "1 / 3")
        orders = self._create_orders(request)
        self.assertEqual(len(orders), 2, "one order per open task, none for the done one")
        gasket, descale, _invoice = request.task_ids.sorted("sequence")
        self.assertIn("Replace the group 2 gasket", orders[0].description)
        self.assertEqual(gasket.order_id, orders[0])
        self.assertEqual(descale.order_id, orders[1])
        self.assertFalse(_invoice.order_id)
        orders[0].action_dispatch()
        orders[0].with_user(self.user_tech_north).action_accept()
        orders[0].with_user(self.user_tech_north).action_start()
        orders[0].with_user(self.user_tech_north).action_done()
        self.assertTrue(gasket.is_done, "finishing the order ticks its task")
        self.assertFalse(descale.is_done)
        self.assertEqual(request.task_progress, "2 / 3")
        self.assertEqual(request.state, "in_progress")
        # a second run of the wizard offers nothing already ordered
        action = request.action_split()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"])).save()
        self.assertEqual(wizard.line_ids.mapped("description"), [request.title])

    def test_tasks_of_a_closed_request_are_locked(self):
        request = self._request_with_tasks()
        orders = self._create_orders(request)
        task_with_order = request.task_ids.filtered("order_id")[:1]
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            task_with_order.unlink()
        request.action_close()
        with self.assertRaisesRegex(UserError, "reopen it to change its tasks"):
            request.task_ids[:1].is_done = True
        with self.assertRaisesRegex(UserError, "reopen it"):
            request.write({"task_ids": [fields_create({"name": "One more"})]})
        # the orders can still be finished after the desk closed the request
        orders[1].action_dispatch()
        orders[1].action_start()
        orders[1].action_done()
        self.assertTrue(orders[1].request_task_ids.is_done)

    def test_technician_reads_tasks_of_own_requests_only(self):
        mine = self._request_with_tasks()
        other = self._new_request(
            partner_id=self.client_bar.id,
            contact_id=False,
            location_id=self.site_bar.id,
            equipment_id=self.machine_bar.id,
            task_ids=[fields_create({"name": "Secret task of the bar"})],
        )
        self._create_orders(mine)
        Task = self.env["service.request.task"].with_user(self.user_tech_north)
        self.assertEqual(Task.search([]), mine.task_ids)
        with self.assertRaises(AccessError):
            other.task_ids.with_user(self.user_tech_north).read(["name"])
        with self.assertRaises(AccessError):
            mine.task_ids[:1].with_user(self.user_tech_north).write({"is_done": True})

    def test_documents_of_the_request_and_its_orders(self):
        request = self._new_request()
        self.assertEqual(request.document_count, 0)
        Attachment = self.env["ir.attachment"]
        pdf = base64.b64encode(b"%PDF-1.4 quote")
        Attachment.create(
            {"name": "quote.pdf", "datas": pdf, "res_model": request._name, "res_id": request.id}
        )
        order = self.env["service.order"].create(request._prepare_order_vals())
        Attachment.create(
            {"name": "report.pdf", "datas": pdf, "res_model": order._name, "res_id": order.id}
        )
        Attachment.create(
            {"name": "elsewhere.pdf", "datas": pdf, "res_model": "res.partner",
             "res_id": self.client_cafe.id}
        )  # fmt: skip
        request.invalidate_recordset(["document_count"])
        self.assertEqual(request.document_count, 2)
        action = request.action_view_documents()
        self.assertEqual(
            set(Attachment.search(action["domain"]).mapped("name")), {"quote.pdf", "report.pdf"}
        )


def fields_create(values):
    return (0, 0, values)


class StatisticsWorldMixin(RequestWorldMixin):
    """A hand-made data set in a fixed period (week 45 of 2026, 2–8 November,
    Stockholm time), away from the demo data's dates."""

    @classmethod
    def _setup_statistics_world(cls):
        cls._setup_request_world()
        cls.env.user.tz = "Europe/Stockholm"
        # registered on Monday 2 and Thursday 5, by Nora (responsible) and Sven
        cls.req_a = cls._dated(cls.user_coord_north, "2026-11-02 08:00:00")
        cls.req_b = cls._dated(cls.user_coord_north, "2026-11-05 09:00:00")
        cls.req_c = cls._dated(cls.user_coord_south, "2026-11-05 10:00:00")
        # 23:30 UTC on Sunday 8 is already Monday 9 in Stockholm: outside
        cls.req_late = cls._dated(cls.user_coord_south, "2026-11-08 23:30:00")
        # the week before: outside, but closed inside the period
        cls.req_old = cls._dated(cls.user_coord_south, "2026-10-28 10:00:00")
        for request in cls.req_a | cls.req_b:
            order = cls.env["service.order"].create(
                dict(request._prepare_order_vals(), technician_id=cls.tech_north.id)
            )
            order.write({"state": "done", "date_finished": "2026-11-06 12:00:00"})
        cls.env["service.order"].create(
            dict(cls.req_c._prepare_order_vals(), technician_id=cls.tech_south.id)
        ).write({"state": "done", "date_finished": "2026-11-09 12:00:00"})  # outside
        cls.req_a.write({"state": "closed", "date_closed": "2026-11-03 08:00:00"})  # 24 h
        cls.req_old.write({"state": "closed", "date_closed": "2026-11-04 10:00:00"})  # 168 h
        cls.Request = cls.env["service.request"]

    @classmethod
    def _dated(cls, user, when):
        request = cls._new_request(user_id=user.id)
        request.write({"date_registered": when, "deadline": datetime(2030, 1, 1)})
        return request


@tagged("post_install", "-at_install")
class TestDeskStatistics(StatisticsWorldMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_statistics_world()

    def _stats(self, date_from="2026-11-02", date_to="2026-11-08"):
        return self.env["service.desk.statistics"].create(
            {"date_from": date_from, "date_to": date_to}
        )

    def test_period_figures(self):
        stats = self._stats()
        self.assertEqual(stats.registered_count, 3)
        self.assertEqual(stats.with_orders_count, 3)
        self.assertAlmostEqual(stats.conversion_rate, 1.0)
        self.assertEqual(stats.closed_count, 2)
        self.assertAlmostEqual(stats.avg_hours_to_close, (24 + 168) / 2)
        self.assertEqual(stats.orders_done_count, 2)

    def test_figures_per_employee(self):
        rows = {row["name"]: row for row in self._stats()._employee_rows()}
        self.assertEqual(rows["Anna Andersson"]["orders_done"], 2)
        self.assertNotIn("Erik Eriksson", rows, "Erik's order was done after the period")
        self.assertEqual(rows["Nora Coordinator"]["registered"], 2)
        self.assertEqual(rows["Nora Coordinator"]["closed"], 1)
        south = rows[self.user_coord_south.name]
        self.assertEqual((south["registered"], south["closed"]), (1, 1))
        table = str(self._stats().employee_table)
        self.assertIn("Anna Andersson", table)
        self.assertIn("Orders done", table)

    def test_requests_registered_per_week(self):
        stats = self._stats(date_from="2026-10-26", date_to="2026-11-08")
        action = stats.action_requests_per_week()
        Request = self.Request.with_context(tz="Europe/Stockholm")
        per_week = dict(
            Request._read_group(action["domain"], ["date_registered:week"], ["__count"])
        )
        # weeks start on the day of the user's language (Sunday in en_US)
        week_start = int(self.env["res.lang"]._get_data(code=self.env.lang).week_start)

        def week_of(day):
            return datetime.combine(
                day - timedelta(days=(day.isoweekday() - week_start) % 7), datetime.min.time()
            )

        self.assertEqual(
            per_week,
            {week_of(datetime(2026, 10, 28).date()): 1, week_of(datetime(2026, 11, 5).date()): 3},
        )
        self.assertEqual(
            self._stats(date_from="2026-11-09", date_to="2026-11-09").registered_count, 1
        )

    def test_orders_per_technician_drill_down(self):
        action = self._stats().action_orders_per_technician()
        done = dict(
            self.env["service.order"]._read_group(action["domain"], ["technician_id"], ["__count"])
        )
        self.assertEqual(done, {self.tech_north: 2})

    def test_period_that_ends_before_it_begins_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "ends before it begins"):
            self._stats(date_from="2026-11-08", date_to="2026-11-02")

    def test_changing_the_period_in_the_form_updates_the_figures(self):
        form = Form(self.env["service.desk.statistics"].with_user(self.user_coord_north))
        form.date_from = "2026-11-02"
        form.date_to = "2026-11-08"
        self.assertEqual(form.registered_count, 3)
        form.date_to = "2026-11-04"
        self.assertEqual(form.registered_count, 1)
        self.assertEqual(form.closed_count, 2)
        form.date_from = "2026-11-04"
        self.assertEqual(form.registered_count, 0)
        self.assertEqual(form.closed_count, 1)

    def test_technician_cannot_open_the_statistics(self):
        with self.assertRaises(AccessError):
            self.env["service.desk.statistics"].with_user(self.user_tech_north).create(
                {"date_from": "2026-11-02", "date_to": "2026-11-08"}
            )


@tagged("post_install", "-at_install")
class TestDeskTours(StatisticsWorldMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_statistics_world()
        cls.user_coord_north.password = "coord_north"

    def test_desk_lists_tasks_and_makes_one_order_each(self):
        request = self._new_request(
            task_ids=[fields_create({"name": "Deliver the grinder", "sequence": 1})]
        )
        self.start_tour(
            f"/odoo/action-fsm_requests.action_service_request/{request.id}",
            "fsm_request_tasks_tour",
            login="coord_north",
        )
        self.assertEqual(
            request.task_ids.mapped("name"), ["Deliver the grinder", "Train the baristas"]
        )
        self.assertEqual(len(request.order_ids), 2)
        self.assertEqual(request.task_ids.order_id, request.order_ids)
        self.assertEqual(request.state, "in_progress")

    def test_desk_reads_the_statistics_of_a_week(self):
        self.start_tour(
            "/odoo/action-fsm_requests.action_service_desk_dashboard",
            "fsm_desk_statistics_tour",
            login="coord_north",
        )


@tagged("post_install", "-at_install")
class TestDeskOnTheDayDashboard(RequestWorldMixin, TransactionCase):
    """The manager's day shows the desk: requests past their deadline, due
    tonight and waiting for orders, each opening its list with its facet."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_request_world()

    def _counts(self):
        data = self.env["service.dashboard"].with_user(self.user_manager).get_day_overview()
        return {tile["key"]: tile["count"] for s in data["sections"] for tile in s["tiles"]}

    def test_requests_past_deadline_and_waiting_are_counted_and_opened(self):
        before = self._counts()
        late = self._new_request(title="Grinder jammed")
        late.deadline = fields.Datetime.now() - timedelta(hours=1)
        after = self._counts()
        self.assertEqual(after["requests_overdue"], before["requests_overdue"] + 1)
        self.assertEqual(after["requests_waiting"], before["requests_waiting"] + 1)
        self.assertEqual(after["requests_due_today"], before["requests_due_today"] + 1)
        action = (
            self.env["service.dashboard"]
            .with_user(self.user_manager)
            .action_open_tile("requests_overdue")
        )
        self.assertEqual(action["res_model"], "service.request")
        self.assertEqual(
            {k for k in action["context"] if k.startswith("search_default_")},
            {"search_default_filter_overdue"},
        )

    def test_statistics_open_on_a_saved_record(self):
        action = (
            self.env.ref("fsm_requests.action_server_desk_statistics")
            .with_user(self.user_coord_north)
            .run()
        )
        stats = self.env["service.desk.statistics"].browse(action["res_id"])
        self.assertTrue(stats.exists(), "a saved record: the form opens clean, not as edited")
        self.assertEqual(stats.create_uid, self.user_coord_north)
