from odoo import fields, models


class AccountMove(models.Model):
    """A contract's period invoice knows its contract and period: the job
    that makes them reads it to invoice each period once, and the income
    report groups on it."""

    _inherit = "account.move"

    fsm_contract_id = fields.Many2one(
        "service.contract", "Service contract", readonly=True, index="btree_not_null", copy=False
    )
    fsm_period_start = fields.Date("Contract period from", readonly=True, copy=False)

    # a second guard under the job's row lock: one invoice per contract period
    _fsm_contract_period_unique = models.UniqueIndex(
        "(fsm_contract_id, fsm_period_start) WHERE fsm_contract_id IS NOT NULL",
        "This contract period is already invoiced.",
    )

    def _reverse_moves(self, default_values_list=None, cancel=False):
        """A credit note of a contract's invoice is the contract's too: the
        income report counts it against the contract."""
        default_values_list = default_values_list or [{} for _move in self]
        for move, values in zip(self, default_values_list, strict=True):
            if move.fsm_contract_id:
                values.setdefault("fsm_contract_id", move.fsm_contract_id.id)
        return super()._reverse_moves(default_values_list=default_values_list, cancel=cancel)
