import base64
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

_logger = logging.getLogger(__name__)


class ServiceOrderEstimate(models.Model):
    """An extra charge estimate made on site (MobileERP B6).

    The technician finds more to do than the order planned, lists the extra
    parts and labour (catalogue products) with their prices on the phone,
    and the client signs it on the same phone. Signing turns each line into
    a planned part of the order (``service.order.part`` with
    ``estimate_line_id``), so the part is used from the van as any other,
    and the settlement invoices what was used at the signed price and
    discount instead of the pricelist's. The signed estimate goes to the
    order's chatter as a PDF.

    * **draft**: being written; the technician changes anything;
    * **signed**: the client signed; nothing changes any more (a further
      change is a new estimate);
    * **refused**: the client said no, with their reason; no part is added;
    * **cancelled**: withdrawn before the client answered.

    Prices are in the company's currency, as the order's invoice is.
    """

    _name = "service.order.estimate"
    _description = "Extra charge estimate on a service order"
    _order = "order_id, id desc"

    name = fields.Char("Estimate", required=True, readonly=True, copy=False, default="/")
    order_id = fields.Many2one(
        "service.order",
        "Order",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('state', 'not in', ('done', 'cancelled'))]",
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="order_id.partner_id", string="Client")
    technician_user_id = fields.Many2one(
        related="order_id.technician_user_id", store=True, string="Technician user"
    )
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("signed", "Signed"),
            ("refused", "Refused"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    line_ids = fields.One2many(
        "service.order.estimate.line", "estimate_id", "Extra parts and labour", copy=True
    )
    note = fields.Text("Why", help="What was found on site that needs the extra work.")
    amount_untaxed = fields.Monetary(
        "Untaxed", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    amount_tax = fields.Monetary(
        "Taxes", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    amount_total = fields.Monetary(
        "Total", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    signature = fields.Image("Client's signature", copy=False, attachment=True, max_width=1024)
    signed_by = fields.Char("Signed by", copy=False, help="The name of the person who signs.")
    signed_on = fields.Datetime("Signed on", copy=False, readonly=True)
    refusal_reason = fields.Char(
        "Reason for refusal", copy=False, help="What the client said when they refused."
    )
    part_ids = fields.One2many(
        "service.order.part", "estimate_id", string="Parts on the order", readonly=True
    )

    # what the workflow writes itself; a user writes them only on a draft
    _WORKFLOW_FIELDS = {"state", "signed_on"}

    @api.depends("line_ids.price_subtotal", "line_ids.price_tax")
    def _compute_amounts(self):
        for estimate in self:
            estimate.amount_untaxed = sum(estimate.line_ids.mapped("price_subtotal"))
            estimate.amount_tax = sum(estimate.line_ids.mapped("price_tax"))
            estimate.amount_total = estimate.amount_untaxed + estimate.amount_tax

    @api.model_create_multi
    def create(self, vals_list):
        # "<order>-E<n>": the n-th estimate of the order, as the client reads it
        Order = self.env["service.order"]
        numbered = {}
        for vals in vals_list:
            if vals.get("order_id") and vals.get("name", "/") == "/":
                order_id = vals["order_id"]
                if order_id not in numbered:
                    numbered[order_id] = self.sudo().search_count([("order_id", "=", order_id)])
                numbered[order_id] += 1
                vals["name"] = f"{Order.browse(order_id).name}-E{numbered[order_id]}"
        estimates = super().create(vals_list)
        estimates._check_order_open()
        return estimates

    def write(self, vals):
        if not self.env.su and self._WORKFLOW_FIELDS & set(vals):
            raise UserError(self.env._("Use the estimate's buttons to sign, refuse or cancel it."))
        self._check_draft()
        res = super().write(vals)
        if "order_id" in vals:
            self._check_order_open()
        return res

    def unlink(self):
        self._check_draft()
        return super().unlink()

    def _check_draft(self):
        """Only a draft estimate changes: what the client signed or refused
        stays as it was."""
        if closed := self.filtered(lambda e: e.state != "draft"):
            raise UserError(
                self.env._(
                    "Estimate %(estimate)s is %(state)s and can no longer be changed: make a "
                    "new estimate for further work.",
                    estimate=closed[0].name,
                    state=closed[0]._state_label(),
                )
            )

    def _check_order_open(self):
        for estimate in self:
            if estimate.order_id.state in ("done", "cancelled"):
                raise UserError(
                    self.env._(
                        "%s is closed: extra work is estimated on an order still open.",
                        estimate.order_id.name,
                    )
                )

    def _get_pricelist_partner(self):
        """The client whose pricelist prices the lines: the order's
        commercial partner (read through ``partner_id``, which the form
        holds while a new line is priced)."""
        self.ensure_one()
        return (self.partner_id or self.order_id.partner_id).commercial_partner_id

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _write_workflow(self, vals):
        # the transitions below checked the step: the workflow's own fields are
        # written as the system, as service.order._write_state does
        return self.sudo().write(vals)

    # ------------------------------------------------------------------
    # client's answer
    # ------------------------------------------------------------------
    def action_sign(self):
        """*Client signs*: the client signed on the technician's phone. The
        lines become planned parts on the order, and the signed estimate is
        posted on the order's chatter as a PDF."""
        for estimate in self:
            estimate._check_answerable()
            if not estimate.line_ids:
                raise UserError(
                    self.env._(
                        "Estimate %s has no line: add the extra parts or labour first.",
                        estimate.name,
                    )
                )
            if not estimate.signature or not (estimate.signed_by or "").strip():
                raise UserError(
                    self.env._(
                        "Estimate %s needs the client's signature and name: let the client "
                        "write their name and sign, then press Client signs.",
                        estimate.name,
                    )
                )
        self._write_workflow({"state": "signed", "signed_on": fields.Datetime.now()})
        self.env["service.order.part"].create([line._prepare_part_vals() for line in self.line_ids])
        self._post_on_order()
        return True

    def action_refuse(self):
        """*Refused by client*: nothing is added to the order; the reason is
        kept and told on the order's chatter."""
        for estimate in self:
            estimate._check_answerable()
            if not (estimate.refusal_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Write what the client said in Reason for refusal, then press Refused "
                        "by client."
                    )
                )
        self._write_workflow({"state": "refused"})
        for estimate in self:
            estimate.order_id.sudo().message_post(
                body=self.env._(
                    "The client refused estimate %(estimate)s (%(total)s): %(reason)s",
                    estimate=estimate.name,
                    total=estimate._format_total(),
                    reason=estimate.refusal_reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_cancel(self):
        """The technician withdraws a draft estimate."""
        for estimate in self:
            estimate._check_answerable()
        self._write_workflow({"state": "cancelled"})
        return True

    def _check_answerable(self):
        self.ensure_one()
        self._check_draft()
        self._check_order_open()
        order = self.order_id
        if (
            not self.env.user.has_group("fsm_orders.group_fsm_coordinator")
            and order.technician_user_id != self.env.user
        ):
            raise UserError(
                self.env._(
                    "%s is not your order: estimates are made on your own orders.", order.name
                )
            )

    def _format_total(self):
        self.ensure_one()
        return format_amount(self.env, self.amount_total, self.currency_id)

    def _post_on_order(self):
        """The signed estimate as a PDF on the order's chatter; when the PDF
        cannot be rendered (wkhtmltopdf missing) the message carries the
        signature image, so that the client's consent is never lost."""
        report = self.env.ref("fsm_inventory.action_report_service_order_estimate")
        for estimate in self:
            filename = f"{estimate.name.replace('/', '-')}.pdf"
            try:
                with self.env.cr.savepoint():
                    pdf, _ftype = (
                        self.env["ir.actions.report"]
                        .sudo()
                        .with_context(lang=estimate.partner_id.lang or self.env.lang)
                        ._render_qweb_pdf(report, estimate.ids)
                    )
                attachments = [(filename, pdf)]
            except (UserError, OSError) as exc:
                _logger.warning("Estimate %s not rendered: %s", estimate.name, exc)
                attachments = [
                    (f"{estimate.name.replace('/', '-')}-signature.png",
                     base64.b64decode(estimate.signature)),
                ]  # fmt: skip
            # sudo: the technician posts the client's consent on their order,
            # which they may read but whose chatter followers they do not manage
            estimate.order_id.sudo().message_post(
                body=self.env._(
                    "%(signer)s signed estimate %(estimate)s: %(total)s.",
                    signer=estimate.signed_by,
                    estimate=estimate.name,
                    total=estimate._format_total(),
                ),
                attachments=attachments,
                subtype_xmlid="mail.mt_note",
            )


class ServiceOrderEstimateLine(models.Model):
    """A part or labour (a sellable catalogue product) on an estimate, at the
    client's pricelist price unless the technician changes it; the discount
    is the technician's to give."""

    _name = "service.order.estimate.line"
    _description = "Line of an extra charge estimate"
    _order = "estimate_id, sequence, id"

    estimate_id = fields.Many2one(
        "service.order.estimate", "Estimate", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="estimate_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="estimate_id.currency_id", string="Currency")
    product_id = fields.Many2one(
        "product.product",
        "Part or service",
        required=True,
        domain="[('sale_ok', '=', True), ('fsm_phone_ok', '=', True), "
        "('company_id', 'in', [company_id, False])]",
    )
    product_type = fields.Selection(related="product_id.type", string="Product type")
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    quantity = fields.Float("Quantity", digits="Product Unit", default=1.0, required=True)
    price_unit = fields.Float(
        "Unit price",
        digits="Product Price",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
        help="The client's pricelist price; the technician may change it before the client signs.",
    )
    discount = fields.Float("Discount (%)", digits="Discount")
    price_subtotal = fields.Monetary(
        "Subtotal", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    price_tax = fields.Monetary(
        "Tax", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    part_ids = fields.One2many(
        "service.order.part", "estimate_line_id", string="Part on the order", readonly=True
    )

    _quantity_positive = models.Constraint(
        "CHECK(quantity > 0)", "An estimate line's quantity must be above zero."
    )
    _price_positive = models.Constraint(
        "CHECK(price_unit >= 0)", "An estimate line's unit price cannot be negative."
    )
    _discount_range = models.Constraint(
        "CHECK(discount >= 0 AND discount <= 100)",
        "An estimate line's discount is between 0 and 100 %.",
    )

    @api.depends("product_id", "quantity", "estimate_id.partner_id")
    def _compute_price_unit(self):
        """The client's pricelist price as the settlement of used parts
        reads it (``service.order._prepare_settlement_lines``), the product's
        sale price when the client has no pricelist."""
        for line in self:
            if not line.product_id:
                line.price_unit = 0.0
                continue
            partner = line.estimate_id._get_pricelist_partner()
            pricelist = partner.property_product_pricelist
            line.price_unit = (
                pricelist._get_product_price(line.product_id, line.quantity or 1.0)
                if pricelist
                else line.product_id.lst_price
            )

    def _get_taxes(self):
        """The product's sale taxes of the company, mapped by the client's
        fiscal position as the invoice maps them."""
        self.ensure_one()
        company = self.company_id or self.env.company
        taxes = self.product_id.taxes_id._filter_taxes_by_company(company)
        partner = self.estimate_id._get_pricelist_partner()
        if partner:
            fiscal_position = (
                self.env["account.fiscal.position"]
                .with_company(company)
                ._get_fiscal_position(partner)
            )
            taxes = fiscal_position.map_tax(taxes)
        return taxes

    @api.depends("quantity", "price_unit", "discount", "product_id")
    def _compute_amounts(self):
        for line in self:
            currency = line.currency_id or self.env.company.currency_id
            price = line.price_unit * (1 - (line.discount or 0.0) / 100.0)
            taxes = line._get_taxes() if line.product_id else self.env["account.tax"]
            result = taxes.compute_all(
                price,
                currency,
                line.quantity,
                product=line.product_id,
                partner=line.estimate_id._get_pricelist_partner(),
            )
            line.price_subtotal = result["total_excluded"]
            line.price_tax = result["total_included"] - result["total_excluded"]

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.estimate_id._check_draft()
        return lines

    def write(self, vals):
        self.estimate_id._check_draft()
        res = super().write(vals)
        if "estimate_id" in vals:
            self.estimate_id._check_draft()
        return res

    def unlink(self):
        self.estimate_id._check_draft()
        return super().unlink()

    def _prepare_part_vals(self):
        self.ensure_one()
        return {
            "order_id": self.estimate_id.order_id.id,
            "product_id": self.product_id.id,
            "quantity_planned": self.quantity,
            "estimate_line_id": self.id,
        }
