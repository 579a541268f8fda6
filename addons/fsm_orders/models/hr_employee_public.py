from odoo import api, fields, models, tools
from odoo.exceptions import AccessError

from .field_rights import refused_field_labels


class HrEmployeePublic(models.Model):
    """The public profile is where Field Service staff who are no HR officers
    manage technicians (the Technicians menu): they read what every employee
    reads, and write only the service settings, routed to the employee by
    ``write`` after the check below. The HR record stays HR's."""

    _inherit = "hr.employee.public"

    is_technician = fields.Boolean(readonly=False)
    service_team_ids = fields.Many2many(
        "service.team", related="employee_id.service_team_ids", compute_sudo=True, readonly=False
    )
    service_start_location_id = fields.Many2one("res.partner", readonly=False)
    service_order_count = fields.Integer("Open orders", compute="_compute_service_order_count")

    @property
    def FSM_STAFF_WRITABLE_FIELDS(self):
        """Fields of a public profile that a Field Service coordinator or
        manager may change: the service settings. An addon that adds such a
        setting (skills, a van) adds the field to ``hr.employee`` and here,
        and extends this set::

            @property
            def FSM_STAFF_WRITABLE_FIELDS(self):
                return super().FSM_STAFF_WRITABLE_FIELDS | {"van_location_id"}

        The write check, ``fields_get``'s readonly and the Technicians form
        follow from it (``_has_field_access``), as on service orders."""
        return {"is_technician", "service_team_ids", "service_start_location_id"}

    @api.model
    @tools.ormcache(cache="stable")
    def _fsm_staff_writable_fields(self):
        return frozenset(self.FSM_STAFF_WRITABLE_FIELDS)

    def _compute_service_order_count(self):
        counts = self.env["hr.employee"]._fsm_open_order_counts(self.ids)
        for profile in self:
            profile.service_order_count = counts.get(profile.id, 0)

    def _has_field_access(self, field, operation):
        if operation == "write" and not self.env.su:
            return field.name in self._fsm_staff_writable_fields() and self.env.user.has_group(
                "fsm_orders.group_fsm_coordinator"
            )
        return super()._has_field_access(field, operation)

    def write(self, vals):  # pylint: disable=method-required-super
        """The service settings of these employees, written on the employees.
        Anything else is refused with the fields named; nothing is written.
        No ``super()``: the public profile is an SQL view, it has no rows to
        write; the values go to ``hr.employee``."""
        if not self.env.user.has_group("fsm_orders.group_fsm_coordinator"):
            raise AccessError(
                self.env._("Only Field Service coordinators and managers change technicians.")
            )
        if refused := refused_field_labels(self, vals):
            raise AccessError(
                self.env._(
                    "Only an HR officer can change %(fields)s of an employee; Field Service "
                    "sets the service settings (technician, teams, start location).",
                    fields=refused,
                )
            )
        self.check_access("read")
        # sudo: coordinators have no rights on the HR record; the check above
        # is Field Service's rule for the fields they may set
        self.env["hr.employee"].sudo().browse(self.ids).write(vals)
        self.invalidate_recordset(list(vals))
        return True

    def action_view_service_orders(self):
        # the profile's id is the employee's; the employee's action reads no HR field
        return self.env["hr.employee"].browse(self.ids).action_view_service_orders()
