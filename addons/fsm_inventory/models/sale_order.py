from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

# what makes the document the client signs: a superseded version keeps them
OFFER_DOCUMENT_FIELDS = {
    "order_line",
    "partner_id",
    "partner_invoice_id",
    "partner_shipping_id",
    "pricelist_id",
    "payment_term_id",
    "validity_date",
    "date_order",
    "fiscal_position_id",
    "note",
    "require_signature",
    "require_payment",
    "signature",
    "signed_by",
    "signed_on",
}


class SaleOrder(models.Model):
    """Offers: quotations made for a service order (or, with the requests
    bridge, a service request).

    * **Revisions**: *New revision* copies a draft or sent offer as
      ``<first version>-1``, ``-2``…; the old version is cancelled and
      flagged *superseded*: it stays readable, but it can no longer be
      changed, set back to quotation, confirmed nor signed on the portal.
    * **Rejected** with a reason (``service.offer.reject.reason``) and a
      note: the offer is cancelled, the reason is in the chatter and in the
      *Rejected offers* analysis.
    * **Follow-up**: when an offer is sent, an activity *Follow up the offer*
      is scheduled for its salesperson (else the order team's coordinator)
      the company's number of days later, or on the validity date when that
      comes first; it is marked done when the offer is accepted, rejected or
      replaced.
    * **Accepted** (confirmed, or signed on the portal): its goods are planned
      on the service order; the offer itself is invoiced from this sale order
      by Odoo, and the service order's settlement leaves out what the offer
      sold (``service.order._fsm_offered_quantities``). Its goods travel
      through the technician's van, so the sale order makes no delivery of
      its own.
    """

    _inherit = "sale.order"

    fsm_order_id = fields.Many2one(
        "service.order",
        "Service order",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        help="The service order this offer is for: accepting the offer plans its goods on it.",
    )
    fsm_is_offer = fields.Boolean(
        "Field service offer",
        compute="_compute_fsm_is_offer",
        store=True,
        index=True,
        help="Made for a service order or a service request.",
    )
    fsm_revision_of_id = fields.Many2one(
        "sale.order",
        "First version",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The first version of the offer this one revises.",
    )
    fsm_revision_ids = fields.One2many(
        "sale.order", "fsm_revision_of_id", "Revisions", readonly=True
    )
    fsm_revision = fields.Integer(
        "Revision", readonly=True, copy=False, help="0 for the first version, then 1, 2…"
    )
    fsm_version_count = fields.Integer("Versions", compute="_compute_fsm_version_count")
    fsm_is_superseded = fields.Boolean(
        "Superseded",
        readonly=True,
        copy=False,
        help="A newer revision replaced this version: it is kept to be read only.",
    )
    fsm_superseded_by_id = fields.Many2one("sale.order", "Replaced by", readonly=True, copy=False)
    fsm_reject_reason_id = fields.Many2one(
        "service.offer.reject.reason",
        "Rejection reason",
        readonly=True,
        copy=False,
        tracking=True,
        index="btree_not_null",
    )
    fsm_reject_note = fields.Text("Rejection note", readonly=True, copy=False)
    fsm_date_rejected = fields.Datetime("Rejected on", readonly=True, copy=False)

    @api.depends("fsm_order_id")
    def _compute_fsm_is_offer(self):
        for offer in self:
            offer.fsm_is_offer = bool(offer.fsm_order_id)

    def _compute_fsm_version_count(self):
        for offer in self:
            root = offer.fsm_revision_of_id or offer
            offer.fsm_version_count = 1 + len(root.fsm_revision_ids)

    # ------------------------------------------------------------------
    # superseded versions are read-only
    # ------------------------------------------------------------------
    def _fsm_check_not_superseded(self):
        for offer in self.filtered("fsm_is_superseded"):
            raise UserError(
                self.env._(
                    "%(offer)s was replaced by %(latest)s: it can only be read. Work on the "
                    "latest version.",
                    offer=offer.name,
                    latest=offer._fsm_latest_version().name,
                )
            )

    def _fsm_latest_version(self):
        self.ensure_one()
        root = self.fsm_revision_of_id or self
        return (root | root.fsm_revision_ids).sorted("fsm_revision")[-1]

    def write(self, vals):
        if OFFER_DOCUMENT_FIELDS & set(vals):
            self._fsm_check_not_superseded()
        sent_now = self.browse()
        if vals.get("state") == "sent":
            sent_now = self.filtered(lambda o: o.state != "sent")
        closed_now = self.browse()
        if vals.get("state") in ("sale", "cancel"):
            closed_now = self.filtered(lambda o: o.state != vals["state"])
        res = super().write(vals)
        sent_now._fsm_schedule_followup()
        closed_now._fsm_close_followup()
        return res

    def _confirmation_error_message(self):
        if self.fsm_is_superseded:
            return self.env._(
                "%(offer)s was replaced by %(latest)s: confirm the latest version.",
                offer=self.name,
                latest=self._fsm_latest_version().name,
            )
        error = super()._confirmation_error_message()
        if error:
            return error
        if self.fsm_order_id.state in ("done", "cancelled"):
            return self.env._(
                "%(order)s is closed: the offer %(offer)s cannot plan parts on it. Link the "
                "offer to an open service order first.",
                order=self.fsm_order_id.display_name,
                offer=self.name,
            )
        return False

    def action_draft(self):
        self._fsm_check_not_superseded()
        res = super().action_draft()
        self.filtered("fsm_reject_reason_id").write(
            {"fsm_reject_reason_id": False, "fsm_reject_note": False, "fsm_date_rejected": False}
        )
        return res

    def _has_to_be_signed(self):
        return super()._has_to_be_signed() and not self.fsm_is_superseded

    def _has_to_be_paid(self):
        return super()._has_to_be_paid() and not self.fsm_is_superseded

    # ------------------------------------------------------------------
    # revisions
    # ------------------------------------------------------------------
    def _fsm_check_open_offer(self, verb):
        self.ensure_one()
        self._fsm_check_not_superseded()
        if self.state not in ("draft", "sent"):
            raise UserError(
                self.env._(
                    "%(offer)s is no longer a quotation: only a draft or sent offer can be "
                    "%(verb)s.",
                    offer=self.name,
                    verb=verb,
                )
            )

    def action_fsm_new_revision(self):
        """A new version of this offer, numbered after the first version
        (``S00012-1``, ``S00012-2``…); this one is cancelled and kept,
        read-only, as superseded."""
        self.ensure_one()
        self._fsm_check_open_offer(self.env._("revised"))
        root = self.fsm_revision_of_id or self
        number = max((root | root.fsm_revision_ids).mapped("fsm_revision")) + 1
        revision = self.copy(
            {
                "name": f"{root.name}-{number}",
                "fsm_revision_of_id": root.id,
                "fsm_revision": number,
                "origin": self.origin,
            }
        )
        self.write({"fsm_is_superseded": True, "fsm_superseded_by_id": revision.id})
        self._action_cancel()
        self.message_post(
            body=self.env._("Replaced by the revision %s.", revision.name),
            subtype_xmlid="mail.mt_note",
        )
        revision.message_post(
            body=self.env._("Revision of %s.", self.name), subtype_xmlid="mail.mt_note"
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": revision.id,
            "view_mode": "form",
        }

    def action_fsm_view_versions(self):
        self.ensure_one()
        root = self.fsm_revision_of_id or self
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Versions of %s", root.name),
            "res_model": "sale.order",
            "view_mode": "list,form",
            "domain": [("id", "in", (root | root.fsm_revision_ids).ids)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------
    # rejection
    # ------------------------------------------------------------------
    def action_fsm_open_reject_wizard(self):
        self.ensure_one()
        self._fsm_check_open_offer(self.env._("rejected"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject %s", self.name),
            "res_model": "service.offer.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_offer_id": self.id},
        }

    def action_fsm_reject(self, reason, note=False):
        """The client said no: the offer is cancelled with ``reason`` (a
        ``service.offer.reject.reason``) and ``note``, both in the chatter."""
        for offer in self:
            offer._fsm_check_open_offer(self.env._("rejected"))
        if not reason:
            raise UserError(self.env._("Choose why the client rejected the offer."))
        self.write(
            {
                "fsm_reject_reason_id": reason.id,
                "fsm_reject_note": note or False,
                "fsm_date_rejected": fields.Datetime.now(),
            }
        )
        self._action_cancel()
        for offer in self:
            body = (
                self.env._("Rejected: %(reason)s. %(note)s", reason=reason.name, note=note)
                if note
                else self.env._("Rejected: %s.", reason.name)
            )
            offer.message_post(body=body, subtype_xmlid="mail.mt_note")
        return True

    # ------------------------------------------------------------------
    # follow-up reminders
    # ------------------------------------------------------------------
    def _fsm_followup_user(self):
        self.ensure_one()
        return self.user_id or self.fsm_order_id.team_id.coordinator_id or self.env.user

    def _fsm_schedule_followup(self):
        """One *Follow up the offer* activity per sent offer, the company's
        number of days later (none when it is 0), but not after the validity
        date."""
        activity_type = self.env.ref("fsm_inventory.mail_activity_offer_followup")
        today = fields.Date.context_today(self)
        for offer in self.filtered("fsm_is_offer"):
            days = offer.company_id.fsm_offer_followup_days
            if days <= 0 or offer.activity_ids.filtered(
                lambda a, t=activity_type: a.activity_type_id == t
            ):
                continue
            deadline = today + timedelta(days=days)
            if offer.validity_date and offer.validity_date < deadline:
                deadline = max(offer.validity_date, today)
            offer.activity_schedule(
                "fsm_inventory.mail_activity_offer_followup",
                date_deadline=deadline,
                user_id=offer._fsm_followup_user().id,
            )

    def _fsm_close_followup(self):
        for offer in self.filtered("fsm_is_offer"):
            if offer.state == "sale":
                feedback = self.env._("Offer accepted")
            elif offer.fsm_is_superseded:
                feedback = self.env._("Replaced by %s", offer.fsm_superseded_by_id.name)
            elif offer.fsm_reject_reason_id:
                feedback = self.env._("Rejected: %s", offer.fsm_reject_reason_id.name)
            else:
                feedback = self.env._("Offer cancelled")
            # sudo: the client signing on the portal closes the salesperson's reminder
            offer.sudo().activity_feedback(
                ["fsm_inventory.mail_activity_offer_followup"], feedback=feedback
            )

    # ------------------------------------------------------------------
    # acceptance
    # ------------------------------------------------------------------
    def _fsm_get_service_order(self):
        """The service order an accepted offer fills (the requests bridge
        makes one from the offer's request)."""
        self.ensure_one()
        return self.fsm_order_id

    def _action_confirm(self):
        res = super()._action_confirm()
        for offer in self.filtered("fsm_is_offer"):
            # sudo: the client who signs on the portal plans the parts
            order = offer.sudo()._fsm_get_service_order()
            if order:
                order._fsm_plan_offered_lines(offer.sudo().order_line)
        return res


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    fsm_part_id = fields.Many2one(
        "service.order.part",
        "Planned part",
        index="btree_not_null",
        ondelete="set null",
        groups="fsm_orders.group_fsm_coordinator",
        help="The service order's planned part this line was made from: it is planned already.",
    )

    def _action_launch_stock_rule(self, **kwargs):
        # an offer's goods go to the client through the technician's van (the
        # service order's parts), never by a delivery of the sale order
        lines = self.filtered(lambda line: not line.order_id.fsm_is_offer)
        return super(SaleOrderLine, lines)._action_launch_stock_rule(**kwargs)

    @api.model_create_multi
    def create(self, vals_list):
        orders = self.env["sale.order"].browse({vals.get("order_id") for vals in vals_list})
        orders.exists()._fsm_check_not_superseded()
        return super().create(vals_list)

    def write(self, vals):
        self.order_id._fsm_check_not_superseded()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_superseded(self):
        self.order_id._fsm_check_not_superseded()
