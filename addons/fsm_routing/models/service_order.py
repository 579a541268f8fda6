from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

# an order without a duration is planned for an hour
DEFAULT_HOURS = 1.0

PLAN_LOCKS = [
    ("none", "Free"),
    ("technician", "Keep the technician"),
    ("time", "Keep technician and time"),
]


class ServiceOrder(models.Model):
    _inherit = "service.order"

    skill_ids = fields.Many2many(
        "hr.skill",
        string="Skills asked",
        help="Skills this job asks beyond those of its machines' categories.",
    )
    required_skill_ids = fields.Many2many(
        "hr.skill",
        "service_order_required_skill_rel",
        string="Required skills",
        compute="_compute_required_skill_ids",
        store=True,
        help="The order's own skills and those of its machines' categories: only a "
        "technician holding all of them may be given it.",
    )
    plan_lock = fields.Selection(
        PLAN_LOCKS,
        "When optimising",
        default="none",
        required=True,
        help="Free: the optimiser may give the order to anyone at any time. Keep the "
        "technician: it only chooses the time. Keep technician and time: it plans around it.",
    )

    @api.depends("skill_ids", "equipment_ids.category_id.skill_ids")
    def _compute_required_skill_ids(self):
        for order in self:
            order.required_skill_ids = order.skill_ids | order.equipment_ids.category_id.skill_ids

    # ------------------------------------------------------------------
    # the checks of a planning move (form, board, optimiser's apply)
    # ------------------------------------------------------------------
    def _fsm_planning_refusal(self, technician, start, end=None):
        """Why this order cannot go to ``technician`` at naive UTC ``start``
        (until ``end``, by default start + its duration), as the sentence
        shown to the coordinator; False when it can. Skills, approved
        absences and the client's window: the board refuses a drop with it,
        dispatch refuses with it, the optimiser never proposes what it refuses."""
        self.ensure_one()
        if not technician or not start:
            return False
        if end is None:
            end = start + timedelta(hours=self.scheduled_duration or DEFAULT_HOURS)
        missing = self.required_skill_ids - technician._fsm_skills(start.date())
        if missing:
            return self.env._(
                "%(technician)s lacks %(skills)s, which %(order)s requires.",
                technician=technician.name,
                skills=", ".join(missing.mapped("name")),
                order=self.display_name,
            )
        absences = technician._fsm_absence_intervals(start, end).get(technician.id)
        if absences:
            begin, stop = absences[0]
            return self.env._(
                "%(technician)s is absent from %(start)s to %(stop)s: %(order)s cannot be "
                "planned for them then.",
                technician=technician.name,
                start=format_datetime(self.env, begin, dt_format="short"),
                stop=format_datetime(self.env, stop, dt_format="short"),
                order=self.display_name,
            )
        if (self.window_start and start < self.window_start) or (
            self.window_end and end > self.window_end
        ):
            return self.env._(
                "%(order)s must fit the client's window (%(start)s – %(stop)s).",
                order=self.display_name,
                start=format_datetime(self.env, self.window_start, dt_format="short")
                if self.window_start
                else "…",
                stop=format_datetime(self.env, self.window_end, dt_format="short")
                if self.window_end
                else "…",
            )
        return False

    def _get_step_data_refusal(self, step):
        refusal = super()._get_step_data_refusal(step)
        if refusal or step != "dispatch" or not self.technician_id:
            return refusal
        missing = self.required_skill_ids - self.technician_id._fsm_skills(
            self.scheduled_start.date() if self.scheduled_start else None
        )
        if missing:
            return self.env._(
                "%(technician)s lacks %(skills)s, which %(order)s requires: give it to a "
                "technician who has them.",
                technician=self.technician_id.name,
                skills=", ".join(missing.mapped("name")),
                order=self.display_name,
            )
        return False

    def action_fsm_insert_urgent(self):
        """*Insert into today's plan*: the best technician and place for this
        urgent order now, with its effect on the others, to confirm."""
        self.ensure_one()
        if not self._is_coordinator():
            raise UserError(self.env._("Only a coordinator can re-plan today's visits."))
        wizard = self.env["service.route.emergency"]._fsm_propose(self)
        return wizard._fsm_reopen()
