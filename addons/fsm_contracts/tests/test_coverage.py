from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged

from .common import ContractWorldMixin


@tagged("post_install", "-at_install")
class TestCoverage(ContractWorldMixin, TransactionCase):
    """Which contracts cover a request or an order, and what they leave on
    the invoice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_contract_world()
        cls.today = fields.Date.context_today(cls.Contract)

    # ------------------------------------------------------------------
    # resolution
    # ------------------------------------------------------------------
    def test_machine_contract_covers_its_machine_only(self):
        contract = self._contract(equipment_ids=[(6, 0, self.machine_cafe.ids)])
        order = self._new_order()
        self.assertEqual(order.contract_ids, contract)
        other = self._new_order(
            location_id=self.site_cafe_2.id, equipment_ids=[(6, 0, self.machine_cafe_2.ids)]
        )
        self.assertFalse(other.contract_ids)

    def test_site_contract_covers_the_machines_there_and_machine_contract_comes_first(self):
        site = self._contract(location_ids=[(6, 0, self.site_cafe_2.ids)], type_id=self.type_cmc.id)
        machine = self._contract(equipment_ids=[(6, 0, self.machine_cafe_2.ids)])
        order = self._new_order(
            location_id=self.site_cafe_2.id, equipment_ids=[(6, 0, self.machine_cafe_2.ids)]
        )
        self.assertEqual(order.contract_ids, machine | site)
        self.assertEqual(order.contract_id, machine, "the machine's own contract is the first")
        no_machine = self._new_order(location_id=self.site_cafe_2.id, equipment_ids=[])
        self.assertEqual(no_machine.contract_ids, site, "work at the site without a machine")

    def test_contract_listing_nothing_covers_every_machine_of_its_client(self):
        contract = self._contract()
        self.assertEqual(self._new_order().contract_ids, contract)
        self.assertFalse(self._new_order(client=self.client_bar).contract_ids)
        self.assertEqual(contract._fsm_covered_machines(), self.machine_cafe | self.machine_cafe_2)

    def test_draft_and_expired_contracts_do_not_cover(self):
        draft = self._contract(confirm=False)
        self.assertFalse(self._new_order().contract_ids, "a draft covers nothing")
        draft.action_confirm()
        ended = self._contract(
            type_id=self.type_cmc.id,
            date_start=self.today - timedelta(days=400),
            date_end=self.today - timedelta(days=35),
        )
        self.assertEqual(ended.state, "expired", "confirmed after its end")
        self.assertEqual(self._new_order().contract_ids, draft)
        # an order done while the old one ran is still under it
        old_visit = self._new_order(scheduled_start=fields.Datetime.now() - timedelta(days=60))
        self.assertEqual(old_visit.contract_ids, ended)

    def test_expiry_job_ends_the_cover(self):
        contract = self._contract(date_end=self.today - timedelta(days=1))
        self.assertEqual(contract.state, "expired")
        running = self._contract(type_id=self.type_cmc.id, date_end=self.today + timedelta(days=1))
        self.assertEqual(running.state, "running")
        running.date_end = self.today - timedelta(days=1)
        self.Contract._cron_expire_contracts()
        self.assertEqual(running.state, "expired")
        self.assertFalse(self._new_order().contract_ids)

    def test_closing_a_contract_ends_it_today(self):
        contract = self._contract()
        contract.action_close()
        self.assertEqual((contract.state, contract.date_end), ("closed", self.today))
        tomorrow = self._new_order(scheduled_start=fields.Datetime.now() + timedelta(days=1))
        self.assertFalse(tomorrow.contract_ids)

    def test_request_shows_its_cover_and_takes_the_contract_response_time(self):
        request = self._new_request(priority="3")
        type_hours = self.type_breakdown._sla_hours("3")
        self.assertAlmostEqual(
            (request.deadline - request.date_registered).total_seconds() / 3600, type_hours
        )
        self._contract(sla_hours_urgent=2.0, sla_hours_normal=0.0)
        self._contract(type_id=self.type_cmc.id, sla_hours_urgent=3.0)
        request = self._new_request(priority="3")
        self.assertEqual(len(request.contract_ids), 2)
        self.assertIn("labour", request.contract_cover_summary)
        self.assertAlmostEqual(
            (request.deadline - request.date_registered).total_seconds() / 3600,
            2.0,
            msg="the shortest of the contracts' response times",
        )
        normal = self._new_request(priority="1")
        self.assertAlmostEqual(
            (normal.deadline - normal.date_registered).total_seconds() / 3600,
            self.type_breakdown._sla_hours("1"),
            msg="a contract without hours for the priority leaves the type's",
        )

    def test_open_request_and_order_find_a_contract_confirmed_after_them(self):
        request = self._new_request(priority="3")
        order = self._new_order()
        done = self._visit()
        self.assertEqual(done.invoice_status, "to_invoice")
        closed = self._new_request(priority="3")
        closed.action_close(reason="Solved on the phone")
        self.assertFalse(closed.contract_ids)
        contract = self._contract(sla_hours_urgent=2.0)
        self.assertEqual(request.contract_ids, contract)
        self.assertEqual(order.contract_ids, contract)
        self.assertEqual(done.invoice_status, "no", "its labour is covered now")
        self.assertFalse(closed.contract_ids, "a closed request stays as it was")
        self.assertAlmostEqual(
            (request.deadline - request.date_registered).total_seconds() / 3600, 2.0
        )
        contract.action_reset_to_draft()
        self.assertFalse(request.contract_ids)
        self.assertFalse(order.contract_ids)

    # ------------------------------------------------------------------
    # settlement
    # ------------------------------------------------------------------
    def test_mixed_order_bills_only_what_its_contracts_leave(self):
        """Labour covered by the AMC, burrs (Wear parts) by a warranty listing
        the category; the gasket and nothing else on the invoice."""
        self._contract(type_id=self.type_amc.id)
        self._contract(
            type_id=self.type_warranty.id,
            cover_labour="none",
            cover_parts="list",
            cover_categ_ids=[(6, 0, self.categ_wear.ids)],
        )
        order = self._visit(hours=2.0, parts=[(self.burrs, 1), (self.gasket, 2)])
        self.assertEqual(len(order.contract_ids), 2)
        full = self._lines(order._fsm_covered_settlement_lines())
        self.assertEqual(full, {self.product_hour.id: 2.0, self.burrs.id: 1.0})
        order.with_user(self.user_billing).action_create_invoice()
        invoice = order.invoice_ids
        self.assertEqual(self._lines(invoice.invoice_line_ids), {self.gasket.id: 2.0})
        self.assertAlmostEqual(invoice.amount_untaxed, 18.0)

    def test_travel_is_covered_on_its_own(self):
        self._contract(cover_labour="all", cover_travel="none")
        order = self._dispatched_order(labour_rate_mode="per_km")
        order.action_start()
        start = order.date_started
        self.env["service.work.time"].create(
            {"employee_id": self.tech_north.id, "order_id": order.id,
             "type_id": self.env.ref("fsm_worktime.work_time_type_travel").id,
             "date_start": start - timedelta(hours=1), "date_stop": start, "distance_km": 30}
        )  # fmt: skip
        order.with_context(fsm_skip_service_report=True).action_done()
        self.assertEqual(self._lines(order._prepare_settlement_lines()), {self.product_km.id: 30})

    def test_fully_covered_order_has_nothing_to_invoice(self):
        self._contract(type_id=self.type_cmc.id)
        order = self._visit(parts=[(self.burrs, 1)])
        self.assertEqual(order.invoice_status, "no")
        self.assertFalse(order.can_create_invoice)
        with self.assertRaisesRegex(UserError, "nothing to invoice"):
            order.with_user(self.user_billing).action_create_invoice()

    # ------------------------------------------------------------------
    # override
    # ------------------------------------------------------------------
    def test_coordinator_overrides_the_contract_with_a_reason_in_the_chatter(self):
        contract = self._contract(type_id=self.type_cmc.id)
        order = self._visit(parts=[(self.burrs, 1)])
        self.assertEqual(order.contract_ids, contract)
        action = order.with_user(self.user_coord_north).action_fsm_override_contract()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.user_coord_north)
            .with_context(**action["context"])
        )
        wizard.contract_ids.clear()
        wizard.reason = "Grinder dropped by the client: not covered"
        wizard.save().action_apply()
        self.assertFalse(order.contract_ids)
        self.assertTrue(order.is_contract_manual)
        note = order.message_ids[0]
        self.assertIn("Grinder dropped by the client", note.body)
        self.assertEqual(note.author_id, self.user_coord_north.partner_id)
        self.assertIn(contract.name, note.body)
        self.assertEqual(
            self._lines(order._prepare_settlement_lines()),
            {self.product_hour.id: 2.0, self.burrs.id: 1.0},
            "billed in full",
        )
        # the choice holds when the order changes, until the order finds its contract again
        order.sudo().scheduled_start = order.scheduled_start + timedelta(minutes=5)
        self.assertFalse(order.contract_ids)
        order.with_user(self.user_coord_north).action_fsm_find_contracts()
        self.assertEqual(order.contract_ids, contract)

    def test_override_needs_a_reason_and_a_coordinator(self):
        self._contract()
        order = self._new_order()
        with self.assertRaisesRegex(UserError, "Say why"):
            order.with_user(self.user_coord_north)._fsm_override_contracts(self.Contract, "  ")
        with self.assertRaises(AccessError):
            order.with_user(self.user_tech_north)._fsm_override_contracts(self.Contract, "no")
        bar = self._contract(partner_id=self.client_bar.id)
        with self.assertRaisesRegex(UserError, "not a confirmed contract of Café Norr"):
            order.with_user(self.user_coord_north)._fsm_override_contracts(bar, "wrong client")
        self.assertFalse(order.is_contract_manual, "nothing changed")

    # ------------------------------------------------------------------
    # bad input
    # ------------------------------------------------------------------
    def test_end_before_start_is_refused(self):
        with self.assertConstraintRefused("service.contract", "cannot end before it starts"):
            self._contract(date_start=self.today, date_end=self.today - timedelta(days=1))

    def test_covering_a_machine_of_another_client_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "belongs to Bar Söder AB"):
            self._contract(equipment_ids=[(6, 0, self.machine_bar.ids)])
        with self.assertRaisesRegex(ValidationError, "not a site or contact of Café Norr"):
            self._contract(location_ids=[(6, 0, self.site_bar.ids)])

    def test_two_running_contracts_of_one_type_on_one_machine_are_refused_unless_allowed(self):
        first = self._contract(equipment_ids=[(6, 0, self.machine_cafe.ids)])
        second = self._contract(confirm=False, date_start=first.date_end - timedelta(days=10),
                                date_end=first.date_end + timedelta(days=300))  # fmt: skip
        with self.assertRaisesRegex(ValidationError, f"{first.name}.*already covers"):
            second.action_confirm()
        self.assertEqual(second.state, "draft", "nothing saved")
        # another type, or days after the first ends: fine
        second.date_start = first.date_end + timedelta(days=1)
        second.action_confirm()
        self.assertEqual(second.state, "running")
        self.company.fsm_contract_allow_overlap = True
        third = self._contract(equipment_ids=[(6, 0, self.machine_cafe.ids)])
        self.assertEqual(third.state, "running", "the firm allows it")

    def test_client_site_and_machine_forms_show_their_contracts(self):
        machine_contract = self._contract(equipment_ids=[(6, 0, self.machine_cafe.ids)])
        site_contract = self._contract(
            type_id=self.type_cmc.id, location_ids=[(6, 0, self.site_cafe_2.ids)]
        )
        as_coord = self.user_coord_north
        self.assertEqual(self.client_cafe.with_user(as_coord).fsm_contract_count, 2)
        self.assertEqual(self.site_cafe_2.with_user(as_coord).fsm_contract_count, 1)
        self.assertEqual(self.machine_cafe.with_user(as_coord).contract_ids, machine_contract)
        self.assertEqual(self.machine_cafe_2.with_user(as_coord).contract_ids, site_contract)
        action = self.site_cafe_2.with_user(as_coord).action_fsm_view_contracts()
        self.assertEqual(self.Contract.search(action["domain"]), site_contract)
        self.assertEqual(self.machine_cafe.running_contract_id, machine_contract)
        without = self.env["service.equipment"].search(
            [
                ("running_contract_id", "=", False),
                ("commercial_partner_id", "=", self.client_cafe.id),
            ]
        )
        self.assertFalse(without, "both machines are covered")
        site_contract.action_close()
        self.assertIn(
            self.machine_cafe_2,
            self.env["service.equipment"].search([("running_contract_id", "=", False)]),
        )
