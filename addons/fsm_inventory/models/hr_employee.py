from odoo import api, fields, models
from odoo.tools import SQL


class HrEmployee(models.Model):
    """Every technician has a van: an internal stock location of their own,
    under the company's *Vans*, made when the employee becomes a technician.
    A technician leaving the team keeps their van's location (and what is in
    it) until the warehouse empties it."""

    _inherit = "hr.employee"

    van_location_id = fields.Many2one(
        "stock.location",
        "Van",
        readonly=True,
        copy=False,
        help="The technician's van: the stock they carry and use on site.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        employees = super().create(vals_list)
        employees.filtered("is_technician")._fsm_ensure_van()
        return employees

    def write(self, vals):
        res = super().write(vals)
        if vals.get("is_technician"):
            self.filtered("is_technician")._fsm_ensure_van()
        return res

    def _fsm_ensure_van(self):
        Location = self.env["stock.location"].sudo()
        for employee in self.sudo().filtered(lambda e: not e.van_location_id):
            company = employee.company_id or self.env.company
            employee.van_location_id = Location.create(
                {
                    "name": employee.name,
                    "usage": "internal",
                    "location_id": company._fsm_van_parent_location().id,
                    "company_id": company.id,
                }
            )

    @api.model
    def _fsm_ensure_all_vans(self):
        """On install: the technicians there are get their van."""
        self.search(
            [("is_technician", "=", True), ("van_location_id", "=", False)]
        )._fsm_ensure_van()

    def _fsm_lock_van(self):
        """Serialise the use of this van's stock: the row of its location is
        locked without waiting and written, so a second phone using the
        last unit at the same moment gets a lock or serialization error,
        which Odoo retries, and the retry sees the stock the first left."""
        locations = self.sudo().van_location_id
        if not locations:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM stock_location WHERE id IN %s ORDER BY id FOR NO KEY UPDATE NOWAIT",
                tuple(locations.ids),
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE stock_location SET write_date = now() AT TIME ZONE 'UTC' WHERE id IN %s",
                tuple(locations.ids),
            )
        )


class HrEmployeePublic(models.Model):
    """The van is on the public profile too: coordinators and technicians,
    who are no HR officers, read employees through it (and Odoo refuses to
    read an employee field the public profile lacks)."""

    _inherit = "hr.employee.public"

    van_location_id = fields.Many2one("stock.location", "Van", readonly=True)
