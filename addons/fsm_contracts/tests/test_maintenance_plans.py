from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..models.service_maintenance_plan import forecast_day
from .common import ContractWorldMixin, D


@tagged("post_install", "-at_install")
class TestMaintenancePlans(ContractWorldMixin, TransactionCase):
    """Café Norr's 2027 contract (1 January to 31 December) with plans on a
    known calendar; the daily job runs at frozen days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_contract_world()
        cls.cron = cls.env.ref("fsm_contracts.ir_cron_maintenance_orders")
        with freeze_time("2027-01-02"):
            cls.contract = cls._contract(date_start=D(2027, 1, 1), date_end=D(2027, 12, 31))
        cls.checklist = cls.env["service.checklist.template"].create({"name": "Descaling"})

    def _plan(self, **vals):
        base = {
            "name": "Quarterly descaling",
            "contract_id": self.contract.id,
            "equipment_id": self.machine_cafe.id,
            "trigger": "interval",
            "interval_number": 3,
            "interval_unit": "month",
            "date_start": D(2027, 1, 20),
            "days_ahead": 14,
            "duration": 1.5,
            "checklist_template_ids": [(6, 0, self.checklist.ids)],
        }
        base.update(vals)
        return self.Plan.create(base)

    def _run_job_on(self, day):
        moment = datetime.combine(day, datetime.min.time()) + timedelta(hours=3)
        # the scheduler's own transaction, on the test's data
        with freeze_time(moment), self.enter_registry_test_mode():
            self.assertIs(self.cron.method_direct_trigger(), True, "the job ran without error")
        self.env.invalidate_all()

    def _dues(self, plan):
        return sorted(plan.order_ids.mapped("maintenance_due_date"))

    def test_interval_plan_makes_each_visit_once_ahead_of_time(self):
        plan = self._plan()
        self._run_job_on(D(2027, 1, 5))
        self.assertFalse(plan.order_ids, "20 January is more than 14 days away")
        self._run_job_on(D(2027, 1, 6))
        self.assertEqual(self._dues(plan), [D(2027, 1, 20)])
        order = plan.order_ids
        self.assertEqual(order.state, "draft", "unscheduled, for the optimiser")
        self.assertFalse(order.scheduled_start)
        self.assertEqual(order.scheduled_duration, 1.5)
        self.assertEqual(order.equipment_ids, self.machine_cafe)
        self.assertEqual(order.location_id, self.site_cafe)
        self.assertEqual(order.checklist_ids.template_id, self.checklist)
        self.assertEqual(order.contract_ids, self.contract)
        self.assertEqual(
            (order.window_start.date(), order.window_end.date()),
            (D(2027, 1, 12), D(2027, 1, 27)),
            "planned within a week of the due date",
        )
        self.assertIn("Quarterly descaling", order.message_ids[0].body)
        self._run_job_on(D(2027, 1, 6))
        self._run_job_on(D(2027, 1, 20))
        self.assertEqual(len(plan.order_ids), 1, "never twice")
        self.assertEqual(plan.next_due_date, D(2027, 4, 20))
        # the job missed the summer: the overdue visit comes with the autumn's
        self._run_job_on(D(2027, 10, 10))
        self.assertEqual(
            self._dues(plan), [D(2027, 1, 20), D(2027, 4, 20), D(2027, 7, 20), D(2027, 10, 20)]
        )
        self._run_job_on(D(2027, 12, 31))
        self.assertEqual(len(plan.order_ids), 4, "20 January 2028 is after the contract's end")

    def test_a_cancelled_visit_is_not_made_again(self):
        plan = self._plan()
        self._run_job_on(D(2027, 1, 10))
        plan.order_ids.action_cancel()
        self._run_job_on(D(2027, 1, 11))
        self.assertEqual(len(plan.with_context(active_test=False).order_ids), 1)

    def test_yearly_plan_comes_each_march(self):
        plan = self._plan(name="Spring check", trigger="yearly", month="3", days_ahead=30,
                          date_start=D(2027, 1, 1))  # fmt: skip
        self.assertEqual(plan.next_due_date, D(2027, 3, 1))
        self._run_job_on(D(2027, 1, 20))
        self.assertFalse(plan.order_ids)
        self._run_job_on(D(2027, 1, 30))
        self.assertEqual(self._dues(plan), [D(2027, 3, 1)])
        self.assertEqual(plan.next_due_date, D(2028, 3, 1))

    def test_site_plan_visits_the_site(self):
        plan = self._plan(equipment_id=False, location_id=self.site_cafe_2.id)
        self._run_job_on(D(2027, 1, 10))
        self.assertEqual(plan.order_ids.location_id, self.site_cafe_2)
        self.assertFalse(plan.order_ids.equipment_ids)

    def test_counter_plan_forecasts_from_the_readings_trend(self):
        """100 shots a day from 10 000 on 1 January: 15 000 is reached on 20
        February; the order comes 14 days before."""
        counter = self.env["service.equipment.counter"].create(
            {"name": "Shots", "equipment_id": self.machine_cafe.id, "unit": "shots"}
        )
        Reading = self.env["service.equipment.counter.reading"]

        def read(day, value):
            moment = datetime.combine(day, datetime.min.time()) + timedelta(hours=12)
            Reading.create({"counter_id": counter.id, "value": value, "date": moment})

        read(D(2027, 1, 1), 10000)
        plan = self._plan(name="Every 5000 shots", trigger="counter", counter_id=counter.id,
                          counter_interval=5000)  # fmt: skip
        self.assertEqual(plan.counter_start, 10000, "counts from the last reading")
        self.assertFalse(plan.next_due_date, "one reading shows no trend")
        read(D(2027, 1, 11), 11000)
        read(D(2027, 1, 21), 12000)
        self.env.invalidate_all()
        self.assertEqual(plan.next_due_date, D(2027, 2, 20))
        self._run_job_on(D(2027, 1, 21))
        self.assertFalse(plan.order_ids)
        read(D(2027, 2, 5), 13500)
        self._run_job_on(D(2027, 2, 6))
        self.assertEqual(self._dues(plan), [D(2027, 2, 20)])
        self.assertEqual(plan.order_ids.maintenance_occurrence, 1)
        # the machine ran faster: the forecast moves, the visit is not made twice
        read(D(2027, 2, 10), 15500)
        self._run_job_on(D(2027, 2, 11))
        self.assertEqual(len(plan.order_ids), 1)
        self.assertEqual(plan.next_occurrence, 2, "the next one is at 20 000")

    def test_forecast_reads_a_straight_line(self):
        day = datetime(2027, 1, 1)
        readings = [(day, 0.0), (day + timedelta(days=10), 1000.0)]
        self.assertEqual(forecast_day(readings, 3000.0), D(2027, 1, 31))
        self.assertIsNone(forecast_day(readings[:1], 3000.0))
        self.assertIsNone(forecast_day([(day, 5.0), (day + timedelta(days=3), 5.0)], 10.0))

    def test_plan_needs_a_positive_interval_and_its_contract_s_machine(self):
        with self.assertConstraintRefused("service.maintenance.plan", "at least 1"):
            self._plan(interval_number=0)
        with self.assertConstraintRefused("service.maintenance.plan", "at least 1"):
            self._plan(interval_number=-2)
        counter = self.env["service.equipment.counter"].create(
            {"name": "Shots", "equipment_id": self.machine_cafe.id}
        )
        with self.assertConstraintRefused("service.maintenance.plan", "more than 0 units"):
            self._plan(trigger="counter", counter_id=counter.id, counter_interval=0)
        with self.assertRaisesRegex(Exception, "is not Café Norr AB's"):
            self._plan(equipment_id=self.machine_bar.id)
        with self.assertRaisesRegex(Exception, "needs a machine or a site"):
            self._plan(equipment_id=False)

    def test_plans_of_a_draft_or_ended_contract_make_nothing(self):
        plan = self._plan()
        self.contract.action_close()
        self._run_job_on(D(2027, 1, 10))
        self.assertFalse(plan.order_ids)


@tagged("post_install", "-at_install")
class TestPlanJobInTwoTransactions(TransactionCase):
    """The job runs twice at once (two workers, or a run started by hand
    while the scheduler's runs): one order for the visit. Runs on committed
    data (two real cursors) and removes it after."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            client = env["res.partner"].create({"name": "Two Jobs Café", "is_company": True})
            machine = env["service.equipment"].create(
                {"name": "Two Jobs Linea", "partner_id": client.id}
            )
            today = datetime.now().date()
            contract = env["service.contract"].create(
                {"partner_id": client.id, "type_id": env.ref("fsm_contracts.contract_type_amc").id,
                 "date_start": today, "date_end": today + timedelta(days=365)}
            )  # fmt: skip
            contract.action_confirm()
            plan = env["service.maintenance.plan"].create(
                {"name": "Two jobs", "contract_id": contract.id, "equipment_id": machine.id,
                 "date_start": today + timedelta(days=3)}
            )  # fmt: skip
            self.ids = {"client": client.id, "machine": machine.id, "contract": contract.id,
                        "plan": plan.id}  # fmt: skip
        self.addCleanup(self._remove)

    def _remove(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM service_order WHERE partner_id = %s", (self.ids["client"],))
            cr.execute("DELETE FROM service_contract WHERE id = %s", (self.ids["contract"],))
            cr.execute("DELETE FROM service_equipment WHERE id = %s", (self.ids["machine"],))
            cr.execute("DELETE FROM res_partner WHERE id = %s", (self.ids["client"],))

    def _job(self):
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["service.order"].search_count([])  # the transaction's snapshot is taken
        return env

    def _orders(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT COUNT(*) FROM service_order WHERE maintenance_plan_id = %s",
                (self.ids["plan"],),
            )
            return cr.fetchone()[0]

    @mute_logger("odoo.sql_db")
    def test_concurrent_runs_make_one_order(self):
        first, second, third = self._job(), self._job(), self._job()
        made = first["service.maintenance.plan"].browse(self.ids["plan"])._fsm_generate_orders()
        self.assertEqual(len(made), 1)
        # while the first holds the plan, the second passes it by
        skipped = second["service.maintenance.plan"].browse(self.ids["plan"])._fsm_generate_orders()
        self.assertFalse(skipped)
        first.cr.commit()
        # a third, whose snapshot predates the first's order, is refused by the index
        refused = third["service.maintenance.plan"].browse(self.ids["plan"])._fsm_generate_orders()
        self.assertFalse(refused)
        third.cr.commit()
        second.cr.commit()
        self.assertEqual(self._orders(), 1)
