from psycopg2.errors import UniqueViolation

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date


class ServiceOrder(models.Model):
    """An order under contract: which contracts cover it, and what of its
    work they cover on the invoice.

    The order finds its contracts (``service.contract._fsm_find_covering``)
    from its client, machines and site on the day of the work (finished,
    else scheduled, else today) until it is invoiced. A coordinator may choose
    other contracts, or none, with a reason (*Change contract*): the order
    keeps that choice, and the chatter says who made it and why.

    Settlement drops each line a contract covers: labour (the fixed fee or
    hourly labour product), travel (the km product) and parts (every other
    product), each by the contract's cover of that service.
    """

    _inherit = "service.order"

    contract_ids = fields.Many2many(
        "service.contract",
        "service_order_contract_rel",
        "order_id",
        "contract_id",
        string="Contracts",
        compute="_compute_contract_ids",
        store=True,
        readonly=True,
        copy=False,
        help="The contracts that cover this order's work: they decide what is invoiced.",
    )
    contract_id = fields.Many2one(
        "service.contract",
        "Contract",
        compute="_compute_contract_ids",
        store=True,
        index="btree_not_null",
        copy=False,
        help="The first of the order's contracts: its period invoice takes the order's "
        "out-of-cover work.",
    )
    contract_cover_summary = fields.Char("Cover", compute="_compute_contract_cover_summary")
    is_contract_manual = fields.Boolean(
        "Contract chosen by hand",
        copy=False,
        help="A coordinator chose the contracts: the order no longer finds them itself.",
    )
    contract_override_reason = fields.Char("Why this contract", copy=False, tracking=True)
    maintenance_plan_id = fields.Many2one(
        "service.maintenance.plan",
        "Maintenance plan",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    maintenance_occurrence = fields.Integer(
        "Plan occurrence", readonly=True, copy=False, help="The n-th visit of its plan."
    )
    maintenance_due_date = fields.Date("Maintenance due", readonly=True, copy=False)

    _maintenance_occurrence_unique = models.UniqueIndex(
        "(maintenance_plan_id, maintenance_occurrence) WHERE maintenance_plan_id IS NOT NULL",
        "This maintenance visit already has its order.",
    )

    # ------------------------------------------------------------------
    # coverage
    # ------------------------------------------------------------------
    def _fsm_contract_day(self):
        """The day whose contracts apply: the work's, else today."""
        self.ensure_one()
        moment = self.date_finished or self.scheduled_start
        if moment:
            return fields.Date.context_today(self, moment)
        return fields.Date.context_today(self)

    @api.depends(
        "partner_id",
        "equipment_ids",
        "location_id",
        "scheduled_start",
        "date_finished",
        "company_id",
        "is_contract_manual",
    )
    def _compute_contract_ids(self):
        Contract = self.env["service.contract"]
        for order in self:
            if order.is_contract_manual or order.invoice_status == "invoiced":
                order.contract_id = order.contract_ids[:1]
                continue
            found = Contract._fsm_find_covering(
                order.partner_id,
                order.equipment_ids,
                order.location_id,
                order._fsm_contract_day(),
                company=order.company_id,
            )
            order.contract_ids = found
            order.contract_id = found[:1]

    @api.depends("contract_ids.cover_summary")
    def _compute_contract_cover_summary(self):
        for order in self:
            order.contract_cover_summary = "; ".join(
                f"{contract.name}: {contract.cover_summary}" for contract in order.contract_ids
            )

    @api.model
    def _fsm_refresh_contracts(self, contracts):
        """Orders of these contracts' clients, not yet invoiced, find their
        contracts again (one was confirmed, closed or changed)."""
        if not contracts:
            return
        orders = self.sudo().search(
            [
                ("commercial_partner_id", "in", contracts.commercial_partner_id.ids),
                ("state", "!=", "cancelled"),
                ("invoice_status", "!=", "invoiced"),
                ("is_contract_manual", "=", False),
            ]
        )
        self.env.add_to_compute(self._fields["contract_ids"], orders)
        self.env.add_to_compute(self._fields["contract_id"], orders)
        orders._recompute_recordset(["contract_ids", "contract_id"])
        # what follows from the contracts (the invoice status) follows them
        orders.modified(["contract_ids"])

    def _fsm_override_contracts(self, contracts, reason):
        """A coordinator's choice of contracts (maybe none), with its reason
        in the chatter; the order keeps it."""
        self.ensure_one()
        self.check_access("write")
        if not self._is_coordinator():
            raise AccessError(self.env._("Only a coordinator chooses the contract of an order."))
        if not reason or not reason.strip():
            raise UserError(self.env._("Say why this order's contract changes."))
        foreign = contracts.filtered(
            lambda c: (
                c.commercial_partner_id != self.commercial_partner_id
                or c.company_id != self.company_id
                or c.state == "draft"
            )
        )
        if foreign:
            raise UserError(
                self.env._(
                    "%(contract)s is not a confirmed contract of %(client)s.",
                    contract=foreign[:1].display_name,
                    client=self.commercial_partner_id.display_name,
                )
            )
        before = self.contract_ids
        self.sudo().write(
            {
                "contract_ids": [fields.Command.set(contracts.ids)],
                "contract_id": contracts[:1].id,
                "is_contract_manual": True,
                "contract_override_reason": reason,
            }
        )
        self.message_post(
            body=self.env._(
                "Contract changed by hand from %(before)s to %(after)s: %(reason)s",
                before=", ".join(before.mapped("name")) or self.env._("none"),
                after=", ".join(contracts.mapped("name")) or self.env._("none (billed in full)"),
                reason=reason,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def action_fsm_find_contracts(self):
        """Back to the contracts the order finds itself."""
        for order in self:
            order.check_access("write")
        self.sudo().write({"is_contract_manual": False, "contract_override_reason": False})
        for order in self:
            order.message_post(
                body=self.env._(
                    "Contract found again: %s",
                    ", ".join(order.contract_ids.mapped("name")) or self.env._("none"),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_fsm_override_contract(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change contract"),
            "res_model": "service.order.contract.override",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_order_id": self.id,
                "default_contract_ids": self.contract_ids.ids,
            },
        }

    # ------------------------------------------------------------------
    # settlement
    # ------------------------------------------------------------------
    def _fsm_settlement_service(self, line):
        """Which service a settlement line is, for the contracts' covers."""
        self.ensure_one()
        company = self.company_id
        product = self.env["product.product"].browse(line.get("product_id"))
        if product and product == company._fsm_labour_product("per_km"):
            return "travel"
        if product and product in (
            company._fsm_labour_product("fixed") | company._fsm_labour_product("hourly")
        ):
            return "labour"
        return "parts"

    def _fsm_line_is_covered(self, line):
        self.ensure_one()
        service = self._fsm_settlement_service(line)
        product = self.env["product.product"].browse(line.get("product_id"))
        return any(contract._fsm_covers(service, product) for contract in self.contract_ids)

    def _prepare_settlement_lines(self):
        """What the contracts do not cover (the whole order without one, or
        with the context key ``fsm_contract_full_settlement``)."""
        lines = super()._prepare_settlement_lines()
        if not self.contract_ids or self.env.context.get("fsm_contract_full_settlement"):
            return lines
        return [line for line in lines if not self._fsm_line_is_covered(line)]

    def _fsm_covered_settlement_lines(self):
        """The lines the contracts take: shown on the order, never invoiced."""
        self.ensure_one()
        lines = self.with_context(fsm_contract_full_settlement=True)._prepare_settlement_lines()
        return [line for line in lines if self.contract_ids and self._fsm_line_is_covered(line)]

    @api.depends("contract_ids")
    def _compute_invoice_status(self):
        """A done order whose contracts cover all of it has nothing to invoice."""
        result = super()._compute_invoice_status()
        for order in self.filtered(lambda o: o.invoice_status == "to_invoice" and o.contract_ids):
            if not order._prepare_settlement_lines():
                order.invoice_status = "no"
        return result

    # ------------------------------------------------------------------
    # maintenance plans
    # ------------------------------------------------------------------
    def _fsm_post_planned_message(self):
        for order in self:
            order.message_post(
                body=self.env._(
                    "Made by maintenance plan %(plan)s of %(contract)s, due on %(due)s.",
                    plan=order.maintenance_plan_id.name,
                    contract=order.maintenance_plan_id.contract_id.display_name,
                    due=format_date(self.env, order.maintenance_due_date),
                ),
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _fsm_create_planned(self, vals):
        """Create a plan's order, or nothing when another run already made it
        (the unique index on plan and occurrence answers, even across two
        transactions: the second waits for the first and is refused)."""
        try:
            with self.env.cr.savepoint():
                return self.create(vals)
        except UniqueViolation:
            return self.browse()
