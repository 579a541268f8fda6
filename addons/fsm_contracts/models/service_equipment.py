from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import format_date


class ServiceEquipment(models.Model):
    """A machine's contracts, and its reminders of seed section 11: its
    warranty ends soon, its next service is due. Each reminder goes once per
    date (``*_reminder_for`` holds the date it was sent for): a warranty
    extended, or a service done, brings the next one in its time."""

    _inherit = ["service.equipment", "service.client.notify.mixin"]
    _name = "service.equipment"

    contract_ids = fields.Many2many(
        "service.contract",
        compute="_compute_contract_ids",
        string="Contracts",
        help="Every contract that covers or covered the machine (listed, by its site, or "
        "covering all of its client's machines).",
    )
    contract_count = fields.Integer(compute="_compute_contract_ids")
    running_contract_id = fields.Many2one(
        "service.contract",
        "Contract today",
        compute="_compute_contract_ids",
        search="_search_running_contract_id",
    )
    next_service_date = fields.Date(
        "Next service",
        compute="_compute_next_service_date",
        help="The next visit of its maintenance plan, or its category's interval after the "
        "last visit.",
    )
    warranty_reminder_for = fields.Date(copy=False, readonly=True)
    service_reminder_for = fields.Date(copy=False, readonly=True)

    def _fsm_client_recipient(self):
        self.ensure_one()
        return self.administrator_id or self.partner_id

    def _fsm_contracts_domain(self):
        self.ensure_one()
        client = self.commercial_partner_id.id
        return Domain("commercial_partner_id", "=", client) & (
            Domain("equipment_ids", "in", self.ids)
            | Domain("location_ids", "in", self.location_id.ids)
            | (Domain("equipment_ids", "=", False) & Domain("location_ids", "=", False))
        )

    def _compute_contract_ids(self):
        Contract = self.env["service.contract"]
        today = fields.Date.context_today(self)
        for machine in self:
            if not machine.id:
                machine.contract_ids = machine.running_contract_id = False
                machine.contract_count = 0
                continue
            contracts = Contract.search(machine._fsm_contracts_domain())
            machine.contract_ids = contracts
            machine.contract_count = len(contracts)
            machine.running_contract_id = contracts.filtered(
                lambda c: c.state == "running" and c._fsm_covers_day(today)
            )[:1]

    def _search_running_contract_id(self, operator, value):
        """``running_contract_id = False``: the machines no running contract
        covers today (the coverage report)."""
        if operator not in ("=", "!=") or value not in (False, None):
            return NotImplemented
        today = fields.Date.context_today(self)
        running = (
            self.env["service.contract"]
            .sudo()
            .search(
                self.env["service.contract"]._fsm_covering_domain(today)
                & Domain("state", "=", "running")
            )
        )
        covered = self.browse()
        for contract in running:
            covered |= contract._fsm_covered_machines()
        domain = Domain("id", "in", covered.ids)
        return ~domain if operator == "=" else domain

    @api.depends("order_ids.date_finished", "category_id.service_interval_days")
    def _compute_next_service_date(self):
        Plan = self.env["service.maintenance.plan"]
        plans = Plan.search([("equipment_id", "in", self.ids), ("active", "=", True)])
        for machine in self:
            dues = [
                due
                for plan in plans.filtered(lambda p, m=machine: p.equipment_id == m)
                if (due := plan.next_due_date)
            ]
            interval = machine.category_id.service_interval_days
            if not dues and interval and machine.last_service_date:
                dues.append(machine.last_service_date.date() + timedelta(days=interval))
            machine.next_service_date = min(dues) if dues else False

    def action_view_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fsm_contracts.service_contract_action"
        )
        action["domain"] = [("id", "in", self.contract_ids.ids)]
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "default_equipment_ids": self.ids,
        }
        return action

    # ------------------------------------------------------------------
    # reminders
    # ------------------------------------------------------------------
    def _fsm_reminder_manager(self):
        """Who at the firm hears of the machine: its contract's responsible,
        else the client's salesperson."""
        self.ensure_one()
        return self.running_contract_id.user_id or self.commercial_partner_id.user_id

    def _fsm_send_reminder(self, kind, day):
        """Tell the client and/or the manager (by the company's setting) that
        ``kind`` ('warranty' or 'service') comes on ``day``."""
        self.ensure_one()
        recipients = self.company_id.fsm_reminder_recipients
        if recipients in ("client", "both"):
            self._fsm_notify_client(
                f"fsm_contracts.mail_template_equipment_{kind}",
                f"fsm_contracts.sms_template_equipment_{kind}",
            )
        manager = self._fsm_reminder_manager()
        if recipients in ("manager", "both") and manager:
            summary = {
                "warranty": self.env._("Warranty of %s ends", self.display_name),
                "service": self.env._("%s is due for service", self.display_name),
            }[kind]
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=day,
                summary=summary,
                note=self.env._(
                    "%(summary)s on %(day)s.", summary=summary, day=format_date(self.env, day)
                ),
                user_id=manager.id,
            )

    @api.model
    def _cron_send_reminders(self, batch_size=200):
        """The day's reminders: warranties ending within the company's lead
        time, next services due within theirs; each once per date."""
        today = fields.Date.context_today(self)
        processed = remaining = 0
        companies = self.env["res.company"].search(
            ["|", ("fsm_warranty_reminder_days", ">", 0), ("fsm_service_reminder_days", ">", 0)]
        )
        for company in companies:
            machines = self.with_company(company)
            days = company.fsm_warranty_reminder_days
            if days:
                domain = [
                    ("company_id", "=", company.id),
                    ("warranty_end", ">=", today),
                    ("warranty_end", "<=", today + timedelta(days=days)),
                ]
                due = machines.search(domain).filtered(
                    lambda m: m.warranty_reminder_for != m.warranty_end
                )
                batch = due[:batch_size].try_lock_for_update(allow_referencing=True)
                for machine in batch:
                    machine.warranty_reminder_for = machine.warranty_end
                    machine._fsm_send_reminder("warranty", machine.warranty_end)
                processed += len(batch)
                remaining += len(due) - len(batch)
            days = company.fsm_service_reminder_days
            if days:
                candidates = machines.search(
                    [("company_id", "=", company.id), ("active", "=", True)]
                )
                due = candidates.filtered(
                    lambda m, until=today + timedelta(days=days): (
                        m.next_service_date
                        and today <= m.next_service_date <= until
                        and m.service_reminder_for != m.next_service_date
                    )
                )
                batch = due[:batch_size].try_lock_for_update(allow_referencing=True)
                for machine in batch:
                    machine.service_reminder_for = machine.next_service_date
                    machine._fsm_send_reminder("service", machine.next_service_date)
                processed += len(batch)
                remaining += len(due) - len(batch)
        self.env["ir.cron"]._commit_progress(processed, remaining=remaining)
