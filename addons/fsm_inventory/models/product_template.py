from odoo import api, fields, models


class ProductTemplate(models.Model):
    """The parts and services catalogue is Odoo's products, with what a
    field service firm's ERP keeps beside them.

    * the *catalogue number* is Odoo's own ``default_code`` (*Internal
      Reference*, shown as "Catalogue number"): Odoo already searches and
      prints it, and the product's name search matches it and the barcode;
    * unit, cost, sale price and taxes are Odoo's fields; the margin is the
      share of the sale price left over the cost, in %, stored so it can be
      listed and sorted (computed in the company of the environment, as the
      cost is per company);
    * ``fsm_discount`` is the discount the parts settlement puts on the
      invoice line of a used part;
    * ``fsm_phone_ok`` marks the part of the catalogue technicians pick from
      on their phone.

    The fields live on the template; ``product.product`` reads them through
    its template."""

    _inherit = "product.template"

    default_code = fields.Char(string="Catalogue number")
    fsm_erp_ref = fields.Char(
        "ERP id",
        index="btree_not_null",
        copy=False,
        help="The part's identifier in the firm's ERP, kept to match imports and exports.",
    )
    fsm_manufacturer = fields.Char("Manufacturer")
    fsm_model = fields.Char("Model", help="The manufacturer's model or type designation.")
    fsm_margin = fields.Float(
        "Margin (%)",
        compute="_compute_fsm_margin",
        store=True,
        digits=(16, 2),
        aggregator="avg",
        help="(Sales price - Cost) / Sales price, in %.",
    )
    fsm_discount = fields.Float(
        "Line discount (%)",
        digits="Discount",
        help="Discount put on the invoice line when the part is used on a service order.",
    )
    fsm_phone_ok = fields.Boolean(
        "On the phone",
        help="Technicians pick parts for their orders from the products marked on the phone.",
    )

    _fsm_discount_range = models.Constraint(
        "CHECK(fsm_discount >= 0 AND fsm_discount <= 100)",
        "A line discount is between 0 and 100 %.",
    )
    _fsm_erp_ref_company_unique = models.Constraint(
        "UNIQUE(fsm_erp_ref, company_id)",
        "Another product of this company has the same ERP id.",
    )

    @api.depends("list_price", "standard_price")
    def _compute_fsm_margin(self):
        for template in self:
            price = template.list_price
            template.fsm_margin = (
                (price - template.standard_price) / price * 100.0 if price else 0.0
            )
