from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged, users

from odoo.addons.mail.tests.common import mail_new_test_user

from ..models import service_route_plan
from ..models.route_problem import PlanWorld
from ..models.service_route_plan import REASON_SENTENCES
from ..solver import Progress, travel
from .common import RoutingCase


class PlanCase(RoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Plan = cls.env["service.route.plan"]
        cls.startClassPatcher(patch.object(service_route_plan, "FOREGROUND_SECONDS", 1))

    def _plan(self, **vals):
        return self.Plan.with_user(self.user_coord_north).create(
            {"date_from": self.day, "period": "day", **vals}
        )

    def _run(self, **vals):
        plan = self._plan(**vals)
        plan.action_run()
        self.assertEqual(plan.state, "done", plan.message)
        return plan

    def _line(self, plan, order):
        return plan.line_ids.filtered(lambda line: line.order_id == order)


@tagged("post_install", "-at_install")
class TestPlanConstraints(PlanCase):
    """Each constraint through the addon: the proposal respects skills,
    absences, windows and locks, keeps the urgent order and leaves the low
    one out with its reason."""

    def test_skills_decide_who_goes(self):
        espresso = self._plannable_order()
        grinder_machine = self.env["service.equipment"].create(
            {"name": "Mahlkönig EK43", "category_id": self.category_grinder.id,
             "partner_id": self.client_bar.id, "location_id": self.site_bar.id}
        )  # fmt: skip
        grinder = self._plannable_order(
            site=self.site_bar, machine=grinder_machine, team_id=self.team_south.id
        )
        plan = self._run()
        self.assertEqual(self._line(plan, espresso).technician_id, self.tech_north)
        self.assertEqual(self._line(plan, grinder).technician_id, self.tech_south)
        self.assertEqual(plan.proposed_orders, 2)
        for line in plan.visit_line_ids:
            self.assertFalse(line.order_id._fsm_planning_refusal(line.technician_id, line.start))

    def test_absence_leaves_the_order_out_with_its_reason(self):
        self._approved_leave(self.tech_north)
        order = self._plannable_order()
        plan = self._run()
        line = self._line(plan, order)
        self.assertTrue(line.left_out)
        self.assertEqual(line.reason, "absent")
        self.assertEqual(line.reason_text, str(REASON_SENTENCES["absent"]))

    def test_window_is_kept(self):
        order = self._plannable_order(window_start=self._at(14), window_end=self._at(16))
        plan = self._run()
        line = self._line(plan, order)
        self.assertGreaterEqual(line.start, self._at(14))
        self.assertLessEqual(line.end, self._at(16))

    def test_window_outside_every_shift_is_left_out(self):
        order = self._plannable_order(window_start=self._at(18), window_end=self._at(20))
        plan = self._run()
        self.assertEqual(self._line(plan, order).reason, "no_window")

    def test_lunch_and_shift_are_kept(self):
        orders = [self._plannable_order(hours=1.5) for _i in range(4)]
        plan = self._run()
        for line in plan.visit_line_ids.filtered(lambda line: line.order_id in orders):
            self.assertGreaterEqual(line.start, self._at(8))
            self.assertLessEqual(line.end, self._at(17))
            self.assertFalse(line.start < self._at(13) and line.end > self._at(12), "over lunch")

    def test_locks_are_kept(self):
        grinder_skill_free = self._plannable_order(machine=self.env["service.equipment"])
        grinder_skill_free.write({"technician_id": self.tech_south.id, "plan_lock": "technician"})
        timed = self._plannable_order(machine=self.env["service.equipment"], site=self.site_kafe)
        timed.write(
            {"technician_id": self.tech_south.id, "scheduled_start": self._at(15),
             "plan_lock": "time"}
        )  # fmt: skip
        plan = self._run()
        self.assertEqual(self._line(plan, grinder_skill_free).technician_id, self.tech_south)
        self.assertEqual(self._line(plan, timed).technician_id, self.tech_south)
        self.assertEqual(self._line(plan, timed).start, self._at(15))

    def test_urgent_kept_low_priority_left_out(self):
        # Anna alone can do espresso machines: seven hours of normal work fill her day
        for _i in range(7):
            self._plannable_order(hours=1.0, site=self.site_kafe)
        urgent = self._plannable_order(hours=1.0, priority="3")
        low = self._plannable_order(hours=1.0, priority="0")
        plan = self._run()
        self.assertFalse(self._line(plan, urgent).left_out)
        self.assertEqual(self._line(plan, low).reason, "capacity")
        self.assertIn(self._line(plan, low), plan.left_out_line_ids)

    def test_site_without_coordinates_is_left_out(self):
        site = self.env["res.partner"].create(
            {"name": "Nowhere", "parent_id": self.client_cafe.id, "type": "other"}
        )
        order = self._plannable_order(site=site, machine=self.env["service.equipment"])
        plan = self._run()
        self.assertEqual(self._line(plan, order).reason, "no_location")

    def test_planned_orders_are_planned_around(self):
        """With *unplanned only*, what is already on Anna's day stays and the
        new order goes around it; the totals count both plans."""
        booked = self._plannable_order(
            technician_id=self.tech_north.id, scheduled_start=self._at(8), hours=4.0
        )
        booked.action_plan()
        order = self._plannable_order()
        plan = self._run(scope="unplanned")
        self.assertNotIn(booked, plan.order_ids)
        line = self._line(plan, order)
        self.assertGreaterEqual(line.start, booked.scheduled_end)
        self.assertTrue(self._line(plan, booked).fixed)
        self.assertEqual(plan.current_orders, 0, "the new order had no place before")
        self.assertEqual(plan.proposed_orders, 1)


@tagged("post_install", "-at_install")
class TestPlanApply(PlanCase):
    def test_apply_plans_and_dispatches(self):
        order = self._plannable_order()
        plan = self._run()
        self.assertFalse(order.technician_id, "nothing changes before apply")
        plan.action_apply()
        self.assertEqual(plan.state, "applied")
        line = self._line(plan, order)
        self.assertEqual(order.technician_id, self.tech_north)
        self.assertEqual(order.scheduled_start, line.start)
        self.assertEqual(order.state, "dispatched")
        activity = order.activity_ids.filtered(lambda a: a.user_id == self.user_tech_north)
        self.assertTrue(activity, "the technician is told as for a dispatch")
        with self.assertRaisesRegex(UserError, "cannot be applied"):
            plan.action_apply()

    def test_discard_changes_nothing(self):
        order = self._plannable_order()
        plan = self._run()
        plan.action_discard()
        self.assertEqual(plan.state, "discarded")
        self.assertFalse(order.technician_id)
        self.assertFalse(plan.can_apply)

    def test_order_changed_since_the_run_is_kept(self):
        order = self._plannable_order()
        plan = self._run()
        order.write({"technician_id": self.tech_south.id, "scheduled_start": self._at(16)})
        plan.action_apply()
        self.assertEqual(order.technician_id, self.tech_south)
        self.assertIn(order.display_name, plan.message)

    def test_everything_not_started_moves_planned_orders(self):
        """Scope *not started*: an order planned badly (Erik has no espresso
        skill, far from home) goes to Anna."""
        order = self._plannable_order()
        order.write({"technician_id": self.tech_south.id, "scheduled_start": self._at(9)})
        plan = self._run(scope="not_started")
        self.assertIn(order, plan.order_ids)
        self.assertEqual(self._line(plan, order).technician_id, self.tech_north)
        plan.action_apply()
        self.assertEqual(order.technician_id, self.tech_north)


@tagged("post_install", "-at_install")
class TestPlanBackground(PlanCase):
    """Large runs wait for the background job, show their progress, and
    hold their orders against a second run."""

    def setUp(self):
        super().setUp()
        self.company.write({"fsm_plan_foreground_orders": 1, "fsm_plan_seconds": 1})
        self.orders = self._plannable_order() | self._plannable_order(site=self.site_kafe)

    def test_background_run_and_its_progress(self):
        plan = self._plan()
        cron = self.env.ref("fsm_routing.ir_cron_route_plan_run")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        plan.action_run()
        self.assertEqual(plan.state, "queued")
        self.assertEqual(plan.order_ids, self.orders)
        self.assertGreater(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), len(triggers)
        )
        seen = []
        solve = service_route_plan.solve

        def solve_reporting(problem, progress, **options):
            # the engine reports about once a second; report at once here
            progress(Progress(0.5, 10, 123.0))
            seen.append((plan.state, plan.progress, plan.progress_message))
            return solve(problem, progress=progress, **options)

        with patch.object(service_route_plan, "solve", solve_reporting):
            self.Plan._fsm_run_queued()
        self.assertEqual(seen[0][0], "running")
        self.assertAlmostEqual(seen[0][1], 50.0)
        self.assertIn("123", seen[0][2])
        self.assertEqual(plan.state, "done")
        self.assertEqual(plan.progress, 100.0)
        self.assertEqual(plan.proposed_orders, 2)

    def test_discarding_a_running_plan_stops_it(self):
        plan = self._plan()
        plan.action_run()
        answers = []
        solve = service_route_plan.solve

        def solve_discarded(problem, progress, **options):
            plan.action_discard()
            plan.flush_recordset()
            answers.append(progress(Progress(0.1, 1, None)))
            return solve(problem, progress=progress, **options)

        with patch.object(service_route_plan, "solve", solve_discarded):
            self.Plan._fsm_run_queued()
        self.assertEqual(answers, [False], "the search is told to stop")
        self.assertEqual(plan.state, "discarded")
        self.assertFalse(plan.line_ids)

    def test_second_run_over_the_same_orders_is_refused(self):
        first = self._plan()
        first.action_run()
        second = self._plan(scope="not_started")
        with self.assertRaisesRegex(UserError, "is optimising some of these orders"):
            second.action_run()
        self.assertEqual(second.state, "draft")
        first.action_discard()
        second.action_run()
        self.assertEqual(second.state, "queued")


