from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

from odoo.addons.fsm_orders.models.service_order import PRIORITIES

CHANNELS = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("portal", "Client portal"),
    ("call_center", "Call center"),
    ("other", "Other"),
]

STATES = [
    ("new", "New"),
    ("open", "Open"),
    ("in_progress", "In progress"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]

DEFAULT_SLA_HOURS = 72.0


class ServiceRequest(models.Model):
    """What a client asks for, however it reached the service desk. A request
    becomes one or several service orders and closes with the last of them."""

    _name = "service.request"
    _description = "Service Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "service.client.notify.mixin"]
    _order = "priority desc, deadline, id desc"
    _rec_names_search = ["name", "title"]
    _check_company_auto = True

    name = fields.Char(
        "Number",
        required=True,
        copy=False,
        readonly=True,
        default=lambda self: self.env._("New"),
        index=True,
    )
    title = fields.Char(required=True, tracking=True)
    description = fields.Html()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    type_id = fields.Many2one(
        "service.request.type",
        "Type",
        tracking=True,
        check_company=True,
        default=lambda self: self.env["service.request.type"].search(
            [("company_id", "in", [False, self.env.company.id])], limit=1
        ),
        help="The firm's own kinds of request; each sets the deadline per priority.",
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone", tracking=True)
    state = fields.Selection(
        STATES, default="new", required=True, readonly=True, copy=False, tracking=True, index=True
    )
    priority = fields.Selection(PRIORITIES, default="1", required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner", "Client", tracking=True, index=True, check_company=True
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True, string="Client company"
    )
    contact_id = fields.Many2one(
        "res.partner",
        "Contact",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
    )
    caller_phone = fields.Char(
        "Caller's number", help="Type any form of the number: the client is found from it."
    )
    email_from = fields.Char("Email", help="Sender of the request when it came by email.")
    location_id = fields.Many2one(
        "res.partner",
        "Site",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
    )
    equipment_id = fields.Many2one(
        "service.equipment",
        "Machine",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
    )
    user_id = fields.Many2one(
        "res.users", "Responsible", default=lambda self: self.env.user, tracking=True
    )
    date_registered = fields.Datetime(
        "Registered on", default=fields.Datetime.now, required=True, readonly=True, copy=False
    )
    deadline = fields.Datetime(
        compute="_compute_deadline",
        store=True,
        readonly=False,
        tracking=True,
        help="From the type's deadline for this priority; can be set by hand.",
    )
    is_deadline_manual = fields.Boolean(
        "Deadline set by hand",
        copy=False,
        help="The deadline was set by hand: it no longer follows the type and priority.",
    )
    expected_close_date = fields.Date("Expected closing")
    date_closed = fields.Datetime("Closed on", readonly=True, copy=False)
    is_overdue = fields.Boolean(
        "Past deadline", compute="_compute_is_overdue", search="_search_is_overdue"
    )
    is_warranty = fields.Boolean(
        "Under warranty",
        compute="_compute_is_warranty",
        store=True,
        help="The machine is under warranty: orders made from this request are not billed.",
    )
    order_ids = fields.One2many("service.order", "request_id", "Service orders")
    order_count = fields.Integer(compute="_compute_order_count", store=True)
    call_ids = fields.One2many("service.request.call", "request_id", "Calls")
    hours_to_close = fields.Float(
        "Hours to close", compute="_compute_hours_to_close", store=True, aggregator="avg"
    )
    close_reason = fields.Char(tracking=True)

    _name_company_unique = models.Constraint(
        "UNIQUE(name, company_id)", "Another request already has this number."
    )
    task_ids = fields.One2many("service.request.task", "request_id", "Tasks", copy=True)
    task_progress = fields.Char("Tasks done", compute="_compute_task_progress")
    document_count = fields.Integer("Documents", compute="_compute_document_count")

    # ------------------------------------------------------------------
    @api.depends("name", "title")
    def _compute_display_name(self):
        for request in self:
            number = request.name if request.id else ""
            request.display_name = " · ".join(filter(None, [number, request.title])) or self.env._(
                "New request"
            )

    @api.depends("date_registered", "type_id", "priority")
    def _compute_deadline(self):
        """The deadline follows the type and priority while the request is
        open and nobody set it by hand; a closed or cancelled request's
        deadline, and a hand-set one, never change afterwards. (A change of
        the type's hours or of its *In working hours* reaches the open
        requests through ``service.request.type.write``.)"""
        for request in self:
            if request.deadline and (
                request.is_deadline_manual or request.state in ("closed", "cancelled")
            ):
                continue
            request.deadline = request._get_sla_deadline()

    def _get_sla_deadline(self):
        """The deadline the request's type gives it for its priority."""
        self.ensure_one()
        start = self.date_registered or fields.Datetime.now()
        hours = self._get_sla_hours()
        calendar = self.company_id.resource_calendar_id
        deadline = False
        if self.type_id.sla_working_hours and calendar:
            deadline = calendar.plan_hours(hours, start, compute_leaves=True)
        return (deadline or start + timedelta(hours=hours)).replace(microsecond=0)

    def _mark_hand_set_deadlines(self):
        """A deadline written that differs from the type's is set by hand (the
        form also sends the deadline it recomputed when the priority changed:
        that one still follows the type)."""
        for request in self:
            manual = bool(request.deadline) and (
                request.deadline.replace(microsecond=0) != request._get_sla_deadline()
            )
            if manual != request.is_deadline_manual:
                request.is_deadline_manual = manual

    def _get_sla_hours(self):
        """Hours from registration to the deadline: the type's for this
        priority. The hook where a service contract's response time can come
        first (extend the ``@api.depends`` of ``_compute_deadline`` with it)."""
        self.ensure_one()
        if self.type_id:
            return self.type_id._sla_hours(self.priority)
        return DEFAULT_SLA_HOURS

    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for request in self:
            request.is_overdue = bool(
                request.deadline
                and request.state not in ("closed", "cancelled")
                and request.deadline < now
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        domain = Domain("deadline", "<", fields.Datetime.now()) & Domain(
            "state", "not in", ("closed", "cancelled")
        )
        return domain if (operator == "=") == bool(value) else ~domain

    @api.depends("equipment_id.warranty_start", "equipment_id.warranty_end", "date_registered")
    def _compute_is_warranty(self):
        for request in self:
            day = fields.Date.to_date(request.date_registered) if request.date_registered else None
            request.is_warranty = bool(
                request.equipment_id and request.equipment_id.is_under_warranty(day)
            )

    @api.depends("order_ids")
    def _compute_order_count(self):
        for request in self:
            request.order_count = len(request.order_ids)

    @api.depends("task_ids.is_done")
    def _compute_task_progress(self):
        for request in self:
            tasks = request.task_ids
            request.task_progress = (
                f"{len(tasks.filtered('is_done'))} / {len(tasks)}" if tasks else False
            )

    def _document_domain(self):
        """Files of the requests and of the orders made from them."""
        return [
            "|",
            "&", ("res_model", "=", self._name), ("res_id", "in", self.ids),
            "&", ("res_model", "=", "service.order"), ("res_id", "in", self.order_ids.ids),
        ]  # fmt: skip

    def _compute_document_count(self):
        counts = {}
        if self.ids:
            for model, res_id, count in self.env["ir.attachment"]._read_group(
                self._document_domain(), ["res_model", "res_id"], ["__count"]
            ):
                counts[(model, res_id)] = count
        for request in self:
            request.document_count = counts.get((self._name, request.id), 0) + sum(
                counts.get(("service.order", order.id), 0) for order in request.order_ids
            )

    @api.depends("date_closed", "date_registered")
    def _compute_hours_to_close(self):
        for request in self:
            if request.date_closed and request.date_registered:
                delta = request.date_closed - request.date_registered
                request.hours_to_close = delta.total_seconds() / 3600.0
            else:
                request.hours_to_close = 0.0

    # ------------------------------------------------------------------
    @api.constrains("partner_id", "contact_id", "location_id", "equipment_id")
    def _check_client(self):
        for request in self:
            client = request.partner_id.commercial_partner_id
            values = {"client": client.display_name or "-"}
            if request.contact_id and request.contact_id.commercial_partner_id != client:
                raise ValidationError(
                    self.env._(
                        "%(record)s is not a contact of %(client)s.",
                        record=request.contact_id.display_name,
                        **values,
                    )
                )
            if request.location_id and request.location_id.commercial_partner_id != client:
                raise ValidationError(
                    self.env._(
                        "%(record)s is not a site of %(client)s.",
                        record=request.location_id.display_name,
                        **values,
                    )
                )
            if request.equipment_id and request.equipment_id.commercial_partner_id != client:
                raise ValidationError(
                    self.env._(
                        "%(record)s is not a machine of %(client)s.",
                        record=request.equipment_id.display_name,
                        **values,
                    )
                )

    # ------------------------------------------------------------------
    @api.onchange("caller_phone")
    def _onchange_caller_phone(self):
        if not self.caller_phone:
            return
        try:
            partners = self.env["res.partner"]._fsm_find_by_phone(self.caller_phone)
        except ValidationError as exc:
            return {"warning": {"title": self.env._("Phone number"), "message": str(exc)}}
        if not partners:
            return {
                "warning": {
                    "title": self.env._("Unknown caller"),
                    "message": self.env._(
                        "No client has the number %s: pick the client by name.", self.caller_phone
                    ),
                }
            }
        person = partners.filtered(lambda p: not p.is_company)[:1]
        self.partner_id = partners[:1].commercial_partner_id
        if person:
            self.contact_id = person

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        client = self.partner_id.commercial_partner_id
        if self.contact_id.commercial_partner_id != client:
            self.contact_id = False
        if self.location_id.commercial_partner_id != client:
            sites = client.child_ids.filtered(lambda p: p.type == "other")
            self.location_id = sites[:1] if len(sites) == 1 else client
        if self.equipment_id.commercial_partner_id != client:
            self.equipment_id = False

    @api.onchange("equipment_id")
    def _onchange_equipment_id(self):
        if self.equipment_id.location_id:
            self.location_id = self.equipment_id.location_id

    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("caller_phone"):
                self.env["res.partner"]._fsm_normalize_phone(vals["caller_phone"])
            if vals.get("name") in (None, False, "", "/", self.env._("New")):
                vals["name"] = self.env["ir.sequence"].next_by_code("service.request") or "/"
        requests = super().create(vals_list)
        requests.partner_id._fsm_mark_as_clients()
        requests.browse(
            request.id
            for request, vals in zip(requests, vals_list, strict=True)
            if vals.get("deadline")
        )._mark_hand_set_deadlines()
        for request in requests:
            if request.contact_id or request.partner_id:
                request.message_subscribe(
                    partner_ids=(request.contact_id or request.partner_id).ids
                )
        requests._notify_client("registered")
        return requests

    def write(self, vals):
        if vals.get("caller_phone"):
            self.env["res.partner"]._fsm_normalize_phone(vals["caller_phone"])
        res = super().write(vals)
        if vals.get("partner_id"):
            self.partner_id._fsm_mark_as_clients()
        if "deadline" in vals:
            self._mark_hand_set_deadlines()
        return res

    # ------------------------------------------------------------------
    # mail gateway
    # ------------------------------------------------------------------
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A request from an email: the subject is the title, the sender the
        contact (matched to a known client when possible)."""
        email_from = msg_dict.get("email_from")
        # No sender: raising here would make Odoo's gateway mark the whole alias
        # invalid; keep the message as a request the desk identifies by hand.
        partners = (
            self._mail_find_partner_from_emails([email_from], force_create=False)
            if email_from
            else []
        )
        sender = partners[0] if partners else self.env["res.partner"]
        values = {
            "name": "/",  # numbered by the sequence, not named after the subject
            "title": msg_dict.get("subject") or self.env._("Request by email"),
            "channel": "email",
            "email_from": email_from,
            "description": msg_dict.get("body"),
        }
        if sender:
            values["partner_id"] = sender.commercial_partner_id.id
            if not sender.is_company:
                values["contact_id"] = sender.id
        values.update(custom_values or {})
        refused = self._fsm_strip_big_attachments(msg_dict)
        request = super().message_new(msg_dict, custom_values=values)
        request._fsm_note_refused_attachments(refused)
        if not email_from:
            request.message_post(
                body=self.env._(
                    "This email had no sender: find the client (by phone, say) and set it by hand."
                ),
                subtype_xmlid="mail.mt_note",
            )
        return request

    def message_update(self, msg_dict, update_vals=None):
        refused = self._fsm_strip_big_attachments(msg_dict)
        res = super().message_update(msg_dict, update_vals=update_vals)
        self._fsm_note_refused_attachments(refused)
        return res

    @api.model
    def _fsm_max_attachment_mb(self):
        """The largest file the desk takes, in MB (system parameter
        ``fsm_requests.max_attachment_mb``, 10 by default; the client portal's
        uploads follow it too)."""
        param = self.env["ir.config_parameter"].sudo().get_param("fsm_requests.max_attachment_mb")
        try:
            return float(param or 10)
        except ValueError:
            return 10.0

    @api.model
    def _fsm_strip_big_attachments(self, msg_dict):
        """Drop incoming attachments over the size limit
        (``_fsm_max_attachment_mb``); return their names."""
        limit = self._fsm_max_attachment_mb() * 1024 * 1024
        kept, refused = [], []
        for attachment in msg_dict.get("attachments") or []:
            content = attachment[1] if len(attachment) > 1 else b""
            size = len(content.encode() if isinstance(content, str) else content or b"")
            (refused if size > limit else kept).append(attachment)
        msg_dict["attachments"] = kept
        return [(a[0], a[1]) for a in refused]

    def _fsm_note_refused_attachments(self, refused):
        if not refused:
            return
        limit = f"{self._fsm_max_attachment_mb():g}"
        for request in self:
            request.message_post(
                body=self.env._(
                    "Attachment(s) %(names)s refused: too large (the limit is %(limit)s MB). "
                    "Ask the sender for a smaller file or a link.",
                    names=", ".join(name for name, _content in refused),
                    limit=limit,
                ),
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------------
    # workflow
    # ------------------------------------------------------------------
    def _check_desk(self):
        if not self.env["service.order"]._is_coordinator():
            raise UserError(self.env._("Only the service desk (coordinators) can do this."))

    def action_open(self):
        """The desk has looked at the request and takes it on."""
        self._check_desk()
        for request in self:
            if request.state != "new":
                raise UserError(
                    self.env._("%s is no longer new: it is already taken on.", request.name)
                )
        self.write({"state": "open"})
        return True

    def action_close(self, reason=None):
        """Close the request (it closes by itself when its last order is done)."""
        self._check_desk()
        for request in self:
            if request.state in ("closed", "cancelled"):
                raise UserError(self.env._("%s is already closed.", request.name))
        vals = {"state": "closed", "date_closed": fields.Datetime.now()}
        if reason:
            vals["close_reason"] = reason
        self.write(vals)
        self._notify_client("closed")
        return True

    def action_cancel(self):
        self._check_desk()
        for request in self:
            if request.state == "closed":
                raise UserError(self.env._("%s is closed: it cannot be cancelled.", request.name))
        self.write({"state": "cancelled", "date_closed": fields.Datetime.now()})
        return True

    def action_reopen(self):
        self._check_desk()
        self.write({"state": "open", "date_closed": False, "close_reason": False})
        return True

    def action_split(self):
        """Open the wizard that turns the request into one or several orders."""
        self.ensure_one()
        self._check_desk()
        if self.state in ("closed", "cancelled"):
            raise UserError(self.env._("%s is closed: reopen it to plan more work.", self.name))
        if not self.partner_id:
            raise UserError(self.env._("Set the client of %s before planning orders.", self.name))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Create service orders"),
            "res_model": "service.request.split",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id},
        }

    def _prepare_order_vals(self):
        """Values of an order made from this request (the wizard adds its own)."""
        self.ensure_one()
        return {
            "request_id": self.id,
            "partner_id": self.partner_id.commercial_partner_id.id,
            "contact_id": self.contact_id.id,
            "location_id": (self.location_id or self.partner_id).id,
            "equipment_ids": [fields.Command.set(self.equipment_id.ids)],
            "priority": self.priority,
            "description": self.description or f"<p>{self.title}</p>",
            "is_billable": not self.is_warranty,
            "company_id": self.company_id.id,
        }

    def _on_orders_created(self):
        """Orders were made for these requests, by *Create orders* or by
        setting the request on an order: the work is under way, and the
        client is told. A closed request (an old visit filed under it) stays
        closed."""
        active = self.filtered(lambda r: r.state in ("new", "open", "in_progress"))
        active.filtered(lambda r: r.state != "in_progress").write({"state": "in_progress"})
        active._notify_client("orders")

    def _check_auto_close(self):
        """Close requests whose orders are all finished (at least one done)."""
        for request in self.filtered(lambda r: r.state == "in_progress"):
            states = set(request.order_ids.mapped("state"))
            if states and states <= {"done", "cancelled"} and "done" in states:
                request.sudo().with_context(fsm_auto_close=True).action_close(
                    reason=self.env._("Last order done")
                )

    def _check_task_edit(self):
        if self.env.context.get("fsm_task_sync"):
            return
        for request in self:
            if request.state in ("closed", "cancelled"):
                raise UserError(
                    self.env._("%s is closed: reopen it to change its tasks.", request.name)
                )

    def action_view_documents(self):
        """Files sent with the request and those of its orders (service reports)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Documents of %s", self.name),
            "res_model": "ir.attachment",
            "view_mode": "kanban,list,form",
            "domain": self._document_domain(),
            "context": {"default_res_model": self._name, "default_res_id": self.id, "create": True},
        }

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fsm_orders.action_service_order")
        action["domain"] = [("request_id", "=", self.id)]
        action["context"] = {"search_default_filter_my_teams": False, "create": False}
        return action

    # ------------------------------------------------------------------
    # client notifications
    # ------------------------------------------------------------------
    def _notify_client(self, event):
        """Email and SMS to the client: registered, orders planned, closed."""
        self.sudo()._fsm_notify_client(
            f"fsm_requests.mail_template_request_{event}",
            f"fsm_requests.sms_template_request_{event}",
        )

    # ------------------------------------------------------------------
    # call center
    # ------------------------------------------------------------------
    @api.model
    def _call_center_card(self, number):
        """The caller's client card: who they are, their open requests and orders.

        The caller is looked for among clients and their contacts only
        (``res.partner._fsm_caller_domain``): a colleague's number, a technician's
        say, is an unknown caller. An invalid ``number`` is a ValidationError."""
        partners = self.env["res.partner"]._fsm_find_by_phone(number)
        client = partners[:1].commercial_partner_id
        open_requests = (
            self.search(
                [
                    ("commercial_partner_id", "=", client.id),
                    ("state", "not in", ("closed", "cancelled")),
                ]
            )
            if client
            else self
        )
        open_orders = (
            self.env["service.order"].search(
                [
                    ("commercial_partner_id", "=", client.id),
                    ("state", "not in", ("done", "cancelled")),
                ]
            )
            if client
            else self.env["service.order"]
        )
        return {
            "number": self.env["res.partner"]._fsm_normalize_phone(number),
            "known": bool(client),
            "client": {"id": client.id, "name": client.name} if client else None,
            "contact": (
                {"id": partners[:1].id, "name": partners[:1].name}
                if partners and not partners[:1].is_company
                else None
            ),
            "open_requests": [
                {"id": r.id, "number": r.name, "title": r.title, "state": r.state}
                for r in open_requests
            ],
            "open_orders": [
                {
                    "id": o.id,
                    "number": o.name,
                    "state": o.state,
                    "scheduled_start": fields.Datetime.to_string(o.scheduled_start),
                    # what the agent can read out: in the client's time zone and language
                    "arrival_window": o.arrival_window or None,
                    "technician": o.technician_id.name or None,
                }
                for o in open_orders
            ],
        }
