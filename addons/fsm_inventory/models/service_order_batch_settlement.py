from odoo import models
from odoo.exceptions import UserError


class ServiceOrder(models.Model):
    """Settling many done orders at once from the list (*Create invoices*)."""

    _inherit = "service.order"  # pylint: disable=consider-merging-classes-inherited

    def action_fsm_create_invoices(self):
        """One draft invoice for each settleable order of the selection.

        An order that cannot be settled (not done, not billable, already
        invoiced, nothing to invoice) is skipped with the reason its own
        *Create invoice* button would give; the others are invoiced in one
        batch, and one by one (each in a savepoint) only when the batch
        fails, so that one failing order does not undo the others. The
        coordinator is told how many were invoiced and which were skipped
        and why; the created invoices open next."""
        if not self.env.user.has_group("fsm_orders.group_fsm_coordinator"):
            raise UserError(self.env._("Only a coordinator can invoice service orders."))
        skipped = []
        settleable = self.browse()
        for order in self:
            if refusal := order._get_step_refusal("invoice"):
                skipped.append(refusal)
            else:
                settleable |= order
        invoiced = self.browse()
        try:
            # one batch: Odoo builds the invoices together, in a quarter of
            # the queries of one order at a time (tests/benchmarks)
            with self.env.cr.savepoint():
                settleable.action_create_invoice()
            invoiced = settleable
        except UserError:
            # an order the checks let through failed: invoice one by one so
            # that it alone is skipped, with its reason
            for order in settleable:
                try:
                    with self.env.cr.savepoint():
                        order.action_create_invoice()
                except UserError as exc:
                    skipped.append(str(exc.args[0]))
                    continue
                invoiced |= order
        if skipped:
            message = self.env._(
                "%(invoiced)s order(s) invoiced, %(skipped)s skipped: %(reasons)s",
                invoiced=len(invoiced),
                skipped=len(skipped),
                reasons=" ".join(skipped),
            )
        else:
            message = self.env._("%(invoiced)s order(s) invoiced.", invoiced=len(invoiced))
        action = {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Create invoices"),
                "message": message,
                "type": "warning" if skipped else "success",
                "sticky": bool(skipped),
            },
        }
        if invoiced:
            invoices = invoiced.invoice_ids
            action["params"]["next"] = {
                "type": "ir.actions.act_window",
                "name": self.env._("Invoices"),
                "res_model": "account.move",
                "view_mode": "list,form",
                "views": [(False, "list"), (False, "form")],
                "domain": [("id", "in", invoices.ids)],
            }
        return action
