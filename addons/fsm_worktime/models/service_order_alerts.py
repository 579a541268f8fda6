from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.fields import Domain

# The timeliness alerts (seed section 11), in the order the scheduled job sends
# them. For each: the order's field that records it was sent, and for each
# recipient its (email template, text message template) xmlids, either may be
# None. Text messages go where someone must act now (the client, the
# technician, a late visit); the manager reads of a finished order by email.
ALERTS = {
    "tomorrow": {
        "marker": "fsm_alert_tomorrow_sent",
        "client": (
            "fsm_worktime.mail_template_alert_tomorrow_client",
            "fsm_worktime.sms_template_alert_tomorrow_client",
        ),
        "technician": (
            "fsm_worktime.mail_template_alert_tomorrow_technician",
            "fsm_worktime.sms_template_alert_tomorrow_technician",
        ),
    },
    "not_accepted": {
        "marker": "fsm_alert_not_accepted_sent",
        "technician": (
            "fsm_worktime.mail_template_alert_not_accepted_technician",
            "fsm_worktime.sms_template_alert_not_accepted_technician",
        ),
        "manager": (
            "fsm_worktime.mail_template_alert_not_accepted_manager",
            "fsm_worktime.sms_template_alert_not_accepted_manager",
        ),
    },
    "not_started": {
        "marker": "fsm_alert_not_started_sent",
        "manager": (
            "fsm_worktime.mail_template_alert_not_started_manager",
            "fsm_worktime.sms_template_alert_not_started_manager",
        ),
    },
    "done": {
        "marker": "fsm_alert_done_sent",
        # the client's email is the service report, sent when the order is finished
        "client": (None, "fsm_worktime.sms_template_alert_done_client"),
        "manager": ("fsm_worktime.mail_template_alert_done_manager", None),
    },
}
# the alerts about a visit's time and technician: due again when either changes
VISIT_MARKERS = (
    "fsm_alert_tomorrow_sent",
    "fsm_alert_not_accepted_sent",
    "fsm_alert_not_started_sent",
)
VISIT_STATES = ("dispatched", "accepted")
# a visit (or a finish) older than this is history, not an alert
ALERT_LOOKBACK = timedelta(days=1)
ALERT_BATCH_SIZE = 200


