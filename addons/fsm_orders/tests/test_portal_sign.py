import json
from unittest.mock import patch

from odoo.exceptions import AccessError
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

    def _sign(self, order, token, name="Lisa Lind", signature=None):
        signature = png(60, 20).decode() if signature is None else signature
        response = self.url_open(
            f"/my/service-orders/{order.id}/sign?access_token={token}",
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "params": {
                    "name": name, "signature": signature}}
            ),
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertNotIn("error", body, "a plain answer, never a JSON-RPC error with a traceback")
        return body["result"]

    def _trail(self, order):
        """What signing leaves behind: chatter messages and outgoing emails."""
        order.invalidate_recordset()
        return (
            len(order.message_ids),
            self.env["mail.mail"].search_count([("model", "=", "service.order"),
                                                 ("res_id", "=", order.id)]),
        )  # fmt: skip

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

    def test_the_page_names_the_site_once_and_the_finish_to_the_minute(self):
        """A site named after its street reads "Hornsgatan 58, …", not
        "Hornsgatan Hornsgatan 58, …"; the finish shows no seconds."""
        self.order.location_id.name = (self.order.location_id.street or "").split(" ")[0]
        self.assertTrue(self.order.location_id.name)
        self.assertTrue(self.order.site_address.startswith(self.order.location_id.name))
        token = self.order._portal_ensure_token()
        page = self.url_open(f"/my/service-orders/{self.order.id}?access_token={token}").text
        self.assertIn(self.order.site_address, page)
        self.assertNotIn(f"{self.order.location_id.name} {self.order.site_address}", page)
        to_html = self.env["ir.qweb.field.datetime"].value_to_html
        finished = self.order.date_finished
        self.assertIn(str(to_html(finished, {"hide_seconds": True})), page)
        self.assertNotIn(str(to_html(finished, {})), page)

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

    def test_the_report_link_of_the_email_opens_the_pdf(self):
        token = self.order._portal_ensure_token()
        report_name = self.order._get_report_base_filename()
        self.assertIn(self.order.name.replace("/", "-"), report_name)
        Report = type(self.env["ir.actions.report"])
        render = Report._render_qweb_pdf

        def real_pdf(report, *args, **kwargs):
            # Odoo renders HTML instead of a PDF while tests run, unless asked
            return render(report.with_context(force_report_rendering=True), *args, **kwargs)

        for download, disposition in (("", "inline"), ("&download=true", "attachment")):
            with patch.object(Report, "_render_qweb_pdf", real_pdf):
                response = self.url_open(
                    f"/my/service-orders/{self.order.id}?access_token={token}"
                    f"&report_type=pdf{download}"
                )
            self.assertEqual(response.status_code, 200, response.text[:300])
            self.assertEqual(response.headers["Content-Type"], "application/pdf")
            self.assertTrue(response.content.startswith(b"%PDF"))
            self.assertTrue(response.headers["Content-Disposition"].startswith(disposition))
            self.assertIn(
                report_name.replace(" ", "_").replace("-", "_"),
                response.headers["Content-Disposition"],
                "the file is named by the report's print_report_name",
            )

    def test_the_stored_report_is_served_until_the_order_changes(self):
        """The PDF the client downloads is the one stored on the order (the
        one emailed), without rendering it again; once the order changes, a
        fresh one is rendered."""
        token = self.order._portal_ensure_token()
        stored = b"%PDF-1.4 the report as sent"
        self.order.report_attachment_id = self.env["ir.attachment"].create(
            {"name": "report.pdf", "raw": stored, "mimetype": "application/pdf",
             "res_model": "service.order", "res_id": self.order.id}
        )  # fmt: skip
        url = f"/my/service-orders/{self.order.id}?access_token={token}&report_type=pdf"
        Report = type(self.env["ir.actions.report"])
        with patch.object(Report, "_render_qweb_pdf", side_effect=AssertionError("rendered")):
            response = self.url_open(url + "&download=true")
        self.assertEqual(response.content, stored)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertTrue(response.headers["Content-Disposition"].startswith("attachment"))
        self.env.cr.execute(
            "UPDATE service_order SET write_date = now() + interval '1 minute' WHERE id = %s",
            [self.order.id],
        )
        self.order.invalidate_recordset(["write_date"])
        response = self.url_open(url)
        self.assertNotEqual(response.content, stored, "changed since: rendered again")
        self.assertIn(self.order.name.encode(), response.content)

    def test_a_signature_that_is_not_a_picture_changes_nothing(self):
        token = self.order._portal_ensure_token()
        before = self._trail(self.order)
        for bad in ("!!", "====", "not base64 at all", "aGVsbG8="):
            with self.subTest(signature=bad):
                result = self._sign(self.order, token, signature=bad)
                self.assertIn("not a picture", result["error"])
                self.order.invalidate_recordset()
                self.assertFalse(self.order.is_signed)
                self.assertFalse(self.order.signed_by)
                self.assertFalse(self.order.signed_on)
                self.assertEqual(self._trail(self.order), before, "no note, no email")

    def test_parameters_of_the_wrong_type_get_a_plain_error(self):
        token = self.order._portal_ensure_token()
        for name, signature in ((42, png(60, 20).decode()), (["Lisa"], png(60, 20).decode()),
                                ("Lisa Lind", {"png": "x"}), ("Lisa Lind", 7)):  # fmt: skip
            with self.subTest(name=name, signature=signature):
                result = self._sign(self.order, token, name=name, signature=signature)
                self.assertIn("as text", result["error"])
        self.assertFalse(self.order.is_signed)

    def test_a_second_signature_is_refused_without_side_effects(self):
        token = self.order._portal_ensure_token()
        self._sign(self.order, token)
        signed_on, after_first = self.order.signed_on, self._trail(self.order)
        result = self._sign(self.order, token, name="Someone else")
        self.assertIn("already signed", result["error"])
        self.assertEqual(self.order.signed_by, "Lisa Lind")
        self.assertEqual(self.order.signed_on, signed_on)
        self.assertEqual(self._trail(self.order), after_first)

    def test_the_signature_note_is_the_signing_contacts(self):
        token = self.order._portal_ensure_token()
        self._sign(self.order, token)
        note = self.order.message_ids.filtered(lambda m: "signed by Lisa Lind" in (m.body or ""))
        self.assertEqual(note.author_id, self.contact_cafe, "not the public user")

    def test_a_technician_cannot_read_or_mint_a_token_to_sign_as_the_client(self):
        """Reading a colleague's order (history) gives no token, neither by the
        ORM nor by JSON-2; minting one needs write access on the order."""
        self.order._portal_ensure_token()
        # Erik serves Café Norr too: Anna's order is history he can read
        self._dispatched_order(self.tech_south)
        as_erik = self.order.with_user(self.user_tech_south)
        as_erik.read(["name"])
        with self.assertRaises(AccessError):
            as_erik.read(["access_token"])
        self.assertNotIn("access_token", as_erik.fields_get())
        with self.assertRaises(AccessError):
            as_erik.get_portal_url()
        key = (
            self.env["res.users.apikeys"]
            .with_user(self.user_tech_south)
            .sudo()
            ._generate(None, "phone", None)
        )
        response = self.url_open(
            "/json/2/service.order/read",
            data=json.dumps({"ids": self.order.ids, "fields": ["name", "access_token"]}),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
        )
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(self.order.sudo().access_token, response.text)
        # the coordinator reads it, and the assigned technician may mint one
        self.assertTrue(self.order.with_user(self.user_coord_north).access_token)
        self.assertIn("access_token=", self.order.with_user(self.user_tech_north).get_portal_url())
