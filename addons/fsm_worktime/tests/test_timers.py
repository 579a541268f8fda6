from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.fsm_orders.tests.common import local_today_at

from ..models.service_work_time import MAX_KM_PER_DAY
from .common import WorktimeCase


@tagged("post_install", "-at_install")
class TestTimers(WorktimeCase):
    """Travel → work → break → work → finish on one order, as the technician
    taps it on the phone; each timer stops the one before at the same second."""

    def _wizard(self, action):
        return Form(
            self.env["service.work.time.stop"]
            .with_user(self.user_tech_north)
            .with_context(**action["context"])
        )

    def _tap(self, order, method):
        order = order.with_user(self.user_tech_north).with_context(fsm_skip_service_report=True)
        return getattr(order, method)()

    def _stop_travel(self, action, km):
        """The km dialog the travel's stop opens, filled and confirmed."""
        self.assertEqual(action["res_model"], "service.work.time.stop")
        wizard = self._wizard(action)
        wizard.distance_km = km
        return wizard.save().action_confirm()

    def test_an_order_is_on_the_way_while_its_travel_timer_runs(self):
        """What the client portal's timeline shows as "technician on the way"."""
        order = self._order_for()
        other = self._order_for()
        self.assertFalse((order | other)._fsm_on_the_way())
        with freeze_time(self.t0):
            self._tap(order, "action_fsm_start_travel")
        self.assertEqual((order | other)._fsm_on_the_way(), order)
        with freeze_time(self.t0 + timedelta(minutes=20)):
            self._stop_travel(self._tap(order, "action_fsm_start_work"), 12)
        self.assertFalse(order._fsm_on_the_way(), "arrived: the work timer runs")

    def test_a_visit_from_travel_to_finish(self):
        order = self._order_for()
        t = self.t0
        with freeze_time(t):
            self._tap(order, "action_fsm_start_travel")
        self.assertEqual(order.with_user(self.user_tech_north).fsm_timer_category, "travel")
        with freeze_time(t + timedelta(minutes=25)):
            action = self._tap(order, "action_fsm_start_work")
            self.assertEqual(
                order.state, "accepted", "accepted on the way; not started before the km"
            )
            self._stop_travel(action, 18.5)
        self.assertEqual(order.state, "in_progress", "Start work starts the order")
        with freeze_time(t + timedelta(minutes=85)):
            self._tap(order, "action_fsm_break")
        with freeze_time(t + timedelta(minutes=100)):
            self._tap(order, "action_fsm_start_work")
        with freeze_time(t + timedelta(minutes=160)):
            self._tap(order, "action_done")
        self.assertEqual(order.state, "done")

        entries = order.work_time_ids.sorted("date_start")
        self.assertEqual(
            [(e.category, e.duration, e.distance_km) for e in entries],
            [
                ("travel", 25 / 60, 18.5),
                ("work", 1.0, 0.0),
                ("break", 0.25, 0.0),
                ("work", 1.0, 0.0),
            ],
        )
        for before, after in zip(entries[:-1], entries[1:], strict=True):
            self.assertEqual(before.date_stop, after.date_start, "switched at the same second")
        self.assertFalse(self.WorkTime._fsm_running(self.tech_north), "Finish stopped the timer")
        self.assertEqual(order.work_hours, 2.0)
        self.assertEqual(order.travel_km, 18.5)
        lines = order._get_report_time_lines()
        self.assertEqual([line["label"] for line in lines], [e.type_id.name for e in entries])
        self.assertEqual([round(line["hours"], 2) for line in lines], [0.42, 1.0, 0.25, 1.0])

    def test_the_service_report_lists_the_entries(self):
        order = self._order_for()
        self._entry(self.t0, 0.5, work_type=self.type_travel, order_id=order.id, distance_km=12)
        self._entry(self.t0 + timedelta(hours=0.5), 1.25, order_id=order.id)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("fsm_orders.action_report_service_order", order.ids)[0]
            .decode()
        )
        self.assertIn(self.type_travel.name, html)
        self.assertIn(self.type_work.name, html)
        self.assertIn(">km<", html, "the km column, since a travel was driven")
        self.assertIn("12.0", html)

    def test_admin_and_break_off_an_order_and_stop(self):
        WorkTime = self.WorkTime.with_user(self.user_tech_north)
        with freeze_time(self.t0):
            WorkTime.action_fsm_start_admin()
        with freeze_time(self.t0 + timedelta(minutes=30)):
            WorkTime.action_fsm_start_break()
        with freeze_time(self.t0 + timedelta(minutes=45)):
            WorkTime.action_fsm_stop()
        entries = WorkTime.search([("employee_id", "=", self.tech_north.id)]).sorted("date_start")
        self.assertEqual(entries.mapped("category"), ["admin", "break"])
        self.assertEqual(entries.mapped("duration"), [0.5, 0.25])
        self.assertFalse(entries.order_id)

    def test_stopping_a_travel_asks_the_km(self):
        order = self._order_for()
        self._tap(order, "action_fsm_start_travel")
        action = self.WorkTime.with_user(self.user_tech_north).action_fsm_stop()
        self.assertTrue(self.WorkTime._fsm_running(self.tech_north), "still running until answered")
        self._stop_travel(action, 7)
        travel = order.work_time_ids
        self.assertFalse(travel.is_running)
        self.assertEqual(travel.distance_km, 7)
        self.assertEqual(order.state, "accepted", "stopping a travel starts nothing")

    def test_the_odometer_gives_the_km(self):
        order = self._order_for()

        def arrive(departure, arrival):
            wizard = self._wizard(self._tap(order, "action_fsm_stop_timer"))
            wizard.use_odometer = True
            wizard.odometer_start, wizard.odometer_stop = departure, arrival
            return wizard.save().action_confirm()

        self._tap(order, "action_fsm_start_travel")
        arrive(45210, 45233)
        self.assertEqual(order.work_time_ids.distance_km, 23)
        self._tap(order, "action_fsm_start_travel")
        with self.assertRaisesRegex(UserError, "below the one at departure"):
            arrive(45233, 45200)
        running = self.WorkTime._fsm_running(self.tech_north)
        self.assertEqual(running.category, "travel", "a refused odometer stops nothing")

    def test_a_coordinator_starting_the_order_starts_no_timer_of_theirs(self):
        order = self._order_for()
        order.with_user(self.user_coord_north).action_start()
        self.assertEqual(order.state, "in_progress")
        self.assertFalse(order.work_time_ids, "the technician's timer is the technician's")

    def test_the_card_says_which_timer_runs(self):
        order = self._order_for()
        self._tap(order, "action_fsm_start_travel")
        mine = order.with_user(self.user_tech_north)
        self.assertIn(self.type_travel.name, mine.fsm_timer_label)
        self.assertFalse(order.with_user(self.user_coord_north).fsm_timer_label)


