from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.fsm_orders.tests.common import FsmWorldMixin, search_filter_domains
from odoo.addons.mail.tests.common import mail_new_test_user

from .test_parts import InventoryCase

# a 1x1 PNG, as the portal's signature pad sends it
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


class OfferCase(InventoryCase):
    """Anna's order plans 2 burr sets; Nora (coordinator) makes the offers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.descaling = cls.env["product.product"].create(
            {
                "name": "Descaling",
                "fsm_phone_ok": True,
                "type": "service",
                "list_price": 80.0,
                "taxes_id": False,
            }
        )
        cls.gasket = cls.env["product.product"].create(
            {"name": "Group gasket", "type": "consu", "is_storable": True, "list_price": 5.0,
             "fsm_phone_ok": True,
             "taxes_id": False}
        )  # fmt: skip
        cls.burrs.taxes_id = False
        cls.user_billing = mail_new_test_user(
            cls.env, login="offer_billing", name="Bea Billing",
            groups="fsm_orders.group_fsm_coordinator,account.group_account_invoice",
        )  # fmt: skip
        cls.followup_type = cls.env.ref("fsm_inventory.mail_activity_offer_followup")
        cls.reason_expensive = cls.env.ref("fsm_inventory.offer_reject_reason_expensive")

    def _make_offer(self, order=None, planned=2):
        order = order or self.order
        if planned and not order.part_ids:
            self._part(planned, order=order)
        action = order.with_user(self.user_coord_north).action_fsm_make_offer()
        return self.env["sale.order"].browse(action["res_id"]).with_user(self.user_coord_north)

    def _sign_on_portal(self, offer):
        """What the portal's accept route does for the client (sale's
        ``portal_quote_accept``), as the superuser."""
        offer_sudo = offer.sudo()
        self.assertTrue(offer_sudo._has_to_be_signed())
        offer_sudo.write(
            {"signed_by": "Lisa Lind", "signed_on": fields.Datetime.now(), "signature": SIGNATURE}
        )
        if not offer_sudo._has_to_be_paid():
            offer_sudo._validate_order()

    def _followups(self, offer):
        return offer.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == self.followup_type
        )

    def _finish(self, order):
        quiet = order.with_context(fsm_skip_service_report=True, fsm_skip_client_notification=True)
        quiet.action_start()
        quiet.action_done()


@tagged("post_install", "-at_install")
class TestMakeAnOffer(OfferCase):
    def test_an_offer_is_made_from_the_orders_planned_parts(self):
        offer = self._make_offer()
        self.assertEqual(offer.partner_id, self.client_cafe)
        self.assertEqual(offer.fsm_order_id, self.order)
        self.assertTrue(offer.fsm_is_offer)
        self.assertEqual(offer.state, "draft")
        self.assertEqual(offer.validity_date, fields.Date.context_today(offer) + timedelta(days=30))
        self.assertEqual(offer.order_line.product_id, self.burrs)
        self.assertEqual(offer.order_line.product_uom_qty, 2)
        self.assertEqual(offer.order_line.price_unit, 42.0)
        self.assertEqual(offer.sudo().order_line.fsm_part_id, self.order.part_ids)
        self.assertEqual(self.order.with_user(self.user_coord_north).fsm_offer_count, 1)
        action = self.order.with_user(self.user_coord_north).action_fsm_view_offers()
        self.assertEqual(self.env["sale.order"].search(action["domain"]), offer)
        # the Offers menu lists it
        menu_action = self.env.ref("fsm_inventory.action_fsm_offers")
        offers = self.env["sale.order"].with_user(self.user_coord_north)
        self.assertIn(offer, offers.search(safe_eval(menu_action.domain)))

    def test_services_line_discounts_and_a_global_discount(self):
        offer = self._make_offer()
        with Form(offer) as form:
            with form.order_line.new() as line:
                line.product_id = self.descaling
                line.discount = 10.0
            form.validity_date = fields.Date.context_today(offer) + timedelta(days=14)
        self.assertEqual(offer.amount_untaxed, 84.0 + 72.0)
        # Odoo makes the company's Discount product when an administrator
        # applies the first global discount; coordinators then use it
        self.env["sale.order.discount"].new({"sale_order_id": offer.id})._get_discount_product()
        # Odoo's own global discount wizard, as the Discount button opens it
        wizard = Form(
            self.env["sale.order.discount"]
            .with_user(self.user_coord_north)
            .with_context(active_id=offer.id)
        )
        wizard.discount_type = "so_discount"
        wizard.discount_percentage = 0.05
        wizard.save().action_apply_discount()
        self.assertAlmostEqual(offer.amount_untaxed, 156.0 * 0.95)
        self.assertEqual(offer.validity_date, fields.Date.context_today(offer) + timedelta(days=14))

    def test_only_coordinators_make_offers_on_open_orders(self):
        self._part(1)
        with self.assertRaisesRegex(UserError, "Only a coordinator makes offers"):
            self.order.with_user(self.user_tech_north).action_fsm_make_offer()
        self.order.with_context(fsm_skip_client_notification=True).action_cancel()
        with self.assertRaisesRegex(UserError, "is closed"):
            self.order.with_user(self.user_coord_north).action_fsm_make_offer()


@tagged("post_install", "-at_install")
class TestOfferRevisions(OfferCase):
    def test_three_versions_are_numbered_after_the_first(self):
        first = self._make_offer()
        first.action_quotation_sent()
        second = first.browse(first.action_fsm_new_revision()["res_id"])
        third = first.browse(second.action_fsm_new_revision()["res_id"])
        base = first.name
        self.assertEqual((second.name, third.name), (f"{base}-1", f"{base}-2"))
        self.assertEqual((first.fsm_revision, second.fsm_revision, third.fsm_revision), (0, 1, 2))
        self.assertEqual(second.fsm_revision_of_id, first)
        self.assertEqual(third.fsm_revision_of_id, first, "all versions hang on the first")
        self.assertEqual(first.fsm_revision_ids, second | third)
        self.assertEqual(third.fsm_version_count, 3)
        self.assertEqual(third.order_line.product_uom_qty, 2, "the lines are copied")
        self.assertEqual(third.fsm_order_id, self.order)
        self.assertEqual(third.state, "draft")
        for old, by in ((first, second), (second, third)):
            self.assertEqual(old.state, "cancel")
            self.assertTrue(old.fsm_is_superseded)
            self.assertEqual(old.fsm_superseded_by_id, by)
        self.assertFalse(self._followups(first), "the first one's follow-up is closed")
        action = third.action_fsm_view_versions()
        self.assertEqual(self.env["sale.order"].search(action["domain"]), first | second | third)

    def test_an_old_version_is_read_only_and_cannot_be_accepted(self):
        first = self._make_offer()
        second = first.browse(first.action_fsm_new_revision()["res_id"])
        self.assertEqual(first.order_line.product_uom_qty, 2, "still readable")
        self.assertFalse(first.sudo()._has_to_be_signed(), "not signable on the portal")
        with self.assertRaisesRegex(UserError, f"replaced by {second.name}"):
            first.action_confirm()
        with self.assertRaisesRegex(UserError, "can only be read"):
            first.action_draft()
        with self.assertRaisesRegex(UserError, "can only be read"):
            first.order_line.product_uom_qty = 5
        with self.assertRaisesRegex(UserError, "can only be read"):
            first.write({"order_line": [(0, 0, {"product_id": self.gasket.id})]})
        with self.assertRaisesRegex(UserError, "can only be read"):
            first.action_fsm_new_revision()
        self.assertEqual((first.state, first.order_line.product_uom_qty), ("cancel", 2))
        second.action_confirm()
        self.assertEqual(second.state, "sale")
        with self.assertRaisesRegex(UserError, "no longer a quotation"):
            second.action_fsm_new_revision()


@tagged("post_install", "-at_install")
class TestOfferRejection(OfferCase):
    def test_a_rejected_offer_is_cancelled_with_its_reason(self):
        offer = self._make_offer()
        offer.action_quotation_sent()
        action = offer.action_fsm_open_reject_wizard()
        self.assertEqual(action["res_model"], "service.offer.reject")
        Wizard = self.env["service.offer.reject"].with_user(self.user_coord_north)
        form = Form(Wizard.with_context(**action["context"]))
        with self.assertRaises(AssertionError):  # the reason is required
            form.save()
        form.reason_id = self.reason_expensive
        form.note = "Will ask again in spring"
        form.save().action_reject()
        self.assertEqual(offer.state, "cancel")
        self.assertEqual(offer.fsm_reject_reason_id, self.reason_expensive)
        self.assertEqual(offer.fsm_reject_note, "Will ask again in spring")
        self.assertTrue(offer.fsm_date_rejected)
        self.assertIn("Too expensive", offer.message_ids[0].body)
        self.assertIn("Will ask again in spring", offer.message_ids[0].body)
        self.assertFalse(self._followups(offer), "the reminder is done")
        done = offer.message_ids.filtered(lambda m: m.mail_activity_type_id == self.followup_type)
        self.assertTrue(done, "the reminder was marked done in the chatter")
        with self.assertRaisesRegex(UserError, "no longer a quotation"):
            offer.action_fsm_reject(self.reason_expensive)

    def test_rejected_offers_are_counted_by_reason(self):
        reasons = (
            self.reason_expensive,
            self.env.ref("fsm_inventory.offer_reject_reason_elsewhere"),
        )
        for reason in (reasons[0], reasons[0], reasons[1]):
            self._make_offer(planned=1).action_fsm_reject(reason)
        kept = self._make_offer(planned=1)
        Offer = self.env["sale.order"].with_user(self.user_coord_north)
        rejected = Offer.search(
            search_filter_domains(self.env, "sale.order")["filter_fsm_rejected"]
        )
        self.assertNotIn(kept, rejected)
        action = self.env.ref("fsm_inventory.action_fsm_offers_rejected")
        self.assertEqual(action.context, "{'group_by': ['fsm_reject_reason_id']}")
        counts = dict(
            Offer._read_group([("id", "in", rejected.ids)], ["fsm_reject_reason_id"], ["__count"])
        )
        self.assertEqual(counts, {reasons[0]: 2, reasons[1]: 1})
        self.assertEqual(reasons[0].with_user(self.user_coord_north).offer_count, 2)

    def test_a_reason_is_required(self):
        offer = self._make_offer()
        with self.assertRaisesRegex(UserError, "Choose why"):
            offer.action_fsm_reject(self.env["service.offer.reject.reason"])
        self.assertEqual(offer.state, "draft")


@tagged("post_install", "-at_install")
class TestOfferFollowUp(OfferCase):
    def test_a_sent_offer_is_followed_up_and_the_reminder_closes_on_acceptance(self):
        offer = self._make_offer()
        self.assertFalse(self._followups(offer), "a draft is not followed up")
        offer.action_quotation_sent()
        followup = self._followups(offer)
        self.assertEqual(len(followup), 1)
        self.assertEqual(followup.user_id, self.user_coord_north)
        self.assertEqual(
            followup.date_deadline, fields.Date.context_today(offer) + timedelta(days=3)
        )
        self._sign_on_portal(offer)
        self.assertEqual(offer.state, "sale")
        self.assertFalse(self._followups(offer))
        self.assertTrue(
            offer.message_ids.filtered(lambda m: m.mail_activity_type_id == self.followup_type)
        )

    def test_sent_by_email_before_validity_and_company_days(self):
        self.company.fsm_offer_followup_days = 5
        offer = self._make_offer()
        offer.validity_date = fields.Date.context_today(offer) + timedelta(days=2)
        # Send by email: the composer posts with mark_so_as_sent
        offer.with_context(mark_so_as_sent=True).message_post(body="Your offer")
        self.assertEqual(offer.state, "sent")
        self.assertEqual(
            self._followups(offer).date_deadline,
            fields.Date.context_today(offer) + timedelta(days=2),
            "not after the offer's validity",
        )
        offer.action_draft()
        offer.action_quotation_sent()
        self.assertEqual(len(self._followups(offer)), 1, "one reminder, not two")

    def test_no_follow_up_when_the_company_sets_zero_days(self):
        self.company.fsm_offer_followup_days = 0
        offer = self._make_offer()
        offer.action_quotation_sent()
        self.assertFalse(self._followups(offer))
        quotation = self.env["sale.order"].create({"partner_id": self.client_bar.id})
        self.company.fsm_offer_followup_days = 3
        quotation.action_quotation_sent()
        self.assertFalse(self._followups(quotation), "plain sales are left alone")


@tagged("post_install", "-at_install")
class TestOfferAcceptance(OfferCase):
    def test_accepting_plans_the_offers_goods_on_the_order(self):
        offer = self._make_offer()  # 2 burr sets planned already
        offer.write(
            {
                "order_line": [
                    (1, offer.order_line.id, {"product_uom_qty": 3}),
                    (0, 0, {"product_id": self.gasket.id, "product_uom_qty": 2}),
                    (0, 0, {"product_id": self.descaling.id, "product_uom_qty": 1}),
                ]
            }
        )
        self._sign_on_portal(offer)
        self.assertEqual(offer.state, "sale")
        parts = self.order.part_ids
        self.assertEqual(len(parts), 2, "no second burrs line")
        by_product = {part.product_id: part.quantity_planned for part in parts}
        self.assertEqual(by_product, {self.burrs: 3, self.gasket: 2})
        self.assertNotIn(self.descaling, parts.product_id, "services stay on the sale order")
        self.assertFalse(offer.sudo().picking_ids, "the goods go through the van, not a delivery")
        self.assertEqual((self._on_hand(self.stock), self._on_hand(self.van)), (10, 0))
        self.assertIn(offer.name, self.order.message_ids[0].body)
        self.assertTrue(self.order.fsm_parts_to_prepare)

    def test_an_offer_on_a_prepared_part_adds_a_line_for_the_rest(self):
        self._part(2)
        self.order.with_user(self.user_coord_north).action_fsm_prepare_parts()
        offer = self._make_offer()
        offer.write(
            {
                "order_line": [
                    (1, offer.order_line.id, {"product_uom_qty": 3}),
                    (0, 0, {"product_id": self.burrs.id, "product_uom_qty": 1}),
                ]
            }
        )
        offer.action_confirm()
        planned = self.order.part_ids.mapped("quantity_planned")
        self.assertEqual(planned, [2, 2], "the prepared line keeps its transfer; 1+1 are added")
        self.order.with_user(self.user_coord_north).action_fsm_prepare_parts()
        self.assertEqual(self.order.part_transfer_count, 2)

    def test_what_the_offer_sold_is_not_invoiced_again_by_the_order(self):
        offer = self._make_offer()  # 2 burr sets at 42
        offer.order_line.discount = 10.0
        offer.write({"order_line": [(0, 0, {"product_id": self.descaling.id})]})
        offer.action_confirm()
        self._stock_van(3)
        part = self.order.part_ids
        part.with_user(self.user_tech_north)._fsm_use(3)  # one more than sold
        self._finish(self.order)
        self.order.with_user(self.user_billing).action_create_invoice()
        lines = self.order.invoice_ids.invoice_line_ids
        self.assertEqual(lines.product_id, self.burrs)
        self.assertEqual((lines.quantity, lines.price_subtotal), (1, 42.0), "only the extra one")
        # the offer is invoiced by sale, at its own prices
        invoice = offer.sudo()._create_invoices()
        by_product = {line.product_id: line.price_subtotal for line in invoice.invoice_line_ids}
        self.assertEqual(set(by_product), {self.burrs, self.descaling})
        self.assertAlmostEqual(by_product[self.burrs], 75.6, msg="2 at 42 less 10 %")
        self.assertAlmostEqual(by_product[self.descaling], 80.0)
        self.assertEqual(offer.sudo().invoice_status, "invoiced")

    def test_an_order_whose_use_is_all_sold_has_nothing_to_settle(self):
        self._make_offer().action_confirm()
        self._stock_van(2)
        self.order.part_ids.with_user(self.user_tech_north).action_fsm_use()
        self._finish(self.order)
        with self.assertRaisesRegex(UserError, "nothing to invoice"):
            self.order.with_user(self.user_billing).action_create_invoice()

    def test_an_offer_on_a_closed_order_cannot_be_accepted(self):
        offer = self._make_offer()
        self.order.with_context(fsm_skip_client_notification=True).action_cancel()
        with self.assertRaisesRegex(UserError, "is closed"):
            offer.action_confirm()
        self.assertEqual(offer.state, "draft")


@tagged("post_install", "-at_install")
class TestOfferAccess(OfferCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_other = cls.env["res.company"].create({"name": "Kaffeservice Polska"})
        cls.user_coord_other = mail_new_test_user(
            cls.env, login="coord_other_offers", name="Ola Coordinator",
            groups="fsm_orders.group_fsm_coordinator", company_id=cls.company_other.id,
            company_ids=[(6, 0, cls.company_other.ids)],
        )  # fmt: skip

    def test_coordinators_are_salespeople_who_see_every_offer(self):
        self.assertTrue(self.user_coord_north.has_group("sales_team.group_sale_salesman"))
        self.assertTrue(self.user_coord_north.has_group("sale.group_discount_per_so_line"))
        offer = self._make_offer()
        self.assertEqual(offer.user_id, self.user_coord_north)
        self.assertEqual(offer.with_user(self.user_coord_south).order_line.product_uom_qty, 2)
        offer.with_user(self.user_coord_south).action_fsm_reject(self.reason_expensive)
        other_sale = self.env["sale.order"].create(
            {"partner_id": self.client_bar.id, "user_id": self.env.user.id}
        )
        self.assertFalse(
            self.env["sale.order"]
            .with_user(self.user_coord_south)
            .search([("id", "=", other_sale.id)]),
            "another salesperson's own sales stay theirs",
        )

    def test_technicians_cannot_read_offers(self):
        offer = self._make_offer()
        with self.assertRaises(AccessError):
            offer.with_user(self.user_tech_north).read(["name"])
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.user_tech_north).search([])
        # their order form still opens: the offers are a coordinator's fields
        self.order.with_user(self.user_tech_north).read(["name", "part_ids"])
        self.order.with_user(self.user_tech_north).get_views([(False, "form")])

    def test_another_companys_coordinator_cannot_read_an_offer(self):
        offer = self._make_offer()
        Other = self.env["sale.order"].with_user(self.user_coord_other)
        self.assertFalse(Other.search([("id", "=", offer.id)]))
        with self.assertRaises(AccessError):
            offer.with_user(self.user_coord_other).read(["name"])
        reason = self.env["service.offer.reject.reason"].create(
            {"name": "Own reason", "company_id": self.company.id}
        )
        Reason = self.env["service.offer.reject.reason"].with_user(self.user_coord_other)
        self.assertNotIn(reason, Reason.search([]))
        self.assertIn(self.reason_expensive, Reason.search([]), "shared reasons are for all")


@tagged("post_install", "-at_install")
class TestOfferPortal(FsmWorldMixin, HttpCase):
    """The client signs the latest version on the portal; the old one's link
    no longer accepts a signature."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_fsm_world()
        cls.burrs = cls.env["product.product"].create(
            {
                "name": "Burr set 64 mm",
                "fsm_phone_ok": True,
                "type": "consu",
                "is_storable": True,
                "list_price": 42.0,
            }
        )
        cls.order = cls._dispatched_order()
        cls.order.part_ids = [(0, 0, {"product_id": cls.burrs.id, "quantity_planned": 2})]

    def _accept(self, offer):
        offer._portal_ensure_token()
        return self.make_jsonrpc_request(
            f"/my/orders/{offer.id}/accept",
            {"access_token": offer.access_token, "name": "Lisa Lind", "signature": SIGNATURE},
        )

    def test_signing_the_latest_version_accepts_it(self):
        action = self.order.with_user(self.user_coord_north).action_fsm_make_offer()
        first = self.env["sale.order"].browse(action["res_id"])
        second = first.browse(first.action_fsm_new_revision()["res_id"])
        self.assertIn("error", self._accept(first))
        self.assertEqual(first.state, "cancel")
        result = self._accept(second)
        self.assertNotIn("error", result)
        self.assertEqual(second.state, "sale")
        self.assertEqual(second.signed_by, "Lisa Lind")
        self.assertEqual(self.order.part_ids.quantity_planned, 2, "planned already: not doubled")
