import base64
import json

from odoo.tests import HttpCase, tagged

from .common import PortalWorldMixin, png_bytes


@tagged("post_install", "-at_install")
class TestPortalRoutes(PortalWorldMixin, HttpCase):
    """Each page of the client portal, as the café's Lisa sees it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_portal_world()

    def setUp(self):
        super().setUp()
        self.authenticate("portal_lisa", "portal_lisa")

    def _get(self, url, status=200):
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, status, url)
        return response.text

    def test_home_counts_open_requests_orders_and_machines(self):
        home = self._get("/my/home")
        for placeholder in ("fsm_request_count", "fsm_order_count", "fsm_equipment_count"):
            self.assertIn(f'data-placeholder_count="{placeholder}"', home)
        self.assertIn("/my/service-requests/new", home)
        counters = self.make_jsonrpc_request(
            "/my/counters",
            {"counters": ["fsm_request_count", "fsm_order_count", "fsm_equipment_count"]},
        )
        Request = self.env["service.request"]
        Order = self.env["service.order"]
        mine = [("commercial_partner_id", "=", self.client_cafe.id)]
        self.assertEqual(
            counters,
            {
                "fsm_request_count": Request.search_count(
                    mine + Request._portal_list_domain("open")
                ),
                "fsm_order_count": Order.search_count(mine + Order._portal_list_domain("open")),
                "fsm_equipment_count": 1,
            },
        )
        self.assertEqual(counters["fsm_order_count"], 1, "the planned one, not the done one")

    def test_lists_show_own_records_with_their_filters(self):
        requests = self._get("/my/service-requests")
        self.assertIn(self.request_cafe.name, requests)
        self.assertNotIn(self.request_bar.name, requests)
        orders = self._get("/my/service-orders")
        self.assertIn(self.order_cafe_planned.name, orders)
        self.assertNotIn(self.order_cafe_done.name, orders, "open orders by default")
        done = self._get("/my/service-orders?filterby=done")
        self.assertIn(self.order_cafe_done.name, done)
        self.assertIn(f"{self.order_cafe_done.access_url}?report_type=pdf", done)
        everything = self._get("/my/service-orders?filterby=all&sortby=name")
        self.assertNotIn(self.order_bar_done.name, everything)
        self.assertNotIn(self.order_bar_planned.name, everything)
        equipment = self._get("/my/equipment")
        self.assertIn(self.machine_cafe.name, equipment)
        self.assertNotIn("BARSECRET", equipment)
        # unknown sort or filter: the defaults, not an error
        self.assertIn(self.request_cafe.name, self._get("/my/service-requests?sortby=x&filterby=y"))
        self._get("/my/service-requests/page/2")

    def test_request_page_shows_the_timeline_the_visits_and_the_chatter(self):
        page = self._get(self.request_cafe.access_url)
        self.assertIn(self.request_cafe.title, page)
        self.assertIn('data-step="planned"', page)
        self.assertIn(self.order_cafe_planned.name, page)
        self.assertIn(self.tech_north.name, page)
        self.assertIn('class="d-print-none o_portal_chatter', page)
        self.assertIn(f'data-res_id="{self.request_cafe.id}"', page)
        steps = {s["key"]: s for s in self.request_cafe._portal_timeline()}
        self.assertTrue(steps["planned"]["done"])
        self.assertTrue(steps["planned"]["current"])
        self.assertFalse(steps["in_progress"]["done"])
        self.assertTrue(steps["on_the_way"]["detail"], "the arrival window of a dispatched order")

    def test_client_posts_a_message_with_a_file_to_the_desk(self):
        """The chatter's portal side: the message and its attachment reach
        the request, authored by the client."""
        csrf = self._csrf(self.request_cafe.access_url)
        upload = self.url_open(
            "/mail/attachment/upload",
            data={"csrf_token": csrf, "thread_id": self.request_cafe.id,
                  "thread_model": "service.request", "is_pending": "true"},
            files={"ufile": ("more.png", png_bytes(), "image/png")},
        ).json()  # fmt: skip
        attachment = self.env["ir.attachment"].browse(upload["data"]["attachment_id"])
        token = attachment._get_ownership_token()
        before = self.env["ir.attachment"].search_count([])
        refused = self.url_open(
            "/mail/attachment/upload",
            data={"csrf_token": csrf, "thread_id": self.request_cafe.id,
                  "thread_model": "service.request", "is_pending": "true"},
            files={"ufile": ("tool.exe", b"MZ" + b"\0" * 100, "image/png")},
        ).json()  # fmt: skip
        self.assertIn("not a photo", refused["error"])
        self.assertEqual(self.env["ir.attachment"].search_count([]), before)
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "service.request",
                "thread_id": self.request_cafe.id,
                "post_data": {
                    "body": "It leaks more now",
                    "message_type": "comment",
                    "attachment_ids": [attachment.id],
                    "attachment_tokens": [token],
                },
            },
        )
        message = self.request_cafe.message_ids[:1]
        self.assertIn("It leaks more now", message.body)
        self.assertEqual(message.author_id, self.contact_cafe)
        self.assertEqual(message.attachment_ids, attachment)
        self.assertEqual(attachment.res_model, "service.request")

    def test_new_request_form_then_post_with_a_photo(self):
        form = self._get(f"/my/service-requests/new?equipment_id={self.machine_cafe.id}")
        self.assertIn(f'value="{self.machine_cafe.id}" data-site-id', form)
        self.assertIn(f'<option value="{self.site_cafe.id}" selected', form.replace("\n", " "))
        self.assertNotIn("BARSECRET", form)
        csrf = self._csrf("/my/service-requests/new")
        response = self.url_open(
            "/my/service-requests/new",
            data={
                "csrf_token": csrf,
                "type_id": self.type_breakdown.id,
                "equipment_id": self.machine_cafe.id,
                "title": "No water flow",
                "description": "Pump hums, nothing comes out",
            },
            files={"attachments": ("pump.png", png_bytes(30, 30), "image/png")},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        created = self.env["service.request"].search([("title", "=", "No water flow")])
        self.assertEqual(created.channel, "portal")
        self.assertIn(f"{created.access_url}?message=registered", response.headers["Location"])
        page = self._get(f"{created.access_url}?message=registered")
        self.assertIn(created.name, page)
        self.assertIn("o_fsm_registered", page)
        self.assertEqual(created.message_ids.attachment_ids.mapped("name"), ["pump.png"])

    def test_a_refused_form_comes_back_with_the_message_and_what_was_typed(self):
        csrf = self._csrf("/my/service-requests/new")
        before = self.env["service.request"].search_count([])
        response = self.url_open(
            "/my/service-requests/new",
            data={
                "csrf_token": csrf,
                "type_id": self.type_breakdown.id,
                "equipment_id": self.machine_bar.id,
                "title": "Typed with care",
                "description": "A long story",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("Choose one of your machines.", response.text)
        self.assertIn('value="Typed with care"', response.text)
        self.assertIn("A long story", response.text)
        self.assertNotIn("BARSECRET", response.text)
        self.assertEqual(self.env["service.request"].search_count([]), before)

    def test_a_post_without_the_csrf_token_is_refused(self):
        before = self.env["service.request"].search_count([])
        response = self.url_open(
            "/my/service-requests/new",
            data={"type_id": self.type_breakdown.id, "title": "Forged"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        rate = self.url_open(
            f"/my/service-orders/{self.order_cafe_done.id}/rate",
            data={"rate": 1, "feedback": "Forged"},
            allow_redirects=False,
        )
        self.assertEqual(rate.status_code, 400)
        self.assertEqual(self.env["service.request"].search_count([]), before)
        self.assertFalse(self.order_cafe_done.rating_ids.filtered("consumed"))

    def test_order_page_report_and_signature(self):
        page = self._get(self.order_cafe_done.access_url)
        self.assertIn(self.order_cafe_done.name, page)
        self.assertIn("Replaced the gasket", page)
        self.assertNotIn("Cafe note", page, "never the internal note")
        self.assertIn("Sign the report", page)
        self.assertIn('data-step="done"', page)
        pdf = self.url_open(f"{self.order_cafe_done.access_url}?report_type=pdf&download=true")
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        # (tests render the report as HTML: Odoo skips wkhtmltopdf in test mode)
        self.assertIn(self.order_cafe_done.name.encode(), pdf.content)
        # signing as the logged-in client, without a token: the client is the signer
        signed = self.make_jsonrpc_request(
            f"/my/service-orders/{self.order_cafe_done.id}/sign",
            {"name": "Lisa Lind", "signature": base64.b64encode(png_bytes(60, 20)).decode()},
        )
        self.assertTrue(signed.get("force_refresh"), signed)
        self.assertTrue(self.order_cafe_done.is_signed)
        note = self.order_cafe_done.message_ids.filtered(lambda m: "signed by" in (m.body or ""))
        self.assertEqual(note[:1].author_id, self.contact_cafe)
        self.assertNotIn("Sign the report", self._get(self.order_cafe_done.access_url))

    def test_rating_a_done_visit_once_reaches_the_desk(self):
        self.assertNotIn("o_fsm_rate_form", self._get(self.order_cafe_planned.access_url))
        page = self._get(self.order_cafe_done.access_url)
        self.assertIn("o_fsm_rate_form", page)
        csrf = self._csrf(self.order_cafe_done.access_url)
        response = self.url_open(
            f"/my/service-orders/{self.order_cafe_done.id}/rate",
            data={"csrf_token": csrf, "rate": "5", "feedback": "Quick and tidy"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        rating = self.order_cafe_done.rating_ids.filtered("consumed")
        self.assertEqual(rating.rating, 5)
        self.assertEqual(rating.feedback, "Quick and tidy")
        self.assertEqual(rating.partner_id, self.contact_cafe)
        self.assertEqual(rating.rated_partner_id, self.user_tech_north.partner_id)
        self.assertEqual(self.order_cafe_done.rating_last_value, 5)
        self.assertEqual(self.order_cafe_done.rating_last_feedback, "Quick and tidy")
        self.assertIn("Quick and tidy", self.order_cafe_done.message_ids[:1].body)
        page = self._get(self.order_cafe_done.access_url + "?message=rated")
        self.assertIn("o_fsm_rating_given", page)
        self.assertNotIn("o_fsm_rate_form", page)
        # a second rating is refused with a message; the first one stays
        again = self.url_open(
            f"/my/service-orders/{self.order_cafe_done.id}/rate",
            data={"csrf_token": csrf, "rate": "1", "feedback": "Changed my mind"},
        )
        self.assertEqual(again.status_code, 400)
        self.assertIn("already rated", again.text)
        self.assertEqual(rating.rating, 5)
        # the desk's statistics count it
        stats = self.env["service.desk.statistics"].with_user(self.user_coord_north).create({})
        self.assertEqual(stats.rating_count, 1)
        self.assertEqual(stats.rating_satisfaction, 1.0)
        action = stats.action_client_ratings()
        self.assertEqual(self.env["rating.rating"].search(action["domain"]), rating)

    def test_rating_values_other_than_the_three_faces_are_refused(self):
        csrf = self._csrf(self.order_cafe_done.access_url)
        for rate in ("0", "4", "abc", ""):
            response = self.url_open(
                f"/my/service-orders/{self.order_cafe_done.id}/rate",
                data={"csrf_token": csrf, "rate": rate},
            )
            self.assertEqual(response.status_code, 400, rate)
        self.assertFalse(self.order_cafe_done.rating_ids.filtered("consumed"))

    def test_equipment_page_warranty_counters_history_and_report_a_problem(self):
        page = self._get(f"/my/equipment/{self.machine_cafe.id}")
        self.assertIn(self.machine_cafe.serial_number, page)
        self.assertIn("Shots", page)
        self.assertIn("1200", page)
        self.assertIn(self.order_cafe_done.name, page)
        self.assertNotIn("the owner is difficult", page, "never the internal note")
        self.assertIn(f"/my/service-requests/new?equipment_id={self.machine_cafe.id}", page)
        self._get(f"/my/equipment/{self.machine_bar.id}", status=404)
        self._get("/my/equipment/999999", status=404)

    def test_web_manifest_installs_the_portal_as_an_app(self):
        response = self.url_open("/fsm_client_portal/manifest.webmanifest")
        self.assertEqual(response.status_code, 200)
        manifest = json.loads(response.text)
        self.assertEqual(manifest["start_url"], "/my")
        self.assertEqual(manifest["display"], "standalone")
        for icon in manifest["icons"]:
            image = self.url_open(icon["src"])
            self.assertEqual(image.status_code, 200, icon["src"])
            self.assertEqual(image.headers["Content-Type"], "image/png")
        self.assertIn('rel="manifest" href="/fsm_client_portal/manifest.webmanifest"',
                      self._get("/my"))  # fmt: skip

    def test_token_link_of_the_email_opens_request_without_login(self):
        self.authenticate(None, None)
        token = self.request_cafe.sudo()._portal_ensure_token()
        page = self._get(f"{self.request_cafe.access_url}?access_token={token}")
        self.assertIn(self.request_cafe.title, page)
        self._get(self.request_cafe.access_url, status=303)
