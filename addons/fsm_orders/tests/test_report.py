import shutil
import subprocess
import tempfile
import unittest

from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCommon

from .common import FsmWorldMixin
from .test_onsite import OnSiteCase, png


def pdf_text(pdf):
    """The text of a PDF, through poppler's pdftotext."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        return subprocess.run(
            ["pdftotext", "-layout", fh.name, "-"], capture_output=True, text=True, check=True
        ).stdout


@unittest.skipUnless(shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed")
@tagged("post_install", "-at_install")
class TestServiceReport(OnSiteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # wkhtmltopdf would fetch the report's stylesheets from this very
        # server, which waits for the test's transaction: point it at a closed
        # port on loopback so that it renders at once, unstyled.
        cls.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")

    def _finished_signed_order(self):
        order = self._started_order(client_ref="PO-4711")
        self._answer(order, "Safety valve tested", value_yesno="yes")
        self._answer(order, "Boiler pressure", value_number=1.8)
        self._answer(order, "Remarks", value_text="Descaling recommended within 3 months")
        as_tech = order.with_user(self.user_tech_north)
        as_tech.write({"work_summary": "Replaced the group gasket and tested the pump."})
        self.env["service.order.photo"].with_user(self.user_tech_north).create(
            {"order_id": order.id, "image": png(64, 48), "name": "Old gasket"}
        )
        as_tech.write({"signed_by": "Lisa Lind", "signature": png(120, 40)})
        as_tech.with_context(force_report_rendering=True).action_done()
        return order

    def test_finishing_stores_a_pdf_report_with_answers_signer_and_number(self):
        order = self._finished_signed_order()
        attachment = order.report_attachment_id
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertEqual(attachment.res_model, "service.order")
        self.assertEqual(attachment.res_id, order.id)
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        text = pdf_text(attachment.raw)
        for expected in (
            order.name,
            "Café Norr AB",
            "Odenplan 5",
            "PO-4711",
            "La Marzocco Linea PB",
            "LM-1001",
            "Anna Andersson",
            "Replaced the group gasket",
            "Safety valve tested",
            "Boiler pressure",
            "OUT OF RANGE",
            "1.8 bar",
            "Descaling recommended within 3 months",
            "Lisa Lind",
        ):
            self.assertIn(expected, text, f"{expected!r} is on the report")
        docs = self.env["ir.attachment"].search(self.machine_cafe.action_view_documents()["domain"])
        self.assertIn(attachment, docs, "the report is in the machine's history")

    def test_a_checklist_prints_on_its_own(self):
        order = self._finished_signed_order()
        report = self.env.ref("fsm_orders.action_report_order_checklist")
        pdf, _ftype = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, order.checklist_ids.ids)
        )
        text = pdf_text(pdf)
        self.assertIn("Espresso safety check", text)
        self.assertIn("Boiler pressure", text)
        self.assertIn("1.8 bar", text)
        self.assertIn(order.name, text)


@tagged("post_install", "-at_install")
class TestServiceReportEmail(FsmWorldMixin, MailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_fsm_world()
        cls.env["res.lang"]._activate_lang("sv_SE")
        cls.env["ir.module.module"]._load_module_terms(["fsm_orders"], ["sv_SE"], overwrite=True)

    def _finish(self, lang="en_US"):
        self.contact_cafe.lang = lang
        order = self._dispatched_order(contact_id=self.contact_cafe.id)
        order.with_user(self.user_tech_north).action_start()
        with self.mock_mail_gateway():
            order.with_user(self.user_tech_north).action_done()
        mails = self._new_mails.filtered(lambda m: self.contact_cafe in m.recipient_ids)
        self.assertEqual(len(mails), 1, "one report email to the client")
        return order, mails

    def test_report_is_emailed_to_the_client_with_the_pdf(self):
        order, mail = self._finish()
        self.assertEqual(mail.subject, f"{self.company.name}: service report {order.name}")
        self.assertEqual(mail.attachment_ids, order.report_attachment_id)
        self.assertTrue(mail.attachment_ids.name.endswith(".pdf"))
        self.assertIn("not signed yet", mail.body_html, "an unsigned report says where to sign")
        self.assertIn(f"/my/service-orders/{order.id}", mail.body_html)

    def test_report_email_speaks_the_clients_language(self):
        order, mail = self._finish("sv_SE")
        self.assertEqual(mail.subject, f"{self.company.name}: servicerapport {order.name}")
        self.assertIn("Hej", mail.body_html)
        self.assertTrue(order.report_attachment_id.name.startswith("Servicerapport"))
