from datetime import datetime, time, timedelta

import pytz
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.sms.tests.common import SMSCommon

from .common import WorktimeCase


@tagged("post_install", "-at_install")
class TestTimelinessAlerts(WorktimeCase, SMSCommon):
    """The scheduled job's alerts, each sent once: Café Norr's contact Lisa
    (email and phone), Anna the technician (user with a phone) and Nora,
    coordinator of Anna's team North (with a phone). Visits start tomorrow at
    09:00 in Stockholm; the job runs at frozen moments around them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("fsm_worktime.ir_cron_fsm_timeliness_alerts")
        cls.stockholm = pytz.timezone("Europe/Stockholm")
        cls.partner_tech = cls.user_tech_north.partner_id
        cls.partner_tech.phone = "+46 70 111 22 33"
        cls.partner_coord = cls.user_coord_north.partner_id
        cls.partner_coord.phone = "+46 70 444 55 66"
        cls.visit_day = pytz.utc.localize(cls.tomorrow_9).astimezone(cls.stockholm).date()

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _local(self, day, hour, minute=0):
        """``hour:minute`` in Stockholm on ``day``, as naive UTC."""
        local = self.stockholm.localize(datetime.combine(day, time(hour, minute)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _reminder_from(self, day=None):
        """The moment the reminder of a visit on ``day`` is due, from the setting."""
        day = day or self.visit_day
        hours, minutes = divmod(round(self.company.fsm_alert_tomorrow_hour * 60), 60)
        return self._local(day - timedelta(days=1), hours, minutes)

    def _visit(self, **vals):
        """A visit of Anna's for Café Norr's contact, dispatched (the client was
        told then), tomorrow at 09:00 unless ``scheduled_start`` says otherwise."""
        start = vals.pop("scheduled_start", None)
        order = self._dispatched_order(contact_id=self.contact_cafe.id, **vals)
        if start:
            order.with_user(self.user_coord_north).scheduled_start = start
        return order

    def _run_alerts_at(self, moment):
        """Run the scheduled job as Odoo's scheduler does (its own transaction),
        at ``moment``; the emails and text messages it queued are captured."""
        with freeze_time(moment), self.mock_mail_gateway(), self.mockSMSGateway():
            self.assertIs(self.cron.method_direct_trigger(), True, "the job ran without error")
        self.env.invalidate_all()

    def _alert_mails(self, orders, partner=None):
        mails = self._new_mails.filtered(
            lambda m: m.model == "service.order" and m.res_id in orders.ids
        )
        return mails.filtered(lambda m: partner in m.recipient_ids) if partner else mails

    def _alert_texts(self, orders, partner=None):
        texts = self._new_sms.filtered(
            lambda s: (
                s.mail_message_id.model == "service.order"
                and s.mail_message_id.res_id in orders.ids
            )
        )
        return texts.filtered(lambda s: s.partner_id == partner) if partner else texts

    def _assert_nothing_sent(self, orders):
        self.assertFalse(self._alert_mails(orders), "no email")
        self.assertFalse(self._alert_texts(orders), "no text message")

    def _template_subject(self, xmlid, order):
        template = self.env.ref(xmlid)
        return template._render_field("subject", order.ids, compute_lang=True)[order.id]

    def _assert_one_mail(self, order, partner, xmlid):
        """``partner`` got exactly one email of the alert whose template is ``xmlid``."""
        subject = self._template_subject(xmlid, order)
        mails = self._alert_mails(order, partner).filtered(lambda m: m.subject == subject)
        self.assertEqual(len(mails), 1, f"one email {subject!r} to {partner.name}")
        return mails

    # ------------------------------------------------------------------
    # visit tomorrow
    # ------------------------------------------------------------------
    def test_visit_reminder_goes_once_the_day_before_to_client_and_technician(self):
        visit = self._visit()
        planned = self._new_order(
            contact_id=self.contact_cafe.id,
            technician_id=self.tech_north.id,
            team_id=self.team_north.id,
            scheduled_start=self.tomorrow_9,
        )
        planned.action_plan()
        cancelled = self._visit()
        cancelled.action_cancel()
        later = self._visit(scheduled_start=self.tomorrow_9 + timedelta(days=1))
        others = planned | cancelled | later
        send_from = self._reminder_from()

        self._run_alerts_at(send_from - timedelta(minutes=1))
        self._assert_nothing_sent(visit | others)

        self._run_alerts_at(send_from)
        client_mail = self._assert_one_mail(
            visit, self.contact_cafe, "fsm_worktime.mail_template_alert_tomorrow_client"
        )
        self.assertEqual(
            self._alert_mails(visit, self.contact_cafe), client_mail, "one email to Lisa"
        )
        self.assertIn(visit.arrival_window, client_mail.body_html)
        self.assertIn("Anna Andersson", client_mail.body_html)
        self.assertSMSOutgoing(
            self.contact_cafe,
            self.contact_cafe.phone_sanitized,
            content=f"will arrive tomorrow {visit.arrival_window}",
        )
        tech_mail = self._assert_one_mail(
            visit, self.partner_tech, "fsm_worktime.mail_template_alert_tomorrow_technician"
        )
        self.assertIn("Odenplan 5", tech_mail.body_html)
        self.assertIn("Lisa Lind", tech_mail.body_html)
        self.assertSMSOutgoing(
            self.partner_tech, self.partner_tech.phone_sanitized, content="Tomorrow 09:00"
        )
        self.assertEqual(len(self._alert_texts(visit)), 2, "one text to Lisa, one to Anna")
        self.assertFalse(self._alert_mails(visit, self.partner_coord), "nothing to the coordinator")
        self._assert_nothing_sent(others)
        self.assertTrue(visit.fsm_alert_tomorrow_sent)
        self.assertIn(
            client_mail.subject, visit.message_ids.mapped("subject"), "the chatter shows it"
        )

        self._run_alerts_at(send_from + timedelta(hours=3))
        self._assert_nothing_sent(visit)

    def test_rescheduled_visit_is_reminded_again_the_day_before_its_new_date(self):
        visit = self._visit()
        self._run_alerts_at(self._reminder_from())
        self.assertEqual(len(self._alert_texts(visit, self.contact_cafe)), 1)

        new_start = self.tomorrow_9 + timedelta(days=2)
        visit.with_user(self.user_coord_north).scheduled_start = new_start
        self.assertFalse(visit.fsm_alert_tomorrow_sent, "the reminder is due again")
        self._run_alerts_at(self._reminder_from() + timedelta(hours=1))
        self._assert_nothing_sent(visit)

        self._run_alerts_at(self._reminder_from(self.visit_day + timedelta(days=2)))
        client_mail = self._assert_one_mail(
            visit, self.contact_cafe, "fsm_worktime.mail_template_alert_tomorrow_client"
        )
        self.assertIn(visit.arrival_window, client_mail.body_html, "with the new date")
        self.assertEqual(len(self._alert_texts(visit, self.partner_tech)), 1)

    def test_many_reminders_go_in_batches_within_one_run(self):
        """Each batch commits with its markers; the job goes on until none is left."""
        visits = self._visit() | self._visit() | self._visit()
        self.cron.code = "model._cron_fsm_timeliness_alerts(batch_size=2)"
        self._run_alerts_at(self._reminder_from())
        self.assertTrue(all(visits.mapped("fsm_alert_tomorrow_sent")))
        self.assertEqual(len(self._alert_texts(visits, self.contact_cafe)), 3)

    def test_visit_reminder_follows_the_setting(self):
        visit = self._visit()
        self.company.fsm_alert_tomorrow_hour = 18.5
        send_from = self._reminder_from()
        self._run_alerts_at(send_from - timedelta(minutes=1))
        self._assert_nothing_sent(visit)
        self.company.fsm_alert_tomorrow = False
        self._run_alerts_at(send_from + timedelta(minutes=1))
        self._assert_nothing_sent(visit)
        self.company.fsm_alert_tomorrow = True
        self._run_alerts_at(send_from + timedelta(minutes=1))
        self.assertEqual(len(self._alert_texts(visit)), 2)

    # ------------------------------------------------------------------
    # not accepted before the start
    # ------------------------------------------------------------------
    def test_visit_not_accepted_before_its_start_alerts_technician_and_coordinator_once(self):
        visit = self._visit()
        accepted = self._visit()
        accepted.action_accept()
        due = self.tomorrow_9 - timedelta(minutes=self.company.fsm_alert_not_accepted_minutes)

        self._run_alerts_at(due - timedelta(minutes=1))
        self._assert_nothing_sent(visit | accepted)

        self._run_alerts_at(due + timedelta(minutes=1))
        tech_mail = self._assert_one_mail(
            visit, self.partner_tech, "fsm_worktime.mail_template_alert_not_accepted_technician"
        )
        self.assertIn("not accepted it yet", tech_mail.body_html)
        self.assertSMSOutgoing(
            self.partner_tech,
            self.partner_tech.phone_sanitized,
            content=f"{visit.name} (Café Norr AB) starts at 09:00 and is not accepted yet",
        )
        coord_mail = self._assert_one_mail(
            visit, self.partner_coord, "fsm_worktime.mail_template_alert_not_accepted_manager"
        )
        self.assertIn("Anna Andersson", coord_mail.body_html)
        self.assertSMSOutgoing(
            self.partner_coord, self.partner_coord.phone_sanitized, content="Not accepted"
        )
        self.assertEqual(len(self._alert_mails(visit)), 2, "nothing to the client")
        self.assertEqual(len(self._alert_texts(visit)), 2)
        self._assert_nothing_sent(accepted)

        self._run_alerts_at(due + timedelta(minutes=10))
        self._assert_nothing_sent(visit)

    def test_not_accepted_threshold_comes_from_the_settings(self):
        admin = mail_new_test_user(
            self.env, login="fsm_admin", groups="fsm_orders.group_fsm_manager,base.group_system"
        )
        form = Form(self.env["res.config.settings"].with_user(admin))
        form.fsm_alert_not_accepted_minutes = 30
        form.save().execute()
        self.assertEqual(self.company.fsm_alert_not_accepted_minutes, 30)
        visit = self._visit()

        self._run_alerts_at(self.tomorrow_9 - timedelta(minutes=31))
        self._assert_nothing_sent(visit)
        self._run_alerts_at(self.tomorrow_9 - timedelta(minutes=30))
        self._assert_one_mail(
            visit, self.partner_coord, "fsm_worktime.mail_template_alert_not_accepted_manager"
        )

        form = Form(self.env["res.config.settings"].with_user(admin))
        form.fsm_alert_not_accepted_minutes = 0
        form.save().execute()
        other = self._visit()
        self._run_alerts_at(self.tomorrow_9 + timedelta(minutes=5))
        self.assertFalse(
            self._alert_mails(other).filtered(lambda m: m.subject.startswith("Not accepted")),
            "0 turns the alert off",
        )

    def test_negative_alert_minutes_are_refused(self):
        with self.assertConstraintRefused("res.company", "cannot be negative"):
            self.company.fsm_alert_not_started_minutes = -5
        with self.assertConstraintRefused("res.company", "time of day"):
            self.company.fsm_alert_tomorrow_hour = 24.0

    # ------------------------------------------------------------------
    # not started after the start
    # ------------------------------------------------------------------
    def test_visit_not_started_after_its_start_alerts_the_coordinator_once(self):
        late = self._visit()
        late.action_accept()
        on_time = self._visit()
        with freeze_time(self.tomorrow_9):
            on_time.action_start()
        cancelled = self._visit()
        cancelled.action_cancel()
        due = self.tomorrow_9 + timedelta(minutes=self.company.fsm_alert_not_started_minutes)

        self._run_alerts_at(due - timedelta(minutes=1))
        self._assert_nothing_sent(late | on_time | cancelled)

        self._run_alerts_at(due)
        coord_mail = self._assert_one_mail(
            late, self.partner_coord, "fsm_worktime.mail_template_alert_not_started_manager"
        )
        self.assertIn("has not started it", coord_mail.body_html)
        self.assertSMSOutgoing(
            self.partner_coord,
            self.partner_coord.phone_sanitized,
            content=f"Not started: {late.name}",
        )
        self.assertEqual(self._alert_mails(late), coord_mail, "nothing to the technician or client")
        self.assertEqual(len(self._alert_texts(late)), 1)
        self._assert_nothing_sent(on_time | cancelled)

        self._run_alerts_at(due + timedelta(minutes=30))
        self._assert_nothing_sent(late)

    def test_without_a_coordinator_the_field_service_managers_are_alerted(self):
        self.team_north.coordinator_id = False
        late = self._visit()
        self._run_alerts_at(
            self.tomorrow_9 + timedelta(minutes=self.company.fsm_alert_not_started_minutes)
        )
        self._assert_one_mail(
            late,
            self.user_manager.partner_id,
            "fsm_worktime.mail_template_alert_not_started_manager",
        )
        note = late.message_ids.filtered(
            lambda m: m.subject and m.subject.startswith("Not started")
        )
        self.assertEqual(len(note), 1)
        self.assertIn(self.user_manager.partner_id, note.partner_ids)
        self.assertIn(self.user_admin.partner_id, note.partner_ids, "a manager too (inbox)")
        self.assertNotIn(self.partner_coord, note.partner_ids)
        self.assertNotIn(self.partner_tech, note.partner_ids)
        self.assertTrue(note.subtype_id.internal, "an internal note: the client never sees it")

    def test_alerts_are_written_in_each_readers_language(self):
        self.env["res.lang"]._activate_lang("sv_SE")
        self.user_coord_north.lang = "sv_SE"
        manager_template = self.env.ref("fsm_worktime.mail_template_alert_not_accepted_manager")
        manager_template.with_context(lang="sv_SE").subject = "Inte accepterad: {{ object.name }}"
        visit = self._visit()
        self._run_alerts_at(
            self.tomorrow_9 - timedelta(minutes=self.company.fsm_alert_not_accepted_minutes)
        )
        coord_mails = self._alert_mails(visit, self.partner_coord)
        self.assertEqual(coord_mails.mapped("subject"), [f"Inte accepterad: {visit.name}"])
        tech_mails = self._alert_mails(visit, self.partner_tech)
        self.assertEqual(len(tech_mails), 1)
        self.assertTrue(tech_mails.subject.startswith("Please accept"), "Anna reads English")

    # ------------------------------------------------------------------
    # finished
    # ------------------------------------------------------------------
    def test_finished_order_texts_the_client_and_tells_the_coordinator_once(self):
        order = self._visit()
        order = order.with_context(fsm_skip_service_report=True)
        with freeze_time(self.tomorrow_9):
            order.action_start()
        finished = self.tomorrow_9 + timedelta(hours=1)
        with freeze_time(finished):
            order.action_done()
        long_done = self._visit()
        with freeze_time(self.tomorrow_9 - timedelta(days=3)):
            long_done.with_context(fsm_skip_service_report=True).action_start()
            long_done.with_context(fsm_skip_service_report=True).action_done()

        self._run_alerts_at(finished + timedelta(minutes=5))
        coord_mail = self._assert_one_mail(
            order, self.partner_coord, "fsm_worktime.mail_template_alert_done_manager"
        )
        self.assertIn("not signed", coord_mail.body_html)
        self.assertEqual(
            self._alert_mails(order),
            coord_mail,
            "no second email to the client (theirs is the service report), none to the technician",
        )
        self.assertSMSOutgoing(
            self.contact_cafe,
            self.contact_cafe.phone_sanitized,
            content=f"your service visit {order.name} is finished",
        )
        self.assertEqual(len(self._alert_texts(order)), 1, "the coordinator reads it by email only")
        self._assert_nothing_sent(long_done)

        self._run_alerts_at(finished + timedelta(hours=2))
        self._assert_nothing_sent(order)

    def test_finished_alert_can_be_turned_off(self):
        self.company.fsm_alert_done = False
        order = self._visit().with_context(fsm_skip_service_report=True)
        order.action_start()
        order.action_done()
        self._run_alerts_at(order.date_finished + timedelta(minutes=5))
        self._assert_nothing_sent(order)

    # ------------------------------------------------------------------
    # who sees the markers
    # ------------------------------------------------------------------
    def test_alert_markers_are_the_coordinators(self):
        visit = self._visit()
        self._run_alerts_at(self._reminder_from())
        sent = visit.with_user(self.user_coord_north).fsm_alert_tomorrow_sent
        self.assertEqual(sent, self._reminder_from().replace(microsecond=0))
        with self.assertRaises(AccessError):
            visit.with_user(self.user_tech_north).read(["fsm_alert_tomorrow_sent"])
        arch = visit.with_user(self.user_coord_north).get_view(view_type="form")["arch"]
        self.assertIn('name="fsm_alert_tomorrow_sent"', arch)
        arch = visit.with_user(self.user_tech_north).get_view(view_type="form")["arch"]
        self.assertNotIn("fsm_alert_tomorrow_sent", arch)
