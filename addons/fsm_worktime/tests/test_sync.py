import uuid
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import WorktimeCase


@tagged("post_install", "-at_install")
class TestSyncTimers(WorktimeCase):
    """Timers queued on Anna's phone while offline, synced at noon: they run
    from the taps, not from the sync, and travel km are asked on the phone,
    not in a dialog."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        yesterday = fields.Date.today() - timedelta(days=1)
        cls.noon = datetime.combine(yesterday, datetime.min.time()).replace(hour=12)

    def setUp(self):
        super().setUp()
        self.order = self._order_for(start=self.noon - timedelta(hours=2))

    def _at(self, hour, minute=0):
        return self.noon.replace(hour=hour, minute=minute)

    def _action(self, kind, when, payload=None, order=None):
        return {
            "uuid": str(uuid.uuid4()),
            "kind": kind,
            "order_id": (order or self.order).id,
            "at": fields.Datetime.to_string(when),
            "payload": payload or {},
        }

    def _sync(self, *actions, user=None):
        Order = self.env["service.order"].with_user(user or self.user_tech_north)
        with freeze_time(self.noon):
            results = Order.fsm_sync(list(actions))["results"]
        return [(r["state"], r["message"]) for r in results]

    def _times(self):
        return [
            (e.category, e.date_start, e.date_stop, e.distance_km)
            for e in self.order.work_time_ids.sorted("date_start")
        ]

    def test_an_offline_start_at_10_and_finish_at_11_is_one_hour_of_work(self):
        results = self._sync(
            self._action("start", self._at(10)), self._action("finish", self._at(11))
        )
        self.assertEqual(results, [("applied", False)] * 2)
        self.assertEqual(self._times(), [("work", self._at(10), self._at(11), 0.0)])
        self.assertEqual(self.order.work_hours, 1.0)
        self.assertEqual(
            (self.order.date_started, self.order.date_finished), (self._at(10), self._at(11))
        )

    def test_work_started_during_travel_stops_it_with_the_km_the_phone_asked(self):
        results = self._sync(
            self._action("timer", self._at(9, 30), {"category": "travel"}),
            self._action("start", self._at(10), {"distance_km": 12.5}),
        )
        self.assertEqual(results, [("applied", False)] * 2)
        self.assertEqual(
            self._times(),
            [
                ("travel", self._at(9, 30), self._at(10), 12.5),
                ("work", self._at(10), False, 0.0),
            ],
        )
        self.assertEqual(self.order.state, "in_progress")
        self.assertEqual(self.order.date_accepted, self._at(9, 30), "accepted on the way")

    def test_work_started_during_travel_without_km_stops_it_without(self):
        self._sync(
            self._action("timer", self._at(9, 30), {"category": "travel"}),
            self._action("start", self._at(10)),
        )
        self.assertEqual(self._times()[0], ("travel", self._at(9, 30), self._at(10), 0.0))

    def test_travel_work_break_and_stop_from_the_queue(self):
        results = self._sync(
            self._action("timer", self._at(9), {"category": "travel"}),
            self._action("timer", self._at(9, 20), {"category": "work", "distance_km": 8}),
            self._action("timer", self._at(10), {"category": "break"}),
            self._action("timer", self._at(10, 15), {"category": "work"}),
            self._action("timer", self._at(11), {"category": "stop"}),
        )
        self.assertEqual(results, [("applied", False)] * 5)
        self.assertEqual(
            self._times(),
            [
                ("travel", self._at(9), self._at(9, 20), 8.0),
                ("work", self._at(9, 20), self._at(10), 0.0),
                ("break", self._at(10), self._at(10, 15), 0.0),
                ("work", self._at(10, 15), self._at(11), 0.0),
            ],
        )
        self.assertAlmostEqual(self.order.work_hours, (40 + 45) / 60)

    def test_a_travel_stopped_from_the_queue_keeps_its_km(self):
        self._sync(
            self._action("timer", self._at(9), {"category": "travel"}),
            self._action("timer", self._at(9, 40), {"category": "stop", "distance_km": 21}),
        )
        self.assertEqual(self._times(), [("travel", self._at(9), self._at(9, 40), 21.0)])
        self.assertEqual(self.order.travel_km, 21.0)

    def test_a_timer_on_an_order_no_longer_theirs_is_a_conflict(self):
        self.order.with_user(self.user_coord_north).technician_id = self.tech_south
        results = self._sync(
            self._action("timer", self._at(9), {"category": "travel"}),
            self._action("start", self._at(10), {"distance_km": 5}),
        )
        self.assertEqual({state for state, _message in results}, {"conflict"})
        self.assertIn("is assigned to Erik Eriksson now", results[0][1])
        self.assertFalse(self.order.work_time_ids)
        self.assertFalse(self.WorkTime._fsm_running(self.tech_north))

    def test_bad_timers_are_conflicts_with_a_sentence(self):
        results = self._sync(
            self._action("timer", self._at(9), {"category": "lunch"}),
            self._action("timer", self._at(9), {}),
            self._action("timer", self._at(9), {"category": "stop", "distance_km": -3}),
            self._action("timer", self._at(9), {"category": "stop", "distance_km": "12 km"}),
        )
        self.assertEqual(
            results,
            [
                ("conflict", 'A timer is "travel", "work", "break" or "stop", not "lunch".'),
                ("conflict", 'This action lacks its "category": it cannot be applied.'),
                ("conflict", "A distance cannot be negative."),
                (
                    "conflict",
                    "The \"distance_km\" of this action should be a number, not '12 km'.",
                ),
            ],
        )
        self.assertFalse(self.order.work_time_ids)

    def test_the_online_buttons_still_ask_the_km(self):
        order = self.order.with_user(self.user_tech_north)
        order.action_fsm_start_travel()
        action = order.action_fsm_start_work()
        self.assertEqual(action["res_model"], "service.work.time.stop")
        running = self.WorkTime._fsm_running(self.tech_north)
        self.assertAlmostEqual(
            running.date_start, fields.Datetime.now(), delta=timedelta(seconds=5)
        )