@tagged("post_install", "-at_install")
class TestWorkTimeRules(WorktimeCase):
    """What no one can record: overlaps, two running timers, negative or
    absurd distances, stops before starts, timers on others' or cancelled
    orders, and other technicians' times."""

    def test_overlapping_entries_are_refused(self):
        self._entry(self.t0, 2.0)
        for start, hours in ((0.5, 1.0), (-1.0, 1.5), (1.5, 2.0), (-1, 4)):
            with (
                self.subTest(start=start, hours=hours),
                self.assertRaisesRegex(ValidationError, "overlaps"),
            ):
                self._entry(self.t0 + timedelta(hours=start), hours)
        touching = self._entry(self.t0 + timedelta(hours=2), 1.0)
        self.assertTrue(touching, "an entry may start when the previous one stops")
        self._entry(self.t0, 1.0, employee=self.tech_south)  # another technician's day
        with self.assertRaisesRegex(ValidationError, "overlaps"):
            touching.date_start = self.t0 + timedelta(hours=1)
        self.assertEqual(touching.date_start, self.t0 + timedelta(hours=2))

    def test_one_running_timer_per_technician(self):
        first = self.WorkTime._fsm_start(self.tech_north, "admin")
        second = self.WorkTime._fsm_start(self.tech_north, "admin")
        self.assertEqual(first, second, "a second tap on the same timer changes nothing")
        running = self.WorkTime.search(
            [("employee_id", "=", self.tech_north.id), ("date_stop", "=", False)]
        )
        self.assertEqual(len(running), 1)
        with self.assertConstraintRefused("service.work.time", "one running timer"):
            self.env.cr.execute(
                "INSERT INTO service_work_time "
                "(employee_id, company_id, type_id, date_start, source, distance_km, duration) "
                "VALUES (%s, %s, %s, now() at time zone 'utc' + interval '1 day', 'timer', 0, 0)",
                (self.tech_north.id, self.company.id, self.type_break.id),
            )

    def test_stop_before_start_and_bad_distances(self):
        # two drives of one Stockholm day, whatever the hour the test runs
        t0 = local_today_at(self.user_tech_north, 8) - timedelta(days=1)
        with self.assertConstraintRefused("service.work.time", "cannot stop before it starts"):
            self._entry(t0, -1.0)
        with self.assertConstraintRefused("service.work.time", "cannot be negative"):
            self._entry(t0, 1.0, work_type=self.type_travel, distance_km=-5)
        self._entry(t0, 1.0, work_type=self.type_travel, distance_km=MAX_KM_PER_DAY - 100)
        with self.assertRaisesRegex(ValidationError, "more than anyone drives"):
            self._entry(t0 + timedelta(hours=1), 1.0, work_type=self.type_travel, distance_km=200)
        self.assertEqual(
            sum(self.WorkTime.search([("employee_id", "=", self.tech_north.id)]).mapped(
                "distance_km")),
            MAX_KM_PER_DAY - 100,
            "the refused entry left nothing",
        )  # fmt: skip

    def test_no_timer_on_a_cancelled_or_another_technicians_order(self):
        cancelled = self._order_for()
        cancelled.action_cancel()
        with self.assertRaisesRegex(UserError, "cancelled"):
            cancelled.with_user(self.user_tech_north).action_fsm_start_travel()
        eriks = self._order_for(self.tech_south)
        with self.assertRaisesRegex(UserError, "your own orders"):
            self.WorkTime._fsm_start(self.tech_north, "travel", order=eriks)
        with self.assertRaisesRegex(ValidationError, "cancelled"):
            self._entry(self.t0, 1.0, order_id=cancelled.id)
        self.assertFalse(self.WorkTime.search([("employee_id", "=", self.tech_north.id)]))

    def test_a_technician_sees_and_writes_only_their_own_times(self):
        eriks = self._entry(self.t0, 1.0, employee=self.tech_south)
        annas = self._entry(self.t0, 1.0)
        WorkTime = self.WorkTime.with_user(self.user_tech_north)
        self.assertEqual(WorkTime.search([]), annas)
        with self.assertRaises(AccessError):
            eriks.with_user(self.user_tech_north).read(["duration"])
        with self.assertRaises(AccessError):
            eriks.with_user(self.user_tech_north).write({"note": "mine now"})
        with self.assertRaises(AccessError):
            WorkTime.create(
                {
                    "employee_id": self.tech_south.id,
                    "type_id": self.type_work.id,
                    "date_start": self.t0 + timedelta(hours=3),
                    "date_stop": self.t0 + timedelta(hours=4),
                }
            )
        annas.with_user(self.user_tech_north).note = "Waited for the key"
        self.assertEqual(annas.note, "Waited for the key")
        self.assertEqual(self.WorkTime.with_user(self.user_coord_north).search([]), annas | eriks)

    def test_a_coordinator_of_another_company_sees_none(self):
        self._entry(self.t0, 1.0)
        other = self.env["res.company"].create({"name": "Kaffeservice Oslo AS"})
        coordinator = self.user_coord_north.copy(
            {"login": "coord_oslo", "company_id": other.id, "company_ids": [(6, 0, other.ids)]}
        )
        self.assertFalse(self.WorkTime.with_user(coordinator).search([]))


