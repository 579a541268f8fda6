from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import WorktimeCase


@tagged("post_install", "-at_install")
class TestLabourSettlement(WorktimeCase):
    """A done order's labour on a draft customer invoice, by its rate (fixed
    fee, hourly, per km), and its internal cost.

    Anna's visit, booked from ``t0`` (minutes): travel 0–25 (18.5 km), work
    25–92 (1 h 07), a break 92–107; Erik's admin 0–30 on the same order.
    Prices: fixed fee 80, hour 60, km 0.50, all with a 25 % tax; hourly work
    is rounded up to 15 minutes. Costs: Anna 40/h, Erik 50/h.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.user_billing = mail_new_test_user(
            env, login="coord_billing", name="Bo Billing", tz="Europe/Stockholm",
            groups="fsm_orders.group_fsm_coordinator,account.group_account_invoice",
        )  # fmt: skip
        tax_group = env["account.tax.group"].create({"name": "VAT", "company_id": cls.company.id})
        cls.vat_25 = env["account.tax"].create(
            {
                "name": "VAT 25%",
                "amount": 25.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.company.id,
                "tax_group_id": tax_group.id,
            }
        )
        cls.product_fixed = env.ref("fsm_worktime.product_labour_fixed")
        cls.product_hour = env.ref("fsm_worktime.product_labour_hour")
        cls.product_km = env.ref("fsm_worktime.product_labour_km")
        for product, price in (
            (cls.product_fixed, 80.0),
            (cls.product_hour, 60.0),
            (cls.product_km, 0.5),
        ):
            product.write({"list_price": price, "taxes_id": [Command.set(cls.vat_25.ids)]})
        cls.company.write(
            {
                "fsm_labour_rate_mode": "hourly",
                "fsm_labour_rounding_minutes": 15,
                "fsm_labour_rounding": "up",
            }
        )
        cls.tech_north.hourly_cost = 40.0
        cls.tech_south.hourly_cost = 50.0

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _book(self, order, start_min, minutes, work_type, employee=None, km=0.0):
        start = self.t0 + timedelta(minutes=start_min)
        return self.WorkTime.create(
            {
                "employee_id": (employee or self.tech_north).id,
                "type_id": work_type.id,
                "order_id": order.id,
                "date_start": start,
                "date_stop": start + timedelta(minutes=minutes),
                "distance_km": km,
            }
        )

    def _visit(self, **vals):
        """Anna's visit as the class docstring books it, not finished yet."""
        order = self._order_for()
        order.write(vals)
        self._book(order, 0, 25, self.type_travel, km=18.5)
        self._book(order, 25, 67, self.type_work)
        self._book(order, 92, 15, self.type_break)
        self._book(order, 0, 30, self.type_admin, employee=self.tech_south)
        return order

    def _finish(self, order):
        quiet = order.with_context(fsm_skip_service_report=True, fsm_skip_client_notification=True)
        quiet.action_start()
        quiet.action_done()
        self.assertEqual(order.state, "done")
        return order

    def _invoice(self, order):
        as_billing = order.with_user(self.user_billing)
        self.assertTrue(as_billing.can_create_invoice)
        action = as_billing.action_create_invoice()
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(action["res_id"], invoice.id, "the invoice opens once created")
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.state, "draft", "the accountant posts it")
        self.assertEqual(invoice.partner_id, self.client_cafe)
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertEqual(order.with_user(self.user_billing).invoice_count, 1)
        self.assertFalse(order.with_user(self.user_billing).can_create_invoice, "invoiced once")
        return invoice

    def _moves_of(self, order):
        return self.env["account.move"].search_count([("invoice_origin", "=", order.name)])

    def assertLine(self, invoice, product, quantity, price, untaxed, total):
        line = invoice.invoice_line_ids
        self.assertEqual(len(line), 1)
        self.assertEqual(line.product_id, product)
        self.assertEqual(line.product_uom_id, product.uom_id)
        self.assertAlmostEqual(line.quantity, quantity)
        self.assertAlmostEqual(line.price_unit, price)
        self.assertEqual(line.tax_ids, self.vat_25)
        self.assertAlmostEqual(invoice.amount_untaxed, untaxed)
        self.assertAlmostEqual(invoice.amount_total, total)
        return line

    # ------------------------------------------------------------------
    # the three rates
    # ------------------------------------------------------------------
    def test_hourly_invoices_billable_work_rounded_up_to_the_quarter(self):
        order = self._finish(self._visit())
        self.assertEqual(order.labour_rate_mode, "hourly", "the company's default")
        invoice = self._invoice(order)
        # 1 h 07 of work (travel, break and admin are not work) → 5 quarters
        line = self.assertLine(invoice, self.product_hour, 1.25, 60.0, 75.0, 93.75)
        self.assertEqual(line.name, f"Labour: 1.25 h on {order.name}")
        self.assertEqual(self.product_hour.uom_id, self.env.ref("uom.product_uom_hour"))

    def test_hourly_rounding_to_the_nearest_step(self):
        self.company.fsm_labour_rounding = "nearest"
        order = self._finish(self._visit())
        invoice = self._invoice(order)
        # 67 minutes are 4 quarters and 7 minutes, under half a quarter: 1 h
        self.assertLine(invoice, self.product_hour, 1.0, 60.0, 60.0, 75.0)

    def test_per_km_invoices_the_billable_travel(self):
        self.client_cafe.fsm_labour_rate_mode = "per_km"
        order = self._visit()
        self._book(order, 107, 20, self.type_travel, km=6.0)
        self._finish(order)
        self.assertEqual(order.labour_rate_mode, "per_km", "the client's rate")
        invoice = self._invoice(order)
        # 18.5 + 6 km at 0.50: 12.25, and 25 % tax: 15.3125
        line = self.assertLine(invoice, self.product_km, 24.5, 0.5, 12.25, 15.31)
        self.assertEqual(line.name, f"Travel: 24.5 km for {order.name}")
        self.assertEqual(line.product_uom_id, self.env.ref("uom.product_uom_km"))

    def test_fixed_fee_set_on_the_order_by_the_coordinator(self):
        order = self._visit()
        self._flush_tracking()  # the order exists before the coordinator changes it
        with Form(order.with_user(self.user_billing)) as form:
            self.assertEqual(form.labour_rate_mode, "hourly")
            form.labour_rate_mode = "fixed"
        self._flush_tracking()
        order.invalidate_recordset(["message_ids"])
        self.assertIn(
            "labour_rate_mode",
            order.message_ids.tracking_value_ids.field_id.mapped("name"),
            "the change of rate is in the chatter",
        )
        self._finish(order)
        invoice = self._invoice(order)
        line = self.assertLine(invoice, self.product_fixed, 1.0, 80.0, 80.0, 100.0)
        self.assertEqual(line.name, f"Service call: {order.name} (fixed fee)")

    # ------------------------------------------------------------------
    # where the rate comes from
    # ------------------------------------------------------------------
    def test_the_order_takes_its_client_rate_when_the_client_is_set(self):
        self.client_bar.fsm_labour_rate_mode = "per_km"
        Order = self.env["service.order"].with_user(self.user_coord_north)
        with Form(Order) as form:
            form.partner_id = self.client_bar
            form.location_id = self.site_bar
            self.assertEqual(form.labour_rate_mode, "per_km", "Bar Söder's rate")
            form.partner_id = self.client_cafe
            form.location_id = self.site_cafe
            self.assertEqual(form.labour_rate_mode, "hourly", "Café Norr has none: the company's")
            form.partner_id = self.client_bar
            form.location_id = self.site_bar
            form.labour_rate_mode = "fixed"
        order = form.record
        self.assertEqual(order.labour_rate_mode, "fixed", "changed for this order")
        self.client_bar.fsm_labour_rate_mode = "hourly"
        self.assertEqual(order.labour_rate_mode, "fixed", "a later client change leaves it")
        self.assertEqual(self._new_order(client=self.client_bar).labour_rate_mode, "hourly")

    def test_rates_and_products_are_the_company_s_own(self):
        other = self.env["res.company"].create({"name": "Kaffeservice Polska"})
        self.assertEqual(other.fsm_labour_rate_mode, "hourly")
        self.assertEqual(other.fsm_labour_hour_product_id, self.product_hour)
        own_hour = self.env["product.product"].create(
            {"name": "Godzina pracy", "type": "service", "list_price": 150.0,
             "company_id": other.id}
        )  # fmt: skip
        other.write({"fsm_labour_hour_product_id": own_hour.id, "fsm_labour_rate_mode": "fixed"})
        self.client_cafe.with_company(other).fsm_labour_rate_mode = "per_km"
        self.assertEqual(self.company.fsm_labour_hour_product_id, self.product_hour)
        self.assertFalse(self.client_cafe.fsm_labour_rate_mode, "none in the first company")
        self.assertEqual(self._visit().labour_rate_mode, "hourly")

    def test_a_coordinator_sets_the_rates_a_technician_does_not(self):
        with self.assertRaises(AccessError):
            self.client_cafe.with_user(self.user_tech_north).fsm_labour_rate_mode = "fixed"
        order = self._visit()
        with self.assertRaises(AccessError):
            order.with_user(self.user_tech_north).labour_rate_mode = "fixed"
        self.assertEqual(order.labour_rate_mode, "hourly")
        # the company's rules are in Field Service settings
        settings = Form(self.env["res.config.settings"])
        settings.fsm_labour_rate_mode = "fixed"
        settings.fsm_labour_rounding_minutes = 30
        settings.save().execute()
        self.assertEqual(self.company.fsm_labour_rate_mode, "fixed")
        self.assertEqual(self.company.fsm_labour_rounding_minutes, 30)

    # ------------------------------------------------------------------
    # what is not invoiced
    # ------------------------------------------------------------------
    def test_a_warranty_order_invoices_nothing(self):
        order = self._visit(is_billable=False)
        self._finish(order)
        self.assertEqual(order.invoice_status, "no")
        as_billing = order.with_user(self.user_billing)
        self.assertFalse(as_billing.can_create_invoice)
        with self.assertRaisesRegex(UserError, "not billable"):
            as_billing.action_create_invoice()
        self.assertFalse(order.invoice_ids)
        self.assertEqual(self._moves_of(order), 0)

    def test_an_order_with_nothing_to_settle_is_refused(self):
        order = self._order_for()
        self._book(order, 0, 25, self.type_travel, km=18.5)  # hourly: travel is not work
        self._finish(order)
        self.assertEqual(order.invoice_status, "to_invoice")
        as_billing = order.with_user(self.user_billing)
        self.assertFalse(as_billing.can_create_invoice)
        with self.assertRaisesRegex(UserError, "nothing to invoice"):
            as_billing.action_create_invoice()
        self.assertEqual(self._moves_of(order), 0)

        with Form(as_billing) as form:
            form.labour_rate_mode = "per_km"
            self.assertTrue(form.can_create_invoice, "the km are billable: the button shows")

    def test_a_rate_without_product_says_what_to_set(self):
        order = self._finish(self._visit())
        self.company.fsm_labour_hour_product_id = False
        as_billing = order.with_user(self.user_billing)
        self.assertFalse(as_billing.can_create_invoice)
        with self.assertRaisesRegex(UserError, "no product for it: choose one in Field Service"):
            as_billing.action_create_invoice()
        self.assertEqual(self._moves_of(order), 0)

    def test_only_a_coordinator_with_invoicing_rights_invoices(self):
        order = self._finish(self._visit())
        for user, refusal in (
            (self.user_tech_north, "Only a coordinator can invoice"),
            (self.user_coord_north, "Only a user with invoicing rights"),
        ):
            with self.subTest(user=user.login):
                record = order.with_user(user)
                self.assertFalse(record.can_create_invoice)
                with self.assertRaisesRegex(UserError, refusal):
                    record.action_create_invoice()
        self.assertEqual(self._moves_of(order), 0)

    # ------------------------------------------------------------------
    # internal cost
    # ------------------------------------------------------------------
    def test_internal_cost_is_each_technician_s_paid_hours_at_their_cost(self):
        order = self._finish(self._visit())
        # Anna: travel 25 + work 67 = 92 min at 40/h; Erik: admin 30 min at 50/h;
        # the break is not paid
        self.assertAlmostEqual(order.labour_hours, (92 + 30) / 60)
        self.assertAlmostEqual(order.labour_cost, 92 / 60 * 40.0 + 30 / 60 * 50.0, places=2)
        self.tech_south.hourly_cost = 70.0
        self.assertAlmostEqual(order.labour_cost, 92 / 60 * 40.0 + 30 / 60 * 70.0, places=2)
        self._book(order, 107, 30, self.type_work)
        self.assertAlmostEqual(order.labour_cost, 122 / 60 * 40.0 + 30 / 60 * 70.0, places=2)

        # the order analysis (pivot/graph) sums it by team for the coordinator
        Order = self.env["service.order"].with_user(self.user_coord_north)
        [(team, cost, hours)] = Order._read_group(
            [("id", "=", order.id)], ["team_id"], ["labour_cost:sum", "labour_hours:sum"]
        )
        self.assertEqual(team, self.team_north)
        self.assertAlmostEqual(cost, order.labour_cost, places=2)
        self.assertAlmostEqual(hours, (122 + 30) / 60)
        pivot = Order.get_view(self.env.ref("fsm_orders.service_order_view_pivot").id, "pivot")
        self.assertIn('name="labour_cost"', pivot["arch"])

    def test_a_technician_does_not_see_the_cost(self):
        order = self._finish(self._visit()).with_user(self.user_tech_north)
        self.assertNotIn("labour_cost", order.fields_get())
        with self.assertRaises(AccessError):
            order.read(["labour_cost"])
        pivot = order.get_view(self.env.ref("fsm_orders.service_order_view_pivot").id, "pivot")
        self.assertNotIn("labour_cost", pivot["arch"])
