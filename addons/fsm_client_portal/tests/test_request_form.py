import io
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.mail.tests.common import MailCase

from .common import PortalWorldMixin, png_bytes


class Upload(io.BytesIO):
    """A file of a multipart form, as werkzeug gives it to the controller."""

    def __init__(self, filename, content):
        super().__init__(content)
        self.filename = filename


@tagged("post_install", "-at_install")
class TestRequestForm(PortalWorldMixin, MailCase, TransactionCase):
    """The guided form's checks and what a sent form creates
    (``service.request._fsm_portal_create`` as the client's portal user)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_portal_world()
        cls.Request = cls.env["service.request"].with_user(cls.portal_cafe)

    def _form(self, **values):
        base = {
            "type_id": str(self.type_breakdown.id),
            "equipment_id": str(self.machine_cafe.id),
            "title": "Steam wand leaks",
            "description": "Water under the machine since this morning.\nDisplay shows E4.",
        }
        base.update(values)
        return base

    def _counts(self):
        return (
            self.env["service.request"].search_count([]),
            self.env["service.equipment.counter.reading"].search_count([]),
            self.env["ir.attachment"].search_count([("res_model", "=", "service.request")]),
        )

    def test_options_are_the_clients_own_sites_machines_and_published_types(self):
        options = self.Request._fsm_portal_options()
        self.assertEqual(options["client"], self.client_cafe)
        self.assertEqual(options["sites"], self.site_cafe)
        self.assertEqual(options["machines"], self.machine_cafe)
        self.assertIn(self.type_breakdown, options["types"])
        self.type_breakdown.portal_published = False
        self.assertNotIn(self.type_breakdown, self.Request._fsm_portal_options()["types"])

    def test_a_sent_form_files_a_portal_request_for_the_desk(self):
        photo = Upload("leak.png", png_bytes(40, 30))
        with self.mock_mail_gateway():
            service_request, errors = self.Request._fsm_portal_create(
                self._form(machine_down="1"), [photo]
            )
        self.assertFalse(errors)
        service_request = service_request.sudo()
        self.assertEqual(service_request.channel, "portal")
        self.assertEqual(service_request.partner_id, self.client_cafe)
        self.assertEqual(service_request.contact_id, self.contact_cafe)
        self.assertEqual(service_request.location_id, self.site_cafe, "the machine's site")
        self.assertEqual(service_request.equipment_id, self.machine_cafe)
        self.assertEqual(service_request.priority, "2", "a stopped machine is urgent")
        self.assertFalse(service_request.user_id, "the desk takes it, not the client")
        self.assertTrue(service_request.name.strip("/"), "numbered at once")
        self.assertIn("Display shows E4", service_request.description)
        self.assertTrue(service_request.is_warranty)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "service.request"), ("res_id", "=", service_request.id)]
        )
        self.assertEqual(attachment.name, "leak.png")
        self.assertEqual(attachment.mimetype, "image/png")
        message = service_request.message_ids.filtered("attachment_ids")
        self.assertEqual(message.author_id, self.contact_cafe)
        # the desk's list of new requests shows it, with the portal channel
        desk = self.env["service.request"].with_user(self.user_coord_north)
        self.assertIn(service_request, desk.search([("channel", "=", "portal")]))
        # the client is a follower and got the "registered" email
        self.assertIn(self.contact_cafe, service_request.message_partner_ids)
        mails = self._new_mails.filtered(lambda m: self.contact_cafe in m.recipient_ids)
        self.assertEqual(len(mails), 1, "the confirmation email, to the client who filed it")
        self.assertIn(service_request.name, mails.subject)
        # with a button to the request in the portal
        self.assertIn("/mail/view?model=service.request", mails.body_html)
        self.assertIn(f"res_id={service_request.id}", mails.body_html)

    def test_another_clients_site_or_machine_is_refused_as_if_typed_in(self):
        before = self._counts()
        for key, value in [
            ("equipment_id", self.machine_bar.id),
            ("location_id", self.site_bar.id),
            ("equipment_id", "abc"),
            ("type_id", 999999),
        ]:
            with self.subTest(key=key, value=value):
                _request, errors = self.Request._fsm_portal_create(self._form(**{key: str(value)}))
                self.assertIn(key, errors)
        self.assertEqual(self._counts(), before)

    def test_subject_is_required_and_bounded(self):
        for title in ("", "   ", "x" * 201):
            _request, errors = self.Request._fsm_portal_create(self._form(title=title))
            self.assertIn("title", errors)

    def test_uploads_limited_in_type_size_and_count_and_nothing_half_saved(self):
        self.env["ir.config_parameter"].set_param("fsm_requests.max_attachment_mb", "0.01")
        before = self._counts()
        big = png_bytes(200, 200, noise=True)
        cases = {
            "too large": lambda: [Upload("big.png", big)],
            "an executable named like a photo": lambda: [
                Upload("photo.jpg", b"MZ\x90\x00" + b"\0" * 64)
            ],
            "empty": lambda: [Upload("empty.png", b"")],
            "too many": lambda: [Upload(f"p{i}.png", png_bytes()) for i in range(11)],
        }
        for case, files in cases.items():
            with self.subTest(case=case):
                _request, errors = self.Request._fsm_portal_create(
                    self._form(), [Upload("fine.png", png_bytes())] + files()
                )
                self.assertIn("attachments", errors)
                self.assertTrue(errors["attachments"])
        self.assertIn("0.01 MB", self.Request._fsm_portal_create(
            self._form(), cases["too large"]())[1]["attachments"])  # fmt: skip
        self.assertEqual(self._counts(), before)
        pdf = Upload(
            "quote.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
        )
        service_request, errors = self.Request._fsm_portal_create(self._form(), [pdf])
        self.assertFalse(errors)
        self.assertTrue(service_request)

    def test_out_of_warranty_machine_claim_needs_a_proof_of_purchase(self):
        self.machine_cafe.warranty_end = fields.Date.today() - timedelta(days=10)
        self.assertEqual(self.machine_cafe.warranty_state, "expired")
        _request, errors = self.Request._fsm_portal_create(self._form(warranty_claim="1"))
        self.assertIn("proof", errors)
        proof = Upload("receipt.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
        service_request, errors = self.Request._fsm_portal_create(
            self._form(warranty_claim="1"), proof=proof
        )
        self.assertFalse(errors)
        service_request = service_request.sudo()
        self.assertTrue(service_request.is_warranty_claim)
        self.assertFalse(service_request.is_warranty)
        names = service_request.message_ids.attachment_ids.mapped("name")
        self.assertTrue(any("Proof of purchase" in name for name in names), names)
        # a machine under warranty needs no claim: the box is ignored
        self.machine_cafe.warranty_end = fields.Date.today() + timedelta(days=10)
        service_request, errors = self.Request._fsm_portal_create(self._form(warranty_claim="1"))
        self.assertFalse(errors)
        self.assertFalse(service_request.sudo().is_warranty_claim)

    def test_maintenance_asks_the_counters_and_records_the_reading(self):
        self.assertTrue(self.type_maintenance.portal_ask_counter)
        key = f"counter_{self.counter_cafe.id}"
        form = self._form(type_id=str(self.type_maintenance.id))
        for value in ("", "lots", "-5", "1100", "nan"):
            with self.subTest(value=value):
                _request, errors = self.Request._fsm_portal_create(dict(form, **{key: value}))
                self.assertIn(key, errors, "missing, not a number, negative or below the last")
        service_request, errors = self.Request._fsm_portal_create(dict(form, **{key: "1 350,5"}))
        self.assertIn(key, errors, "spaces are not a number")
        service_request, errors = self.Request._fsm_portal_create(dict(form, **{key: "1350,5"}))
        self.assertFalse(errors)
        self.assertEqual(service_request.sudo().counter_reading_ids.value, 1350.5)
        self.assertEqual(self.counter_cafe.last_value, 1350.5)
        # a breakdown does not ask the counters
        _request, errors = self.Request._fsm_portal_create(self._form())
        self.assertFalse(errors)

    def test_a_machine_at_another_site_than_the_one_chosen_is_refused(self):
        other_site = self.env["res.partner"].create(
            {"name": "Café Norr, Slussen", "parent_id": self.client_cafe.id, "type": "other"}
        )
        _request, errors = self.Request._fsm_portal_create(
            self._form(location_id=str(other_site.id))
        )
        self.assertIn("equipment_id", errors)
        service_request, errors = self.Request._fsm_portal_create(
            self._form(location_id=str(other_site.id), equipment_id="")
        )
        self.assertFalse(errors)
        self.assertEqual(service_request.sudo().location_id, other_site)
