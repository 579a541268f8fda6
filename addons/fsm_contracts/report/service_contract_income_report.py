from odoo import fields, models, tools


class ServiceContractIncomeReport(models.Model):
    """Contract income per period: the untaxed lines of the contracts'
    invoices and credit notes (credit notes count negative), by invoice date
    and contract period, in the company's currency. Cancelled ones are left
    out; draft ones are shown with their state, to filter."""

    _name = "service.contract.income.report"
    _description = "Contract income"
    _auto = False
    _order = "date desc"

    contract_id = fields.Many2one("service.contract", "Contract", readonly=True)
    type_id = fields.Many2one("service.contract.type", "Type", readonly=True)
    partner_id = fields.Many2one("res.partner", "Client", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    move_id = fields.Many2one("account.move", "Invoice", readonly=True)
    date = fields.Date("Invoice date", readonly=True)
    period_start = fields.Date("Period from", readonly=True)
    state = fields.Selection(
        [("draft", "Draft"), ("posted", "Posted")], "Invoice status", readonly=True
    )
    is_period_line = fields.Boolean("Contract price", readonly=True)
    amount = fields.Monetary("Income", currency_field="currency_id", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT aml.id AS id,
                       am.fsm_contract_id AS contract_id,
                       sc.type_id AS type_id,
                       sc.commercial_partner_id AS partner_id,
                       am.company_id AS company_id,
                       aml.company_currency_id AS currency_id,
                       am.id AS move_id,
                       COALESCE(am.invoice_date, am.date) AS date,
                       am.fsm_period_start AS period_start,
                       am.state AS state,
                       aml.product_id IS NOT DISTINCT FROM sc.billing_product_id AS is_period_line,
                       -aml.balance AS amount
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
                  JOIN service_contract sc ON sc.id = am.fsm_contract_id
                 WHERE am.state != 'cancel'
                   AND aml.display_type = 'product'
            )
            """
        )
