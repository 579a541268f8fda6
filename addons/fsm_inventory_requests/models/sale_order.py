from odoo import api, fields, models


class SaleOrder(models.Model):
    """An offer can be made for a service request before any order exists:
    accepting it creates the request's service order (as *Create orders*
    does, from ``service.request._prepare_order_vals``) with the offer's
    goods planned on it."""

    _inherit = "sale.order"

    fsm_request_id = fields.Many2one(
        "service.request",
        "Service request",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        help="The request this offer answers: accepting it creates the request's service "
        "order when the offer has none.",
    )

    @api.depends("fsm_order_id", "fsm_request_id")
    def _compute_fsm_is_offer(self):
        for offer in self:
            offer.fsm_is_offer = bool(offer.fsm_order_id or offer.fsm_request_id)

    def _confirmation_error_message(self):
        error = super()._confirmation_error_message()
        if error or self.fsm_order_id or not self.fsm_request_id:
            return error
        if self.fsm_request_id.state in ("closed", "cancelled"):
            return self.env._(
                "%(request)s is closed: reopen it before accepting the offer %(offer)s.",
                request=self.fsm_request_id.display_name,
                offer=self.name,
            )
        return False

    def _fsm_get_service_order(self):
        order = super()._fsm_get_service_order()
        if order or not self.fsm_request_id:
            return order
        order = self.env["service.order"].create(self.fsm_request_id._prepare_order_vals())
        self.fsm_order_id = order
        order.message_post(
            body=self.env._("Made from the accepted offer %s.", self.name),
            subtype_xmlid="mail.mt_note",
        )
        return order
