import json

from odoo.tests import HttpCase, tagged

from .common import RequestWorldMixin


@tagged("post_install", "-at_install")
class TestCallCenter(RequestWorldMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_request_world()
        cls.key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.user_coord_north)
            .sudo()
            ._generate(None, "call center", None)
        )
        cls.open_request = cls._new_request(title="Earlier: no steam")
        cls.visit = cls._new_order(
            technician_id=cls.tech_north.id, scheduled_start=cls.tomorrow_9
        )  # 09:00 in Stockholm

    def _post(self, path, payload, key=None):
        return self.url_open(
            path,
            data=json.dumps(payload),
            headers={"Content-Type": "application/json",
                     "Authorization": f"Bearer {key or self.key}"},
        )  # fmt: skip

    def test_incoming_call_returns_the_client_card_and_registers_a_request(self):
        response = self._post(
            "/fsm/call-center/incoming",
            {
                "number": "070-123 45 67",
                "call_id": "C-1",
                "recording_url": "https://pbx.local/r/C-1",
            },
        )
        self.assertEqual(response.status_code, 200, response.text)
        card = response.json()
        self.assertTrue(card["known"])
        self.assertEqual(card["number"], "+46701234567")
        self.assertEqual(card["client"]["name"], "Café Norr AB")
        self.assertEqual(card["contact"]["name"], "Lisa Lind")
        self.assertIn(self.open_request.name, [r["number"] for r in card["open_requests"]])
        [visit] = [o for o in card["open_orders"] if o["id"] == self.visit.id]
        self.assertEqual(visit["technician"], "Anna Andersson")
        self.assertIn("09:00–10:00", visit["arrival_window"], "Stockholm time, not UTC")
        response = self._post(
            "/fsm/call-center/request", {"call_id": "C-1", "title": "Grinder jams", "priority": "2"}
        )
        self.assertEqual(response.status_code, 200, response.text)
        request = self.env["service.request"].browse(response.json()["id"])
        self.assertEqual(request.channel, "call_center")
        self.assertEqual(request.partner_id, self.client_cafe)
        self.assertEqual(request.contact_id, self.contact_cafe)
        self.assertEqual(request.call_ids.recording_url, "https://pbx.local/r/C-1")

    def test_unknown_caller_is_recorded_without_client(self):
        response = self._post(
            "/fsm/call-center/incoming", {"number": "+46 8 999 99 99", "call_id": "C-2"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.json()["known"])
        self.assertEqual(
            self.env["service.request.call"].search([("call_ref", "=", "C-2")]).number,
            "+4689999999",
        )

    def test_invalid_number_and_bad_payload_get_clear_errors(self):
        response = self._post("/fsm/call-center/incoming", {"number": "12", "call_id": "C-3"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("not a valid phone number", response.json()["error"])
        self.assertFalse(self.env["service.request.call"].search([("call_ref", "=", "C-3")]))
        response = self._post("/fsm/call-center/incoming", {"call_id": "C-4"})
        self.assertEqual(response.status_code, 400)
        response = self._post("/fsm/call-center/request", {"call_id": "never", "title": "x"})
        self.assertEqual(response.status_code, 404)

    def test_wrong_key_gets_401_and_creates_nothing(self):
        calls_before = self.env["service.request.call"].search_count([])
        requests_before = self.env["service.request"].search_count([])
        for path, payload in (
            ("/fsm/call-center/incoming", {"number": "070-123 45 67", "call_id": "C-5"}),
            ("/fsm/call-center/request", {"call_id": "C-5", "title": "spam"}),
        ):
            response = self._post(path, payload, key="not-a-key")
            self.assertEqual(response.status_code, 401)
        self.assertEqual(self.env["service.request.call"].search_count([]), calls_before)
        self.assertEqual(self.env["service.request"].search_count([]), requests_before)

    def test_key_of_a_technician_gets_403_and_learns_nothing(self):
        key = (
            self.env["res.users.apikeys"]
            .with_user(self.user_tech_north)
            .sudo()
            ._generate(None, "not the desk", None)
        )
        response = self._post(
            "/fsm/call-center/incoming", {"number": "070-123 45 67", "call_id": "C-6"}, key=key
        )
        self.assertEqual(response.status_code, 403)
        self.assertIn("does not belong to the service desk", response.json()["error"])
        self.assertNotIn("Café Norr", response.text, "no client card for a technician")
        self.assertFalse(self.env["service.request.call"].search([("call_ref", "=", "C-6")]))


@tagged("post_install", "-at_install")
class TestDeskTour(RequestWorldMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_request_world()
        cls.user_coord_north.password = "coord_north"

    def test_desk_registers_a_phone_request_and_makes_an_order(self):
        self.start_tour(
            "/odoo/action-fsm_requests.action_service_request", "fsm_request_desk_tour",
            login="coord_north",
        )  # fmt: skip
        request = self.env["service.request"].search([("title", "=", "Steam wand leaks")])
        self.assertEqual(request.partner_id, self.client_cafe)
        self.assertEqual(request.contact_id, self.contact_cafe)
        self.assertEqual(request.state, "in_progress")
        self.assertEqual(request.order_ids.technician_id, self.tech_north)
        self.assertEqual(request.order_ids.equipment_ids, self.machine_cafe.browse())
