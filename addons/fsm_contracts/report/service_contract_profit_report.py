from odoo import fields, models, tools


class ServiceContractProfitReport(models.Model):
    """What each contract earns against what its work costs: its invoiced
    income (untaxed, not cancelled) beside the cost of the orders done under
    it: their paid hours at each technician's cost, and the parts used at
    their cost (a catalogue part's cost price, an external part's purchase
    cost)."""

    _name = "service.contract.profit.report"
    _description = "Contract profitability"
    _auto = False
    _order = "margin"

    contract_id = fields.Many2one("service.contract", "Contract", readonly=True)
    type_id = fields.Many2one("service.contract.type", "Type", readonly=True)
    partner_id = fields.Many2one("res.partner", "Client", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("expired", "Expired"), ("closed", "Closed")],
        readonly=True,
    )
    date_start = fields.Date("Start", readonly=True)
    date_end = fields.Date("End", readonly=True)
    order_count = fields.Integer("Orders done", readonly=True)
    income = fields.Monetary(currency_field="currency_id", readonly=True)
    labour_cost = fields.Monetary("Labour cost", currency_field="currency_id", readonly=True)
    parts_cost = fields.Monetary("Parts cost", currency_field="currency_id", readonly=True)
    cost = fields.Monetary(currency_field="currency_id", readonly=True)
    margin = fields.Monetary(currency_field="currency_id", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                WITH income AS (
                    SELECT am.fsm_contract_id AS contract_id, SUM(-aml.balance) AS amount
                      FROM account_move_line aml
                      JOIN account_move am ON am.id = aml.move_id
                     WHERE am.fsm_contract_id IS NOT NULL
                       AND am.state != 'cancel'
                       AND aml.display_type = 'product'
                     GROUP BY am.fsm_contract_id
                ), orders AS (
                    SELECT so.contract_id, COUNT(*) AS order_count,
                           SUM(COALESCE(so.labour_cost, 0)) AS labour_cost
                      FROM service_order so
                     WHERE so.contract_id IS NOT NULL AND so.state = 'done'
                     GROUP BY so.contract_id
                ), parts AS (
                    SELECT so.contract_id,
                           SUM(part.quantity_used * CASE
                               WHEN part.source = 'external' THEN COALESCE(part.purchase_cost, 0)
                               ELSE COALESCE(
                                   (pp.standard_price ->> so.company_id::text)::numeric, 0)
                           END) AS amount
                      FROM service_order_part part
                      JOIN service_order so ON so.id = part.order_id
                      LEFT JOIN product_product pp ON pp.id = part.product_id
                     WHERE so.contract_id IS NOT NULL AND so.state = 'done'
                     GROUP BY so.contract_id
                )
                SELECT sc.id AS id,
                       sc.id AS contract_id,
                       sc.type_id AS type_id,
                       sc.commercial_partner_id AS partner_id,
                       sc.company_id AS company_id,
                       rc.currency_id AS currency_id,
                       sc.state AS state,
                       sc.date_start AS date_start,
                       sc.date_end AS date_end,
                       COALESCE(orders.order_count, 0) AS order_count,
                       COALESCE(income.amount, 0) AS income,
                       COALESCE(orders.labour_cost, 0) AS labour_cost,
                       COALESCE(parts.amount, 0) AS parts_cost,
                       COALESCE(orders.labour_cost, 0) + COALESCE(parts.amount, 0) AS cost,
                       COALESCE(income.amount, 0) - COALESCE(orders.labour_cost, 0)
                           - COALESCE(parts.amount, 0) AS margin
                  FROM service_contract sc
                  JOIN res_company rc ON rc.id = sc.company_id
                  LEFT JOIN income ON income.contract_id = sc.id
                  LEFT JOIN orders ON orders.contract_id = sc.id
                  LEFT JOIN parts ON parts.contract_id = sc.id
                 WHERE sc.state != 'draft'
            )
            """
        )
