import base64
import csv
import io
import zipfile

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import float_repr

STOCK_COLUMNS = [
    "document",
    "date",
    "type",
    "from_location",
    "to_location",
    "product_ref",
    "product_name",
    "serial",
    "quantity",
    "unit",
    "order",
]
INVOICE_COLUMNS = [
    "invoice",
    "date",
    "status",
    "client",
    "client_vat",
    "product_ref",
    "description",
    "quantity",
    "unit_price",
    "discount",
    "tax_rate",
    "net",
    "tax",
    "gross",
    "currency",
    "order",
]


class ServiceSettlementExport(models.TransientModel):
    """The stock documents and invoice data of service orders as CSV files,
    for firms whose accounting and warehouse run in another program (the
    exchange with Symfonia or Subiekt): a ZIP with ``stock_documents.csv``
    and ``invoices.csv`` in the layout of readme/USAGE.md (semicolons,
    UTF-8 with a header row, decimal points, ISO dates). No vendor format:
    the other program's import maps these columns.

    The orders are those selected in the list (``active_ids``), or every
    order of the company; the rows are those dated in the period. Only
    done stock moves are documents; cancelled invoices are left out, drafts
    are in with their status, as many such firms never post in Odoo."""

    _name = "service.settlement.export"
    _description = "Export of settlement data as CSV"

    date_from = fields.Date(
        "From", required=True, default=lambda self: fields.Date.context_today(self).replace(day=1)
    )
    date_to = fields.Date("To", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company",
        "Company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    order_ids = fields.Many2many(
        "service.order",
        string="Orders",
        default=lambda self: self._default_order_ids(),
        help="Leave empty to export every order of the company.",
    )
    data = fields.Binary("File", readonly=True, attachment=False)
    filename = fields.Char("File name", readonly=True)

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_to < wizard.date_from:
                raise ValidationError(
                    self.env._("The period ends before it starts: set To after From.")
                )

    @api.model
    def _default_order_ids(self):
        if self.env.context.get("active_model") == "service.order":
            return [fields.Command.set(self.env.context.get("active_ids") or [])]
        return []

    def _get_orders(self):
        self.ensure_one()
        if self.order_ids:
            orders = self.order_ids.filtered(lambda o: o.company_id == self.company_id)
            if not orders:
                raise UserError(
                    self.env._(
                        "None of the selected orders is of %s: pick its orders or another company.",
                        self.company_id.name,
                    )
                )
            return orders
        return self.env["service.order"].search([("company_id", "=", self.company_id.id)])

    def action_export(self):
        """Build the ZIP and download it."""
        self.ensure_one()
        if not self.env.user.has_group("account.group_account_invoice"):
            raise UserError(
                self.env._("Only a user with invoicing rights can export invoice data.")
            )
        orders = self._get_orders()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "stock_documents.csv", self._to_csv(STOCK_COLUMNS, self._stock_rows(orders))
            )
            archive.writestr(
                "invoices.csv", self._to_csv(INVOICE_COLUMNS, self._invoice_rows(orders))
            )
        self.write(
            {
                "data": base64.b64encode(buffer.getvalue()),
                "filename": f"settlement_{self.date_from}_{self.date_to}.zip",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/?model={self._name}&id={self.id}&field=data"
            "&filename_field=filename&download=true",
            "target": "self",
        }

    @api.model
    def _to_csv(self, columns, rows):
        stream = io.StringIO()
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return stream.getvalue().encode("utf-8")

    def _in_period(self, date):
        return self.date_from <= date <= self.date_to

    # ------------------------------------------------------------------
    # stock documents
    # ------------------------------------------------------------------
    def _stock_rows(self, orders):
        """One row per done stock move line of the orders' parts."""
        # sudo: the parts' transfers are the orders' own documents, which the
        # coordinator reads here without being a warehouse user (the parts
        # move stock the same way, see service.order.part)
        move_lines = (
            self.env["stock.move.line"]
            .sudo()
            .search(
                Domain("move_id.fsm_part_id.order_id", "in", orders.ids)
                & Domain("state", "=", "done"),
                order="date, id",
            )
        )
        precision = self.env["decimal.precision"].precision_get("Product Unit")
        rows = []
        for line in move_lines:
            date = fields.Date.context_today(self, line.date)
            if not self._in_period(date):
                continue
            rows.append(
                [
                    line.picking_id.name or line.move_id.reference or "",
                    date.isoformat(),
                    self._stock_type(line.move_id),
                    line.location_id.complete_name,
                    line.location_dest_id.complete_name,
                    line.product_id.default_code or "",
                    line.product_id.name,
                    line.lot_id.name or "",
                    float_repr(line.quantity, precision),
                    line.product_uom_id.name,
                    line.move_id.fsm_part_id.order_id.name,
                ]
            )
        return rows

    @api.model
    def _stock_type(self, move):
        """*internal* (warehouse to van, and any other transfer between the
        firm's locations), *delivery* (to the client: a part used),
        *return* (van back to the warehouse), *collected* (from the client
        back to the firm)."""
        source, destination = move.location_id, move.location_dest_id
        if destination.usage == "customer":
            return "delivery"
        if source.usage == "customer":
            return "collected"
        vans = move.company_id.fsm_van_parent_location_id
        if (
            vans
            and source.parent_path.startswith(vans.parent_path)
            and not destination.parent_path.startswith(vans.parent_path)
        ):
            return "return"
        return "internal"

    # ------------------------------------------------------------------
    # invoices
    # ------------------------------------------------------------------
    def _invoice_rows(self, orders):
        """One row per product line of the orders' invoices (not cancelled)."""
        order_of = {}
        for order in orders:
            for invoice in order.invoice_ids:
                order_of.setdefault(invoice.id, []).append(order.name)
        invoices = orders.invoice_ids.filtered(
            lambda m: m.state != "cancel" and self._in_period(m.invoice_date or m.date)
        ).sorted(lambda m: (m.invoice_date or m.date, m.id))
        precision = self.env["decimal.precision"].precision_get("Product Unit")
        price_precision = self.env["decimal.precision"].precision_get("Product Price")
        discount_precision = self.env["decimal.precision"].precision_get("Discount")
        states = dict(self.env["account.move"]._fields["state"].selection)
        rows = []
        for invoice in invoices:
            currency = invoice.currency_id
            client = invoice.commercial_partner_id
            for line in invoice.invoice_line_ids.filtered(
                lambda aml: aml.display_type == "product"
            ):
                rate = sum(
                    line.tax_ids.filtered(lambda t: t.amount_type == "percent").mapped("amount")
                )
                rows.append(
                    [
                        invoice.name if invoice.name and invoice.name != "/" else "",
                        (invoice.invoice_date or invoice.date).isoformat(),
                        invoice.state if invoice.state in states else "",
                        client.name,
                        client.vat or "",
                        line.product_id.default_code or "",
                        line.name or "",
                        float_repr(line.quantity, precision),
                        float_repr(line.price_unit, price_precision),
                        float_repr(line.discount, discount_precision),
                        float_repr(rate, 2),
                        float_repr(line.price_subtotal, currency.decimal_places),
                        float_repr(line.price_total - line.price_subtotal, currency.decimal_places),
                        float_repr(line.price_total, currency.decimal_places),
                        currency.name,
                        ",".join(order_of.get(invoice.id, [])),
                    ]
                )
        return rows
