from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_datetime

# The oldest tap time a synced action is applied with. A phone queues a visit
# while it has no signal and sends it when it has; a week covers a technician
# who works offline for days (a long weekend on call included). A tap time
# older than that is a phone whose clock is wrong: the action is applied at
# this bound, so that a year-old clock cannot book times in a closed year.
FSM_SYNC_MAX_AGE = timedelta(days=7)
# The context key that carries the tap time of the action being applied.
FSM_SYNC_AT = "fsm_sync_at"


class ServiceOrder(models.Model):
    """The server side of the phone's offline queue: ``fsm_sync`` applies
    the actions a technician's phone recorded during a visit, in the order
    they were taken, each with the time of its tap.

    Each kind of action (``_fsm_sync_handlers``) is applied by a handler
    ``_fsm_sync_<kind>(payload)`` on the order, which calls the very methods
    the buttons of the form call (``action_start``, a checklist answer's
    ``write``, ``service.order.photo``'s ``create``…): online and offline,
    the same checks apply and the same things happen. Addons add their kinds
    by extending ``_fsm_sync_handlers`` (timers in fsm_worktime, parts in
    fsm_inventory).

    The bookkeeping (exactly once, conflicts, the coordinator's screen) is
    ``service.sync.action``'s."""

    _inherit = "service.order"  # pylint: disable=consider-merging-classes-inherited

    fsm_sync_action_count = fields.Integer(
        "Phone actions",
        compute="_compute_fsm_sync_action_count",
        groups="fsm_orders.group_fsm_coordinator",
        help="Actions received from the technician's phone for this order.",
    )
    fsm_sync_conflict_count = fields.Integer(
        "Phone conflicts",
        compute="_compute_fsm_sync_action_count",
        groups="fsm_orders.group_fsm_coordinator",
        help="Actions from the technician's phone that were not applied and await a decision.",
    )

    def _compute_fsm_sync_action_count(self):
        counts = {
            (order.id, state): count
            for order, state, count in self.env["service.sync.action"]._read_group(
                [("order_id", "in", self.ids)], ["order_id", "state"], ["__count"]
            )
        }
        for order in self:
            order.fsm_sync_conflict_count = counts.get((order.id, "conflict"), 0)
            order.fsm_sync_action_count = sum(
                counts.get((order.id, state), 0) for state in ("applied", "conflict", "discarded")
            )

    def action_fsm_view_sync_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fsm_orders.action_service_sync_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id, "create": False}
        return action

    # ------------------------------------------------------------------
    # the tap's time
    # ------------------------------------------------------------------
    @api.model
    def _fsm_now(self):
        """The moment an action happened: the server's clock for a button
        pressed online, the technician's tap for an action from the phone's
        queue (``fsm_sync`` puts it in the context).

        The tap time is never in the future (a phone clock ahead of the
        server's is read as now) and never older than ``FSM_SYNC_MAX_AGE``
        (a week: older is a wrong clock, applied at that bound). Trusting the
        phone's clock within these bounds is the design: the queue exists
        because the server was not reachable when the technician tapped. A
        client that put the key in the context of an ordinary call gets no
        more than ``fsm_sync`` gives it."""
        now = fields.Datetime.now().replace(microsecond=0)
        at = self.env.context.get(FSM_SYNC_AT)
        if not at:
            return now
        try:
            at = fields.Datetime.to_datetime(at)
        except ValueError:
            return now
        return min(max(at, now - FSM_SYNC_MAX_AGE), now)

    # ------------------------------------------------------------------
    # the phone's queue
    # ------------------------------------------------------------------
    @api.model
    def fsm_sync(self, actions):
        """Apply the actions queued on the technician's phone, in order.

        ``actions`` is a list of ``{"uuid", "kind", "order_id", "at",
        "payload"}``; the answer is ``{"results": [...]}``, one
        ``{"uuid", "state", "message"}`` per action in the same order, with
        ``state`` "applied", "conflict" (not applied, kept for the
        coordinator, ``message`` says why) or "refused" (not an action, or
        another user's). See ``service.sync.action._fsm_receive``."""
        return self.env["service.sync.action"]._fsm_receive_all(actions)

    @api.model
    def _fsm_sync_handlers(self):
        """{kind: name of the order's method that applies it}. Addons add
        their own kinds::

            @api.model
            def _fsm_sync_handlers(self):
                return super()._fsm_sync_handlers() | {"timer": "_fsm_sync_timer"}
        """
        return {
            "accept": "_fsm_sync_accept",
            "start": "_fsm_sync_start",
            "answer": "_fsm_sync_answer",
            "photo": "_fsm_sync_photo",
            "sign": "_fsm_sync_sign",
            "finish": "_fsm_sync_finish",
        }

    @api.model
    def _fsm_sync_kind_labels(self):
        """{kind: what it is called on the coordinator's screens}."""
        return {
            "accept": self.env._("Accept"),
            "start": self.env._("Start work"),
            "answer": self.env._("Checklist answer"),
            "photo": self.env._("Photo"),
            "sign": self.env._("Signature"),
            "finish": self.env._("Finish"),
        }

    def _fsm_sync_check_order(self, kind):
        """What every queued action needs: the order is still the user's
        and not cancelled. The phone's actions are its technician's own
        visit; a coordinator acts on others' orders from the web client."""
        self.ensure_one()
        order = self.sudo()  # the order may no longer be readable: it was re-assigned
        if order.state == "cancelled":
            raise UserError(
                self.env._("%s was cancelled meanwhile: this action was not applied.", order.name)
            )
        if order.technician_user_id != self.env.user:
            raise UserError(
                self.env._(
                    "%(order)s is assigned to %(technician)s now: this action was not applied.",
                    order=order.name,
                    technician=order.technician_id.name or self.env._("nobody"),
                )
            )

    def _fsm_sync_apply(self, kind, payload):
        """Apply one action on this order as the current user (the tap time
        is in the context). Raises the error that makes it a conflict."""
        self.ensure_one()
        handlers = self._fsm_sync_handlers()
        if kind not in handlers:
            raise ValidationError(
                self.env._(
                    'The phone sent an action of an unknown kind ("%s"): update the app, '
                    "then do it again.",
                    kind,
                )
            )
        if not isinstance(payload, dict):
            raise ValidationError(self.env._("The details of this action are not readable."))
        self._fsm_sync_check_order(kind)
        return getattr(self, handlers[kind])(payload)

    @api.model
    def _fsm_sync_get(self, payload, key, expected, required=True):
        """``payload[key]``, checked against ``expected`` ("id", "number",
        "text"); a missing optional key or a null is None. A missing
        required key or a value of another type raises a ValidationError
        that names the key."""
        value = payload.get(key)
        if value is None:
            if required:
                raise ValidationError(
                    self.env._('This action lacks its "%s": it cannot be applied.', key)
                )
            return None
        valid = {
            "id": isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31,
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "text": isinstance(value, str),
        }[expected]
        if not valid:
            labels = {
                "id": self.env._("a record's id"),
                "number": self.env._("a number"),
                "text": self.env._("a text"),
            }
            raise ValidationError(
                self.env._(
                    'The "%(key)s" of this action should be %(expected)s, not %(value)s.',
                    key=key,
                    expected=labels[expected],
                    value=repr(value)[:40],
                )
            )
        return value

    def _fsm_sync_notify_conflicts(self):
        """Tell each order's coordinator (its team's, else whoever created
        it) of its phone actions that were not applied: one activity per
        order listing them all, updated as conflicts come and go, and marked
        done when the last one is applied again or discarded."""
        activity_type = self.env.ref("fsm_orders.mail_activity_type_sync_conflict")
        conflicts = (
            self.env["service.sync.action"]
            .sudo()
            .search([("order_id", "in", self.ids), ("state", "=", "conflict")], order="at, id")
        )
        # sudo: the technician whose action was refused may not read the order
        # any more (re-assigned), and the coordinator must be told anyway
        for order in self.sudo():
            mine = conflicts.filtered(lambda a, o=order: a.order_id == o)
            activities = order.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
            if not mine:
                activities.action_feedback(feedback=self.env._("Every phone action was decided."))
                continue
            summary = self.env._("%s phone action(s) not applied", len(mine))
            note = Markup("<ul>%s</ul>") % Markup().join(
                Markup("<li>%s</li>")
                % self.env._(
                    "%(technician)s, %(action)s at %(at)s: %(reason)s",
                    technician=action.user_id.name,
                    action=action.kind_label,
                    at=format_datetime(self.env, action.at, dt_format="short"),
                    reason=action.message,
                )
                for action in mine
            )
            if activities:
                activities[:1].write({"summary": summary, "note": note})
            else:
                order.activity_schedule(
                    activity_type_id=activity_type.id,
                    summary=summary,
                    note=note,
                    user_id=(order.team_id.coordinator_id or order.create_uid).id,
                )

    # ------------------------------------------------------------------
    # handlers: the buttons' own methods
    # ------------------------------------------------------------------
    def _fsm_sync_accept(self, payload):
        return self.action_accept()

    def _fsm_sync_start(self, payload):
        return self.action_start()

    def _fsm_sync_answer(self, payload):
        """An answer to a checklist question of this order, written as the
        form writes it (the report lock and the photo checks apply)."""
        line_id = self._fsm_sync_get(payload, "line_id", "id")
        line = self.env["service.order.checklist.line"].browse(line_id)
        if not line.exists() or line.sudo().order_id != self:
            raise ValidationError(
                self.env._(
                    "The checklist question %(line)s is not on %(order)s: it may have been "
                    "removed.",
                    line=line_id,
                    order=self.name,
                )
            )
        vals = self._fsm_sync_answer_vals(line, payload.get("value"))
        if "note" in payload:
            vals["note"] = self._fsm_sync_get(payload, "note", "text", required=False) or False
        line.write(vals)
        return True

    def _fsm_sync_answer_vals(self, line, value):
        """The line's values for the phone's ``value`` (null clears it)."""
        kind = line.sudo().answer_type
        if kind == "yesno":
            if value not in (None, "yes", "no"):
                raise ValidationError(
                    self.env._('The answer to "%s" is yes or no.', line.sudo().name)
                )
            return {"value_yesno": value or False}
        if kind == "number":
            value = self._fsm_sync_get({"value": value}, "value", "number", required=False)
            if value is None:
                return {"value_number": 0.0, "value_number_set": False}
            return {"value_number": float(value), "value_number_set": True}
        if kind == "selection":
            option_id = self._fsm_sync_get({"value": value}, "value", "id", required=False)
            if option_id is None:
                return {"value_option_id": False}
            option = self.env["service.checklist.template.option"].browse(option_id).exists()
            if option.sudo().item_id != line.sudo().template_item_id:
                raise ValidationError(
                    self.env._(
                        'The choice %(option)s is not one of the choices of "%(question)s".',
                        option=option_id,
                        question=line.sudo().name,
                    )
                )
            return {"value_option_id": option.id}
        value = self._fsm_sync_get({"value": value}, "value", "text", required=False)
        if kind == "photo":
            return {"value_photo": value or False}
        return {"value_text": value or False}

    def _fsm_sync_photo(self, payload):
        """A photo taken on site: the upload checks of the photo apply."""
        vals = {
            "order_id": self.id,
            "image": self._fsm_sync_get(payload, "image", "text"),
            "name": self._fsm_sync_get(payload, "name", "text", required=False) or False,
        }
        equipment_id = self._fsm_sync_get(payload, "equipment_id", "id", required=False)
        if equipment_id:
            if not self.env["service.equipment"].browse(equipment_id).exists():
                raise ValidationError(
                    self.env._("The machine %s of this photo does not exist.", equipment_id)
                )
            vals["equipment_id"] = equipment_id
        self.env["service.order.photo"].create(vals)
        return True

    def _fsm_sync_sign(self, payload):
        """The client's name and signature, as the form saves them
        (``_check_can_sign``: an order in progress or done, not yet signed,
        a name and a real picture). The work summary the client reads comes
        with it, written first: once signed, the report is locked."""
        summary = self._fsm_sync_get(payload, "work_summary", "text", required=False)
        if summary is not None and summary != (self.work_summary or ""):
            self.write({"work_summary": summary})
        signed_by = self._fsm_sync_get(payload, "signed_by", "text")
        if not signed_by.strip():
            raise ValidationError(
                self.env._("Enter the name of the person who signs %s.", self.name)
            )
        self.write(
            {"signed_by": signed_by, "signature": self._fsm_sync_get(payload, "signature", "text")}
        )
        return True

    def _fsm_sync_finish(self, payload):
        """*Finish*: the work summary if the phone sends one (unchanged, it
        is not written again, so that a signed report stays signed), then
        ``action_done``."""
        summary = self._fsm_sync_get(payload, "work_summary", "text", required=False)
        if summary is not None and summary != (self.work_summary or ""):
            self.write({"work_summary": summary})
        return self.action_done()
