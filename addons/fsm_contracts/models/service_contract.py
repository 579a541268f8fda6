from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import format_date

from .service_contract_type import COVER_CHOICES

STATES = [
    ("draft", "Draft"),
    ("running", "Running"),
    ("expired", "Expired"),
    ("closed", "Closed"),
]

BILLING_PERIODS = [
    ("none", "No recurring invoice"),
    ("month", "Monthly"),
    ("quarter", "Quarterly"),
    ("half_year", "Every six months"),
    ("year", "Yearly"),
]
PERIOD_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}

# what a settlement line is, for the contract's covers
SERVICES = ("labour", "travel", "parts")

# states in which a contract covered its period (a draft never did)
COVERING_STATES = ("running", "expired", "closed")


def period_bounds(day, period):
    """The calendar period of ``period`` (month, quarter, half year, year)
    that holds ``day``: its first and last day."""
    months = PERIOD_MONTHS[period]
    start = day.replace(month=(day.month - 1) // months * months + 1, day=1)
    return start, start + relativedelta(months=months, days=-1)


def _cover_field(string):
    """How a contract covers a service: its type's default, then as set."""
    return fields.Selection(
        COVER_CHOICES,
        string,
        required=True,
        compute="_compute_covers",
        precompute=True,
        store=True,
        readonly=False,
        tracking=True,
    )


class ServiceContract(models.Model):
    """A service contract with a client: what it covers, how fast the firm
    answers, what the client pays per period, and the maintenance it plans.

    *Coverage.* A contract covers its machines (``equipment_ids``) and sites
    (``location_ids``); with neither listed it covers every machine and site
    of its client. It covers from ``date_start`` to ``date_end`` once
    confirmed: a draft covers nothing, an expired or closed contract still
    covered the days of its period (an order done then is settled under it).
    Each service (labour, travel, parts) is covered wholly, not at all, or for
    the listed products and product categories.

    *Lifecycle.* draft → running (*Confirm*) → expired (the day after its end,
    by the daily job) or closed (by hand, ending it today). A renewal offer
    accepted makes the next period's contract; the old one stays readable.

    *Billing* is the addon's own daily job (see the README for why not the
    OCA's ``contract``): an invoice per calendar period, prorated by days when
    the contract starts or ends inside it, plus the done orders' out-of-cover
    work when the contract says so.
    """

    _name = "service.contract"
    _description = "Service contract"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "service.client.notify.mixin",
        "fsm.portal.field.access",
    ]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        "Number", required=True, copy=False, readonly=True, default="/", index="trigram"
    )
    title = fields.Char("Description", tracking=True, help="What the client calls the contract.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    type_id = fields.Many2one(
        "service.contract.type",
        "Type",
        required=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    kind = fields.Selection(related="type_id.kind", store=True)
    state = fields.Selection(
        STATES, default="draft", required=True, readonly=True, copy=False, tracking=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Client",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True, string="Client company"
    )
    contact_id = fields.Many2one(
        "res.partner",
        "Client contact",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="Who at the client hears of reminders and renewals (the client when empty).",
    )
    principal_id = fields.Many2one(
        "res.partner",
        "Works for",
        tracking=True,
        check_company=True,
        help="Subcontracting: the firm that ordered this work from us, for its client's "
        "machines. It is invoiced instead of the client.",
    )
    subcontractor_id = fields.Many2one(
        "res.partner",
        "Subcontractor",
        tracking=True,
        check_company=True,
        help="Subcontracting: the firm that does this work for us.",
    )
    user_id = fields.Many2one(
        "res.users",
        "Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
        help="Hears of the coming end and of what the contract's plans create.",
    )
    date_start = fields.Date("Start", required=True, tracking=True, default=fields.Date.today)
    date_end = fields.Date("End", required=True, tracking=True)
    equipment_ids = fields.Many2many(
        "service.equipment",
        "service_contract_equipment_rel",
        "contract_id",
        "equipment_id",
        string="Covered machines",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="Empty, with no site either: every machine of the client.",
    )
    location_ids = fields.Many2many(
        "res.partner",
        "service_contract_location_rel",
        "contract_id",
        "partner_id",
        string="Covered sites",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="Every machine at these sites, and the work done there without a machine.",
    )
    cover_labour = _cover_field("Labour")
    cover_travel = _cover_field("Travel")
    cover_parts = _cover_field("Parts")
    cover_product_ids = fields.Many2many(
        "product.product",
        string="Covered products",
        check_company=True,
        help="For a service covered as 'Listed products': these products are covered…",
    )
    cover_categ_ids = fields.Many2many(
        "product.category",
        string="Covered product categories",
        help="… and every product of these categories (and their subcategories).",
    )
    cover_summary = fields.Char("Covers", compute="_compute_cover_summary")
    sla_hours_low = fields.Float("Low priority (hours)")
    sla_hours_normal = fields.Float("Normal priority (hours)")
    sla_hours_high = fields.Float("High priority (hours)")
    sla_hours_urgent = fields.Float("Urgent (hours)")
    price = fields.Monetary("Price per period", tracking=True)
    billing_period = fields.Selection(
        BILLING_PERIODS, "Invoicing", required=True, default="month", tracking=True
    )
    billing_product_id = fields.Many2one(
        "product.product",
        "Invoiced as",
        check_company=True,
        default=lambda self: self.env.ref(
            "fsm_contracts.product_service_contract", raise_if_not_found=False
        ),
        help="The product of the period's invoice line: its taxes and income account apply.",
    )
    invoice_orders = fields.Boolean(
        "Invoice out-of-cover work with the period",
        default=True,
        help="The done orders under this contract are invoiced with its next period "
        "(only what the contract does not cover), instead of one invoice each.",
    )
    date_next_invoice = fields.Date(
        "Next invoice", copy=False, help="The first day of the next period to invoice."
    )
    invoice_ids = fields.One2many("account.move", "fsm_contract_id", "Invoices", readonly=True)
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    order_ids = fields.Many2many(
        "service.order",
        "service_order_contract_rel",
        "contract_id",
        "order_id",
        string="Orders",
        readonly=True,
    )
    order_count = fields.Integer(compute="_compute_order_count")
    plan_ids = fields.One2many("service.maintenance.plan", "contract_id", "Maintenance plans")
    previous_contract_id = fields.Many2one(
        "service.contract", "Renewal of", readonly=True, copy=False, index="btree_not_null"
    )
    next_contract_id = fields.Many2one(
        "service.contract", "Renewed by", readonly=True, copy=False, index="btree_not_null"
    )
    renewal_offer_ids = fields.One2many(
        "sale.order", "fsm_renewal_contract_id", "Renewal offers", readonly=True
    )
    end_reminder_for = fields.Date(
        "End reminded",
        copy=False,
        readonly=True,
        help="The end date of which the client and the responsible were reminded.",
    )
    close_reason = fields.Char("Why it ends", copy=False, tracking=True)
    note = fields.Html("Terms")
    document_count = fields.Integer("Documents", compute="_compute_document_count")

    _name_company_unique = models.Constraint(
        "UNIQUE(name, company_id)", "Another contract already has this number."
    )
    _dates_ordered = models.Constraint(
        "CHECK(date_end >= date_start)",
        "A contract cannot end before it starts: set its end after its start.",
    )
    _price_positive = models.Constraint(
        "CHECK(price >= 0)", "A contract's price cannot be negative."
    )
    _sla_positive = models.Constraint(
        "CHECK(sla_hours_low >= 0 AND sla_hours_normal >= 0 AND sla_hours_high >= 0 "
        "AND sla_hours_urgent >= 0)",
        "Response times cannot be negative.",
    )

    # ------------------------------------------------------------------
    # computes
    # ------------------------------------------------------------------
    @api.depends("type_id")
    def _compute_covers(self):
        for contract in self:
            contract_type = contract.type_id
            contract.cover_labour = contract_type.cover_labour or "all"
            contract.cover_travel = contract_type.cover_travel or "all"
            contract.cover_parts = contract_type.cover_parts or "none"

    @api.depends("cover_labour", "cover_travel", "cover_parts")
    def _compute_cover_summary(self):
        labels = {
            "labour": self.env._("labour"),
            "travel": self.env._("travel"),
            "parts": self.env._("parts"),
        }
        for contract in self:
            covered = [
                labels[service]
                + (self.env._(" (listed)") if contract[f"cover_{service}"] == "list" else "")
                for service in SERVICES
                if contract[f"cover_{service}"] != "none"
            ]
            contract.cover_summary = ", ".join(covered) or self.env._("nothing")

    def _compute_invoice_count(self):
        counts = dict(
            self.env["account.move"]._read_group(
                [("fsm_contract_id", "in", self.ids)], ["fsm_contract_id"], ["__count"]
            )
        )
        for contract in self:
            contract.invoice_count = counts.get(contract, 0)

    def _compute_order_count(self):
        for contract in self:
            contract.order_count = len(contract.order_ids)

    def _compute_document_count(self):
        counts = dict(
            self.env["ir.attachment"]._read_group(
                [("res_model", "=", self._name), ("res_id", "in", self.ids)],
                ["res_id"],
                ["__count"],
            )
        )
        for contract in self:
            contract.document_count = counts.get(contract.id, 0)

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for contract in self:
            contract.access_url = f"/my/contracts/{contract.id}"
        return result

    @api.depends("name", "title")
    def _compute_display_name(self):
        for contract in self:
            contract.display_name = " · ".join(filter(None, [contract.name, contract.title]))

    # ------------------------------------------------------------------
    # portal
    # ------------------------------------------------------------------
    @property
    def PORTAL_READABLE_FIELDS(self):
        return super().PORTAL_READABLE_FIELDS | {
            "name",
            "title",
            "type_id",
            "kind",
            "state",
            "partner_id",
            "commercial_partner_id",
            "date_start",
            "date_end",
            "equipment_ids",
            "location_ids",
            "cover_labour",
            "cover_travel",
            "cover_parts",
            "cover_product_ids",
            "cover_categ_ids",
            "cover_summary",
            "sla_hours_low",
            "sla_hours_normal",
            "sla_hours_high",
            "sla_hours_urgent",
            "price",
            "currency_id",
            "billing_period",
            "access_url",
        }

    def _portal_renewal_offers(self):
        """The renewal offers the client was sent (or accepted)."""
        self.ensure_one()
        return self.renewal_offer_ids.filtered(lambda offer: offer.state in ("sent", "sale"))

    # ------------------------------------------------------------------
    # constraints
    # ------------------------------------------------------------------
    @api.constrains("partner_id", "equipment_ids", "location_ids", "contact_id")
    def _check_client_records(self):
        for contract in self:
            client = contract.commercial_partner_id
            for machine in contract.equipment_ids:
                if machine.commercial_partner_id != client:
                    raise ValidationError(
                        self.env._(
                            "%(machine)s belongs to %(owner)s, not to %(client)s: a contract "
                            "covers only its client's machines.",
                            machine=machine.display_name,
                            owner=machine.commercial_partner_id.display_name,
                            client=client.display_name,
                        )
                    )
            for partner in contract.location_ids | contract.contact_id:
                if partner.commercial_partner_id != client:
                    raise ValidationError(
                        self.env._(
                            "%(partner)s is not a site or contact of %(client)s.",
                            partner=partner.display_name,
                            client=client.display_name,
                        )
                    )

    @api.constrains("state", "date_start", "date_end", "type_id", "equipment_ids", "location_ids")
    def _check_no_double_cover(self):
        """Two running contracts of one type over the same machine and days
        would bill the client twice for the same promise: refused, unless the
        company allows it (Field Service settings)."""
        for contract in self.filtered(lambda c: c.state == "running"):
            if contract.company_id.fsm_contract_allow_overlap:
                continue
            others = self.search(
                [
                    ("id", "!=", contract.id),
                    ("company_id", "=", contract.company_id.id),
                    ("commercial_partner_id", "=", contract.commercial_partner_id.id),
                    ("type_id", "=", contract.type_id.id),
                    ("state", "=", "running"),
                    ("date_start", "<=", contract.date_end),
                    ("date_end", ">=", contract.date_start),
                ]
            )
            mine = contract._fsm_covered_machines()
            for other in others:
                shared = mine & other._fsm_covered_machines()
                if shared or not (mine or other._fsm_covered_machines()):
                    raise ValidationError(
                        self.env._(
                            "%(other)s, a running %(type)s contract, already covers "
                            "%(machine)s from %(start)s to %(end)s. End one of them first, or "
                            "allow overlapping contracts in Field Service settings.",
                            other=other.display_name,
                            type=contract.type_id.name,
                            machine=(shared[:1].display_name or contract.partner_id.display_name),
                            start=format_date(self.env, other.date_start),
                            end=format_date(self.env, other.date_end),
                        )
                    )

    def _fsm_covered_machines(self):
        """The machines the contract covers: listed ones, those at its sites,
        or all of its client's when it lists neither."""
        self.ensure_one()
        Equipment = self.env["service.equipment"].with_context(active_test=False)
        if not self.equipment_ids and not self.location_ids:
            return Equipment.search([("commercial_partner_id", "=", self.commercial_partner_id.id)])
        at_sites = (
            Equipment.search([("location_id", "in", self.location_ids.ids)])
            if self.location_ids
            else Equipment
        )
        return self.equipment_ids | at_sites

    # ------------------------------------------------------------------
    # coverage
    # ------------------------------------------------------------------
    def _fsm_covers_day(self, day):
        self.ensure_one()
        return bool(
            self.state in COVERING_STATES and day and self.date_start <= day <= self.date_end
        )

    @api.model
    def _fsm_covering_domain(self, day):
        return (
            Domain("state", "in", COVERING_STATES)
            & Domain("date_start", "<=", day)
            & Domain("date_end", ">=", day)
        )

    @api.model
    def _fsm_find_covering(self, partner, equipment, location, day, company=None):
        """The contracts that cover work for ``partner`` on ``equipment`` (a
        recordset, maybe empty) at ``location`` on ``day``: those listing one
        of the machines first, then those of the site, then those covering
        all of the client's machines; the most recent first within each."""
        client = partner.commercial_partner_id
        if not client or not day:
            return self.browse()
        domain = self._fsm_covering_domain(day) & Domain("commercial_partner_id", "=", client.id)
        if company:
            domain &= Domain("company_id", "=", company.id)
        candidates = self.sudo().search(domain)
        sites = (location | equipment.location_id) - client
        by_machine = candidates.filtered(lambda c: c.equipment_ids & equipment)
        by_site = candidates.filtered(lambda c: c.location_ids & sites) - by_machine
        whole = candidates.filtered(lambda c: not c.equipment_ids and not c.location_ids)
        return (by_machine | by_site | whole).with_env(self.env)

    def _fsm_covers(self, service, product):
        """True when this contract covers ``service`` ('labour', 'travel' or
        'parts') for ``product``."""
        self.ensure_one()
        cover = self[f"cover_{service}"]
        if cover == "all":
            return True
        if cover == "none" or not product:
            return False
        if product in self.cover_product_ids:
            return True
        return bool(
            self.cover_categ_ids
            and product.categ_id
            and set(map(int, product.categ_id.parent_path.split("/")[:-1]))
            & set(self.cover_categ_ids.ids)
        )

    def _fsm_sla_hours(self, priority):
        """The contract's response time for ``priority``, 0 when it sets none."""
        self.ensure_one()
        # the same fields, in the order of the priorities, as the request types'
        return self[self.env["service.request.type"].SLA_FIELDS[int(priority or "1")]]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") in ("/", False, ""):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "service.contract"
                ) or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        if "date_start" in vals or "billing_period" in vals:
            # an invoiced contract's periods are fixed by its invoices
            invoiced = self.filtered("invoice_ids")
            if invoiced and any(
                vals.get(key) is not None and vals[key] != invoiced[:1][key]
                for key in ("date_start", "billing_period")
                if key in vals
            ):
                raise UserError(
                    self.env._(
                        "%s is already invoiced: its start and invoicing period can no longer "
                        "change. Close it and make a new contract instead.",
                        invoiced[:1].display_name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(contract.state != "draft" for contract in self):
            raise UserError(
                self.env._("Only draft contracts can be deleted; close a confirmed one instead.")
            )

    # ------------------------------------------------------------------
    # lifecycle
    # ------------------------------------------------------------------
    def action_confirm(self):
        """Draft → running: the contract covers from its start, and its first
        invoice is due on its start."""
        for contract in self:
            if contract.state != "draft":
                raise UserError(
                    self.env._("%s is not a draft: it is already confirmed.", contract.name)
                )
            if (
                contract.billing_period != "none"
                and contract.price
                and not (contract.billing_product_id)
            ):
                raise UserError(
                    self.env._(
                        "%s is invoiced per period: choose the product it is invoiced as.",
                        contract.name,
                    )
                )
        for contract in self:
            contract.write(
                {
                    "state": "running",
                    "date_next_invoice": contract.date_start
                    if contract.billing_period != "none" and contract.price
                    else False,
                }
            )
        today = fields.Date.context_today(self)
        self.filtered(lambda c: c.date_end < today).write({"state": "expired"})
        self._fsm_refresh_covered()
        return True

    def action_close(self):
        """Ends a running contract today (or on its own end, when that is
        earlier): it covers no later work, and its last period is invoiced
        prorated up to today."""
        today = fields.Date.context_today(self)
        for contract in self:
            if contract.state != "running":
                raise UserError(self.env._("Only running contracts can be closed."))
        for contract in self:
            end = min(contract.date_end, max(today, contract.date_start))
            vals = {"state": "closed", "date_end": end}
            if contract.date_next_invoice and contract.date_next_invoice > end:
                # the period under way was invoiced in advance: no credit is
                # made by itself (the accountant credits it from the invoice)
                vals["date_next_invoice"] = False
            contract.write(vals)
        self._fsm_refresh_covered()
        return True

    def action_reset_to_draft(self):
        """Back to draft, as long as nothing was invoiced under it."""
        for contract in self:
            if contract.state != "running" or contract.invoice_ids:
                raise UserError(
                    self.env._(
                        "%s was invoiced or is no longer running: close it instead.",
                        contract.name,
                    )
                )
        self.write({"state": "draft", "date_next_invoice": False})
        self._fsm_refresh_covered()
        return True

    def _fsm_refresh_covered(self):
        """The open requests and the orders not invoiced of these contracts'
        clients find their contracts again (one was confirmed, closed or
        set back to draft)."""
        self.env["service.order"]._fsm_refresh_contracts(self)
        self.env["service.request"]._fsm_refresh_contracts(self)

    @api.model
    def _cron_expire_contracts(self):
        """The day after its end, a running contract is expired."""
        today = fields.Date.context_today(self)
        ended = self.search([("state", "=", "running"), ("date_end", "<", today)])
        ended.write({"state": "expired"})
        return ended

    @api.model
    def _cron_remind_end(self):
        """N days before the end (the type's), the client and the responsible
        are told, once per end date: extending the contract moves its end and
        the reminder comes again before the new one."""
        today = fields.Date.context_today(self)
        candidates = self.search(
            [
                ("state", "=", "running"),
                ("type_id.renewal_reminder_days", ">", 0),
                ("date_end", ">=", today),
            ]
        )
        due = candidates.filtered(
            lambda c: (
                c.end_reminder_for != c.date_end
                and not c.next_contract_id
                and c.date_end - timedelta(days=c.type_id.renewal_reminder_days) <= today
            )
        )
        for contract in due:
            contract._fsm_send_end_reminder()
        return due

    def _fsm_send_end_reminder(self):
        self.ensure_one()
        # mark first: a failing mail server must not make the job repeat it daily
        self.end_reminder_for = self.date_end
        self._fsm_notify_client(
            "fsm_contracts.mail_template_contract_end", "fsm_contracts.sms_template_contract_end"
        )
        if self.user_id:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=max(
                    fields.Date.context_today(self), self.date_end - timedelta(days=7)
                ),
                summary=self.env._("Renew %s", self.name),
                note=self.env._(
                    "%(contract)s ends on %(end)s: send the client a renewal offer.",
                    contract=self.display_name,
                    end=format_date(self.env, self.date_end),
                ),
                user_id=self.user_id.id,
            )

    # ------------------------------------------------------------------
    # renewal
    # ------------------------------------------------------------------
    def _fsm_next_term(self):
        """The dates of the next period: from the day after the end, as long
        as this one."""
        self.ensure_one()
        start = self.date_end + timedelta(days=1)
        months = relativedelta(self.date_end + timedelta(days=1), self.date_start)
        if months.days == 0 and (months.months or months.years):
            end = start + relativedelta(years=months.years, months=months.months, days=-1)
        else:
            end = start + (self.date_end - self.date_start)
        return start, end

    def _fsm_periods_in(self, start, end):
        """How many billing periods run from ``start`` to ``end`` (prorated)."""
        self.ensure_one()
        if self.billing_period == "none":
            return 1.0
        total = 0.0
        day = start
        while day <= end:
            period_start, period_end = period_bounds(day, self.billing_period)
            last = min(period_end, end)
            total += ((last - day).days + 1) / ((period_end - period_start).days + 1)
            day = last + timedelta(days=1)
        return round(total, 4)

    def action_renewal_offer(self):
        """A quotation for the next period, at the contract's price: accepted
        in the portal (signed) or confirmed in the backend, it makes the next
        contract."""
        self.ensure_one()
        if self.state not in ("running", "expired"):
            raise UserError(
                self.env._("Only running or expired contracts are renewed: %s is not.", self.name)
            )
        if self.next_contract_id:
            raise UserError(
                self.env._(
                    "%(contract)s is already renewed by %(next)s.",
                    contract=self.name,
                    next=self.next_contract_id.name,
                )
            )
        if not self.billing_product_id:
            raise UserError(
                self.env._(
                    "Choose the product %s is invoiced as, to put it on an offer.", self.name
                )
            )
        start, end = self._fsm_next_term()
        client = self.principal_id or self.partner_id
        offer = (
            self.env["sale.order"]
            .with_company(self.company_id)
            .create(
                {
                    "partner_id": client.id,
                    "company_id": self.company_id.id,
                    "user_id": self.user_id.id,
                    "origin": self.name,
                    "fsm_renewal_contract_id": self.id,
                    "validity_date": max(
                        fields.Date.context_today(self), self.date_end - timedelta(days=1)
                    ),
                    "order_line": [
                        fields.Command.create(
                            {
                                "product_id": self.billing_product_id.id,
                                "product_uom_qty": self._fsm_periods_in(start, end),
                                "price_unit": self.price,
                                "name": self.env._(
                                    "Renewal of %(contract)s (%(type)s): %(start)s to %(end)s",
                                    contract=self.display_name,
                                    type=self.type_id.name,
                                    start=format_date(self.env, start),
                                    end=format_date(self.env, end),
                                ),
                            }
                        )
                    ],
                }
            )
        )
        self.message_post(
            body=self.env._("Renewal offer %s made.", offer.name),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": offer.id,
            "view_mode": "form",
        }

    def _fsm_renew(self, offer):
        """The next period's contract, made when ``offer`` is accepted: the
        same client, covers, machines, sites and plans, from the day after
        this one ends, at the offer's price per period."""
        self.ensure_one()
        if self.next_contract_id:
            return self.next_contract_id
        start, end = self._fsm_next_term()
        line = offer.order_line.filtered(lambda ln: ln.product_id == self.billing_product_id)[:1]
        renewed = self.copy(
            {
                "date_start": start,
                "date_end": end,
                "previous_contract_id": self.id,
                "price": line.price_unit if line else self.price,
                "plan_ids": [],
            }
        )
        for plan in self.plan_ids.filtered("active"):
            plan.copy({"contract_id": renewed.id, "date_start": plan._fsm_first_due_from(start)})
        self.next_contract_id = renewed
        renewed.action_confirm()
        renewed.message_post(
            body=self.env._(
                "Renews %(contract)s, accepted in offer %(offer)s.",
                contract=self.name,
                offer=offer.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        self.message_post(
            body=self.env._("Renewed by %s.", renewed.name), subtype_xmlid="mail.mt_note"
        )
        return renewed

    # ------------------------------------------------------------------
    # recurring billing
    # ------------------------------------------------------------------
    def _fsm_invoice_partner(self):
        self.ensure_one()
        return (self.principal_id or self.partner_id).commercial_partner_id

    def _fsm_prepare_period_line(self, period_start, period_end):
        """The period's line: the price, prorated by the days the contract
        runs in the period."""
        self.ensure_one()
        first = max(period_start, self.date_start)
        last = min(period_end, self.date_end)
        days = (last - first).days + 1
        period_days = (period_end - period_start).days + 1
        factor = days / period_days
        lang = self._fsm_invoice_partner().lang or self.env.lang
        env = self.with_context(lang=lang).env
        name = env._(
            "%(contract)s: %(start)s to %(end)s",
            contract=self.display_name,
            start=format_date(env, first),
            end=format_date(env, last),
        )
        if days != period_days:
            name += env._(" (%(days)s of %(total)s days)", days=days, total=period_days)
        return {
            "product_id": self.billing_product_id.id,
            "quantity": 1.0,
            "price_unit": self.currency_id.round(self.price * factor),
            "name": name,
        }

    def _fsm_orders_to_invoice(self, until):
        """Done orders under this contract, not invoiced yet, finished by ``until``."""
        self.ensure_one()
        if not self.invoice_orders:
            return self.env["service.order"]
        return (
            self.env["service.order"]
            .sudo()
            .search(
                [
                    ("contract_id", "=", self.id),
                    ("invoice_status", "=", "to_invoice"),
                    ("date_finished", "<", fields.Datetime.to_datetime(until + timedelta(days=1))),
                ]
            )
        )

    def _fsm_create_period_invoice(self, period_start):
        """The invoice of the period starting ``period_start`` (a draft), with
        the out-of-cover work of the contract's done orders."""
        self.ensure_one()
        period_start, period_end = period_bounds(period_start, self.billing_period)
        lines = [self._fsm_prepare_period_line(period_start, period_end)]
        orders = self._fsm_orders_to_invoice(min(period_end, self.date_end))
        for order in orders:
            lines += order._prepare_settlement_lines()
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self._fsm_invoice_partner().id,
                "company_id": self.company_id.id,
                "invoice_origin": self.name,
                "ref": self.name,
                "fsm_contract_id": self.id,
                "fsm_period_start": max(period_start, self.date_start),
                "invoice_line_ids": [fields.Command.create(line) for line in lines],
            }
        )
        for order in orders:
            order.invoice_ids = [fields.Command.link(invoice.id)]
        return invoice

    @api.model
    def _fsm_invoicing_domain(self, today):
        return Domain("state", "in", COVERING_STATES) & Domain("date_next_invoice", "<=", today)

    def _fsm_invoice_due_periods(self, today):
        """Invoice each period of the contract that has begun by ``today``,
        moving ``date_next_invoice`` with each invoice."""
        today = fields.Date.to_date(today)
        invoices = self.env["account.move"]
        for contract in self:
            while contract.date_next_invoice and contract.date_next_invoice <= today:
                start = contract.date_next_invoice
                if start > contract.date_end:
                    contract.date_next_invoice = False
                    break
                invoices |= contract._fsm_create_period_invoice(start)
                _period_start, period_end = period_bounds(start, contract.billing_period)
                following = period_end + timedelta(days=1)
                contract.date_next_invoice = following if following <= contract.date_end else False
        return invoices

    @api.model
    def _cron_invoice_contracts(self, batch_size=100):
        """Invoice every period that has begun: a contract's periods are the
        calendar months (quarters, half years, years) its dates touch, and
        each period's invoice is made on its first day (or the contract's
        start), once. Up to ``batch_size`` contracts per transaction; a
        contract another run holds is left to it (its invoice and its next
        date commit together), and Odoo runs the job again until none is
        left (``ir.cron._commit_progress``)."""
        today = fields.Date.context_today(self)
        domain = self._fsm_invoicing_domain(today)
        contracts = self.search(domain, limit=batch_size).try_lock_for_update(
            allow_referencing=True
        )
        # what the search read may have moved before the lock was granted
        contracts.invalidate_recordset(["date_next_invoice"])
        contracts._fsm_invoice_due_periods(today)
        self.env["ir.cron"]._commit_progress(len(contracts), remaining=self.search_count(domain))

    # ------------------------------------------------------------------
    # buttons
    # ------------------------------------------------------------------
    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("fsm_contract_id", "=", self.id)]
        action["context"] = {"default_move_type": "out_invoice", "create": False}
        return action

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fsm_orders.action_service_order")
        action["domain"] = [("contract_ids", "in", self.ids)]
        action["context"] = {"create": False}
        return action

    def action_view_documents(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Documents"),
            "res_model": "ir.attachment",
            "view_mode": "kanban,list,form",
            "domain": [("res_model", "=", self._name), ("res_id", "=", self.id)],
            "context": {"default_res_model": self._name, "default_res_id": self.id},
        }

    def action_view_next_contract(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.next_contract_id.id,
            "view_mode": "form",
        }
