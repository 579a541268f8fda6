import json

from odoo.tests import HttpCase, tagged

from .common import FsmWorldMixin
from .test_onsite import png


@tagged("post_install", "-at_install")
class TestPortalSignature(FsmWorldMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_fsm_world()
        cls.order = cls._dispatched_order(contact_id=cls.contact_cafe.id)
        cls.order.action_start()
        cls.order.with_context(fsm_skip_service_report=True).action_done()

    def _sign(self, order, token, name="Lisa Lind"):
        response = self.url_open(
            f"/my/service-orders/{order.id}/sign?access_token={token}",
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "params": {
                    "name": name, "signature": png(60, 20).decode()}}
            ),
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        self.assertEqual(response.status_code, 200)
        return response.json()["result"]

    def test_client_reads_and_signs_a_finished_report_through_its_link(self):
        token = self.order._portal_ensure_token()
        page = self.url_open(f"/my/service-orders/{self.order.id}?access_token={token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.order.name, page.text)
        self.assertIn("Sign the report", page.text)
        result = self._sign(self.order, token)
        self.assertTrue(result.get("force_refresh"), result)
        self.assertTrue(self.order.is_signed)
        self.assertEqual(self.order.signed_by, "Lisa Lind")
        self.assertIn(
            "signed by Lisa Lind in the portal",
            self.order.message_ids[:3].mapped("body")[0]
            + "".join(self.order.message_ids[:3].mapped("body")),
        )
        again = self._sign(self.order, token, name="Someone else")
        self.assertIn("error", again)
        self.assertEqual(self.order.signed_by, "Lisa Lind")

    def test_wrong_token_gets_nothing(self):
        self.order._portal_ensure_token()
        page = self.url_open(
            f"/my/service-orders/{self.order.id}?access_token=wrong", allow_redirects=False
        )
        self.assertIn(page.status_code, (302, 303))
        self.assertNotIn(f"/my/service-orders/{self.order.id}", page.headers["Location"])
        landed = self.url_open(page.headers["Location"])
        self.assertNotIn(self.order.name, landed.text)
        result = self._sign(self.order, "wrong")
        self.assertEqual(result, {"error": "Invalid service order."})
        self.assertFalse(self.order.is_signed)

    def test_an_order_not_finished_cannot_be_signed_in_the_portal(self):
        open_order = self._dispatched_order(contact_id=self.contact_cafe.id)
        token = open_order._portal_ensure_token()
        result = self._sign(open_order, token)
        self.assertIn("error", result)
        self.assertFalse(open_order.is_signed)
