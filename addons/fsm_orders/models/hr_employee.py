from odoo import api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.tools import format_list


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    is_technician = fields.Boolean(
        "Field technician",
        tracking=True,
        help="Can be assigned service orders and sees them in My day.",
    )
    service_team_ids = fields.Many2many(
        "service.team",
        "service_team_member_rel",
        "employee_id",
        "team_id",
        string="Service teams",
    )
    service_start_location_id = fields.Many2one(
        "res.partner",
        string="Start location",
        help="Where the technician's day starts and ends (home or depot); the planner "
        "computes the first and last trip from here.",
    )
    service_order_ids = fields.One2many("service.order", "technician_id", string="Service orders")
    service_order_count = fields.Integer(compute="_compute_service_order_count")

    def _compute_service_order_count(self):
        counts = dict(
            self.env["service.order"]._read_group(
                [("technician_id", "in", self.ids), ("state", "not in", ("done", "cancelled"))],
                ["technician_id"],
                ["__count"],
            )
        )
        for employee in self:
            employee.service_order_count = counts.get(employee, 0)

    @api.model_create_multi
    def create(self, vals_list):
        employees = super().create(vals_list)
        employees.filtered("is_technician")._fsm_prepare_technician_users()
        return employees

    def write(self, vals):
        self._fsm_check_staff_write(vals)
        res = super().write(vals)
        if vals.get("is_technician") or "user_id" in vals:
            self.filtered("is_technician")._fsm_prepare_technician_users()
        return res

    def _fsm_prepare_technician_users(self):
        """A technician's user gets the technician group and lands on My day."""
        group = self.env.ref("fsm_orders.group_fsm_technician")
        my_day = self.env.ref("fsm_orders.action_my_day", raise_if_not_found=False)
        for user in self.user_id.sudo():
            if group not in user.all_group_ids:
                user.group_ids = [fields.Command.link(group.id)]
            if (
                my_day
                and not user.action_id
                and not user.has_group("fsm_orders.group_fsm_coordinator")
            ):
                user.action_id = my_day.id

    # ------------------------------------------------------------------
    # what Field Service staff who are not HR officers may change
    # ------------------------------------------------------------------
    @property
    def FSM_STAFF_WRITABLE_FIELDS(self):
        """Fields of an employee that a Field Service coordinator or manager
        who is no HR officer may change: the service settings, never the HR
        record. An addon that adds such a setting (skills, a van) extends it::

            @property
            def FSM_STAFF_WRITABLE_FIELDS(self):
                return super().FSM_STAFF_WRITABLE_FIELDS | {"van_location_id"}

        The write check, ``fields_get``'s readonly and the Technicians form
        follow from it (``_has_field_access``), as on service orders."""
        return {
            "is_technician",
            "service_team_ids",
            "service_start_location_id",
            "message_follower_ids",
            "message_ids",
            "activity_ids",
            "message_main_attachment_id",
        }

    @api.model
    @tools.ormcache(cache="stable")
    def _fsm_staff_writable_fields(self):
        return frozenset(self.FSM_STAFF_WRITABLE_FIELDS)

    def _is_fsm_staff_only(self):
        """Field Service coordinators and managers read and write employees
        through the rights of this addon, not HR's: only their service settings."""
        user = self.env.user
        return (
            not self.env.su
            and user.has_group("fsm_orders.group_fsm_coordinator")
            and not user.has_group("hr.group_hr_user")
        )

    def _has_field_access(self, field, operation):
        if not super()._has_field_access(field, operation):
            return False
        if operation == "write" and self._is_fsm_staff_only():
            return field.name in self._fsm_staff_writable_fields()
        return True

    def _fsm_check_staff_write(self, vals):
        if not self._is_fsm_staff_only():
            return
        refused = [
            field
            for name in vals
            if (field := self._fields.get(name)) and not self._has_field_access(field, "write")
        ]
        if refused:
            raise AccessError(
                self.env._(
                    "Only an HR officer can change %(fields)s of an employee; Field Service "
                    "sets the service settings (technician, teams, start location).",
                    fields=format_list(
                        self.env, [f._description_string(self.env) for f in refused]
                    ),
                )
            )

    @api.model
    def _get_view_cache_key(self, view_id=None, view_type="form", **options):
        return super()._get_view_cache_key(view_id, view_type, **options) + (
            self._is_fsm_staff_only(),
        )

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """For Field Service staff, what they may not write is read-only."""
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type in ("form", "list") and self._is_fsm_staff_only():
            for node in arch.xpath("//field[not(ancestor::field)]"):
                field = self._fields.get(node.get("name"))
                if field and not self._has_field_access(field, "write"):
                    node.set("readonly", "True")
        return arch, view

    def action_view_service_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fsm_orders.action_service_order")
        action["domain"] = [("technician_id", "=", self.id)]
        action["context"] = {"default_technician_id": self.id}
        return action
