from odoo import api, models


class ServiceTeam(models.Model):
    """A team's coordinator approves its technicians' time off: they become
    the technicians' approver (``leave_manager_id``) when the technician has
    none, or had the team's previous coordinator; an approver chosen by hand
    stays. Time off types validated *by the employee's approver* then reach
    the coordinator through Odoo's own approval activity."""

    _inherit = "service.team"

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        teams._fsm_sync_leave_approvers()
        return teams

    def write(self, vals):
        previous = {team.id: team.coordinator_id for team in self}
        res = super().write(vals)
        if {"coordinator_id", "member_ids"} & set(vals):
            self._fsm_sync_leave_approvers(previous)
        return res

    def _fsm_sync_leave_approvers(self, previous=None):
        previous = previous or {}
        for team in self.filtered("coordinator_id"):
            former = previous.get(team.id, self.env["res.users"])
            members = team.member_ids.sudo().filtered(
                lambda e, former=former: (
                    not e.leave_manager_id or (former and e.leave_manager_id == former)
                )
            )
            members.write({"leave_manager_id": team.coordinator_id.id})

    @api.model
    def _fsm_sync_all_leave_approvers(self):
        """On install: technicians of existing teams without an approver get
        their coordinator."""
        self.search([("coordinator_id", "!=", False)])._fsm_sync_leave_approvers()

    def _fsm_digest_anomalies(self):
        """The anomalies the digest being sent lists (set by the job)."""
        ids = self.env.context.get("fsm_digest_anomaly_ids") or []
        return self.env["service.work.anomaly"].sudo().browse(ids)
