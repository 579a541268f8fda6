from datetime import datetime, timedelta

import pytz
from lxml import etree
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from odoo.addons.fsm_orders.tests.common import search_filter_domains
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.sms.tests.common import SMSCommon

from .common import RequestWorldMixin


@tagged("post_install", "-at_install")
class TestRequests(RequestWorldMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_request_world()

    def _bar_request(self):
        return self._new_request(
            partner_id=self.client_bar.id,
            contact_id=False,
            location_id=self.site_bar.id,
            equipment_id=self.machine_bar.id,
        )

    def test_caller_is_found_from_any_form_of_the_number(self):
        Partner = self.env["res.partner"]
        for typed in ("070-123 45 67", "+46701234567", "0046 70 123 45 67", "+46 (0)70 123 4567"):
            with self.subTest(typed=typed):
                self.assertEqual(Partner._fsm_normalize_phone(typed), "+46701234567")
                self.assertEqual(Partner._fsm_find_by_phone(typed), self.contact_cafe)
        polish = Partner.search([("name", "=", "Polish café")])
        self.assertEqual(Partner._fsm_find_by_phone("+48 22 123 45 67"), polish)
        self.assertEqual(
            Partner._fsm_find_by_phone("22 123 45 67", self.env.ref("base.pl")), polish
        )

    def test_phone_request_in_the_form_fills_client_and_contact(self):
        form = Form(self.env["service.request"].with_user(self.user_coord_north))
        self.assertEqual(form.type_id, self.type_breakdown, "the first type is proposed")
        self.assertEqual(
            form.deadline,
            form.date_registered + timedelta(hours=self.type_breakdown.sla_hours_normal),
        )
        form.title = "No steam"
        form.caller_phone = "070 123 45 67"
        self.assertEqual(form.partner_id, self.client_cafe)
        self.assertEqual(form.contact_id, self.contact_cafe)
        self.assertEqual(form.location_id, self.site_cafe, "the client's only site is proposed")
        request = form.save()
        self.assertTrue(request.name.startswith("SR/"))
        self.assertEqual(request.display_name, f"{request.name} · No steam")
        self.assertEqual(request.channel, "phone")

    def test_invalid_or_unknown_number(self):
        with self.assertRaisesRegex(ValidationError, "not a valid phone number"):
            self._new_request(caller_phone="123")
        with self.assertRaisesRegex(ValidationError, "not a phone number"):
            self._new_request(caller_phone="call me maybe")
        self.assertFalse(self.env["res.partner"]._fsm_find_by_phone("+46 8 999 99 99"))

    def test_deadline_follows_type_and_priority(self):
        request = self._new_request(priority="3")
        self.assertEqual(request.deadline, request.date_registered + timedelta(hours=4))
        request.priority = "1"
        self.assertEqual(request.deadline, request.date_registered + timedelta(hours=24))
        request.deadline = request.date_registered + timedelta(hours=1)
        self.assertEqual(request.deadline, request.date_registered + timedelta(hours=1), "editable")

    def test_deadline_in_working_hours_skips_evenings_weekends_and_holidays(self):
        calendar = self.company.resource_calendar_id  # 8–12 and 13–17, Monday to Friday
        calendar.tz = "Europe/Stockholm"
        self.type_breakdown.write({"sla_hours_urgent": 4.0, "sla_working_hours": True})
        # Friday 6 November 2026, 15:00 in Stockholm: two working hours left that day
        friday_3pm = datetime(2026, 11, 6, 14, 0)
        request = self._new_request(priority="3")
        request.write({"date_registered": friday_3pm})
        self.assertEqual(request.deadline, datetime(2026, 11, 9, 9, 0), "Monday 10:00 local")
        # Monday is a public holiday: Tuesday 10:00
        self.env["resource.calendar.leaves"].create(
            {"name": "Holiday", "calendar_id": calendar.id,
             "date_from": datetime(2026, 11, 8, 23, 0), "date_to": datetime(2026, 11, 9, 22, 59)}
        )  # fmt: skip
        request.write({"date_registered": friday_3pm + timedelta(seconds=1)})
        self.assertEqual(
            request.deadline.replace(second=0), datetime(2026, 11, 10, 9, 0), "Tuesday 10:00"
        )
        # round the clock when the type says so
        self.type_breakdown.sla_working_hours = False
        self.assertEqual(request.deadline.replace(second=0), datetime(2026, 11, 6, 18, 0))

    def test_due_by_tonight_filter(self):
        late = self._new_request()
        late.deadline = fields.Datetime.now() - timedelta(hours=1)
        later = self._new_request()
        later.deadline = fields.Datetime.now() + timedelta(days=3)
        done = self._new_request()
        done.deadline = late.deadline
        done.action_close()
        arch = self.env["service.request"].get_view(view_type="search")["arch"]
        domain = etree.fromstring(arch).xpath("//filter[@name='filter_due_today']")[0].get("domain")
        found = self.env["service.request"].search(safe_eval(domain))
        self.assertIn(late, found)
        self.assertNotIn(later, found)
        self.assertNotIn(done, found)
        # "tonight" is the user's: around midnight in Auckland
        coordinator = self.user_coord_north
        coordinator.tz = "Pacific/Auckland"
        auckland = pytz.timezone("Pacific/Auckland")
        local_today = pytz.utc.localize(fields.Datetime.now()).astimezone(auckland).date()
        midnight = (
            auckland.localize(
                datetime.combine(local_today + timedelta(days=1), datetime.min.time())
            )
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )
        before, after = self._new_request(), self._new_request()
        before.deadline = midnight - timedelta(minutes=1)
        after.deadline = midnight + timedelta(minutes=1)
        found = self.env["service.request"].with_user(coordinator).search(safe_eval(domain))
        self.assertIn(before, found)
        self.assertNotIn(after, found)

    def test_overdue_requests_are_found(self):
        late = self._new_request()
        late.deadline = late.date_registered - timedelta(hours=1)
        on_time = self._new_request()
        overdue = self.env["service.request"].search([("is_overdue", "=", True)])
        self.assertIn(late, overdue)
        self.assertNotIn(on_time, overdue)

    def test_warranty_request_makes_unbilled_orders(self):
        request = self._new_request()
        self.assertTrue(request.is_warranty)
        wizard = Form(self.env["service.request.split"].with_context(default_request_id=request.id))
        wizard.save().action_create_orders()
        self.assertFalse(request.order_ids.is_billable)
        paid = self._bar_request()
        self.assertFalse(paid.is_warranty)

    def test_split_into_orders_and_close_with_the_last(self):
        request = self._new_request(priority="2")
        request.action_open()
        action = request.action_split()
        wizard_form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        with wizard_form.line_ids.new() as line:
            line.description = "Replace the grinder burrs"
            line.scheduled_start = self.tomorrow_9
            line.technician_id = self.tech_north
        wizard_form.save().action_create_orders()
        orders = request.order_ids
        self.assertEqual(len(orders), 2)
        self.assertEqual(request.state, "in_progress")
        for order in orders:
            self.assertEqual(order.partner_id, self.client_cafe)
            self.assertEqual(order.contact_id, self.contact_cafe)
            self.assertEqual(order.location_id, self.site_cafe)
            self.assertEqual(order.priority, "2")
        first, second = orders.sorted("id")
        self.assertEqual(first.equipment_ids, self.machine_cafe, "pre-filled from the request")
        self.assertEqual(second.technician_id, self.tech_north)
        second.action_dispatch()
        second.action_start()
        second.action_done()
        self.assertEqual(request.state, "in_progress", "one order is still open")
        first.action_cancel()
        self.assertEqual(request.state, "closed", "the last order finished closes the request")
        self.assertTrue(request.date_closed)
        self.assertGreaterEqual(request.hours_to_close, 0)

    def test_coordinator_can_close_any_time_and_technician_cannot(self):
        request = self._new_request()
        with self.assertRaises(UserError):
            request.with_user(self.user_tech_north).action_close()
        request.with_user(self.user_coord_south).action_close()
        self.assertEqual(request.state, "closed")
        with self.assertRaises(UserError):
            request.action_close()

    def test_technician_opens_the_request_of_own_order_in_the_form(self):
        request = self._new_request(task_ids=[(0, 0, {"name": "Replace the gasket"})])
        self.env["service.request.call"].create(
            {"call_ref": "C-1", "number": "+46701234567", "request_id": request.id}
        )
        self.env["service.order"].create(
            dict(request._prepare_order_vals(), technician_id=self.tech_north.id)
        )
        # the form as the technician's browser loads it: every field of the view
        form = Form(request.with_user(self.user_tech_north))
        self.assertEqual(form.title, request.title)
        self.assertEqual(len(form.task_ids), 1)
        machine = Form(self.machine_cafe.with_user(self.user_tech_north))
        self.assertEqual(machine.name, self.machine_cafe.name)

    def test_technician_reads_only_the_requests_of_own_orders(self):
        mine = self._new_request()
        other = self._bar_request()
        self.env["service.order"].create(
            dict(mine._prepare_order_vals(), technician_id=self.tech_north.id)
        )
        Request = self.env["service.request"].with_user(self.user_tech_north)
        self.assertEqual(Request.search([]), mine)
        with self.assertRaises(AccessError):
            other.with_user(self.user_tech_north).read(["title"])
        with self.assertRaises(AccessError):
            mine.with_user(self.user_tech_north).write({"title": "changed"})

    def test_portal_user_and_plain_employee_see_no_requests(self):
        """Neither a plain employee nor a portal user of another client reads
        the café's requests (the client portal gives a client's contacts
        their own, and only theirs)."""
        request = self._new_request(task_ids=[(0, 0, {"name": "Replace the gasket"})])
        stranger = self.env["res.partner"].create({"name": "Unrelated Ltd", "is_company": True})
        portal = mail_new_test_user(
            self.env, login="portal_stranger", groups="base.group_portal",
            partner_id=self.env["res.partner"].create(
                {"name": "Ola Stranger", "parent_id": stranger.id}
            ).id,
        )  # fmt: skip
        clerk = mail_new_test_user(self.env, login="clerk", groups="base.group_user")
        for user in (portal, clerk):
            for records in (request, request.task_ids):
                with self.assertRaises(AccessError):
                    records.with_user(user).read(["display_name"])
            with self.assertRaises(AccessError):
                self.env["service.request"].with_user(user).create({"title": "Mine"})
            with self.assertRaises(AccessError):
                self.env["service.desk.statistics"].with_user(user).create(
                    {"date_from": "2026-11-02", "date_to": "2026-11-08"}
                )

    def test_each_request_gets_its_own_number(self):
        first, second = self._new_request(), self._new_request()
        self.assertTrue(first.name.startswith("SR/"))
        self.assertNotEqual(first.name, second.name)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            second.name = first.name
            second.flush_recordset()

    def test_client_and_machine_show_their_requests(self):
        mine = self._new_request() | self._new_request(equipment_id=False)
        self._bar_request()
        Request = self.env["service.request"]
        for partner in (self.client_cafe, self.contact_cafe, self.site_cafe):
            self.assertEqual(partner.service_request_count, 2)
        action = self.contact_cafe.action_view_service_requests()
        self.assertEqual(Request.search(action["domain"]), mine)
        self.assertEqual(action["context"]["default_contact_id"], self.contact_cafe.id)
        self.assertEqual(self.machine_cafe.request_count, 1)
        action = self.machine_cafe.action_view_service_requests()
        self.assertEqual(Request.search(action["domain"]), mine.filtered("equipment_id"))
        new = Form(Request.with_context(**action["context"]))
        self.assertEqual(new.partner_id, self.client_cafe, "a new request starts from the machine")
        self.assertEqual(new.equipment_id, self.machine_cafe)

    def test_machine_of_another_client_is_refused(self):
        with self.assertRaises(ValidationError):
            self._new_request(equipment_id=self.machine_bar.id)

    def test_statistics_on_a_known_set(self):
        Request = self.env["service.request"]
        self.assertFalse(Request.search([]), "the figures below count this test's requests only")
        done = self._new_request()
        Form(self.env["service.request.split"].with_context(default_request_id=done.id)).save(
        ).action_create_orders()  # fmt: skip
        closed = self._new_request()
        closed.action_close()
        known = done | closed | self._new_request()
        groups = dict(Request._read_group([("id", "in", known.ids)], ["state"], ["__count"]))
        self.assertEqual(groups.get("in_progress"), 1)
        self.assertEqual(groups.get("closed"), 1)
        self.assertEqual(groups.get("new"), 1)
        with_orders = Request.search_count([("order_ids", "!=", False)])
        self.assertEqual(with_orders, 1)
        late = self._new_request()
        late.deadline = late.date_registered - timedelta(hours=2)
        desk = self.type_breakdown
        desk.invalidate_recordset()
        self.assertEqual(desk.open_count, 3)  # in progress, new, late
        self.assertEqual(desk.unplanned_count, 2)
        self.assertEqual(desk.overdue_count, 1)
        self.assertEqual(desk.closed_30_count, 1)
        self.assertEqual(desk.with_orders_30_count, 1)
        # the figure opens its list with its filter and the type as facets
        overdue_action = desk.action_view_overdue()
        context = overdue_action["context"]
        self.assertEqual(context["search_default_filter_overdue"], 1)
        self.assertEqual(context["search_default_type_id"], desk.id)
        self.assertFalse(overdue_action.get("domain"), "no hidden domain: the facets say it all")
        overdue = search_filter_domains(self.env, "service.request")["filter_overdue"]
        self.assertEqual(Request.search(overdue + [("type_id", "=", desk.id)]), late)


@tagged("post_install", "-at_install")
class TestRequestNotifications(RequestWorldMixin, SMSCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_request_world()

    def test_client_is_told_when_registered_planned_and_closed(self):
        with self.mock_mail_gateway(), self.mockSMSGateway():
            request = self.env["service.request"].create(
                {"title": "No steam", "partner_id": self.client_cafe.id,
                 "contact_id": self.contact_cafe.id, "equipment_id": self.machine_cafe.id}
            )  # fmt: skip
        mails = self._new_mails.filtered(lambda m: self.contact_cafe in m.recipient_ids)
        self.assertEqual(len(mails), 1)
        self.assertIn(f"request {request.name} registered", mails.subject)
        self.assertSMSOutgoing(
            self.contact_cafe, "+46701234567", content=f"your request {request.name} is registered"
        )
        with self.mock_mail_gateway(), self.mockSMSGateway():
            Form(self.env["service.request.split"].with_context(default_request_id=request.id)).save(
            ).action_create_orders()  # fmt: skip
        mails = self._new_mails.filtered(lambda m: self.contact_cafe in m.recipient_ids)
        self.assertIn(request.order_ids.name, mails.body_html)
        with self.mock_mail_gateway(), self.mockSMSGateway():
            request.action_close()
        mails = self._new_mails.filtered(lambda m: self.contact_cafe in m.recipient_ids)
        self.assertIn("closed", mails.subject)
        self.assertSMSOutgoing(self.contact_cafe, "+46701234567", content="is closed")
