import logging
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, format_datetime
from odoo.tools.image import base64_to_image
from odoo.tools.safe_eval import safe_eval, time as safe_time

from .field_rights import refused_field_labels

_logger = logging.getLogger(__name__)

STATES = [
    ("draft", "New"),
    ("planned", "Planned"),
    ("dispatched", "Dispatched"),
    ("accepted", "Accepted"),
    ("in_progress", "In progress"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]

PRIORITIES = [
    ("0", "Low"),
    ("1", "Normal"),
    ("2", "High"),
    ("3", "Urgent"),
]

# What the service report is made of: locked for technicians once the client signed.
REPORT_FIELDS = {"work_summary", "parts_note", "checklist_ids", "photo_ids", "equipment_ids"}

# Each workflow step: the states it starts from, and whether only a coordinator
# takes it (the others are the assigned technician's, or a coordinator's).
WORKFLOW_STEPS = {
    "plan": (("draft",), True),
    "dispatch": (("draft", "planned"), True),
    "accept": (("dispatched",), False),
    "start": (("dispatched", "accepted"), False),
    "done": (("in_progress",), False),
    "cancel": (("draft", "planned", "dispatched", "accepted", "in_progress"), True),
    "draft": (("cancelled", "planned"), True),
    "invoice": (("done",), True),
}
# The button field that shows each step (computed from the same check the step raises).
# Up to this many orders, each reads its five previous visits on its own
# (see ServiceOrder._compute_previous_visits).
PREVIOUS_VISITS_PER_ORDER_MAX = 20

STEP_FIELDS = {
    "plan": "can_plan",
    "dispatch": "can_dispatch",
    "accept": "can_accept",
    "start": "can_start",
    "done": "can_finish",
    "cancel": "can_cancel",
    "draft": "can_reset",
    "invoice": "can_create_invoice",
}


class ServiceOrder(models.Model):
    """A visit of a technician to a client's site to work on their equipment.

    The order is the unit that is planned, dispatched, executed and settled.
    Its life is ``draft → planned → dispatched → accepted → in_progress →
    done`` (or ``cancelled``) and is driven only by the ``action_*`` methods,
    which check the step and who takes it.
    """

    _name = "service.order"
    _description = "Service Order"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "service.client.notify.mixin",
    ]
    _order = "priority desc, scheduled_start, id desc"
    # the lists' order: the first page is read from an index, not sorted from the
    # whole table; the open orders (the coordinator's default filter) have their own
    _list_order_idx = models.Index("(priority DESC, scheduled_start, id DESC)")
    _open_list_order_idx = models.Index(
        "(priority DESC, scheduled_start, id DESC) WHERE state NOT IN ('done', 'cancelled')"
    )
    # the technician's record rule: their own orders by client, and the orders of
    # the clients they serve counted from the index alone
    _technician_client_idx = models.Index("(technician_user_id, commercial_partner_id)")
    _client_company_active_idx = models.Index(
        "(commercial_partner_id, company_id) WHERE active IS TRUE"
    )
    _check_company_auto = True
    _mail_post_access = "read"

    name = fields.Char(
        "Reference",
        required=True,
        copy=False,
        readonly=True,
        default=lambda self: self.env._("New"),
        index="trigram",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    state = fields.Selection(
        STATES,
        string="Status",
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        group_expand="_group_expand_states",
    )
    priority = fields.Selection(PRIORITIES, default="1", required=True, index=True, tracking=True)
    color = fields.Integer("Color index")

    # --- who and where -------------------------------------------------
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
        domain="[('is_company', '=', True)]",
        help="The client the work is done for (the company billed).",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True, string="Client company"
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact",
        tracking=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id),"
        " ('is_company', '=', False)]",
        help="The person the technician calls and who receives the notifications.",
    )
    contact_phone = fields.Char(
        "Contact phone", compute="_compute_contact_phone", help="Number to call on site."
    )
    location_id = fields.Many2one(
        "res.partner",
        string="Site",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="Where the work happens: the client's own address or one of its sites.",
    )
    site_address = fields.Char("Address", compute="_compute_site_address")
    site_latitude = fields.Float(related="location_id.partner_latitude", string="Latitude")
    site_longitude = fields.Float(related="location_id.partner_longitude", string="Longitude")
    directions_url = fields.Char(
        "Directions", compute="_compute_directions_url", help="Route to the site in Google Maps."
    )
    equipment_ids = fields.Many2many(
        "service.equipment",
        "service_order_equipment_rel",
        "order_id",
        "equipment_id",
        string="Equipment",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
    )
    team_id = fields.Many2one(
        "service.team", string="Team", tracking=True, index=True, check_company=True
    )
    technician_id = fields.Many2one(
        "hr.employee",
        string="Technician",
        tracking=True,
        index=True,
        check_company=True,
        domain="[('is_technician', '=', True)]",
    )
    fsm_client_served = fields.Boolean(
        "Client served by me",
        compute="_compute_fsm_client_served",
        search="_search_fsm_client_served",
        help="The current user is, or was, the technician of an order of this client.",
    )
    technician_user_id = fields.Many2one(
        "res.users",
        string="Technician user",
        related="technician_id.user_id",
        store=True,  # indexed by _technician_client_idx, whose first column it is
    )

    # --- what ------------------------------------------------------------
    description = fields.Html("Scope of work", help="What the client asked for and what to do.")
    parts_note = fields.Text(
        "Parts to collect",
        tracking=True,
        help="Parts the technician takes along (a note until stock is used).",
    )
    work_summary = fields.Text(
        "Work done", tracking=True, help="What the technician did, for the report."
    )
    internal_note = fields.Text("Internal note")

    # --- when ------------------------------------------------------------
    scheduled_start = fields.Datetime("Scheduled start", tracking=True, index=True, copy=False)
    scheduled_duration = fields.Float(
        "Duration", default=1.0, tracking=True, help="Planned time on site, in hours."
    )
    scheduled_end = fields.Datetime(
        "Scheduled end",
        compute="_compute_scheduled_end",
        inverse="_inverse_scheduled_end",
        store=True,
        index=True,
        copy=False,
    )
    window_start = fields.Datetime(
        "Available from", help="The client can receive the technician from this moment."
    )
    window_end = fields.Datetime("Available until", help="… and until this moment.")
    is_outside_window = fields.Boolean(
        "Outside the client's window", compute="_compute_is_outside_window"
    )
    arrival_window = fields.Char(
        "Arrival window",
        compute="_compute_arrival_window",
        help="What the client is told: the technician arrives in this interval.",
    )
    date_dispatched = fields.Datetime("Dispatched on", readonly=True, copy=False)
    date_accepted = fields.Datetime("Accepted on", readonly=True, copy=False)
    date_started = fields.Datetime("Started on", readonly=True, copy=False, tracking=True)
    date_finished = fields.Datetime("Finished on", readonly=True, copy=False, tracking=True)
    visit_time_label = fields.Char("Visit time", compute="_compute_visit_time_label")
    cancel_reason = fields.Char("Cancellation reason", copy=False, tracking=True)

    # --- what the current user may do: the buttons, from the checks the steps raise
    can_plan = fields.Boolean(compute="_compute_can_steps", export_string_translation=False)
    can_dispatch = fields.Boolean(compute="_compute_can_steps", export_string_translation=False)
    can_accept = fields.Boolean(compute="_compute_can_steps", export_string_translation=False)
    can_start = fields.Boolean(compute="_compute_can_steps", export_string_translation=False)
    can_finish = fields.Boolean(compute="_compute_can_steps", export_string_translation=False)
    can_cancel = fields.Boolean(compute="_compute_can_steps", export_string_translation=False)
    can_reset = fields.Boolean(compute="_compute_can_steps", export_string_translation=False)
    can_create_invoice = fields.Boolean(
        compute="_compute_can_steps", export_string_translation=False
    )
    finish_blocked_reason = fields.Char(
        "Before finishing",
        compute="_compute_can_steps",
        help="What keeps the order in progress from being finished by the current user.",
    )
    can_sign = fields.Boolean(compute="_compute_can_sign", export_string_translation=False)
    is_report_locked = fields.Boolean(
        "Report locked",
        compute="_compute_is_report_locked",
        help="The client signed: only a coordinator can still change the report.",
    )
    # the portal link's token lets its bearer read and sign the order as the
    # client: coordinators read it, and minting one needs write access
    access_token = fields.Char(groups="fsm_orders.group_fsm_coordinator")

    # --- signature (filled on site by the report module) ----------------
    signature = fields.Image("Signature", copy=False, attachment=True, max_width=1024)
    signed_by = fields.Char("Signed by", copy=False, tracking=True)
    signed_on = fields.Datetime("Signed on", copy=False, readonly=True)
    client_ref = fields.Char(
        "Client reference", copy=False, help="The client's own reference (ticket, PO number)."
    )

    # --- on site ---------------------------------------------------------
    checklist_ids = fields.One2many("service.order.checklist", "order_id", "Checklists", copy=False)
    checklist_missing_count = fields.Integer(compute="_compute_checklist_status")
    checklist_out_of_range_count = fields.Integer(compute="_compute_checklist_status")
    photo_ids = fields.One2many("service.order.photo", "order_id", "Photos", copy=False)
    warning_ids = fields.Many2many(
        "service.warning", compute="_compute_warning_ids", string="Warnings"
    )
    warning_summary = fields.Text("Warnings to know", compute="_compute_warning_ids")
    report_attachment_id = fields.Many2one(
        "ir.attachment", "Service report", copy=False, readonly=True
    )
    is_signed = fields.Boolean("Signed", compute="_compute_is_signed", store=True)

    # --- history ---------------------------------------------------------
    previous_visit_ids = fields.Many2many(
        "service.order",
        compute="_compute_previous_visits",
        string="Previous visits",
        help="Earlier orders on the same machines (or the same site when no machine is set).",
    )
    previous_visits_summary = fields.Text(compute="_compute_previous_visits")

    # --- settlement ------------------------------------------------------
    is_billable = fields.Boolean(
        "Billable", default=True, tracking=True, help="Off for warranty or contract work."
    )
    invoice_ids = fields.Many2many(
        "account.move",
        "service_order_invoice_rel",
        "order_id",
        "move_id",
        string="Invoices",
        copy=False,
        readonly=True,
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count", compute_sudo=True)
    invoice_status = fields.Selection(
        [("no", "Nothing to invoice"), ("to_invoice", "To invoice"), ("invoiced", "Invoiced")],
        compute="_compute_invoice_status",
        store=True,
        string="Invoice status",
    )

    # ------------------------------------------------------------------
    # constraints
    # ------------------------------------------------------------------
    _duration_positive = models.Constraint(
        "CHECK(scheduled_duration >= 0)", "The duration of a service order cannot be negative."
    )
    _window_ordered = models.Constraint(
        "CHECK(window_end >= window_start)",
        "The client's availability window closes before it opens: set 'Available until' "
        "after 'Available from'.",
    )
    _execution_ordered = models.Constraint(
        "CHECK(date_finished >= date_started)", "A service order cannot finish before it started."
    )

    @api.constrains("partner_id", "location_id", "contact_id", "equipment_ids")
    def _check_client_consistency(self):
        for order in self:
            client = order.partner_id.commercial_partner_id
            if order.location_id and order.location_id.commercial_partner_id != client:
                raise ValidationError(
                    self.env._(
                        "The site %(site)s does not belong to %(client)s: pick one of the "
                        "client's own sites.",
                        site=order.location_id.display_name,
                        client=client.display_name,
                    )
                )
            if order.contact_id and order.contact_id.commercial_partner_id != client:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is not a contact of %(client)s.",
                        contact=order.contact_id.display_name,
                        client=client.display_name,
                    )
                )
            foreign = order.equipment_ids.filtered(
                lambda e, c=client: e.partner_id.commercial_partner_id != c
            )
            if foreign:
                raise ValidationError(
                    self.env._(
                        "These machines belong to another client than %(client)s: "
                        "%(machines)s. An order can only cover the client's own equipment.",
                        machines=", ".join(foreign.mapped("display_name")),
                        client=client.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # computes
    # ------------------------------------------------------------------
    @api.depends("scheduled_start", "scheduled_duration")
    def _compute_scheduled_end(self):
        for order in self:
            if order.scheduled_start:
                order.scheduled_end = order.scheduled_start + timedelta(
                    hours=order.scheduled_duration or 0.0
                )
            else:
                order.scheduled_end = False

    def _inverse_scheduled_end(self):
        for order in self:
            if not order.scheduled_end:
                continue
            if not order.scheduled_start:
                raise ValidationError(
                    self.env._(
                        "%s has no scheduled start: set the start first, then the end.",
                        order.display_name,
                    )
                )
            delta = order.scheduled_end - order.scheduled_start
            if delta < timedelta(0):
                raise ValidationError(
                    self.env._(
                        "The scheduled end of %s is before its start: move the end after the "
                        "start.",
                        order.display_name,
                    )
                )
            order.scheduled_duration = delta.total_seconds() / 3600.0

    @api.depends("contact_id.phone", "partner_id.phone", "location_id.phone")
    def _compute_contact_phone(self):
        for order in self:
            order.contact_phone = (
                order.contact_id.phone or order.location_id.phone or order.partner_id.phone
            )

    @api.depends("location_id")
    def _compute_site_address(self):
        for order in self:
            order.site_address = order.location_id._fsm_one_line_address()

    @api.depends("location_id.partner_latitude", "location_id.partner_longitude")
    def _compute_directions_url(self):
        for order in self:
            order.directions_url = order.location_id._fsm_directions_url()

    @api.depends("scheduled_start", "scheduled_end", "window_start", "window_end")
    def _compute_is_outside_window(self):
        for order in self:
            order.is_outside_window = bool(
                order.scheduled_start
                and (
                    (order.window_start and order.scheduled_start < order.window_start)
                    or (order.window_end and order.scheduled_end > order.window_end)
                )
            )

    @api.depends(
        "scheduled_start",
        "company_id.fsm_arrival_margin",
        "partner_id.tz",
        "contact_id.tz",
        "contact_id.lang",
        "partner_id.lang",
    )
    def _compute_arrival_window(self):
        for order in self:
            order.arrival_window = order._get_arrival_window_text()

    def _get_client_tz(self, partner=None):
        """The client's time zone (not the zone of whoever dispatches or prints)."""
        self.ensure_one()
        partner = partner or self.contact_id or self.partner_id
        return (
            partner.tz
            or self.partner_id.commercial_partner_id.tz
            or self.company_id.partner_id.tz
            or "UTC"
        )

    def _get_arrival_window_text(self, partner=None):
        """The arrival interval as the client reads it, in the client's zone and language."""
        self.ensure_one()
        if not self.scheduled_start:
            return False
        partner = partner or self.contact_id or self.partner_id
        tz = self._get_client_tz(partner)
        margin = timedelta(hours=self.company_id.fsm_arrival_margin or 0.0)
        env = self.with_context(lang=partner.lang or self.env.lang).env
        start = format_datetime(env, self.scheduled_start, tz=tz, dt_format="EEE d MMM y, HH:mm")
        end = format_datetime(env, self.scheduled_start + margin, tz=tz, dt_format="HH:mm")
        return f"{start}–{end}" if margin else start

    @api.depends("name", "partner_id")
    @api.depends_context("fsm_show_client")
    def _compute_display_name(self):
        """In the planning views an order reads "SO/2026/00031 · Café Norr AB"."""
        show_client = self.env.context.get("fsm_show_client")
        for order in self:
            name = order.name if order.id else self.env._("New")
            if show_client and order.partner_id:
                order.display_name = f"{name} · {order.partner_id.name}"
            else:
                order.display_name = name

    @api.depends("scheduled_start", "scheduled_end")
    @api.depends_context("tz", "uid")
    def _compute_visit_time_label(self):
        tz = self.env.tz.zone
        for order in self:
            if not order.scheduled_start:
                order.visit_time_label = False
                continue
            start = format_datetime(self.env, order.scheduled_start, tz=tz, dt_format="HH:mm")
            end = format_datetime(self.env, order.scheduled_end, tz=tz, dt_format="HH:mm")
            order.visit_time_label = f"{start}–{end}"

    @api.depends("signature")
    def _compute_is_signed(self):
        for order in self:
            order.is_signed = bool(order.signature)

    @api.depends("checklist_ids.missing_count", "checklist_ids.out_of_range_count")
    def _compute_checklist_status(self):
        for order in self:
            order.checklist_missing_count = sum(order.checklist_ids.mapped("missing_count"))
            order.checklist_out_of_range_count = sum(
                order.checklist_ids.mapped("out_of_range_count")
            )

    @api.depends("partner_id", "location_id", "equipment_ids")
    def _compute_warning_ids(self):
        # one query for every order shown (a My day list, say), then sorted out here
        client_and_sites = self.partner_id.commercial_partner_id | self.location_id
        warnings = self.env["service.warning"].search(
            Domain("partner_id", "in", client_and_sites.ids)
            | Domain("equipment_id", "in", self.equipment_ids.ids)
        )
        for order in self:
            partners = order.partner_id.commercial_partner_id | order.location_id
            mine = warnings.filtered(
                lambda w, p=partners, e=order.equipment_ids: (
                    w.partner_id in p or w.equipment_id in e
                )
            )
            order.warning_ids = mine
            order.warning_summary = (
                "\n".join(f"⚠ {w.target_display}: {w.name}" for w in mine) or False
            )

    def _compute_access_url(self):
        for order in self:
            order.access_url = f"/my/service-orders/{order.id}"

    @api.depends(
        "state",
        "technician_id.user_id",
        "scheduled_start",
        "is_billable",
        "invoice_ids.state",
        "signature",
        "company_id.fsm_signature_required",
        "checklist_ids.line_ids.is_answered",
    )
    @api.depends_context("uid")
    def _compute_can_steps(self):
        for order in self:
            for step, fname in STEP_FIELDS.items():
                order[fname] = not order._get_step_refusal(step)
            # an order not saved yet has nothing to cancel (the form discards it)
            order.can_cancel = order.can_cancel and bool(order._origin.id)
            order.finish_blocked_reason = (
                order._get_step_refusal("done") if order.state == "in_progress" else False
            )

    @api.depends("state", "signed_on")
    @api.depends_context("uid")
    def _compute_can_sign(self):
        for order in self:
            order.can_sign = not order._get_sign_refusal()

    @api.depends("signed_on")
    @api.depends_context("uid")
    def _compute_is_report_locked(self):
        locked = self._get_report_locked()
        for order in self:
            order.is_report_locked = order in locked

    @api.depends("commercial_partner_id.fsm_technician_user_ids")
    @api.depends_context("uid")
    def _compute_fsm_client_served(self):
        for order in self:
            served = order.commercial_partner_id.fsm_technician_user_ids
            order.fsm_client_served = self.env.uid in served.ids

    def _search_fsm_client_served(self, operator, value):
        """``commercial_partner_id IN (clients of the current user)``: a plain
        subquery on the stored relation, which the planner estimates well (a
        path in a record rule becomes a join whose estimate makes PostgreSQL
        read all of a technician's orders to sort the first page of them)."""
        if operator not in ("in", "not in", "=", "!="):
            return NotImplemented
        served_by = self.env["res.partner"]._fields["fsm_technician_user_ids"]
        served = SQL(
            "SELECT partner_id FROM %s WHERE user_id = %s",
            SQL.identifier(served_by.relation),
            self.env.uid,
            to_flush=served_by,
        )
        domain = Domain("commercial_partner_id", "any!", served)
        values = {value} if isinstance(value, bool) else set(value)
        positive = (True in values) == (operator in ("in", "="))
        return domain if positive else ~domain

    @api.depends("equipment_ids", "location_id", "scheduled_start")
    def _compute_previous_visits(self):
        """Earlier done visits on the same machines (or site when no machine),
        newest first, five at most.

        A few orders (a form, My day's cards) read five visits each, with one
        small indexed search per order: a machine serviced for years has
        hundreds of visits, and reading them all to keep five is what grows
        with the firm's history. Many orders (a list of 80) read their
        machines' and their sites' histories in one search each instead: one
        search ORing both makes PostgreSQL read every done order of the firm."""
        done = Domain("state", "=", "done")
        if len(self) <= PREVIOUS_VISITS_PER_ORDER_MAX:
            for order in self:
                where = (
                    Domain("equipment_ids", "in", order.equipment_ids.ids)
                    if order.equipment_ids
                    else Domain("location_id", "=", order.location_id.id)
                )
                previous = (
                    self.search(
                        done & where & Domain("id", "not in", order._origin.ids),
                        order="date_finished desc",
                        limit=5,
                    )
                    if order.equipment_ids or order.location_id
                    else self.browse()
                )
                order._set_previous_visits(previous)
            return
        with_machines = self.filtered("equipment_ids")
        sites = (self - with_machines).location_id
        history = self.browse()
        if with_machines:
            history |= self.search(
                done & Domain("equipment_ids", "in", with_machines.equipment_ids.ids)
            )
        if sites:
            history |= self.search(done & Domain("location_id", "in", sites.ids))
        history = history.sorted("date_finished", reverse=True)
        for order in self:
            if order.equipment_ids:
                previous = history.filtered(lambda v, e=order.equipment_ids: v.equipment_ids & e)
            else:
                previous = history.filtered(lambda v, s=order.location_id: v.location_id == s)
            previous = (
                (previous - order)[:5]
                if order.location_id or order.equipment_ids
                else self.browse()
            )
            order._set_previous_visits(previous)

    def _set_previous_visits(self, previous):
        for order in self:
            order.previous_visit_ids = previous
            order.previous_visits_summary = (
                "\n".join(
                    self.env._(
                        "%(date)s %(ref)s by %(tech)s: %(work)s",
                        date=fields.Date.to_string(visit.date_finished),
                        ref=visit.name,
                        tech=visit.technician_id.name or "-",
                        work=(visit.work_summary or "").split("\n")[0][:80] or "-",
                    )
                    for visit in previous
                )
                or False
            )

    @api.depends("invoice_ids")
    def _compute_invoice_count(self):
        for order in self:
            order.invoice_count = len(order.invoice_ids)

    @api.depends("state", "is_billable", "invoice_ids.state")
    def _compute_invoice_status(self):
        for order in self:
            invoices = order.invoice_ids.filtered(lambda m: m.state != "cancel")
            if invoices:
                order.invoice_status = "invoiced"
            elif order.state == "done" and order.is_billable:
                order.invoice_status = "to_invoice"
            else:
                order.invoice_status = "no"

    @api.model
    def _group_expand_states(self, states, domain):
        return [key for key, _label in STATES if key != "cancelled"]

    # ------------------------------------------------------------------
    # onchanges
    # ------------------------------------------------------------------
    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        client = self.partner_id.commercial_partner_id
        if self.location_id.commercial_partner_id != client:
            sites = client.child_ids.filtered(lambda p: p.type == "other")
            self.location_id = sites[:1] if len(sites) == 1 else client
        if self.contact_id.commercial_partner_id != client:
            self.contact_id = False
        self.equipment_ids = self.equipment_ids.filtered(
            lambda e: e.commercial_partner_id == client
        )

    @api.onchange("location_id")
    def _onchange_location_id(self):
        if self.location_id and not self.equipment_ids:
            machines = self.env["service.equipment"].search(
                [("location_id", "=", self.location_id.id)], limit=2
            )
            if len(machines) == 1:
                self.equipment_ids = machines

    @api.onchange("technician_id")
    def _onchange_technician_id(self):
        teams = self.technician_id.service_team_ids
        if teams and self.team_id not in teams:
            self.team_id = teams[:1]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        unnumbered = ("/", self.env._("New"))
        for vals in vals_list:
            if vals.get("name") in (None, False, "", *unnumbered):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "service.order"
                ) or self.env._("New")
            if vals.get("partner_id") and not vals.get("location_id"):
                vals["location_id"] = vals["partner_id"]
        orders = super().create(vals_list)
        orders.partner_id._fsm_mark_as_clients()
        orders._fsm_add_default_checklists()
        orders._fsm_subscribe_technicians()
        orders.location_id._fsm_ensure_geolocation()
        return orders

    def write(self, vals):
        self._check_field_write_access(vals)
        if not self._is_coordinator() and REPORT_FIELDS & set(vals):
            self._check_report_editable()
        stamp = {}
        if "signature" in vals:
            self._check_can_sign(vals)
            # the server's clock, not the caller's, says when the client signed
            # (the tap's time for a signature queued offline, see _fsm_now)
            stamp = {"signed_on": self._fsm_now() if vals["signature"] else False}
        res = super().write(vals)
        if stamp:
            super(ServiceOrder, self.sudo()).write(stamp)
        if "technician_id" in vals:
            self._fsm_subscribe_technicians()
        if vals.get("partner_id"):
            self.partner_id._fsm_mark_as_clients()
        if "location_id" in vals:
            self.location_id._fsm_ensure_geolocation()
        if "equipment_ids" in vals:
            self._fsm_add_default_checklists()
        if vals.get("signature") and self.filtered(lambda o: o.state == "done"):
            self.filtered(lambda o: o.state == "done")._fsm_send_service_report()
        return res

    # ------------------------------------------------------------------
    # field rights: what a technician may write, one source for the write
    # check (AccessError), fields_get's readonly and the form
    # ------------------------------------------------------------------
    @property
    def TECHNICIAN_WRITABLE_FIELDS(self):
        """Fields a technician may change on an order assigned to them;
        everything else (client, site, schedule, assignment) is the
        coordinator's. An addon that gives technicians more to fill in
        extends it::

            @property
            def TECHNICIAN_WRITABLE_FIELDS(self):
                return super().TECHNICIAN_WRITABLE_FIELDS | {"work_time_ids"}

        The write check, ``fields_get``'s readonly and the form's read-only
        fields all follow from it (``_has_field_access``)."""
        return {
            "work_summary",
            "parts_note",
            "internal_note",
            "message_main_attachment_id",
            "activity_ids",
            "message_follower_ids",
            "message_ids",
            "equipment_ids",  # technician records a machine found on site
            "checklist_ids",
            "photo_ids",
            "signature",
            "signed_by",
        }

    @api.model
    @tools.ormcache(cache="stable")
    def _technician_writable_fields(self):
        return frozenset(self.TECHNICIAN_WRITABLE_FIELDS)

    def _has_field_access(self, field, operation):
        if not super()._has_field_access(field, operation):
            return False
        if operation == "write" and not self._is_coordinator():
            return field.name in self._technician_writable_fields()
        return True

    def _check_field_write_access(self, vals):
        """One AccessError naming every field of ``vals`` the user may not
        write (Odoo's own check would name the first, technically)."""
        if refused := refused_field_labels(self, vals):
            raise AccessError(
                self.env._(
                    "Only a coordinator can change %(fields)s on a service order.", fields=refused
                )
            )

    @api.model
    def _get_view_cache_key(self, view_id=None, view_type="form", **options):
        """The form's read-only fields depend on the role (see ``_get_view``)."""
        return super()._get_view_cache_key(view_id, view_type, **options) + (
            self._is_coordinator(),
        )

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """Fields the user may not write are read-only in forms and lists, so
        that nobody types into a field whose save would be refused; their
        other ``readonly`` conditions (a done order's client, say) are the
        coordinators'."""
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type in ("form", "list") and not self._is_coordinator():
            locked = set()
            for node in arch.xpath("//field[not(ancestor::field)]"):
                field = self._fields.get(node.get("name"))
                if field and not self._has_field_access(field, "write"):
                    node.set("readonly", "True")
                    locked.add(node)
            if view_type == "form":
                self._hide_empty_locked_fields(arch, locked)
                self._plain_locked_avatar_fields(locked)
        return arch, view

    @api.model
    def _plain_locked_avatar_fields(self, locked):
        """A locked many-to-one shows its plain name, without its avatar
        widget: on a technician's own order the technician is themselves, and
        the employee avatar widget costs the phone a round trip before the
        form shows (hr's widget asks the server whether the user is an HR
        officer) and an image (measured by
        tests/benchmarks/bench_phone_network.py: 0.3 s of the 1.3 s an order
        took to open on 3G). The coordinators' form keeps the avatars."""
        for node in locked:
            if (node.get("widget") or "").startswith("many2one_avatar"):
                del node.attrib["widget"]

    @api.model
    def _hide_empty_locked_fields(self, arch, locked):
        """A field its reader can neither fill nor read is noise on a phone:
        in the form's groups, an empty field locked for the user (and the label
        and row of a pair such as the client's availability) is hidden until it
        has a value. Yes/no fields stay, "no" is an answer; fields with an
        ``invisible`` of their own keep it."""

        def hideable(node):
            field = self._fields[node.get("name")]
            return node in locked and not node.get("invisible") and field.type != "boolean"

        for node in arch.xpath("//group/field[not(ancestor::field)]"):
            if hideable(node):
                node.set("invisible", f"not {node.get('name')}")
        for label in arch.xpath("//group/label[@for]"):
            row = label.getnext()
            fields = row.xpath(".//field") if row is not None and row.tag == "div" else []
            if fields and not row.get("invisible") and all(map(hideable, fields)):
                condition = " and ".join(f"not {node.get('name')}" for node in fields)
                label.set("invisible", condition)
                row.set("invisible", condition)

    @api.model
    def _fsm_add_default_checklists_to_unstarted(self, categories=None):
        """Give orders not started yet the checklists their machines' categories
        call for (after a template was attached to a category, say). With
        ``categories``, only orders with a machine of those categories or of
        their subcategories are read."""
        domain = [("state", "in", ("draft", "planned", "dispatched", "accepted"))]
        if categories is not None:
            if not categories:
                return
            domain.append(("equipment_ids.category_id", "child_of", categories.ids))
        self.search(domain)._fsm_add_default_checklists()

    def _fsm_add_default_checklists(self):
        """Add the checklists of the machines' categories (or their parent
        categories) that are not there yet; one template query for all orders."""
        orders = self.filtered(lambda o: o.state not in ("done", "cancelled"))
        categories = orders.equipment_ids.category_id
        if not categories:
            return
        templates = self.env["service.checklist.template"].search(
            [("category_ids", "parent_of", categories.ids)]
        )
        vals_list = []
        for order in orders:
            lineage = {
                int(cid)
                for path in order.equipment_ids.category_id.mapped("parent_path")
                for cid in path.split("/")
                if cid
            }
            wanted = templates.filtered(lambda t, ids=lineage: set(t.category_ids.ids) & ids)
            vals_list += [
                {"order_id": order.id, "template_id": t.id}
                for t in wanted - order.checklist_ids.template_id
            ]
        if vals_list:
            self.env["service.order.checklist"].sudo().create(vals_list)

    def _get_report_locked(self):
        """The orders of ``self`` whose report the current user may no longer
        change: signed by the client, and the user is not a coordinator (who
        can, and the chatter keeps the trail). ``signed_on`` is the server's
        stamp of a saved signature: a signature drawn in the form but not yet
        saved locks nothing, so that it can be saved."""
        if self._is_coordinator():
            return self.browse()
        return self.filtered("signed_on")

    def _check_report_editable(self):
        locked = self._get_report_locked()
        if locked:
            raise UserError(
                self.env._(
                    "%s is signed by the client: its report can no longer be changed. "
                    "Ask a coordinator if something must be corrected.",
                    ", ".join(locked.mapped("name")),
                )
            )

    def _get_sign_refusal(self):
        """Why the current user cannot sign (or clear the signature of) this
        order, or False. The signature field and the portal ask it."""
        self.ensure_one()
        if self.state not in ("in_progress", "done"):
            return self.env._(
                "%(order)s is %(state)s: only an order in progress or done can be signed.",
                order=self.name,
                state=self._state_label(),
            )
        if self.signed_on and not self._is_coordinator():
            return self.env._("%s is already signed.", self.name)
        return False

    def _check_can_sign(self, vals):
        """All or nothing: the signer's name and a real image, or nothing is written."""
        for order in self:
            if refusal := order._get_sign_refusal():
                raise UserError(refusal)
            if vals["signature"] and not (vals.get("signed_by") or order.signed_by or "").strip():
                raise ValidationError(
                    self.env._("Enter the name of the person who signs %s.", order.name)
                )
        if vals["signature"]:
            self._check_signature_image(vals["signature"])

    @api.model
    def _check_signature_image(self, signature):
        """A signature is a picture (base64 PNG or JPEG), never anything else."""
        try:
            if not isinstance(signature, (str, bytes)):
                raise TypeError(signature)
            base64_to_image(signature).verify()
        except Exception as exc:  # noqa: BLE001 — base64 and PIL raise many kinds
            raise ValidationError(
                self.env._("The signature is not a picture: ask the client to sign again.")
            ) from exc

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        for order in self:
            if order.state not in ("draft", "cancelled"):
                raise UserError(
                    self.env._(
                        "%s is no longer a draft: cancel it instead of deleting it, so that "
                        "its history is kept.",
                        order.display_name,
                    )
                )

    def _fsm_subscribe_technicians(self):
        for order in self:
            partner = order.technician_id.user_id.partner_id
            if partner:
                order.message_subscribe(partner_ids=partner.ids)

    def _sms_get_recipients_info(self, force_field=False, partner_fallback=True):
        """SMS go to the contact on site, then to the client."""
        result = {}
        for order in self:
            partner = order.contact_id if order.contact_id.phone else order.partner_id
            number = partner.phone or False
            sanitized = partner.phone_sanitized if partner.phone else False
            result[order.id] = {
                "partner": partner,
                "sanitized": sanitized,
                "number": number,
                "partner_store": True,
                "field_store": "phone",
            }
        return result

    # ------------------------------------------------------------------
    # workflow: one check per step, which the action raises and the
    # step's can_* field (its button) shows
    # ------------------------------------------------------------------
    @api.model
    def _fsm_on_the_way(self):
        """The orders of ``self`` whose technician is travelling to them now.
        None here: the work-time addon answers from its running travel timers.
        The client portal's timeline shows the step with the arrival window."""
        return self.browse()

    def _is_coordinator(self):
        """The one coordinator check of the suite (the service desk's too)."""
        return self.env.su or self.env.user.has_group("fsm_orders.group_fsm_coordinator")

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _step_messages(self, step):
        """Full sentences for each refused step, so that every language can
        word them properly: (not a coordinator, wrong state, not the assignee,
        nobody assigned)."""
        return {
            "plan": (
                self.env._("Only a coordinator can plan service orders."),
                self.env._("%(order)s is %(state)s: it cannot be planned now."),
            ),
            "dispatch": (
                self.env._("Only a coordinator can dispatch service orders."),
                self.env._("%(order)s is %(state)s: it cannot be dispatched now."),
            ),
            "accept": (
                None,
                self.env._("%(order)s is %(state)s: it cannot be accepted now."),
                self.env._(
                    "%(order)s is assigned to %(tech)s: only they or a coordinator can accept it."
                ),
                self.env._("%(order)s has no technician: only a coordinator can accept it."),
            ),
            "start": (
                None,
                self.env._("%(order)s is %(state)s: work on it cannot be started now."),
                self.env._(
                    "%(order)s is assigned to %(tech)s: only they or a coordinator can start "
                    "work on it."
                ),
                self.env._("%(order)s has no technician: only a coordinator can start work on it."),
            ),
            "done": (
                None,
                self.env._("%(order)s is %(state)s: it cannot be finished now."),
                self.env._(
                    "%(order)s is assigned to %(tech)s: only they or a coordinator can finish it."
                ),
                self.env._("%(order)s has no technician: only a coordinator can finish it."),
            ),
            "cancel": (
                self.env._("Only a coordinator can cancel service orders."),
                self.env._("%(order)s is %(state)s: it cannot be cancelled."),
            ),
            "draft": (
                self.env._("Only a coordinator can set service orders back to new."),
                self.env._("%(order)s is %(state)s: it cannot be set back to new."),
            ),
            "invoice": (
                self.env._("Only a coordinator can invoice service orders."),
                self.env._("%(order)s is %(state)s: only done orders are invoiced."),
            ),
        }[step]

    def _get_step_refusal(self, step):
        """Why the current user cannot take ``step`` (a key of WORKFLOW_STEPS)
        on this order now, as the sentence shown to them; False when they can.

        The action raises it and the ``can_*`` field hides the button, so a
        button is shown exactly when pressing it works. Addons add their own
        conditions in ``_get_step_data_refusal``."""
        self.ensure_one()
        states, coordinators_only = WORKFLOW_STEPS[step]
        messages = self._step_messages(step)
        coordinator = self._is_coordinator()
        if coordinators_only and not coordinator:
            return messages[0]
        if self.state not in states:
            if step == "done" and self.state in ("draft", "planned", "dispatched", "accepted"):
                return self.env._(
                    "%s was never started: start the work before finishing it.", self.display_name
                )
            return messages[1] % {"order": self.display_name, "state": self._state_label()}
        if not coordinators_only and not coordinator and self.technician_user_id != self.env.user:
            if self.technician_id:
                return messages[2] % {"order": self.display_name, "tech": self.technician_id.name}
            return messages[3] % {"order": self.display_name}
        return self._get_step_data_refusal(step)

    def _get_step_data_refusal(self, step):
        """What the order still lacks for ``step`` (a start time, a
        technician, required answers…), or False. Extend it with ``super()``."""
        self.ensure_one()
        if step == "plan" and not self.scheduled_start:
            return self.env._("Set a scheduled start on %s before planning it.", self.display_name)
        if step == "dispatch":
            if not self.technician_id:
                return self.env._(
                    "%s needs a technician before it can be dispatched.", self.display_name
                )
            if not self.scheduled_start:
                return self.env._(
                    "%s needs a scheduled start before it can be dispatched.", self.display_name
                )
            if not self.technician_id.user_id:
                return self.env._(
                    "%(tech)s has no user account, so %(order)s cannot reach their phone: "
                    "create a user for them first.",
                    tech=self.technician_id.name,
                    order=self.display_name,
                )
        if step == "done":
            # required checklist answers, and the client's signature when the
            # company requires one
            if missing := self.checklist_ids.line_ids._get_missing_message():
                return missing
            if self.company_id.fsm_signature_required and not self.signature:
                return self.env._(
                    "%s needs the client's signature before it can be finished.", self.name
                )
        if step == "invoice":
            if not self.env.user.has_group("account.group_account_invoice"):
                return self.env._("Only a user with invoicing rights can invoice %s.", self.name)
            if not self.is_billable:
                return self.env._("%s is not billable.", self.name)
            if self.invoice_status == "invoiced":
                return self.env._("%s is already invoiced.", self.name)
            if not self._prepare_settlement_lines():
                return self.env._(
                    "%s has nothing to invoice: no labour or parts were recorded.", self.name
                )
        return False

    def _check_step(self, step):
        for order in self:
            if refusal := order._get_step_refusal(step):
                raise UserError(refusal)

    def _write_state(self, vals):
        # transitions are checked by the action methods; the write itself goes
        # through sudo so that technicians need no write right on workflow fields
        self.sudo().write(vals)

    def action_plan(self):
        """Put the order on the schedule: it needs a start time."""
        self._check_step("plan")
        self._write_state({"state": "planned"})
        return True

    def action_dispatch(self):
        """Send the order to its technician, and tell the client who comes when."""
        self._check_step("dispatch")
        self._write_state({"state": "dispatched", "date_dispatched": fields.Datetime.now()})
        self._notify_dispatch()
        return True

    def action_accept(self):
        """The technician confirms they will do the visit."""
        self._check_step("accept")
        self._write_state({"state": "accepted", "date_accepted": self._fsm_now()})
        self._fsm_close_dispatch_activities()
        return True

    def action_start(self):
        """Work begins on site. A dispatched order is accepted on the way."""
        self._check_step("start")
        now = self._fsm_now()
        for order in self:
            vals = {"state": "in_progress", "date_started": now}
            if not order.date_accepted:
                vals["date_accepted"] = now
            order._write_state(vals)
        self._fsm_close_dispatch_activities()
        return True

    def action_done(self):
        """Work is finished on site."""
        self._check_step("done")
        self._write_state({"state": "done", "date_finished": self._fsm_now()})
        self._fsm_send_service_report()
        return True

    def action_cancel(self):
        self._check_step("cancel")
        self._write_state({"state": "cancelled"})
        self._fsm_close_dispatch_activities()
        return True

    def action_draft(self):
        """Reopen a cancelled order, or take a planned one back off the schedule."""
        self._check_step("draft")
        self._write_state({"state": "draft", "cancel_reason": False})
        return True

    # ------------------------------------------------------------------
    # notifications
    # ------------------------------------------------------------------
    def _track_subtype(self, init_values):
        """A state change is posted with that state's subtype (see
        ``data/mail_message_subtype_data.xml``), so followers choose which
        steps they hear of."""
        self.ensure_one()
        if "state" in init_values and self.state != "draft":
            return self.env.ref(f"fsm_orders.mt_order_{self.state}")
        return super()._track_subtype(init_values)

    def _notify_dispatch(self):
        activity_type = self.env.ref("fsm_orders.mail_activity_type_service_visit")
        for order in self:
            order.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=order.technician_user_id.id,
                date_deadline=fields.Date.context_today(order, order.scheduled_start),
                summary=self.env._(
                    "Visit %(client)s: %(when)s",
                    client=order.partner_id.name,
                    when=order.with_context(
                        lang=order.technician_user_id.lang
                    )._get_arrival_window_text(order.technician_user_id.partner_id),
                ),
            )
            if self.env.context.get("fsm_skip_client_notification"):
                continue
            order._notify_client_dispatch()

    def _notify_client_dispatch(self):
        """Email and SMS to the client: who comes, and when."""
        self._fsm_notify_client(
            "fsm_orders.mail_template_order_dispatched", "fsm_orders.sms_template_order_dispatched"
        )

    def _fsm_close_dispatch_activities(self):
        activity_type = self.env.ref("fsm_orders.mail_activity_type_service_visit")
        self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        ).action_feedback(feedback=self.env._("Handled by %s", self.env.user.name))

    # ------------------------------------------------------------------
    # buttons
    # ------------------------------------------------------------------
    def action_open_directions(self):
        self.ensure_one()
        if not self.directions_url:
            raise UserError(self.env._("%s has no site address to go to.", self.display_name))
        return {"type": "ir.actions.act_url", "url": self.directions_url, "target": "new"}

    def action_add_warning(self):
        """Note a warning on this order's site (or pick the client or a machine)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New warning"),
            "res_model": "service.warning",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.location_id.id},
        }

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", self.invoice_ids.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # service report
    # ------------------------------------------------------------------
    def _get_report_time_lines(self):
        """Times shown on the service report: a list of dicts with ``label``,
        ``start``, ``stop`` (datetimes) and ``hours``. The work-time module
        replaces the visit's own times with the technician's timers."""
        self.ensure_one()
        if not self.date_started:
            return []
        stop = self.date_finished or fields.Datetime.now()
        return [
            {
                "label": self.env._("Work on site"),
                "start": self.date_started,
                "stop": self.date_finished,
                "hours": (stop - self.date_started).total_seconds() / 3600.0,
            }
        ]

    def _get_report_part_lines(self):
        """Parts shown on the service report: dicts with ``name``, ``quantity``
        and ``uom``. The inventory module fills it from the parts used."""
        self.ensure_one()
        return []

    def _get_report_base_filename(self):
        """The report's file name without extension: the report action's
        ``print_report_name``, the one source for downloads from the backend,
        the portal link and the copy stored on the order."""
        self.ensure_one()
        report = self.env.ref("fsm_orders.action_report_service_order").sudo()
        return safe_eval(report.print_report_name, {"object": self, "time": safe_time})

    def _fsm_render_service_report(self):
        """Render the service report PDF and keep it on the order (the
        newest replaces the previous one in ``report_attachment_id``)."""
        report = self.env.ref("fsm_orders.action_report_service_order")
        Attachment = self.env["ir.attachment"].sudo()
        for order in self:
            lang = (order.contact_id or order.partner_id).lang or self.env.lang
            pdf, _ftype = (
                self.env["ir.actions.report"]
                .sudo()
                .with_context(lang=lang)
                ._render_qweb_pdf(report, order.ids)
            )
            attachment = Attachment.create(
                {
                    "name": order.with_context(lang=lang)._get_report_base_filename() + ".pdf",
                    "raw": pdf,
                    "res_model": order._name,
                    "res_id": order.id,
                    "mimetype": "application/pdf",
                }
            )
            order.sudo().report_attachment_id = attachment
        return self.report_attachment_id

    def _fsm_current_report_pdf(self):
        """The bytes of the stored service report while it is the order's
        current one (rendered after the order's last change), else None: the
        portal then renders a fresh one."""
        self.ensure_one()
        attachment = self.sudo().report_attachment_id
        if not attachment or attachment.mimetype != "application/pdf":
            return None
        if attachment.create_date < self.sudo().write_date:
            return None
        return attachment.raw or None

    def _fsm_send_service_report(self):
        """Store the report and email it to the client, in their language.

        Loading data (module install) skips it; a report that cannot be
        rendered (wkhtmltopdf missing, say) is noted in the chatter and never
        stops the technician from finishing.
        """
        if not self.env.registry.ready or self.env.context.get("fsm_skip_service_report"):
            return self.env["ir.attachment"]
        try:
            with self.env.cr.savepoint():
                attachments = self._fsm_render_service_report()
        except (UserError, OSError) as exc:
            _logger.warning("Service report of %s not rendered: %s", self.ids, exc)
            for order in self:
                order.sudo().message_post(
                    body=self.env._(
                        "The service report could not be generated (%s). Print it from the "
                        "order once the problem is solved.",
                        exc,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
            return self.env["ir.attachment"]
        for order in self:
            order.sudo()._fsm_notify_client(
                "fsm_orders.mail_template_service_report",
                attachment_ids=order.report_attachment_id.ids,
            )
        return attachments

    def action_print_service_report(self):
        return self.env.ref("fsm_orders.action_report_service_order").report_action(self)

    def _fsm_portal_sign(self, name, signature, signer=None):
        """Signature given in the portal for a finished order, by ``signer``
        (the logged-in client, or the order's contact for a token link): the
        note in the chatter is theirs. All or nothing: a refused signature
        (not a picture, no name, already signed) raises and changes nothing."""
        self.ensure_one()
        if self.state != "done":
            raise UserError(self.env._("Only a finished service order can be signed here."))
        if self.is_signed:
            raise UserError(self.env._("%s is already signed.", self.name))
        with self.env.cr.savepoint():
            self.write({"signed_by": name, "signature": signature})
        # the write re-renders and emails the signed report
        self.message_post(
            body=self.env._("Service report signed by %s in the portal.", name),
            author_id=(signer or self.contact_id or self.partner_id).id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _portal_ensure_token(self):
        """Minting the portal link needs write access on the order: a token
        lets whoever holds it sign as the client."""
        self.check_access("write")
        return super(ServiceOrder, self.sudo())._portal_ensure_token()

    def _sign_token(self, pid):
        # sudo: anyone who may post on the order may notify its client with a
        # signed link, without reading the token themselves
        return super(ServiceOrder, self.sudo())._sign_token(pid)

    # ------------------------------------------------------------------
    # settlement
    # ------------------------------------------------------------------
    def _prepare_settlement_lines(self):
        """Invoice line values for this order (``account.move.line`` dicts).

        The order core has nothing priced of its own; the work-time module adds
        labour and the inventory module parts by extending this method.
        """
        self.ensure_one()
        return []

    def _prepare_invoice_vals(self):
        self.ensure_one()
        return {
            "move_type": "out_invoice",
            "partner_id": self.partner_id.commercial_partner_id.id,
            "company_id": self.company_id.id,
            "invoice_origin": self.name,
            "ref": self.name,
        }

    def action_create_invoice(self):
        """Build one customer invoice per order from its settlement lines
        (a batch of orders is invoiced in one ``create``)."""
        self._check_step("invoice")
        vals_list = []
        for order in self:
            vals = order._prepare_invoice_vals()
            vals["invoice_line_ids"] = [
                fields.Command.create(line) for line in order._prepare_settlement_lines()
            ]
            vals_list.append(vals)
        # one create for the batch: Odoo computes the invoices' taxes, totals
        # and names together instead of once per order
        invoices = self.env["account.move"].create(vals_list)
        for order, invoice in zip(self, invoices, strict=True):
            order.invoice_ids = [fields.Command.link(invoice.id)]
        if len(invoices) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "account.move",
                "res_id": invoices.id,
                "view_mode": "form",
            }
        return True