@tagged("post_install", "-at_install")
class TestPlanTravel(PlanCase):
    def test_osrm_server_gives_the_travel_times(self):
        class Double:
            """Every trip 10 minutes and 5 km, as an OSRM Table answer."""

            def __init__(self):
                self.urls = []

            def get(self, url, timeout):
                self.urls.append(url)
                count = len(url.split("/table/v1/driving/")[1].split("?")[0].split(";"))

                class Answer:
                    status_code = 200

                    def json(self):
                        row = [600.0] * count
                        return {"code": "Ok", "durations": [row] * count,
                                "distances": [[5000.0] * count] * count}  # fmt: skip

                return Answer()

        double = Double()
        self.company.write({"fsm_travel_provider": "osrm", "fsm_osrm_url": "http://osrm.test:5000"})
        order = self._plannable_order()
        with patch.object(PlanWorld, "osrm_session", double):
            plan = self._run()
        self.assertTrue(double.urls[0].startswith("http://osrm.test:5000/table/v1/driving/"))
        line = self._line(plan, order)
        self.assertEqual(line.travel_minutes, 10)
        self.assertEqual(line.distance_km, 5)
        self.assertAlmostEqual(plan.proposed_km, 10.0)

    def test_osrm_server_down_fails_the_plan_and_changes_nothing(self):
        class Down:
            def get(self, url, timeout):
                raise ConnectionError("connection refused")

        self.company.write({"fsm_travel_provider": "osrm", "fsm_osrm_url": "http://osrm.test:5000"})
        order = self._plannable_order()
        plan = self._plan()
        with patch.object(PlanWorld, "osrm_session", Down()):
            plan.action_run()
        self.assertEqual(plan.state, "failed")
        self.assertIn("did not give travel times", plan.message)
        self.assertFalse(order.technician_id)

    def test_straight_line_uses_the_company_speed(self):
        order = self._plannable_order()
        plan = self._run()
        slow_minutes = self._line(plan, order).travel_minutes
        self.company.fsm_average_speed = 20.0
        order.action_cancel()
        order2 = self._plannable_order()
        plan2 = self._run()
        # twice as slow: every leg takes twice as long (within a minute's rounding)
        self.assertAlmostEqual(self._line(plan2, order2).travel_minutes, slow_minutes * 2, delta=1)
        self.assertTrue(travel.straight_line)


@tagged("post_install", "-at_install")
class TestPlanAccess(PlanCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Service AB"})
        cls.user_coord_other = mail_new_test_user(
            cls.env, login="coord_other", name="Olle Other",
            groups="fsm_orders.group_fsm_coordinator",
            company_id=cls.other_company.id, company_ids=[(6, 0, cls.other_company.ids)],
        )  # fmt: skip

    def test_technician_cannot_see_or_run_plans(self):
        self._plannable_order()
        plan = self._run()
        with self.assertRaises(AccessError):
            plan.with_user(self.user_tech_north).read(["name"])
        with self.assertRaises(AccessError):
            self.Plan.with_user(self.user_tech_north).create({"date_from": self.day})

    @users("coord_other")
    def test_coordinator_of_another_company_sees_none(self):
        self._plannable_order()
        plan = self._run()
        self.assertFalse(self.env["service.route.plan"].search([("id", "=", plan.id)]))
        self.assertFalse(self.env["service.route.plan.line"].search([("plan_id", "=", plan.id)]))
        with self.assertRaises(AccessError):
            plan.with_env(self.env).action_apply()
