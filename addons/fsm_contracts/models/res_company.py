from odoo import fields, models

REMINDER_RECIPIENTS = [
    ("client", "The client"),
    ("manager", "The responsible person"),
    ("both", "Both"),
]


class ResCompany(models.Model):
    """How a firm runs its contracts: whether two running contracts of one
    type may cover a machine at once, and the machines' reminders (warranty
    end, next service due) of seed section 11."""

    _inherit = "res.company"

    fsm_contract_allow_overlap = fields.Boolean(
        "Overlapping contracts",
        help="Allow two running contracts of the same type to cover one machine over the "
        "same days (a client buying extra cover, say). Off: such a contract is refused.",
    )
    fsm_warranty_reminder_days = fields.Integer(
        "Warranty end reminder (days)",
        default=30,
        help="A machine's warranty ends in this many days: the client and/or the responsible "
        "person hear of it, once. 0: no reminder.",
    )
    fsm_service_reminder_days = fields.Integer(
        "Next service reminder (days)",
        default=14,
        help="A machine's next service (its maintenance plan, or its category's interval after "
        "the last visit) is due in this many days: they hear of it, once. 0: no reminder.",
    )
    fsm_reminder_recipients = fields.Selection(
        REMINDER_RECIPIENTS,
        "Machine reminders go to",
        required=True,
        default="both",
    )

    _fsm_reminder_days_positive = models.Constraint(
        "CHECK(fsm_warranty_reminder_days >= 0 AND fsm_service_reminder_days >= 0)",
        "Reminder lead times cannot be negative.",
    )
