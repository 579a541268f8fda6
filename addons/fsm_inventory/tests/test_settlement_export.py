import base64
import csv
import io
import zipfile
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.misc import file_open

from odoo.addons.mail.tests.common import mail_new_test_user

from ..wizards.service_settlement_export import INVOICE_COLUMNS, STOCK_COLUMNS
from .test_parts import InventoryCase


@tagged("post_install", "-at_install")
class TestSettlementExport(InventoryCase):
    """Anna's order settled: 3 burr sets prepared to her van, 2 used at the
    client, 1 returned; a posted invoice with 25 % VAT."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_billing = mail_new_test_user(
            cls.env, login="coord_billing", name="Bo Billing",
            groups="fsm_orders.group_fsm_coordinator,account.group_account_invoice",
        )  # fmt: skip
        cls.vat25 = cls.env["account.tax"].create(
            {"name": "VAT 25 %", "amount": 25.0, "amount_type": "percent",
             "type_tax_use": "sale", "company_id": cls.company.id}
        )  # fmt: skip
        cls.burrs.taxes_id = cls.vat25
        cls.client_cafe.vat = "SE556677889901"
        order = cls.order
        order.write({"part_ids": [(0, 0, {"product_id": cls.burrs.id, "quantity_planned": 3})]})
        cls.part = order.part_ids
        order.with_user(cls.user_coord_north).action_fsm_prepare_parts()
        cls.transfer = cls.part.transfer_move_id.picking_id
        cls.transfer.action_assign()
        cls.transfer.move_ids.quantity = 3
        cls.transfer.move_ids.picked = True
        cls.transfer._action_done()
        quiet = order.with_context(fsm_skip_service_report=True, fsm_skip_client_notification=True)
        quiet.with_user(cls.user_tech_north).action_start()
        cls.part.with_user(cls.user_tech_north)._fsm_use(2)
        cls.part.with_user(cls.user_tech_north)._fsm_return(1)
        quiet.with_user(cls.user_tech_north).action_done()
        order.with_user(cls.user_billing).action_create_invoice()
        cls.invoice = order.invoice_ids
        cls.invoice.action_post()
        cls.today = fields.Date.context_today(cls.env["service.order"])

    def _export(self, user=None, orders=None, **vals):
        Wizard = self.env["service.settlement.export"].with_user(user or self.user_billing)
        if orders is not None:
            Wizard = Wizard.with_context(active_model="service.order", active_ids=orders.ids)
        form = Form(Wizard)
        for name, value in vals.items():
            setattr(form, name, value)
        wizard = form.save()
        action = wizard.action_export()
        self.assertIn(f"id={wizard.id}&field=data", action["url"])
        self.assertTrue(wizard.filename.endswith(".zip"))
        archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(wizard.data)))
        self.assertEqual(sorted(archive.namelist()), ["invoices.csv", "stock_documents.csv"])
        return {
            name: list(
                csv.DictReader(io.StringIO(archive.read(name).decode("utf-8")), delimiter=";")
            )
            for name in archive.namelist()
        }, archive

    def test_the_files_have_the_documented_header(self):
        _rows, archive = self._export()
        self.assertEqual(
            archive.read("stock_documents.csv").decode("utf-8").splitlines()[0],
            ";".join(STOCK_COLUMNS),
        )
        self.assertEqual(
            archive.read("invoices.csv").decode("utf-8").splitlines()[0],
            ";".join(INVOICE_COLUMNS),
        )
        with file_open("fsm_inventory/readme/USAGE.md") as usage_file:
            usage = usage_file.read()
        for column in STOCK_COLUMNS + INVOICE_COLUMNS:
            self.assertIn(f"`{column}`", usage, "every column is documented")

    def test_stock_documents_are_the_parts_moves(self):
        rows, _archive = self._export()
        stock = rows["stock_documents.csv"]
        moves = self.part.move_ids.filtered(lambda m: m.state == "done").sorted("id")
        self.assertEqual(len(stock), 3)
        stock_name = self.stock.complete_name
        van_name = self.van.complete_name
        customers = self.customers.complete_name
        common = {
            "date": self.today.isoformat(), "product_ref": "BUR-64",
            "product_name": "Burr set 64 mm", "serial": "", "unit": "Units",
            "order": self.order.name,
        }  # fmt: skip
        self.assertEqual(
            stock,
            [
                dict(common, document=moves[0].picking_id.name, type="internal",
                     from_location=stock_name, to_location=van_name, quantity="3.00"),
                dict(common, document=moves[1].picking_id.name, type="delivery",
                     from_location=van_name, to_location=customers, quantity="2.00"),
                dict(common, document=moves[2].picking_id.name, type="return",
                     from_location=van_name, to_location=stock_name, quantity="1.00"),
            ],
        )  # fmt: skip
        self.assertEqual(moves[0].picking_id, self.transfer)
        self.assertTrue(moves[1].picking_id.name.startswith("WH/OUT/"))
        self.assertTrue(moves[2].picking_id.name.startswith("WH/INT/"))

    @staticmethod
    def _part_rows(rows):
        """The invoice rows of the burr sets: with fsm_worktime installed, the
        visit's labour is a line of the same invoice."""
        return [row for row in rows["invoices.csv"] if row["product_ref"] == "BUR-64"]

    def test_invoice_lines_with_their_taxes(self):
        rows, _archive = self._export()
        self.assertEqual(
            self._part_rows(rows),
            [
                {
                    "invoice": self.invoice.name,
                    "date": self.invoice.invoice_date.isoformat(),
                    "status": "posted",
                    "client": "Café Norr AB",
                    "client_vat": "SE556677889901",
                    "product_ref": "BUR-64",
                    "description": f"[BUR-64] Burr set 64 mm on {self.order.name}",
                    "quantity": "2.00",
                    "unit_price": "42.00",
                    "discount": "0.00",
                    "tax_rate": "25.00",
                    "net": "84.00",
                    "tax": "21.00",
                    "gross": "105.00",
                    "currency": self.company.currency_id.name,
                    "order": self.order.name,
                }
            ],
        )
        self.assertTrue(self.invoice.name.startswith("INV/"))

    def test_period_and_selection_choose_the_rows(self):
        long_ago = self.today - timedelta(days=400)
        rows, _archive = self._export(date_from=long_ago, date_to=long_ago + timedelta(days=1))
        self.assertEqual(rows, {"stock_documents.csv": [], "invoices.csv": []})
        other = self._dispatched_order(self.tech_south)
        rows, _archive = self._export(orders=other)
        self.assertEqual(rows, {"stock_documents.csv": [], "invoices.csv": []})
        rows, _archive = self._export(orders=self.order | other)
        self.assertEqual(len(rows["stock_documents.csv"]), 3)
        self.assertEqual(len(self._part_rows(rows)), 1)

    def test_export_needs_invoicing_rights(self):
        with self.assertRaisesRegex(UserError, "invoicing rights"):
            self._export(user=self.user_coord_north)
        with self.assertRaisesRegex(ValidationError, "ends before it starts"):
            self._export(date_from=self.today, date_to=self.today - timedelta(days=1))
