from datetime import datetime, time, timedelta

import pytz

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.fsm_orders.tests.common import search_filter_domains

from .common import WorktimeCase

TZ = pytz.timezone("Europe/Stockholm")


@tagged("post_install", "-at_install")
class TestWorkTimeAnomalies(WorktimeCase):
    """A known week of Anna's (schedule Mon-Fri 08-12 and 13-16, 7 h a day)
    checked by the hourly job, corrected, reviewed and sent in the digest."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Anomaly = cls.env["service.work.anomaly"]
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Seven hours",
                "tz": "Europe/Stockholm",
                "attendance_ids": [
                    fields.Command.create(
                        {
                            "name": f"{day} {start}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": stop,
                            "day_period": period,
                        }
                    )  # fmt: skip
                    for day in range(5)
                    for start, stop, period in ((8, 12, "morning"), (13, 16, "afternoon"))
                ],
            }
        )
        (cls.tech_north | cls.tech_south).write(
            {"resource_calendar_id": cls.calendar.id, "tz": "Europe/Stockholm"}
        )
        today = datetime.now(TZ).date()
        cls.monday = today - timedelta(days=today.weekday() + 14)
        # the week before was checked already: the job checks from this Monday on
        (cls.tech_north | cls.tech_south).sudo().fsm_anomalies_checked_until = (
            cls.monday - timedelta(days=1)
        )
        cls.env.company.fsm_worktime_tolerance = 30

    def _at(self, day, hour, minute=0):
        local = TZ.localize(datetime.combine(self.monday + timedelta(days=day), time(hour, minute)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _known_week(self):
        """Mon: 7 h as scheduled. Tue: 5 h. Wed: 1 h travel with no km, then
        6 h. Thu: nothing (time off? no: missing). Fri: an order finished at
        12:00, work booked on it 13:00-16:00 besides."""
        mon = self._entry(self._at(0, 8), 4) | self._entry(self._at(0, 13), 3)
        tue = self._entry(self._at(1, 8), 4) | self._entry(self._at(1, 13), 1)
        travel = self._entry(self._at(2, 8), 1, work_type=self.type_travel)
        wed = travel | self._entry(self._at(2, 9), 3) | self._entry(self._at(2, 13), 3)
        order = self._new_order(
            technician_id=self.tech_north.id,
            team_id=self.team_north.id,
            scheduled_start=self._at(4, 8),
            scheduled_duration=4,
        )
        order.write({"date_started": self._at(4, 8), "date_finished": self._at(4, 12)})
        on_site = self._entry(self._at(4, 8), 4, order_id=order.id)
        late = self._entry(self._at(4, 13), 3, order_id=order.id)
        return {"mon": mon, "tue": tue, "wed": wed, "travel": travel, "on_site": on_site,
                "late": late, "order": order}  # fmt: skip

    def _anomalies(self, employee=None):
        return self.Anomaly.search([("employee_id", "=", (employee or self.tech_north).id)])

    def _found(self, employee=None):
        return {
            ((a.date - self.monday).days, a.kind, a.work_time_id) for a in self._anomalies(employee)
        }

    def test_the_job_lists_a_known_week(self):
        week = self._known_week()
        self.Anomaly._cron_fsm_check_days()
        found = self._found()
        self.assertIn((1, "deviation", self.WorkTime), found, "Tuesday: 5 h for 7")
        self.assertIn((2, "no_km", week["travel"]), found, "Wednesday: travel with no km")
        self.assertIn((3, "deviation", self.WorkTime), found, "Thursday: nothing booked")
        self.assertIn((4, "outside_visit", week["late"]), found, "Friday: after the finish")
        self.assertNotIn((4, "outside_visit", week["on_site"]), found, "within the visit")
        self.assertFalse({a for a in found if a[0] in (0, 2) and a[1] == "deviation"})
        tuesday = self._anomalies().filtered(
            lambda a: a.kind == "deviation" and a.date == self.monday + timedelta(days=1)
        )
        self.assertAlmostEqual(tuesday.expected_hours, 7.0)
        self.assertAlmostEqual(tuesday.recorded_hours, 5.0)
        self.assertAlmostEqual(tuesday.deviation_hours, -2.0)
        self.assertIn("5:00", tuesday.description)
        # the weekend and last week's days are not listed; each day is checked once
        self.assertFalse({a for a in found if a[0] in (5, 6) and a[1] == "deviation"})
        count = len(self._anomalies())
        self.Anomaly._cron_fsm_check_days()
        self.assertEqual(len(self._anomalies()), count)

    def test_a_correction_updates_the_list_at_once(self):
        week = self._known_week()
        self.Anomaly._cron_fsm_check_days()
        week["travel"].with_user(self.user_tech_north).distance_km = 24
        self.assertNotIn((2, "no_km", week["travel"]), self._found())
        # two more hours on Tuesday: the day matches its schedule
        self._entry(self._at(1, 14), 2)
        self.assertNotIn((1, "deviation", self.WorkTime), self._found())
        # a day's deviation follows its figures
        week["mon"][:1].date_stop = self._at(0, 11)
        monday = self._anomalies().filtered(lambda a: a.date == self.monday)
        self.assertAlmostEqual(monday.deviation_hours, -1.0)
        week["mon"][:1].date_stop = self._at(0, 11, 45)
        self.assertFalse(self._anomalies().filtered(lambda a: a.date == self.monday))

    def test_the_tolerance_is_the_companys(self):
        self._known_week()
        self.env["res.config.settings"].create({"fsm_worktime_tolerance": 150}).execute()
        self.assertEqual(self.env.company.fsm_worktime_tolerance, 150)
        self.Anomaly._cron_fsm_check_days()
        found = self._found()
        self.assertNotIn((1, "deviation", self.WorkTime), found, "2 h off is within 150 min")
        self.assertIn((3, "deviation", self.WorkTime), found, "7 h off is not")

    def test_a_review_is_kept_until_the_anomaly_goes(self):
        week = self._known_week()
        self.Anomaly._cron_fsm_check_days()
        no_km = self._anomalies().filtered(lambda a: a.kind == "no_km")
        no_km.with_user(self.user_coord_north).action_mark_reviewed()
        self.assertEqual(no_km.state, "reviewed")
        self.assertEqual(no_km.reviewed_by_id, self.user_coord_north)
        week["travel"].note = "Drove the van"  # not a field that changes anomalies
        week["wed"][1:2].date_stop = self._at(2, 11, 50)  # a change on the day: still there
        self.assertEqual(no_km.exists().state, "reviewed")
        domains = search_filter_domains(self.env, "service.work.anomaly")
        self.assertNotIn(no_km, self.Anomaly.search(domains["filter_open"]))

    def test_a_timer_left_running_is_stopped_at_the_schedules_end(self):
        entry = self.WorkTime.create(
            {
                "employee_id": self.tech_south.id,
                "type_id": self.type_work.id,
                "date_start": self._at(3, 9),
                "source": "timer",
            }
        )
        self.Anomaly._cron_fsm_check_days()
        self.assertEqual(entry.date_stop, self._at(3, 16), "Thursday's schedule ends at 16:00")
        self.assertEqual(entry.source, "auto")
        self.assertTrue(any("16:00" in message.body for message in entry.message_ids))
        found = self._found(self.tech_south)
        self.assertIn((3, "auto_closed", entry), found)
        # started after the schedule's end: stopped at the day's last second
        late = self.WorkTime.create(
            {
                "employee_id": self.tech_south.id,
                "type_id": self.type_admin.id,
                "date_start": self._at(4, 18),
                "source": "timer",
            }
        )
        self.Anomaly._cron_fsm_check_days()
        self.assertEqual(late.date_stop, self._at(4, 23, 59) + timedelta(seconds=59))

    def test_todays_timer_keeps_running(self):
        entry = self.WorkTime._fsm_start(self.tech_north, "work")
        self.Anomaly._cron_fsm_check_days()
        self.assertFalse(entry.date_stop)
        # today in the technician's zone (after 23:00 UTC, tomorrow's date in Stockholm)
        today = fields.Date.context_today(entry.with_context(tz=self.user_tech_north.tz))
        self.assertFalse(self.Anomaly.search([("date", "=", today)]))

    def test_the_digest_goes_once_to_each_teams_coordinator(self):
        self._known_week()
        self.Anomaly._cron_fsm_check_days()
        before = self.env["mail.mail"].search([])
        self.Anomaly._cron_fsm_send_digest()
        mails = self.env["mail.mail"].search([]) - before
        north = mails.filtered(lambda m: self.user_coord_north.partner_id in m.recipient_ids)
        south = mails.filtered(lambda m: self.user_coord_south.partner_id in m.recipient_ids)
        self.assertEqual(len(north), 1)
        self.assertEqual(len(south), 1, "Erik booked nothing: his days are off schedule")
        self.assertEqual(mails, north | south)
        self.assertEqual(north.recipient_ids, self.user_coord_north.partner_id)
        self.assertIn("Anna Andersson", north.body_html)
        self.assertNotIn("Erik Eriksson", north.body_html)
        self.assertIn("Travel without km", north.body_html)
        count = len(self._anomalies())
        self.assertIn(f"North: {count} work time anomalies", north.subject)
        self.assertTrue(all(self._anomalies().mapped("digest_sent")))
        self.Anomaly._cron_fsm_send_digest()
        self.assertFalse(self.env["mail.mail"].search([]) - before - mails, "sent once")

    def test_who_sees_the_anomalies(self):
        self._known_week()
        self.Anomaly._cron_fsm_check_days()
        anomalies = self._anomalies()
        self.assertTrue(anomalies)
        with self.assertRaises(AccessError):
            self.Anomaly.with_user(self.user_tech_north).search([])
        coordinator = self.Anomaly.with_user(self.user_coord_south)
        self.assertEqual(coordinator.search([("id", "in", anomalies.ids)]), anomalies)
        mine = search_filter_domains(self.env(user=self.user_coord_south), "service.work.anomaly")[
            "filter_my_teams"
        ]
        self.assertFalse(coordinator.search(mine + [("id", "in", anomalies.ids)]))
        with self.assertRaises(AccessError):
            coordinator.create({"kind": "no_km", "employee_id": self.tech_north.id})