class ServiceOrder(models.Model):
    """Timeliness alerts: the visit tomorrow (client and technician), a
    dispatched visit not accepted N minutes before its start (technician and
    manager), a visit not started N minutes after its start (manager), and a
    finished order (client and manager).

    * **Sent by one scheduled job** (``_cron_fsm_timeliness_alerts``, every five
      minutes), one search per kind of alert on the thresholds of each
      company's settings, so that a setting takes effect at the next run.
    * **Once per order**: a stored "sent on" datetime per kind is written in
      the transaction that queues the emails and text messages (both go to
      Odoo's queues), under a row lock that skips orders another run is
      alerting: two runs never send one alert twice. Moving the visit (its
      start) or giving it to another technician makes its three visit alerts
      due again: the reminder goes again for the new day.
    * **The manager** is the coordinator of the order's team; an order with no
      team, or a team without an active coordinator, alerts the company's Field
      Service managers instead, so that no alert goes to nobody.
    * **Recipients** read them in their own language: the client's messages use
      the client's templates as every client notification does
      (``service.client.notify.mixin``); technicians and managers get an
      internal note on the order addressed to them (inbox or email, as each one
      chose in their preferences), rendered once per language among them.
    * **Channels**: an email to each recipient, and a text message to those
      with a phone number where someone must act now (the client and the
      technician the day before, the technician and the manager on a late
      visit). The finished order's email to the client is the service report
      fsm_orders sends the moment it is finished: the alert adds a text
      message, never a second email; the manager reads of it by email only.
    * **Nothing old**: visits and finishes more than a day past never alert
      (``ALERT_LOOKBACK``), so installing the module or switching an alert on
      does not flood anyone with last month's orders.
    """

    # its own file beside service_order.py: the alerts are one feature, read in one place
    _inherit = "service.order"  # pylint: disable=consider-merging-classes-inherited

    fsm_alert_tomorrow_sent = fields.Datetime(
        "Visit reminder sent",
        readonly=True,
        copy=False,
        groups="fsm_orders.group_fsm_coordinator",
        help="When the client and the technician were reminded of the visit the day before.",
    )
    fsm_alert_not_accepted_sent = fields.Datetime(
        "Not accepted alert sent",
        readonly=True,
        copy=False,
        groups="fsm_orders.group_fsm_coordinator",
        help="When the technician and the manager were told the visit was not accepted in time.",
    )
    fsm_alert_not_started_sent = fields.Datetime(
        "Not started alert sent",
        readonly=True,
        copy=False,
        groups="fsm_orders.group_fsm_coordinator",
        help="When the manager was told the visit had not started in time.",
    )
    fsm_alert_done_sent = fields.Datetime(
        "Finished alert sent",
        readonly=True,
        copy=False,
        groups="fsm_orders.group_fsm_coordinator",
        help="When the client and the manager were told the order was finished.",
    )

    # the scheduled job's searches: visits of the coming day or so, and the
    # finished orders still waiting for their alert (a handful of rows)
    _fsm_alert_visit_idx = models.Index(
        "(scheduled_start) WHERE state IN ('dispatched', 'accepted')"
    )
    _fsm_alert_done_idx = models.Index(
        "(date_finished) WHERE state = 'done' AND fsm_alert_done_sent IS NULL"
    )

    def write(self, vals):
        if not {"scheduled_start", "technician_id"} & vals.keys():
            return super().write(vals)
        before = {order.id: (order.scheduled_start, order.technician_id) for order in self}
        res = super().write(vals)
        # sudo: the markers are the job's bookkeeping, re-armed for whoever moved the visit
        moved = self.sudo().filtered(
            lambda o: (
                (o.scheduled_start, o.technician_id) != before[o.id]
                and any(o[marker] for marker in VISIT_MARKERS)
            )
        )
        if moved:
            moved.write(dict.fromkeys(VISIT_MARKERS, False))
        return res

    # ------------------------------------------------------------------
    # the scheduled job
    # ------------------------------------------------------------------
    @api.model
    def _cron_fsm_timeliness_alerts(self, batch_size=ALERT_BATCH_SIZE):
        """Send the timeliness alerts that are due, each once per order.

        Per kind, up to ``batch_size`` orders per run, oldest visit first; the
        job reports what is left and Odoo runs it again at once until nothing
        is (``ir.cron._commit_progress``)."""
        now = fields.Datetime.now()
        companies = self.env["res.company"].search(
            [
                "|",
                "|",
                "|",
                ("fsm_alert_tomorrow", "=", True),
                ("fsm_alert_not_accepted_minutes", ">", 0),
                ("fsm_alert_not_started_minutes", ">", 0),
                ("fsm_alert_done", "=", True),
            ]
        )
        processed = remaining = 0
        for kind in ALERTS:
            domain = self._fsm_alert_domain(kind, companies, now)
            if domain.is_false():
                continue
            orders = self.search(domain, order="scheduled_start, id", limit=batch_size)
            # an order another run is alerting right now is left to it: its
            # marker commits with its messages
            orders = orders.try_lock_for_update(allow_referencing=True)
            orders._fsm_send_alert(kind, now)
            processed += len(orders)
            remaining += self.search_count(domain)
        self.env["ir.cron"]._commit_progress(processed, remaining=remaining)

    @api.model
    def _fsm_alert_domain(self, kind, companies, now):
        """The orders due for alert ``kind`` at ``now`` under each company's settings."""
        per_company = [
            Domain("company_id", "=", company.id) & company_domain
            for company in companies
            if not (company_domain := self._fsm_alert_company_domain(kind, company, now)).is_false()
        ]
        if not per_company:
            return Domain.FALSE
        return Domain(ALERTS[kind]["marker"], "=", False) & Domain.OR(per_company)

    @api.model
    def _fsm_alert_company_domain(self, kind, company, now):
        """One company's condition for alert ``kind``, ``Domain.FALSE`` when it is off.

        * ``tomorrow``: a dispatched or accepted visit that starts tomorrow in
          the company's time zone, from the company's hour of the day before
          (a visit planned late for tomorrow gets it at the next run);
        * ``not_accepted``: a visit still dispatched N minutes before its start;
        * ``not_started``: a dispatched or accepted visit N minutes after its start;
        * ``done``: an order finished since yesterday.
        """
        since = now - ALERT_LOOKBACK
        if kind == "tomorrow":
            if not company.fsm_alert_tomorrow:
                return Domain.FALSE
            tz = pytz.timezone(company.partner_id.tz or "UTC")
            local_now = pytz.utc.localize(now).astimezone(tz)
            hours, minutes = divmod(round(company.fsm_alert_tomorrow_hour * 60), 60)
            send_from = tz.localize(datetime.combine(local_now.date(), time(hours, minutes)))
            if local_now < send_from:
                return Domain.FALSE

            def utc_midnight(days):
                local = tz.localize(datetime.combine(local_now.date() + timedelta(days), time()))
                return local.astimezone(pytz.utc).replace(tzinfo=None)

            return (
                Domain("state", "in", VISIT_STATES)
                & Domain("scheduled_start", ">=", utc_midnight(1))
                & Domain("scheduled_start", "<", utc_midnight(2))
            )
        if kind == "not_accepted":
            if company.fsm_alert_not_accepted_minutes <= 0:
                return Domain.FALSE
            due = now + timedelta(minutes=company.fsm_alert_not_accepted_minutes)
            return (
                Domain("state", "=", "dispatched")
                & Domain("scheduled_start", "<=", due)
                & Domain("scheduled_start", ">=", since)
            )
        if kind == "not_started":
            if company.fsm_alert_not_started_minutes <= 0:
                return Domain.FALSE
            due = now - timedelta(minutes=company.fsm_alert_not_started_minutes)
            return (
                Domain("state", "in", VISIT_STATES)
                & Domain("scheduled_start", "<=", due)
                & Domain("scheduled_start", ">=", since)
            )
        if kind == "done":
            if not company.fsm_alert_done:
                return Domain.FALSE
            return Domain("state", "=", "done") & Domain("date_finished", ">=", since)
        raise ValueError(f"unknown timeliness alert {kind!r}")

    # ------------------------------------------------------------------
    # sending
    # ------------------------------------------------------------------
    def _fsm_send_alert(self, kind, now=None):
        """Queue alert ``kind`` of these orders to its recipients and mark it sent."""
        if not self:
            return
        spec = ALERTS[kind]
        managers = self._fsm_alert_managers() if "manager" in spec else {}
        for order in self:
            if "client" in spec:
                order._fsm_alert_client(*spec["client"])
            if "technician" in spec:
                technician = order.technician_id
                order._fsm_alert_internal(
                    technician.user_id.partner_id or technician.work_contact_id,
                    *spec["technician"],
                )
            if "manager" in spec:
                order._fsm_alert_internal(managers[order], *spec["manager"])
        self.write({spec["marker"]: now or fields.Datetime.now()})

    def _fsm_alert_managers(self):
        """{order: partners} who hear of the order's delays and end: the
        coordinator of its team, else the company's Field Service managers."""
        manager_group = self.env.ref("fsm_orders.group_fsm_manager")
        company_managers = {}
        result = {}
        for order in self:
            coordinator = order.team_id.coordinator_id
            if coordinator.active:
                result[order] = coordinator.partner_id
                continue
            company = order.company_id
            if company not in company_managers:
                company_managers[company] = (
                    self.env["res.users"]
                    .search(
                        [
                            ("all_group_ids", "in", manager_group.ids),
                            ("company_ids", "in", company.ids),
                            ("share", "=", False),
                        ]
                    )
                    .partner_id
                )
            result[order] = company_managers[company]
        return result

    def _fsm_alert_client(self, mail_xmlid, sms_xmlid):
        """The client's part, as every client notification of the suite."""
        self.ensure_one()
        if mail_xmlid:
            self._fsm_notify_client(mail_xmlid, sms_xmlid)
            return
        # text message only (the finished order: its email is the service report)
        template = self.env.ref(sms_xmlid, raise_if_not_found=False)
        recipient = self._fsm_client_recipient()
        if (
            template
            and recipient.phone_sanitized
            and not self.env.context.get("fsm_skip_client_notification")
        ):
            self._message_sms_with_template(
                template=template, partner_ids=recipient.ids, put_in_queue=True
            )

    def _fsm_alert_internal(self, partners, mail_xmlid, sms_xmlid):
        """An internal note on the order addressed to ``partners`` (they get it
        in their inbox or by email, as each chose), and a text message to
        those with a phone number; once per language among them, each in its
        own (the template's language expression is for one reader and the
        preview)."""
        self.ensure_one()
        if not partners:
            return
        mail_template = mail_xmlid and self.env.ref(mail_xmlid, raise_if_not_found=False)
        sms_template = sms_xmlid and self.env.ref(sms_xmlid, raise_if_not_found=False)
        for lang, readers in partners.grouped(lambda p: p.lang or self.env.lang).items():
            if mail_template:
                self.message_post_with_source(
                    mail_template,
                    lang=lang,
                    partner_ids=readers.ids,
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
            texted = readers.filtered("phone_sanitized")
            if sms_template and texted:
                body = sms_template._render_field("body", self.ids, set_lang=lang)[self.id]
                self._message_sms(body, partner_ids=texted.ids, put_in_queue=True)