@tagged("post_install", "-at_install")
class TestTimerBar(WorktimeCase):
    """The bar on top of My day reads the running timer from the server."""

    def test_the_bar_shows_the_running_timer_or_none(self):
        WorkTime = self.WorkTime.with_user(self.user_tech_north)
        self.assertEqual(WorkTime.fsm_get_timer_state(), {"is_employee": True, "running": False})
        order = self._order_for()
        order.with_user(self.user_tech_north).action_fsm_start_travel()
        running = WorkTime.fsm_get_timer_state()["running"]
        self.assertEqual(running["category"], "travel")
        self.assertEqual(running["order_name"], order.name)
        self.assertIn(self.type_travel.name, running["label"])
        nobody = self.env["res.users"].create(
            {"name": "Office", "login": "office", "group_ids": [(6, 0, self.env.ref(
                "fsm_orders.group_fsm_technician").ids)]}
        )  # fmt: skip
        self.assertFalse(self.WorkTime.with_user(nobody).fsm_get_timer_state()["is_employee"])
        with self.assertRaisesRegex(UserError, "not an employee"):
            self.WorkTime.with_user(nobody).action_fsm_start_admin()


@tagged("post_install", "-at_install")
class TestCorrectionsAndApprovedWeeks(WorktimeCase):
    """A technician corrects their own times until the coordinator approves
    the week; coordinators correct any; the chatter keeps who changed what."""

    def _last_tracking(self, entry):
        self._flush_tracking()
        message = self.env["mail.message"].search(
            [
                ("model", "=", entry._name),
                ("res_id", "=", entry.id),
                ("tracking_value_ids", "!=", False),
            ],
            order="id desc",
            limit=1,
        )
        return message.author_id, {
            value.field_id.name: (value.old_value_datetime, value.new_value_datetime)
            for value in message.tracking_value_ids
        }

    def test_a_correction_is_tracked_with_its_author(self):
        entry = self._entry(self.t0, 1.0)
        self._flush_tracking()  # the entry exists before it is corrected
        entry.with_user(self.user_tech_north).date_stop = self.t0 + timedelta(hours=1.5)
        author, changes = self._last_tracking(entry)
        self.assertEqual(author, self.user_tech_north.partner_id)
        self.assertEqual(changes["date_stop"][1], self.t0 + timedelta(hours=1.5))
        self.assertEqual(entry.duration, 1.5)

    def test_an_approved_week_is_locked_for_the_technician_only(self):
        entry = self._entry(self.t0, 1.0)
        eriks = self._entry(self.t0, 1.0, employee=self.tech_south)
        self._flush_tracking()
        with self.assertRaisesRegex(UserError, "Only a coordinator"):
            entry.with_user(self.user_tech_north).action_fsm_approve_weeks()
        entry.with_user(self.user_coord_north).action_fsm_approve_weeks()
        week = self.env["service.work.week"].search([("employee_id", "=", self.tech_north.id)])
        self.assertEqual(week.week_start, entry._fsm_monday())
        self.assertEqual(week.week_start.weekday(), 0)
        self.assertFalse(eriks.week_approved, "Erik's week stays open")
        mine = entry.with_user(self.user_tech_north)
        self.assertTrue(mine.week_approved)
        self.assertTrue(mine.is_locked)
        self.assertFalse(entry.with_user(self.user_coord_north).is_locked)
        for change in (
            lambda: mine.write({"date_stop": self.t0 + timedelta(hours=2)}),
            mine.unlink,
            lambda: self.WorkTime.with_user(self.user_tech_north).create(
                {
                    "employee_id": self.tech_north.id,
                    "type_id": self.type_admin.id,
                    "date_start": self.t0 + timedelta(hours=2),
                    "date_stop": self.t0 + timedelta(hours=3),
                }
            ),
        ):
            with self.assertRaisesRegex(UserError, "is approved"):
                change()
        self.assertEqual(entry.duration, 1.0, "nothing changed")
        # the coordinator still corrects it, and the chatter says who did
        entry.with_user(self.user_coord_north).date_stop = self.t0 + timedelta(hours=2)
        author, _changes = self._last_tracking(entry)
        self.assertEqual(author, self.user_coord_north.partner_id)
        # reopened, the technician corrects again
        week.with_user(self.user_coord_north).action_reopen()
        mine.date_stop = self.t0 + timedelta(hours=1.75)
        self.assertEqual(entry.duration, 1.75)

    def test_a_week_with_a_running_timer_is_not_approved(self):
        running = self.WorkTime._fsm_start(self.tech_north, "admin")
        with self.assertRaisesRegex(UserError, "timer running"):
            running.with_user(self.user_coord_north).action_fsm_approve_weeks()
        self.assertFalse(self.env["service.work.week"].search([]))

    def test_the_technician_reads_only_their_own_approvals(self):
        entries = self._entry(self.t0, 1.0) | self._entry(self.t0, 1.0, employee=self.tech_south)
        entries.with_user(self.user_manager).action_fsm_approve_weeks()
        Week = self.env["service.work.week"]
        self.assertEqual(
            Week.with_user(self.user_tech_north).search([]).employee_id, self.tech_north
        )
        with self.assertRaises(AccessError):
            Week.with_user(self.user_tech_north).create(
                {"employee_id": self.tech_north.id, "week_start": entries[0]._fsm_monday()}
            )
