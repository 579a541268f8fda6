from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain


class ServiceEquipment(models.Model):
    """A client's machine that the firm installs, maintains and repairs."""

    _name = "service.equipment"
    _description = "Equipment"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "partner_id, name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True, index="trigram")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    serial_number = fields.Char("Serial number", tracking=True, index="trigram", copy=False)
    model = fields.Char()
    manufacturer = fields.Char()
    category_id = fields.Many2one("service.equipment.category", "Category", tracking=True)
    properties = fields.Properties(
        "Properties", definition="category_id.equipment_properties_definition", copy=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Owner",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
        help="The client who owns the machine.",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True, string="Client"
    )
    administrator_id = fields.Many2one(
        "res.partner",
        string="Person in charge",
        check_company=True,
        help="The person at the client who looks after the machine.",
    )
    location_id = fields.Many2one(
        "res.partner",
        string="Site",
        tracking=True,
        index=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="Where the machine stands.",
    )
    installation_date = fields.Date("Installed on")
    handover_date = fields.Date("Handed over on")
    warranty_start = fields.Date("Warranty from", tracking=True)
    warranty_end = fields.Date("Warranty until", tracking=True)
    warranty_state = fields.Selection(
        [("none", "No warranty"), ("active", "Under warranty"), ("expired", "Warranty expired")],
        compute="_compute_warranty_state",
        search="_search_warranty_state",
        string="Warranty",
    )
    counter_ids = fields.One2many("service.equipment.counter", "equipment_id", "Counters")
    order_ids = fields.Many2many(
        "service.order",
        "service_order_equipment_rel",
        "equipment_id",
        "order_id",
        string="Service history",
        readonly=True,
    )
    order_count = fields.Integer(compute="_compute_order_count")
    last_service_date = fields.Datetime(compute="_compute_order_count", string="Last service")
    document_count = fields.Integer(compute="_compute_document_count")
    note = fields.Html()
    photo_ids = fields.One2many("service.order.photo", "equipment_id", "Photos from visits")
    warning_ids = fields.One2many("service.warning", "equipment_id", "Warnings")
    image_128 = fields.Image("Photo", max_width=128, max_height=128)

    _serial_company_unique = models.Constraint(
        "UNIQUE(serial_number, company_id)", "Another machine already has this serial number."
    )
    _warranty_ordered = models.Constraint(
        "CHECK(warranty_end >= warranty_start)", "A machine's warranty cannot end before it starts."
    )

    @api.constrains("partner_id", "location_id", "administrator_id")
    def _check_owner_site(self):
        for equipment in self:
            client = equipment.partner_id.commercial_partner_id
            for partner in (equipment.location_id, equipment.administrator_id):
                if partner and partner.commercial_partner_id != client:
                    raise ValidationError(
                        self.env._(
                            "%(partner)s does not belong to %(client)s, the owner of %(machine)s.",
                            partner=partner.display_name,
                            client=client.display_name,
                            machine=equipment.display_name,
                        )
                    )

    @api.depends("serial_number")
    def _compute_display_name(self):
        for equipment in self:
            if equipment.serial_number:
                equipment.display_name = f"{equipment.name} ({equipment.serial_number})"
            else:
                equipment.display_name = equipment.name

    @api.model
    def _search_display_name(self, operator, value):
        if operator in ("ilike", "not ilike", "=", "!=") and value:
            domain = Domain("name", operator, value) | Domain("serial_number", operator, value)
            return ~domain if operator.startswith(("not", "!")) else domain
        return super()._search_display_name(operator, value)

    @api.depends("warranty_start", "warranty_end")
    def _compute_warranty_state(self):
        today = fields.Date.context_today(self)
        for equipment in self:
            equipment.warranty_state = equipment._warranty_state_on(today)

    def _warranty_state_on(self, day):
        self.ensure_one()
        if not self.warranty_end:
            return "none"
        if (not self.warranty_start or self.warranty_start <= day) and day <= self.warranty_end:
            return "active"
        return "expired" if day > self.warranty_end else "none"

    def is_under_warranty(self, day=None):
        """True when the machine is covered by its warranty on ``day`` (default today)."""
        self.ensure_one()
        return self._warranty_state_on(day or fields.Date.context_today(self)) == "active"

    def _search_warranty_state(self, operator, value):
        if operator not in ("=", "in"):
            return NotImplemented
        values = {value} if isinstance(value, str) else set(value)
        today = fields.Date.context_today(self)
        by_state = {
            "none": Domain("warranty_end", "=", False)
            | (Domain("warranty_start", ">", today) & Domain("warranty_end", ">=", today)),
            "active": Domain("warranty_end", ">=", today)
            & (Domain("warranty_start", "=", False) | Domain("warranty_start", "<=", today)),
            "expired": Domain("warranty_end", "<", today),
        }
        return Domain.OR(by_state[v] for v in values if v in by_state)

    @api.depends("order_ids")
    def _compute_order_count(self):
        for equipment in self:
            orders = equipment.order_ids
            equipment.order_count = len(orders)
            done = orders.filtered(lambda o: o.state == "done").mapped("date_finished")
            equipment.last_service_date = max(done) if done else False

    def _documents_domain(self):
        return Domain.OR(
            [
                Domain("res_model", "=", self._name)
                & Domain("res_id", "in", self.ids)
                & Domain("res_field", "=", False),
                Domain("res_model", "=", "service.order.photo")
                & Domain("res_field", "=", "image")
                & Domain("res_id", "in", self.photo_ids.ids),
                Domain("res_model", "=", "service.order")
                & Domain("res_id", "in", self.order_ids.ids)
                & Domain("res_field", "=", False),
            ]
        )

    def _compute_document_count(self):
        """One grouped count for all the machines shown, not one search each."""
        machines = self.filtered("id")
        counts = {}
        if machines:
            counts = {
                (model, res_id): count
                for model, res_id, count in self.env["ir.attachment"]._read_group(
                    machines._documents_domain(), ["res_model", "res_id"], ["__count"]
                )
            }
        for equipment in self:
            keys = [(self._name, equipment.id)]
            keys += [("service.order.photo", photo.id) for photo in equipment.photo_ids]
            keys += [("service.order", order.id) for order in equipment.order_ids]
            equipment.document_count = (
                sum(counts.get(key, 0) for key in keys) if equipment.id else 0
            )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        client = self.partner_id.commercial_partner_id
        if self.location_id.commercial_partner_id != client:
            self.location_id = self.partner_id
        if self.administrator_id.commercial_partner_id != client:
            self.administrator_id = False

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("partner_id") and not vals.get("location_id"):
                vals["location_id"] = vals["partner_id"]
        records = super().create(vals_list)
        records.partner_id._fsm_mark_as_clients()
        records.location_id._fsm_ensure_geolocation()
        return records

    def write(self, vals):
        res = super().write(vals)
        if vals.get("partner_id"):
            self.partner_id._fsm_mark_as_clients()
        if vals.get("location_id"):
            self.location_id._fsm_ensure_geolocation()
        return res

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fsm_orders.action_service_order")
        action["domain"] = [("equipment_ids", "in", self.ids)]
        action["context"] = {
            "default_partner_id": self.partner_id.id,
            "default_location_id": self.location_id.id,
            "default_equipment_ids": self.ids,
            "search_default_filter_my_teams": False,
        }
        return action

    def action_view_documents(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Documents of %s", self.display_name),
            "res_model": "ir.attachment",
            "view_mode": "kanban,list,form",
            "domain": list(self._documents_domain()),
            "context": {"default_res_model": self._name, "default_res_id": self.id},
        }
