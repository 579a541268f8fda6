from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .service_checklist_template import ANSWER_TYPES


class ServiceOrderChecklist(models.Model):
    """A checklist filled on an order: a copy of a template's questions with
    the technician's answers, kept as they were even if the template changes."""

    _name = "service.order.checklist"
    _description = "Order Checklist"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one("service.order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    template_id = fields.Many2one("service.checklist.template", "Template", required=True)
    name = fields.Char(required=True)
    equipment_id = fields.Many2one(
        "service.equipment",
        "Machine",
        domain="[('id', 'in', parent.equipment_ids)]",
        help="The machine this checklist is about, when the order covers several.",
    )
    line_ids = fields.One2many("service.order.checklist.line", "checklist_id", "Answers")
    answered_count = fields.Integer(compute="_compute_progress", string="Answered")
    question_count = fields.Integer(compute="_compute_progress", string="Questions")
    missing_count = fields.Integer(compute="_compute_progress", string="Required missing")
    out_of_range_count = fields.Integer(compute="_compute_progress", string="Out of range")
    progress_label = fields.Char(compute="_compute_progress", string="Progress")

    @api.depends("line_ids.is_answered", "line_ids.is_required", "line_ids.is_out_of_range")
    def _compute_progress(self):
        for checklist in self:
            lines = checklist.line_ids
            checklist.question_count = len(lines)
            checklist.answered_count = len(lines.filtered("is_answered"))
            checklist.missing_count = len(
                lines.filtered(lambda ln: ln.is_required and not ln.is_answered)
            )
            checklist.out_of_range_count = len(lines.filtered("is_out_of_range"))
            checklist.progress_label = f"{checklist.answered_count}/{checklist.question_count}"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("template_id") and not vals.get("name"):
                vals["name"] = (
                    self.env["service.checklist.template"].browse(vals["template_id"]).name
                )
        checklists = super().create(vals_list)
        # the questions of every new checklist, created in one batch
        self.env["service.order.checklist.line"].create(
            [
                dict(checklist._prepare_line_vals(item), checklist_id=checklist.id)
                for checklist in checklists.filtered(lambda c: not c.line_ids)
                for item in checklist.template_id.item_ids
            ]
        )
        checklists.order_id._check_report_editable()
        return checklists

    def _prepare_line_vals(self, item):
        return {
            "template_item_id": item.id,
            "sequence": item.sequence,
            "name": item.name,
            "answer_type": item.answer_type,
            "is_required": item.is_required,
            "has_range": item.has_range,
            "min_value": item.min_value,
            "max_value": item.max_value,
            "unit": item.unit,
            "help_text": item.help_text,
        }

    def unlink(self):
        self.order_id._check_report_editable()
        return super().unlink()

    def action_print(self):
        return self.env.ref("fsm_orders.action_report_order_checklist").report_action(self)


class ServiceOrderChecklistLine(models.Model):
    _name = "service.order.checklist.line"
    _description = "Checklist Answer"
    _order = "checklist_id, sequence, id"

    checklist_id = fields.Many2one(
        "service.order.checklist", required=True, ondelete="cascade", index=True
    )
    order_id = fields.Many2one(related="checklist_id.order_id", store=True, index=True)
    company_id = fields.Many2one(related="checklist_id.company_id", store=True)
    template_item_id = fields.Many2one("service.checklist.template.item", ondelete="set null")
    sequence = fields.Integer(default=10)
    name = fields.Char("Question", required=True, readonly=True)
    answer_type = fields.Selection(ANSWER_TYPES, required=True, readonly=True)
    is_required = fields.Boolean("Required", readonly=True)
    has_range = fields.Boolean(readonly=True)
    min_value = fields.Float("Expected from", readonly=True)
    max_value = fields.Float("Expected up to", readonly=True)
    unit = fields.Char(readonly=True)
    help_text = fields.Char("Hint", readonly=True)

    value_yesno = fields.Selection([("yes", "Yes"), ("no", "No")], "Yes / No")
    value_text = fields.Text("Answer")
    value_number = fields.Float("Value")
    value_number_set = fields.Boolean("Value given")
    value_option_id = fields.Many2one(
        "service.checklist.template.option",
        "Choice",
        domain="[('item_id', '=', template_item_id)]",
    )
    value_photo = fields.Image("Photo", max_width=1920, max_height=1920)
    note = fields.Char("Remark")

    is_answered = fields.Boolean(compute="_compute_answer", store=True)
    is_out_of_range = fields.Boolean(compute="_compute_answer", store=True, string="Out of range")
    answer_display = fields.Char(compute="_compute_answer_display", string="Answer given")
    range_display = fields.Char(compute="_compute_range_display", string="Expected")

    @api.depends(
        "answer_type",
        "value_yesno",
        "value_text",
        "value_number",
        "value_number_set",
        "value_option_id",
        "value_photo",
        "has_range",
        "min_value",
        "max_value",
    )
    def _compute_answer(self):
        for line in self:
            kind = line.answer_type
            answered = {
                "yesno": bool(line.value_yesno),
                "text": bool((line.value_text or "").strip()),
                "number": line.value_number_set,
                "selection": bool(line.value_option_id),
                "photo": bool(line.value_photo),
            }[kind]
            line.is_answered = answered
            line.is_out_of_range = bool(
                kind == "number"
                and answered
                and line.has_range
                and not (line.min_value <= line.value_number <= line.max_value)
            )

    @api.depends("is_answered", "value_yesno", "value_text", "value_number", "value_option_id")
    @api.depends_context("lang")
    def _compute_answer_display(self):
        labels = dict(self._fields["value_yesno"]._description_selection(self.env))
        for line in self:
            kind = line.answer_type
            if not line.is_answered:
                line.answer_display = False
            elif kind == "yesno":
                line.answer_display = labels[line.value_yesno]
            elif kind == "text":
                line.answer_display = line.value_text
            elif kind == "number":
                value = f"{line.value_number:g}"
                line.answer_display = f"{value} {line.unit}" if line.unit else value
            elif kind == "selection":
                line.answer_display = line.value_option_id.name
            else:
                line.answer_display = self.env._("Photo taken")

    @api.depends("has_range", "min_value", "max_value", "unit")
    def _compute_range_display(self):
        for line in self:
            if line.answer_type == "number" and line.has_range:
                unit = f" {line.unit}" if line.unit else ""
                line.range_display = f"{line.min_value:g}–{line.max_value:g}{unit}"
            else:
                line.range_display = False

    @api.onchange("value_number")
    def _onchange_value_number(self):
        self.value_number_set = True

    @api.constrains("value_option_id", "template_item_id")
    def _check_option(self):
        for line in self:
            if line.value_option_id and line.value_option_id.item_id != line.template_item_id:
                raise ValidationError(
                    self.env._(
                        "'%s' is not one of the choices of this question.",
                        line.value_option_id.name,
                    )
                )

    def write(self, vals):
        if "value_number" in vals and "value_number_set" not in vals:
            vals = dict(vals, value_number_set=True)
        self.order_id._check_report_editable()
        if "value_photo" in vals and vals["value_photo"]:
            self.env["service.order.photo"]._check_upload(vals["value_photo"])
        return super().write(vals)

    def _get_missing_message(self):
        """The required questions left unanswered, as the sentence that keeps
        the order from being finished; False when none is missing."""
        missing = self.filtered(lambda ln: ln.is_required and not ln.is_answered)
        if not missing:
            return False
        return self.env._(
            "Answer the required checklist questions before finishing:\n%s",
            "\n".join(f"• {ln.checklist_id.name}: {ln.name}" for ln in missing),
        )
