import base64
import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from odoo.addons.fsm_client_portal.tests.common import PortalWorldMixin, png_bytes
from odoo.addons.fsm_client_portal.tests.test_security_sweep import (
    OTHER_PARAMS,
    RECORD_PARAMS,
    PortalSweepMixin,
)

from .common import ContractWorldMixin


class ContractPortalWorld(ContractWorldMixin, PortalWorldMixin):
    """The client portal's world (Lisa of Café Norr, Bo of Bar Söder) with
    a running contract each, and a draft one of Café Norr's still being
    negotiated; the bar's is marked BARSECRET."""

    @classmethod
    def _setup_contract_portal_world(cls):
        cls._setup_portal_world()
        cls._setup_contract_world(world=False)
        today = fields.Date.context_today(cls.env["service.contract"])
        cls.contract_cafe = cls._contract(
            title="Odenplan machines",
            equipment_ids=[(6, 0, cls.machine_cafe.ids)],
            price=300.0,
            sla_hours_urgent=4.0,
            note="<p>Internal: discount agreed with the owner</p>",
            date_start=today.replace(day=1),
            date_end=today.replace(day=1) + timedelta(days=364),
        )
        cls.contract_cafe_draft = cls._contract(
            confirm=False, title="Draft offer CAFEDRAFT", type_id=cls.type_cmc.id
        )
        cls.contract_bar = cls._contract(
            partner_id=cls.client_bar.id, title="BARSECRET contract", price=999.0
        )


@tagged("post_install", "-at_install")
class TestContractPortal(ContractPortalWorld, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_contract_portal_world()

    def test_client_sees_their_contracts_only(self):
        self.authenticate("portal_lisa", "portal_lisa")
        page = self.url_open("/my/contracts?filterby=all")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.contract_cafe.name, page.text)
        self.assertNotIn("BARSECRET", page.text)
        self.assertNotIn("CAFEDRAFT", page.text, "a draft is still the desk's")
        detail = self.url_open(f"/my/contracts/{self.contract_cafe.id}")
        self.assertEqual(detail.status_code, 200)
        self.assertIn(self.machine_cafe.serial_number, detail.text)
        self.assertIn("Urgent: 4 h", detail.text)
        self.assertNotIn("discount agreed", detail.text, "the terms are internal")
        for other in (self.contract_bar, self.contract_cafe_draft):
            self.assertEqual(self.url_open(f"/my/contracts/{other.id}").status_code, 404)
        home = self.url_open("/my/home").text
        self.assertIn("/my/contracts", home)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["fsm_contract_count"]})
        self.assertEqual(counters["fsm_contract_count"], 1)

    def test_logged_out_visitor_is_sent_to_log_in(self):
        response = self.url_open(f"/my/contracts/{self.contract_cafe.id}", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    def test_rpc_reads_only_the_portal_fields(self):
        contract = self.contract_cafe.with_user(self.portal_cafe)
        self.assertEqual(contract.cover_summary, self.contract_cafe.cover_summary)
        for field in ("note", "user_id", "invoice_ids", "order_ids"):
            with self.subTest(field=field), self.assertRaises(AccessError):
                contract.read([field])
        with self.assertRaises(AccessError):
            contract.write({"price": 1.0})
        with self.assertRaises(AccessError):
            self.contract_bar.with_user(self.portal_cafe).read(["name"])

    def test_renewal_accepted_in_the_portal(self):
        self.contract_cafe.user_id = self.user_coord_north
        action = self.contract_cafe.action_renewal_offer()
        offer = self.env["sale.order"].browse(action["res_id"])
        offer.action_quotation_sent()
        self.authenticate("portal_lisa", "portal_lisa")
        page = self.url_open(f"/my/contracts/{self.contract_cafe.id}").text
        self.assertIn(offer.name, page)
        result = self.make_jsonrpc_request(
            f"/my/orders/{offer.id}/accept",
            {"access_token": offer._portal_ensure_token(), "name": "Lisa Lind",
             "signature": _signature()},
        )  # fmt: skip
        self.assertNotIn("error", result, json.dumps(result)[:300])
        self.assertEqual(offer.state, "sale")
        renewed = self.contract_cafe.next_contract_id
        self.assertEqual(renewed.date_start, self.contract_cafe.date_end + timedelta(days=1))
        self.assertEqual(renewed.state, "running")

    def _tour(self):
        action = self.contract_cafe.action_renewal_offer()
        offer = self.env["sale.order"].browse(action["res_id"])
        offer.action_quotation_sent()
        self.start_tour("/my", "fsm_contracts_portal_renew", login="portal_lisa")
        self.assertEqual(offer.state, "sale")
        self.assertEqual(offer.signed_by, "Lisa Lind")
        self.assertTrue(self.contract_cafe.next_contract_id)

    def test_portal_tour_on_a_desktop(self):
        self._tour()

    def test_portal_tour_on_a_phone(self):
        self.browser_size = "390x844"
        self.touch_enabled = True
        self._tour()


@tagged("post_install", "-at_install")
class TestContractPortalSweep(PortalSweepMixin, ContractPortalWorld, HttpCase):
    """Every route of this addon, as Lisa and logged out, with the bar's
    contract: refused, nothing of the bar in the answer."""

    sweep_modules = ("odoo.addons.fsm_contracts.",)
    sweep_record_params = {**RECORD_PARAMS, "contract_id": "service.contract"}
    sweep_other_params = OTHER_PARAMS
    sweep_login = "portal_lisa"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_contract_portal_world()

    def _sweep_foreign_records(self):
        return {"service.contract": self.contract_bar}

    def _sweep_own_tokens(self):
        return {}

    def _sweep_leak_markers(self):
        return ["BARSECRET", self.contract_bar.name, "CAFEDRAFT"]

    def _sweep_state(self):
        self.env.invalidate_all()
        return self.contract_bar.read(["state", "price", "date_end"])

    def _sweep_params(self):
        return {}

    def test_every_contract_route_refuses_another_clients_contract(self):
        rules, calls = self._sweep()
        self.assertGreaterEqual(len(rules), 2, "the list and the contract page")
        self.assertTrue(calls)


def _signature():

    return base64.b64encode(png_bytes(40, 20)).decode()
