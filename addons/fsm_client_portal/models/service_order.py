from odoo import api, models
from odoo.exceptions import UserError

RATING_VALUES = (1, 3, 5)  # rating.mixin's unhappy / okay / happy


class ServiceOrder(models.Model):
    """The client's view of an order: its steps as a timeline, and their
    rating of a finished visit (Odoo's ``rating.mixin``: the rating is posted
    in the chatter, counted on the order and in the desk's statistics)."""

    _name = "service.order"
    _inherit = ["rating.mixin", "service.order", "fsm.portal.field.access"]

    @property
    def PORTAL_READABLE_FIELDS(self):
        """What the client's pages show of an order; never the internal note,
        the parts note, the warnings or the billing."""
        return super().PORTAL_READABLE_FIELDS | {
            "name",
            "active",
            "state",
            "priority",
            "partner_id",
            "commercial_partner_id",
            "contact_id",
            "location_id",
            "site_address",
            "equipment_ids",
            "technician_id",
            "description",
            "work_summary",
            "scheduled_start",
            "scheduled_end",
            "scheduled_duration",
            "arrival_window",
            "date_started",
            "date_finished",
            "cancel_reason",
            "client_ref",
            "is_signed",
            "signed_by",
            "signed_on",
            "request_id",
            "access_url",
            "rating_count",
        }

    # ------------------------------------------------------------------
    # rating
    # ------------------------------------------------------------------
    def _rating_get_partner(self):
        """The client's contact rates the visit (the client when no contact)."""
        return self.contact_id or self.partner_id

    def _rating_get_operator(self):
        """The technician who did the visit is the rated person."""
        return self.technician_user_id.partner_id or self.technician_id.work_contact_id

    def _fsm_portal_can_rate(self):
        self.ensure_one()
        return self.state == "done" and not self.rating_ids.filtered("consumed")

    def _fsm_portal_rate(self, rate, feedback=None, partner=None):
        """The client's rating (1, 3 or 5) and comment of a finished visit,
        once. ``partner`` is who rates (the logged-in contact, or the order's
        contact for a token link); the rating is theirs in the chatter."""
        self.ensure_one()
        if self.state != "done":
            raise UserError(self.env._("A visit can be rated once it is finished."))
        if not self._fsm_portal_can_rate():
            raise UserError(self.env._("This visit is already rated: thank you."))
        try:
            rate = int(rate)
        except (TypeError, ValueError):
            rate = 0
        if rate not in RATING_VALUES:
            raise UserError(self.env._("Choose how the visit went."))
        partner = partner or self._rating_get_partner()
        token = self._rating_get_access_token(partner)
        feedback = (feedback or "").strip()[:2000]
        return self.rating_apply(rate, token=token, feedback=feedback)

    # ------------------------------------------------------------------
    # timeline
    # ------------------------------------------------------------------
    def _portal_timeline(self, partner=None):
        """The order's steps for the client: registered, planned (date and
        technician), technician on the way (arrival window), in progress,
        done. Each step is a dict (``key``, ``label``, ``done``, ``current``,
        ``date``, ``detail``); an addon adds or changes steps by overriding
        this. ``partner`` gives the time zone of the arrival window. On no
        order (a request not planned yet) only the first step is reached."""
        order = self.sudo()[:1]
        state = order.state or "draft"
        reached = {
            "registered": True,
            "planned": state in ("planned", "dispatched", "accepted", "in_progress", "done"),
            "on_the_way": state in ("in_progress", "done") or bool(order._fsm_on_the_way()),
            "in_progress": state in ("in_progress", "done"),
            "done": state == "done",
        }
        registered_on = order.create_date
        if order.request_id:
            registered_on = order.request_id.date_registered
        window = ""
        if state in ("dispatched", "accepted") and order.scheduled_start:
            window = order._get_arrival_window_text(partner)
        steps = [
            {"key": "registered", "label": self.env._("Registered"), "date": registered_on},
            {
                "key": "planned",
                "label": self.env._("Planned"),
                "date": order.scheduled_start if reached["planned"] else False,
                "detail": order.technician_id.name if reached["planned"] else "",
            },
            {
                "key": "on_the_way",
                "label": self.env._("Technician on the way"),
                "detail": window,
            },
            {"key": "in_progress", "label": self.env._("In progress"), "date": order.date_started},
            {"key": "done", "label": self.env._("Done"), "date": order.date_finished},
        ]
        last = max(i for i, step in enumerate(steps) if reached.get(step["key"]))
        for i, step in enumerate(steps):
            step.setdefault("date", False)
            step.setdefault("detail", "")
            step["done"] = reached.get(step["key"], False)
            step["current"] = i == last and state != "cancelled"
        return steps

    @api.model
    def _portal_list_domain(self, filterby="open"):
        """The domains of the client's order list filters."""
        return {
            "open": [("state", "not in", ("done", "cancelled"))],
            "done": [("state", "=", "done")],
            "all": [],
        }.get(filterby, [])
