from datetime import timedelta

from odoo import fields, models
from odoo.fields import Domain


class ServiceRequestType(models.Model):
    """The firm's own kinds of request (breakdown, maintenance, installation…),
    each with its deadline (SLA) per priority."""

    _name = "service.request.type"
    _description = "Service Request Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    sla_hours_low = fields.Float("Low priority (hours)", default=120.0)
    sla_hours_normal = fields.Float("Normal priority (hours)", default=72.0)
    sla_hours_high = fields.Float("High priority (hours)", default=24.0)
    sla_hours_urgent = fields.Float("Urgent (hours)", default=4.0)
    sla_working_hours = fields.Boolean(
        "In working hours",
        help="Count the deadline's hours on the company's working schedule and public "
        "holidays (Employees settings): a request at closing time is due on the next "
        "working day. Otherwise the hours run round the clock.",
    )
    description = fields.Text(translate=True)

    _sla_positive = models.Constraint(
        "CHECK(sla_hours_low >= 0 AND sla_hours_normal >= 0 AND sla_hours_high >= 0 "
        "AND sla_hours_urgent >= 0)",
        "Deadlines cannot be negative.",
    )

    open_count = fields.Integer("Open", compute="_compute_dashboard")
    unplanned_count = fields.Integer("Waiting for orders", compute="_compute_dashboard")
    overdue_count = fields.Integer("Past deadline", compute="_compute_dashboard")
    closed_30_count = fields.Integer("Closed in 30 days", compute="_compute_dashboard")
    with_orders_30_count = fields.Integer("Became orders in 30 days", compute="_compute_dashboard")
    avg_hours_to_close = fields.Float("Hours to close (30 days)", compute="_compute_dashboard")

    SLA_FIELDS = ("sla_hours_low", "sla_hours_normal", "sla_hours_high", "sla_hours_urgent")

    def write(self, vals):
        """New hours, or *In working hours* toggled, give the open requests of
        the type whose deadline follows it a new deadline; closed and hand-set
        ones keep theirs."""
        res = super().write(vals)
        if set(vals) & {*self.SLA_FIELDS, "sla_working_hours"}:
            # sudo: a shared type's requests of every company follow it
            requests = (
                self.env["service.request"]
                .sudo()
                .search(
                    [
                        ("type_id", "in", self.ids),
                        ("state", "not in", ("closed", "cancelled")),
                        ("is_deadline_manual", "=", False),
                    ]
                )
            )
            self.env.add_to_compute(requests._fields["deadline"], requests)
        return res

    def _compute_dashboard(self):
        """Service desk figures per type, in a few grouped queries."""
        Request = self.env["service.request"]
        since = fields.Datetime.now() - timedelta(days=30)
        base = [("type_id", "in", self.ids)]

        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fsm_requests.action_service_request"
        )

        def counts(domain):
            return dict(
                Request._read_group(Domain(base) & Domain(domain), ["type_id"], ["__count"])
            )

        def filter_counts(filter_name):
            # the filter the card's figure opens: the figure and its list agree
            domain = self.env["service.dashboard"]._get_filters_domain(action, [filter_name])
            return counts(domain)

        open_ = filter_counts("filter_open")
        unplanned = filter_counts("filter_unplanned")
        overdue = filter_counts("filter_overdue")
        closed = counts([("state", "=", "closed"), ("date_closed", ">=", since)])
        with_orders = counts([("date_registered", ">=", since), ("order_ids", "!=", False)])
        hours = dict(
            Request._read_group(
                base + [("state", "=", "closed"), ("date_closed", ">=", since)],
                ["type_id"],
                ["hours_to_close:avg"],
            )
        )
        for request_type in self:
            request_type.open_count = open_.get(request_type, 0)
            request_type.unplanned_count = unplanned.get(request_type, 0)
            request_type.overdue_count = overdue.get(request_type, 0)
            request_type.closed_30_count = closed.get(request_type, 0)
            request_type.with_orders_30_count = with_orders.get(request_type, 0)
            request_type.avg_hours_to_close = hours.get(request_type) or 0.0

    def _action_requests(self, domain, name):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fsm_requests.action_service_request"
        )
        action["name"] = name
        action["domain"] = [("type_id", "=", self.id), *domain]
        action["context"] = {"default_type_id": self.id}
        return action

    def action_view_open(self):
        return self._action_requests("filter_open", self.env._("Open requests"))

    def action_view_unplanned(self):
        return self._action_requests("filter_unplanned", self.env._("Requests waiting for orders"))

    def action_view_overdue(self):
        return self._action_requests("filter_overdue", self.env._("Requests past their deadline"))

    def _action_requests(self, filter_name, name):
        """The type's requests with the figure's filter and the type as facets
        the user can remove, counted by the same filter as the card."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fsm_requests.action_service_request"
        )
        action["display_name"] = name
        action["context"] = {
            f"search_default_{filter_name}": 1,
            "search_default_type_id": self.id,
            "default_type_id": self.id,
        }
        return action

    def _sla_hours(self, priority):
        self.ensure_one()
        return {
            "0": self.sla_hours_low,
            "1": self.sla_hours_normal,
            "2": self.sla_hours_high,
            "3": self.sla_hours_urgent,
        }.get(priority or "1", self.sla_hours_normal)
