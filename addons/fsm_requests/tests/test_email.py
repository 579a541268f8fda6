import base64
from email.message import EmailMessage

from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase, tagged

from odoo.addons.mail.tests.common import MailCommon, mail_new_test_user

from .common import RequestWorldMixin


@tagged("post_install", "-at_install")
class TestEmailIntake(RequestWorldMixin, MailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_request_world()
        cls.alias = cls.env.ref("fsm_requests.mail_alias_service_request")
        cls.alias.alias_domain_id = cls.mail_alias_domain
        cls.service_address = f"service@{cls.alias_domain}"

    def _mail(self, sender, subject, body, msg_id, in_reply_to=None, attachment=None):
        message = EmailMessage()
        if sender:
            message["From"] = sender
        message["To"] = self.service_address
        message["Subject"] = subject
        message["Message-Id"] = msg_id
        message["Date"] = "Mon, 23 Nov 2026 08:00:00 +0000"
        if in_reply_to:
            message["In-Reply-To"] = in_reply_to
            message["References"] = in_reply_to
        message.set_content(body)
        if attachment:
            name, data, mime = attachment
            maintype, subtype = mime.split("/")
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
        return message.as_bytes()

    def _process(self, raw):
        return self.env["mail.thread"].message_process(False, raw)

    def test_mail_to_the_service_address_becomes_a_request_of_the_known_client(self):
        raw = self._mail(
            '"Lisa Lind" <lisa@cafe-norr.example.com>', "Grinder makes a grinding noise",
            "Since this morning the grinder is loud.", "<req-1@cafe-norr.example.com>",
            attachment=("noise.txt", b"recording notes", "text/plain"),
        )  # fmt: skip
        with self.mock_mail_gateway():
            request_id = self._process(raw)
        request = self.env["service.request"].browse(request_id)
        self.assertEqual(request.title, "Grinder makes a grinding noise")
        self.assertEqual(request.channel, "email")
        self.assertEqual(request.partner_id, self.client_cafe)
        self.assertEqual(request.contact_id, self.contact_cafe)
        self.assertIn("the grinder is loud", "".join(request.message_ids.mapped("body")))
        self.assertEqual(request.message_ids.attachment_ids.mapped("name"), ["noise.txt"])
        # a reply lands on the same request, not a new one
        reply = self._mail(
            '"Lisa Lind" <lisa@cafe-norr.example.com>', "Re: Grinder makes a grinding noise",
            "It is the E65S at Odenplan.", "<req-2@cafe-norr.example.com>",
            in_reply_to="<req-1@cafe-norr.example.com>",
        )  # fmt: skip
        with self.mock_mail_gateway():
            self._process(reply)
        self.assertEqual(self.env["service.request"].search_count([("channel", "=", "email")]), 1)
        self.assertIn("E65S at Odenplan", "".join(request.message_ids.mapped("body")))

    def test_unknown_sender_makes_a_request_without_client(self):
        raw = self._mail("stranger@example.org", "Please call me", "Hi", "<x-1@example.org>")
        with self.mock_mail_gateway():
            request = self.env["service.request"].browse(self._process(raw))
        self.assertFalse(request.partner_id)
        self.assertEqual(request.email_from, "stranger@example.org")

    def test_duplicate_message_id_makes_no_second_request(self):
        raw = self._mail(
            "lisa@cafe-norr.example.com", "Leak", "Water", "<dup-1@cafe-norr.example.com>"
        )
        with self.mock_mail_gateway():
            self._process(raw)
            self._process(raw)
        self.assertEqual(self.env["service.request"].search_count([("title", "=", "Leak")]), 1)

    def test_mail_without_sender_is_kept_for_the_desk_and_the_alias_stays_valid(self):
        raw = self._mail(None, "Anonymous", "no sender here", "<anon-1@example.org>")
        with self.mock_mail_gateway():
            request = self.env["service.request"].browse(self._process(raw))
        self.assertEqual(request.title, "Anonymous")
        self.assertFalse(request.partner_id)
        self.assertIn("had no sender", "".join(request.message_ids.mapped("body")))
        self.assertEqual(self.alias.alias_status, "valid")

    def test_reply_to_an_unknown_thread_starts_a_new_request(self):
        raw = self._mail(
            "lisa@cafe-norr.example.com", "Re: old matter", "still broken",
            "<r-9@cafe-norr.example.com>",
            in_reply_to="<never-seen@elsewhere.example.com>",
        )  # fmt: skip
        with self.mock_mail_gateway():
            request = self.env["service.request"].browse(self._process(raw))
        self.assertEqual(request.title, "Re: old matter")
        self.assertEqual(request.partner_id, self.client_cafe)

    def test_oversized_attachment_is_refused_with_a_note_and_the_request_kept(self):
        self.env["ir.config_parameter"].set_param("fsm_requests.max_attachment_mb", "1")
        big = base64.b64encode(b"x" * (2 * 1024 * 1024))
        raw = self._mail(
            "lisa@cafe-norr.example.com", "Video of the leak", "see video",
            "<big-1@cafe-norr.example.com>",
            attachment=("leak.mp4", big, "video/mp4"),
        )  # fmt: skip
        with self.mock_mail_gateway():
            request = self.env["service.request"].browse(self._process(raw))
        self.assertTrue(request.exists())
        self.assertFalse(request.message_ids.attachment_ids)
        self.assertIn("leak.mp4", "".join(request.message_ids.mapped("body")))
        self.assertIn("too large", "".join(request.message_ids.mapped("body")))


@tagged("post_install", "-at_install")
class TestDeskSettings(RequestWorldMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_request_world()
        cls.admin = mail_new_test_user(
            cls.env, login="fsm_admin", groups="fsm_orders.group_fsm_manager,base.group_system"
        )

    def test_administrator_sets_the_service_address_and_attachment_limit(self):
        alias = self.env.ref("fsm_requests.mail_alias_service_request")
        form = Form(self.env["res.config.settings"].with_user(self.admin))
        self.assertEqual(form.fsm_request_alias_name, "service")
        form.fsm_request_alias_name = "support"
        form.fsm_request_max_attachment_mb = 5
        form.save().execute()
        self.assertEqual(alias.alias_name, "support")
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("fsm_requests.max_attachment_mb"), "5"
        )

    def test_attachment_limit_below_one_mb_is_refused(self):
        form = Form(self.env["res.config.settings"].with_user(self.admin))
        form.fsm_request_max_attachment_mb = 0
        with self.assertRaisesRegex(ValidationError, "at least 1 MB"):
            form.save().execute()
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("fsm_requests.max_attachment_mb", "10"),
            "10",
        )
