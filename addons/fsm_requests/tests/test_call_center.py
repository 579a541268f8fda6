import json
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.sms.tests.common import MockSMS

from .common import RequestWorldMixin

INCOMING = "/fsm/call-center/incoming"
REQUEST = "/fsm/call-center/request"


@tagged("post_install", "-at_install")
class TestCallCenter(RequestWorldMixin, MockSMS):
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
        return self._post_raw(path, json.dumps(payload), key=key)

    def _post_raw(self, path, body, key=None):
        return self.url_open(
            path,
            data=body,
            headers={"Content-Type": "application/json",
                     "Authorization": f"Bearer {key or self.key}"},
        )  # fmt: skip

    def assertJsonError(self, response, status, text=None):
        """The integrator gets ``status`` and a JSON ``{"error": ...}``, never a page."""
        self.assertEqual(response.status_code, status, response.text[:300])
        self.assertEqual(response.headers["Content-Type"].split(";")[0], "application/json")
        error = response.json()["error"]
        if text:
            self.assertIn(text, error)
        return error

    def assertJsonOk(self, response):
        self.assertEqual(response.status_code, 200, response.text[:300])
        self.assertEqual(response.headers["Content-Type"].split(";")[0], "application/json")
        return response.json()

    def _calls(self, call_ref):
        return self.env["service.request.call"].search([("call_ref", "=", call_ref)])

    def _report_call(self, call_ref, number="070-123 45 67"):
        self.assertJsonOk(self._post(INCOMING, {"number": number, "call_id": call_ref}))
        return self._calls(call_ref)

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
        self.assertJsonError(
            self._post("/fsm/call-center/incoming", {"call_id": "C-4"}), 422, "'number' is required"
        )
        self.assertJsonError(
            self._post("/fsm/call-center/request", {"call_id": "never", "title": "x"}),
            404,
            "Unknown call never",
        )

    def test_wrong_key_gets_401_and_creates_nothing(self):
        calls_before = self.env["service.request.call"].search_count([])
        requests_before = self.env["service.request"].search_count([])
        for path, payload in (
            ("/fsm/call-center/incoming", {"number": "070-123 45 67", "call_id": "C-5"}),
            ("/fsm/call-center/request", {"call_id": "C-5", "title": "spam"}),
        ):
            response = self._post(path, payload, key="not-a-key")
            self.assertJsonError(response, 401)
            self.assertIn("bearer", response.headers["WWW-Authenticate"].lower())
            no_key = self.url_open(
                path, data=json.dumps(payload), headers={"Content-Type": "application/json"}
            )
            self.assertJsonError(no_key, 401, "API Key")
        self.assertEqual(self.env["service.request.call"].search_count([]), calls_before)
        self.assertEqual(self.env["service.request"].search_count([]), requests_before)

    def test_other_methods_get_405_in_json(self):
        for path in (INCOMING, REQUEST):
            for method in ("GET", "PUT", "DELETE"):
                response = self.url_open(
                    path, method=method, headers={"Authorization": f"Bearer {self.key}"}
                )
                self.assertJsonError(response, 405, "POST")
                self.assertEqual(response.headers["Allow"], "POST")

    def test_a_fault_answers_500_in_json_without_traceback_and_records_nothing(self):
        Call = self.registry["service.request.call"]

        def broken(self, *args):
            self.create({"call_ref": "C-FAULT", "number": "070-123 45 67"})
            raise RuntimeError("secret internals")

        calls_before = self.env["service.request.call"].search_count([])
        with (
            patch.object(Call, "_fsm_register_incoming", broken),
            mute_logger("odoo.http"),
        ):
            response = self._post(INCOMING, {"number": "070-123 45 67", "call_id": "C-FAULT"})
        error = self.assertJsonError(response, 500, "nothing was recorded")
        self.assertNotIn("secret", response.text)
        self.assertNotIn("Traceback", response.text)
        self.assertNotIn("secret", error)
        self.assertEqual(self.env["service.request.call"].search_count([]), calls_before)

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

    # ------------------------------------------------------------------
    # what the endpoints refuse: always JSON, never a 500
    # ------------------------------------------------------------------
    def test_number_as_a_json_number_or_a_list_is_refused_with_json(self):
        for number, given in (
            (46701234567, "an integer"),
            (["070-123 45 67"], "an array"),
            ({"e164": "+46701234567"}, "an object"),
            (7.5, "a decimal"),
        ):
            with self.subTest(number=number):
                response = self._post(INCOMING, {"number": number, "call_id": "C-num"})
                error = self.assertJsonError(response, 422, "'number' must be a string")
                self.assertIn(given, error)
        self.assertFalse(self._calls("C-num"))

    def test_call_id_of_one_megabyte_is_refused_and_nothing_stored(self):
        calls_before = self.env["service.request.call"].search_count([])
        call_id = "C" * 1_000_000
        response = self._post(INCOMING, {"number": "070-123 45 67", "call_id": call_id})
        error = self.assertJsonError(response, 422, "'call_id' is too long")
        self.assertLess(len(response.text), 300, "only the start of the id is quoted")
        self.assertIn("at most 64 characters", error)
        self.assertEqual(self.env["service.request.call"].search_count([]), calls_before)
        response = self._post(REQUEST, {"call_id": call_id, "title": "Grinder jams"})
        self.assertJsonError(response, 422, "'call_id' is too long")
        self.assertLess(len(response.text), 300)

    def test_call_id_as_an_integer_is_read_as_its_text(self):
        self.assertJsonOk(self._post(INCOMING, {"number": "070-123 45 67", "call_id": 4711}))
        self.assertEqual(len(self._calls("4711")), 1)
        self.assertJsonOk(self._post(REQUEST, {"call_id": "4711", "title": "Grinder jams"}))
        self.assertEqual(self._calls("4711").request_id.title, "Grinder jams")

    def test_deeply_nested_or_malformed_json_is_refused_with_400(self):
        for path in (INCOMING, REQUEST):
            for body, text in (
                ("[" * 100_000, "nested too deeply"),
                ('{"number": ' * 100_000, "nested too deeply"),
                ('{"number": "070-123 45 67", "call_id": ', "not valid JSON"),
                (b"\xff\xfe not UTF-8", "not valid JSON"),
                ("1" * 5000, "not valid JSON"),  # longer than Python reads as an integer
                ('["070-123 45 67", "C-7"]', "must be a JSON object"),
                ('"070-123 45 67"', "must be a JSON object"),
            ):
                with self.subTest(path=path, body=body[:20]):
                    self.assertJsonError(self._post_raw(path, body), 400, text)
        self.assertFalse(self._calls("C-7"))

    def test_body_over_the_limit_or_of_unknown_length_is_refused_with_400(self):
        payload = {"number": "070-123 45 67", "call_id": "C-big", "notes": "x" * 3_000_000}
        self.assertJsonError(self._post(INCOMING, payload), 400, "too large")
        chunked = iter([b'{"number": "070-123 45 67", ', b'"call_id": "C-big"}'])
        self.assertJsonError(self._post_raw(INCOMING, chunked), 400, "Content-Length")
        self.assertFalse(self._calls("C-big"))

    def test_repeated_call_id_on_incoming_answers_the_card_again(self):
        payload = {
            "number": "070-123 45 67",
            "call_id": "C-8",
            "recording_url": "https://pbx.local/r/8",
        }
        first = self.assertJsonOk(self._post(INCOMING, payload))
        again = self.assertJsonOk(self._post(INCOMING, dict(payload, number="+46 70 123 45 67")))
        self.assertEqual(again, first, "the same number in another form is the same caller")
        self.assertEqual(again["client"]["name"], "Café Norr AB")
        self.assertEqual(len(self._calls("C-8")), 1)

    def test_same_call_id_from_another_number_is_a_conflict(self):
        self._report_call("C-9")
        response = self._post(INCOMING, {"number": "+46 8 999 99 99", "call_id": "C-9"})
        self.assertJsonError(response, 409, "already reported from another number")
        self.assertNotIn("Café Norr", response.text, "the other caller learns nothing")
        call = self._calls("C-9")
        self.assertEqual(len(call), 1)
        self.assertEqual(call.number, "+46701234567")

    def test_repeated_request_returns_the_same_request_and_sends_one_sms(self):
        call = self._report_call("C-10")
        payload = {"call_id": "C-10", "title": "Grinder jams", "priority": 2}
        with self.mockSMSGateway():
            first = self.assertJsonOk(self._post(REQUEST, payload))
            again = self.assertJsonOk(self._post(REQUEST, dict(payload, title=" Grinder jams ")))
        self.assertTrue(first["created"])
        self.assertFalse(again["created"])
        self.assertEqual((again["id"], again["number"]), (first["id"], first["number"]))
        requests = self.env["service.request"].search([("call_ids", "in", call.ids)])
        self.assertEqual(requests.ids, [first["id"]], "one request, still linked to the call")
        self.assertEqual(requests.priority, "2", "an integer priority is read as its text")
        self.assertEqual(len(self._new_sms), 1, "the client is told once")
        self.assertEqual(self._new_sms.number, "+46701234567")

    def test_second_request_with_another_title_is_a_conflict_naming_the_first(self):
        self._report_call("C-11")
        first = self.assertJsonOk(self._post(REQUEST, {"call_id": "C-11", "title": "Grinder jams"}))
        requests_before = self.env["service.request"].search_count([])
        response = self._post(REQUEST, {"call_id": "C-11", "title": "Steam wand leaks"})
        self.assertJsonError(response, 409, first["number"])
        self.assertEqual(self.env["service.request"].search_count([]), requests_before)
        self.assertEqual(self._calls("C-11").request_id.id, first["id"])

    def test_title_description_or_recording_url_of_a_wrong_type_are_refused(self):
        self._report_call("C-12")
        requests_before = self.env["service.request"].search_count([])
        for field, value in (
            ("title", {"en_US": "dict"}), ("title", ["Grinder jams"]), ("title", 42),
            ("title", True), ("description", {"en_US": "dict"}), ("description", ["a", "b"]),
            ("description", 3.5), ("priority", True), ("priority", 7), ("priority", "urgent"),
        ):  # fmt: skip
            with self.subTest(field=field, value=value):
                payload = {"call_id": "C-12", "title": "Grinder jams", field: value}
                self.assertJsonError(self._post(REQUEST, payload), 422, f"'{field}' must be")
        self.assertEqual(self.env["service.request"].search_count([]), requests_before)
        self.assertFalse(self._calls("C-12").request_id)
        for value, text in (
            ({"url": "https://pbx.local/r/1"}, "'recording_url' must be a string"),
            (["https://pbx.local/r/1"], "'recording_url' must be a string"),
            (12, "'recording_url' must be a string"),
            ("javascript:alert(1)", "not the address of a recording"),
            ("pbx.local/r/1", "not the address of a recording"),
        ):
            with self.subTest(recording_url=value):
                payload = {"number": "070-123 45 67", "call_id": "C-13", "recording_url": value}
                self.assertJsonError(self._post(INCOMING, payload), 422, text)
        self.assertFalse(self._calls("C-13"))

    def test_blank_title_or_text_postgres_cannot_store_is_refused(self):
        self._report_call("C-14")
        requests_before = self.env["service.request"].search_count([])
        for values, text in (
            ({"title": "   "}, "'title' must not be blank"),
            ({"title": ""}, "'title' must not be blank"),
            ({}, "'title' is required"),
            ({"title": None}, "'title' is required"),
            ({"title": "Grinder\u0000jams"}, "'title' is not valid text"),
            ({"title": "Grinder jams", "description": "\ud800"}, "'description' is not valid text"),
            ({"title": "\ud800" * 300}, "'title' is not valid text"),
        ):
            with self.subTest(values=values):
                payload = dict(values, call_id="C-14")  # json.dumps writes \\u0000, \\ud800
                self.assertJsonError(self._post(REQUEST, payload), 422, text)
        self.assertEqual(self.env["service.request"].search_count([]), requests_before)
        self.assertJsonError(
            self._post(REQUEST, {"call_id": "C-14", "title": "x" * 201}), 422, "at most 200"
        )

    def test_description_is_stored_as_escaped_text(self):
        self._report_call("C-15")
        description = "<b>Hot</b> & loud\nsince <script>x()</script> Monday"
        answer = self.assertJsonOk(
            self._post(
                REQUEST, {"call_id": "C-15", "title": "Grinder jams", "description": description}
            )
        )
        stored = str(self.env["service.request"].browse(answer["id"]).description)
        self.assertIn("&lt;b&gt;Hot&lt;/b&gt; &amp; loud", stored)
        self.assertIn("&lt;script&gt;", stored)
        self.assertNotIn("<script>", stored)
        self.assertNotIn("Unknown error", stored)

    def test_oversize_number_error_is_short_and_quotes_it_once(self):
        number = "+46 70 123 45 67 " * 5000
        response = self._post(INCOMING, {"number": number, "call_id": "C-16"})
        self.assertJsonError(response, 422, "'number' is too long")
        self.assertLess(len(response.text), 300)
        self.assertEqual(response.text.count(number[:17]), 1, "the start, quoted once")
        self.assertFalse(self._calls("C-16"))
        too_many_digits = "+46 70 123 45 67 89 00 11 22 33 44 55"
        response = self._post(INCOMING, {"number": too_many_digits, "call_id": "C-16"})
        self.assertJsonError(response, 422, "not a valid phone number")
        self.assertLess(len(response.text), 300)

    def test_technicians_own_number_is_an_unknown_caller(self):
        self.user_tech_north.partner_id.phone = "+46 70 555 00 11"
        office = self.env["hr.employee"].create(
            {"name": "Olle Office", "work_phone": "+46 70 555 00 22"}
        )
        self.assertEqual(office.work_contact_id.phone, "+46 70 555 00 22")
        self.company.partner_id.phone = "+46 8 555 000 00"
        for number, call_id in (("070-555 00 11", "C-17"), ("070-555 00 22", "C-18"),
                                ("08-555 000 00", "C-19")):  # fmt: skip
            with self.subTest(number=number):
                card = self.assertJsonOk(
                    self._post(INCOMING, {"number": number, "call_id": call_id})
                )
                self.assertFalse(card["known"])
                self.assertIsNone(card["client"])
                self.assertIsNone(card["contact"])
                self.assertEqual(card["open_orders"], [], "no technician's orders read out")
                self.assertFalse(self._calls(call_id).partner_id)

    def test_portal_users_of_a_client_are_still_found_by_phone(self):
        portal = self.env["res.users"].create(
            {
                "name": "Petra Portal",
                "login": "petra",
                "parent_id": self.client_cafe.id,
                "phone": "+46 70 555 00 33",
                "group_ids": [(6, 0, self.env.ref("base.group_portal").ids)],
            }
        )
        card = self.assertJsonOk(
            self._post(INCOMING, {"number": "070-555 00 33", "call_id": "C-20"})
        )
        self.assertEqual(card["client"]["name"], "Café Norr AB")
        self.assertEqual(card["contact"]["id"], portal.partner_id.id)
        self.assertEqual(
            self.env["res.partner"]._fsm_find_by_phone("+46705550033"), portal.partner_id
        )


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
