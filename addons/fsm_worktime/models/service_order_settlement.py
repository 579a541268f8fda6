from odoo import api, fields, models
from odoo.tools import formatLang
from odoo.tools.sql import column_exists, create_column

from .res_company import LABOUR_RATE_MODES


class ServiceOrder(models.Model):
    """Labour on the invoice, and the order's internal cost.

    A done order settles its labour by its rate (``labour_rate_mode``, taken
    from the client, or the company's default, when the order gets its
    client; a coordinator may change it per order):

    * fixed fee: one unit of the company's fixed fee product;
    * hourly: the billable work (entries of a *work* type marked billable;
      travel is billed by km, not by the hour), in hours rounded by the
      company's rule on the order's total;
    * per km: the km of the order's billable travel entries.

    A mode that gives no quantity adds no line, so an hourly order with no
    work booked has nothing to invoice and *Create invoice* stays hidden. The
    line carries the product, the quantity and a name the client reads;
    Odoo's invoice line computes the unit price (the product's sales price,
    with its tax-included, currency and fiscal position rules) and the taxes
    (the product's, of the invoice's company, mapped by the fiscal position).

    The internal cost is the paid time booked on the order (travel, work,
    admin; not breaks) at each technician's ``hourly_cost``, in the company's
    currency; coordinators read it on the order and in its analysis, not
    technicians.
    """

    # settlement is its own concern, beside the timers of service_order.py
    _inherit = "service.order"  # pylint: disable=consider-merging-classes-inherited

    labour_rate_mode = fields.Selection(
        LABOUR_RATE_MODES,
        "Labour rate",
        compute="_compute_labour_rate_mode",
        store=True,
        readonly=False,
        tracking=True,
        help="How the order's labour is invoiced: a fixed fee, the billable work hours, or "
        "the km travelled. Taken from the client (or the company's default) when the client "
        "is set; a coordinator may change it for this order.",
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company currency"
    )
    labour_hours = fields.Float(
        "Paid hours",
        compute="_compute_labour_cost",
        store=True,
        groups="fsm_orders.group_fsm_coordinator",
        help="Paid time booked on the order (travel, work, admin; not breaks), in hours.",
    )
    labour_cost = fields.Monetary(
        "Labour cost",
        currency_field="company_currency_id",
        compute="_compute_labour_cost",
        store=True,
        groups="fsm_orders.group_fsm_coordinator",
        help="Internal cost of the order: each technician's paid hours on it times their "
        "hourly cost (Employees, HR settings tab).",
    )

    def _auto_init(self):
        """On install, the orders there are take the company's default rate
        in one statement: computing it would write "None → Hourly" in the
        chatter of every order (the field is tracked), and take minutes on a
        large database. No client has a rate of their own yet."""
        if not column_exists(self.env.cr, "service_order", "labour_rate_mode"):
            create_column(self.env.cr, "service_order", "labour_rate_mode", "varchar")
            self.env.cr.execute(
                "UPDATE service_order SET labour_rate_mode = %s",
                [self.env["res.company"]._fields["fsm_labour_rate_mode"].default(self)],
            )
        return super()._auto_init()

    @api.depends("partner_id", "company_id")
    def _compute_labour_rate_mode(self):
        """Taken when the order gets its client: changing a client's rate later
        applies to their new orders, and leaves the rate of orders already
        agreed (or changed by hand) as it is."""
        for order in self:
            # sudo: the client's rate is the coordinators' field; the order
            # takes it whoever creates the order
            client = order.partner_id.commercial_partner_id.sudo().with_company(order.company_id)
            order.labour_rate_mode = (
                client.fsm_labour_rate_mode or order.company_id.fsm_labour_rate_mode
            )

    @api.depends(
        "work_time_ids.duration",
        "work_time_ids.paid",
        "work_time_ids.employee_id.hourly_cost",
    )
    def _compute_labour_cost(self):
        for order in self:
            paid = order.work_time_ids.filtered("paid")
            order.labour_hours = sum(paid.mapped("duration"))
            order.labour_cost = sum(
                entry.duration * entry.employee_id.hourly_cost for entry in paid
            )

    @api.depends(
        "labour_rate_mode",
        "work_time_ids.duration",
        "work_time_ids.distance_km",
        "work_time_ids.billable",
        "work_time_ids.category",
    )
    def _compute_can_steps(self):
        # what there is to settle moves Create invoice (see _get_step_data_refusal)
        return super()._compute_can_steps()

    # ------------------------------------------------------------------
    # settlement
    # ------------------------------------------------------------------
    def _get_labour_quantity(self):
        """The quantity of labour to invoice under the order's rate: 1 (fixed
        fee), rounded billable work hours (hourly) or billable travel km (per km)."""
        self.ensure_one()
        mode = self.labour_rate_mode
        if mode == "fixed":
            return 1.0
        billable = self.work_time_ids.filtered("billable")
        if mode == "hourly":
            hours = sum(billable.filtered(lambda e: e.category == "work").mapped("duration"))
            return self.company_id._fsm_round_labour_hours(hours)
        if mode == "per_km":
            return sum(billable.filtered(lambda e: e.category == "travel").mapped("distance_km"))
        return 0.0

    def _get_labour_line_name(self, quantity):
        """The line as the client reads it, in the client's language."""
        self.ensure_one()
        order = self.with_context(lang=self.partner_id.commercial_partner_id.lang or self.env.lang)
        env = order.env
        if self.labour_rate_mode == "fixed":
            return env._("Service call: %(order)s (fixed fee)", order=self.name)
        if self.labour_rate_mode == "hourly":
            return env._(
                "Labour: %(hours)s h on %(order)s",
                hours=formatLang(env, quantity, digits=2),
                order=self.name,
            )
        return env._(
            "Travel: %(km)s km for %(order)s",
            km=formatLang(env, quantity, digits=1),
            order=self.name,
        )

    def _prepare_settlement_lines(self):
        """The order's lines (parts from other modules), and its labour line
        when the rate gives a quantity and the company has a product for it."""
        lines = super()._prepare_settlement_lines()
        quantity = self._get_labour_quantity()
        product = self.company_id._fsm_labour_product(self.labour_rate_mode)
        if quantity > 0 and product:
            lines.append(
                {
                    "product_id": product.id,
                    "quantity": quantity,
                    "name": self._get_labour_line_name(quantity),
                }
            )
        return lines

    def _get_step_data_refusal(self, step):
        """A billable order with labour to invoice and no product for its rate
        is refused with what to set, rather than "nothing to invoice"."""
        if (
            step == "invoice"
            and self.is_billable
            and self.invoice_status != "invoiced"
            and self.labour_rate_mode
            and not self.company_id._fsm_labour_product(self.labour_rate_mode)
            and self._get_labour_quantity() > 0
        ):
            mode = dict(self._fields["labour_rate_mode"]._description_selection(self.env))
            return self.env._(
                "%(order)s is invoiced at the %(rate)s labour rate, but %(company)s has no product "
                "for it: choose one in Field Service settings, Labour on invoices.",
                order=self.name,
                rate=mode[self.labour_rate_mode],
                company=self.company_id.name,
            )
        return super()._get_step_data_refusal(step)
