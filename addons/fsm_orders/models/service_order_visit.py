from odoo import api, models
from odoo.tools import html2plaintext


class ServiceOrder(models.Model):
    """What the technician's one-thumb visit screen shows, in one call.

    The phone keeps the answer of :meth:`fsm_visit_data` (IndexedDB) and opens
    today's visits from it when there is no network, so the payload holds
    everything a visit needs and nothing more: plain values, no images but
    the counts (photos are uploaded, not downloaded). Addons add their own keys
    in :meth:`_fsm_visit_order_values` (per order) and
    :meth:`_fsm_visit_values` (the whole day: the van's parts, the timer)."""

    _inherit = "service.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _fsm_visit_domain(self):
        """The visits of the phone's day: My day's orders of today (the same
        relative dates as its *Today* filter, in the user's time zone), and
        those started earlier and not finished yet."""
        return [
            ("technician_user_id", "=", self.env.uid),
            ("state", "not in", ("draft", "cancelled")),
            "|",
            "&",
            ("scheduled_start", ">=", "today"),
            ("scheduled_start", "<", "today +1d"),
            ("state", "=", "in_progress"),
        ]

    @api.model
    def fsm_visit_data(self):
        """Today's visits of the current user with their checklists, warnings
        and machines, plus what addons add for the day (see the class)."""
        orders = self.search(self._fsm_visit_domain(), order="scheduled_start, priority desc, id")
        lines_by_order = {}
        for line in orders.checklist_ids.line_ids:
            lines_by_order.setdefault(line.checklist_id, []).append(line)
        values = self._fsm_visit_values(orders)
        values["orders"] = [
            dict(
                order._fsm_visit_order_base_values(lines_by_order),
                **order._fsm_visit_order_values(),
            )
            for order in orders
        ]
        return values

    @api.model
    def _fsm_visit_values(self, orders):
        """Values of the whole day beside the orders (extended by addons)."""
        return {
            "server_time": self.env.cr.now().strftime("%Y-%m-%d %H:%M:%S"),
            "user_id": self.env.uid,
            "state_labels": dict(self._fields["state"]._description_selection(self.env)),
            # what the server refused of this user's phones and still waits for
            # the coordinator, so that a phone shows conflicts it did not send
            "conflicts": self.env["service.sync.action"].fsm_my_conflicts(),
        }

    def _fsm_visit_order_base_values(self, lines_by_order):
        self.ensure_one()
        state_labels = dict(self._fields["state"]._description_selection(self.env))
        return {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "state_label": state_labels[self.state],
            "priority": self.priority,
            "partner_name": self.partner_id.display_name,
            "site_address": self.site_address or "",
            "contact_phone": self.contact_phone or "",
            "directions_url": self.directions_url or "",
            "visit_time_label": self.visit_time_label or "",
            "arrival_window": self.arrival_window or "",
            "warning_summary": self.warning_summary or "",
            "description": html2plaintext(self.description or "").strip(),
            "equipment": [{"id": e.id, "name": e.display_name} for e in self.equipment_ids],
            "checklists": [
                {
                    "id": checklist.id,
                    "name": checklist.name,
                    "equipment_name": checklist.equipment_id.display_name or "",
                    "lines": [
                        line._fsm_visit_values() for line in lines_by_order.get(checklist, [])
                    ],
                }
                for checklist in self.checklist_ids
            ],
            "photo_count": len(self.photo_ids),
            "signed_by": self.signed_by or "",
            "is_signed": self.is_signed,
            "can_sign": self.can_sign,
            "signature_required": self.company_id.fsm_signature_required,
            "work_summary": self.work_summary or "",
            "can_accept": self.can_accept,
            "can_start": self.can_start,
            "can_finish": self.can_finish,
            "finish_blocked_reason": self.finish_blocked_reason or "",
        }

    def _fsm_visit_order_values(self):
        """Extra values of one order for the visit screen (extended by addons)."""
        return {}


class ServiceOrderChecklistLine(models.Model):
    _inherit = "service.order.checklist.line"

    def _fsm_visit_values(self):
        """One question as the visit screen answers it inline."""
        self.ensure_one()
        value = {
            "yesno": self.value_yesno or False,
            "text": self.value_text or "",
            "number": self.value_number if self.value_number_set else None,
            "selection": self.value_option_id.id or False,
            "photo": bool(self.value_photo),
        }[self.answer_type]
        return {
            "id": self.id,
            "name": self.name,
            "answer_type": self.answer_type,
            "is_required": self.is_required,
            "has_range": self.has_range,
            "min_value": self.min_value,
            "max_value": self.max_value,
            "unit": self.unit or "",
            "help_text": self.help_text or "",
            "range_display": self.range_display or "",
            "options": [
                {"id": option.id, "name": option.name}
                for option in self.template_item_id.option_ids
            ],
            "value": value,
            "is_answered": self.is_answered,
            "is_out_of_range": self.is_out_of_range,
        }
