import contextlib
import logging
import re
from datetime import datetime, timedelta

from psycopg2 import IntegrityError, OperationalError

from odoo import api, fields, models
from odoo.exceptions import (
    AccessError,
    ConcurrencyError,
    MissingError,
    UserError,
    ValidationError,
)
from odoo.tools import format_datetime

from .service_order_sync import FSM_SYNC_AT

_logger = logging.getLogger(__name__)

# crypto.randomUUID() on the phone; any client id of this shape is accepted
UUID_PATTERN = re.compile(r"[A-Za-z0-9-]{8,64}")
AT_FORMAT = "%Y-%m-%d %H:%M:%S"
# what one request carries at most: a day of visits is a few hundred actions
FSM_SYNC_MAX_ACTIONS = 500
# strings longer than this (pictures) are not kept in an applied action's
# payload: the order holds them
PAYLOAD_KEEP_CHARS = 1000
# the phone lists the user's conflicts of this many last days
MY_CONFLICTS_DAYS = 7


class ServiceSyncAction(models.Model):
    """One action sent from a technician's phone (an answer, a photo, a
    signature, a timer…), kept so that each is applied exactly once and a
    refused one is never lost.

    * **Exactly once.** The phone names each action with its own id
      (``uuid``, unique). The action's effect and this record are written in
      one savepoint: either both are in the database or neither is. A retry
      of an action already received (its answer was lost) applies nothing
      and answers what was stored. Another user's id is refused. Two
      requests with the same id at the same moment: the second fails on the
      unique index, and is retried by Odoo (``ConcurrencyError``) in a new
      transaction, which reads the first one's outcome.
    * **Nothing half-way.** Each action is applied in its own savepoint: a
      refused one (the order was re-assigned or cancelled, the van holds
      fewer parts, a bad value) rolls back entirely and is stored as a
      *conflict* with the sentence of the refusal and its payload, while the
      visit's other actions still apply (an answer does not need the part
      that was used up elsewhere). The order's coordinator gets one activity
      that lists its open conflicts.
    * **Apply again** runs the stored action again, with its payload and
      tap time, *as the technician who sent it*: the coordinator first
      removes the cause (assigns the order back, stocks the van), and the
      effect is the technician's own (their timer, their van, the checks of
      their role), not a coordinator's, whose rights would skip the checks
      that made it a conflict. The coordinator who decided is named in the
      record's chatter. *Discard* closes it without applying.

    Records are written by ``fsm_sync`` and the buttons with the superuser,
    after their own checks: technicians only read their own."""

    _name = "service.sync.action"
    _description = "Action sent from a phone"
    _inherit = ["mail.thread"]
    _order = "date_received desc, id desc"
    _rec_name = "uuid"
    # coordinators, who read but do not write these records, note in the chatter
    _mail_post_access = "read"

    uuid = fields.Char("Action id", required=True, readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users", "Technician", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    order_id = fields.Many2one(
        "service.order", "Service order", readonly=True, index=True, ondelete="set null"
    )
    kind = fields.Char("Action", required=True, readonly=True)
    kind_label = fields.Char("Action done", compute="_compute_kind_label")
    payload = fields.Json("Details", readonly=True)
    payload_display = fields.Text("Details sent", compute="_compute_payload_display")
    at = fields.Datetime(
        "Tapped on", readonly=True, help="When the technician tapped, by the phone's clock."
    )
    date_received = fields.Datetime(
        "Received on", required=True, readonly=True, default=fields.Datetime.now
    )
    state = fields.Selection(
        [("applied", "Applied"), ("conflict", "Conflict"), ("discarded", "Discarded")],
        string="Status",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    message = fields.Text(
        "Why not applied", readonly=True, help="The refusal the server gave when it was applied."
    )

    _uuid_unique = models.Constraint(
        "UNIQUE(uuid)", "An action from a phone is received once: its id is already known."
    )

    @api.depends("kind")
    @api.depends_context("lang")
    def _compute_kind_label(self):
        labels = self.env["service.order"]._fsm_sync_kind_labels()
        for action in self:
            action.kind_label = labels.get(action.kind, action.kind)

    @api.depends("kind", "order_id")
    def _compute_display_name(self):
        """ "Part used · SO/2026/00020": what a coordinator recognises (the
        uuid stays searchable as the record's name)."""
        for action in self:
            action.display_name = " · ".join(
                filter(None, [action.kind_label, action.order_id.name or action.uuid])
            )

    @api.depends("payload")
    def _compute_payload_display(self):
        for action in self:
            payload = action.payload if isinstance(action.payload, dict) else {}
            action.payload_display = (
                "\n".join(
                    f"{key}: {self._fsm_short(value)}" for key, value in sorted(payload.items())
                )
                or False
            )

    @api.model
    def _fsm_short(self, value):
        text = value if isinstance(value, str) else repr(value)
        if len(text) > 80:
            return self.env._("(%s characters)", len(text))
        return text

    # ------------------------------------------------------------------
    # receiving
    # ------------------------------------------------------------------
    @api.model
    def _fsm_receive_all(self, actions):
        if not self.env.user.has_group("fsm_orders.group_fsm_technician"):
            raise AccessError(self.env._("Only field service staff send actions from a phone."))
        if not isinstance(actions, list):
            raise ValidationError(self.env._("The phone's queue is not a list of actions."))
        if len(actions) > FSM_SYNC_MAX_ACTIONS:
            raise ValidationError(
                self.env._(
                    "The phone sent %(count)s actions at once; at most %(max)s are received "
                    "per request.",
                    count=len(actions),
                    max=FSM_SYNC_MAX_ACTIONS,
                )
            )
        return {"results": [self._fsm_receive(action) for action in actions]}

    @api.model
    def _fsm_refused(self, uuid, message):
        return {"uuid": uuid if isinstance(uuid, str) else False, "state": "refused",
                "message": message}  # fmt: skip

    def _fsm_result(self):
        """The answer the phone gets for this stored action."""
        self.ensure_one()
        return {
            "uuid": self.uuid,
            "state": "applied" if self.state == "applied" else "conflict",
            "message": self.message or False,
        }

    @api.model
    def _fsm_receive(self, action):
        """Store and apply one action of the phone's queue; its result."""
        if not isinstance(action, dict):
            return self._fsm_refused(False, self.env._("This is not an action."))
        uuid = action.get("uuid")
        if not isinstance(uuid, str) or not UUID_PATTERN.fullmatch(uuid):
            return self._fsm_refused(
                uuid, self.env._("This action has no valid id: it was not received.")
            )
        known = self.sudo().search([("uuid", "=", uuid)], limit=1)
        if known:
            if known.user_id != self.env.user:
                return self._fsm_refused(
                    uuid,
                    self.env._(
                        "An action with this id was sent by another user: it is not applied again."
                    ),
                )
            return known._fsm_result()
        vals, order, problem = self._fsm_parse(action)
        if problem:
            record = self._fsm_store(dict(vals, state="conflict", message=problem))
        else:
            record = self._fsm_apply(vals, order)
        if record.state == "conflict" and record.order_id:
            self._fsm_notify(record.order_id)
        return record._fsm_result()

    @api.model
    def _fsm_notify(self, orders):
        """Tell the coordinators; a failure to (a coordinator who may not be
        assigned an activity, say) never costs the phone its answer."""
        try:
            with self.env.cr.savepoint():
                orders._fsm_sync_notify_conflicts()
        except (UserError, ValidationError, AccessError, MissingError) as exc:
            _logger.warning("Coordinator of %s not told of a phone conflict: %s", orders, exc)

    @api.model
    def _fsm_parse(self, action):
        """(values to store, the order, why it cannot be applied or False)."""
        payload = action.get("payload")
        kind = action.get("kind")
        vals = {
            "uuid": action["uuid"],
            "user_id": self.env.uid,
            "company_id": self.env.company.id,
            "kind": kind if isinstance(kind, str) and kind else "?",
            "payload": payload,
            "at": False,
        }
        problem = False
        order = self.env["service.order"]
        order_id = action.get("order_id")
        if isinstance(order_id, int) and not isinstance(order_id, bool) and 0 < order_id < 2**31:
            order = order.browse(order_id).exists()
        if order:
            vals.update(order_id=order.id, company_id=order.sudo().company_id.id)
        else:
            problem = self.env._(
                "The service order %s of this action does not exist.", order_id or "-"
            )
        at = action.get("at")
        with contextlib.suppress(ValueError):
            vals["at"] = datetime.strptime(at, AT_FORMAT) if isinstance(at, str) else False
        if not vals["at"]:
            problem = problem or self.env._(
                "The time of this action (%s) is not readable: the phone sends "
                "YYYY-MM-DD HH:MM:SS.",
                at,
            )
        if not isinstance(kind, str) or kind not in order._fsm_sync_handlers():
            problem = problem or self.env._(
                'The phone sent an action of an unknown kind ("%s"): update the app, then do '
                "it again.",
                kind,
            )
        if not isinstance(payload, dict):
            problem = problem or self.env._("The details of this action are not readable.")
        return vals, order, problem

    @api.model
    def _fsm_apply(self, vals, order):
        """Apply the action and store it, in one savepoint; a refusal rolls
        the action back and stores it as a conflict. Returns the record."""
        # write what earlier actions of the request left for the commit (the
        # chatter's tracking) now: a savepoint rolled back forgets all of it
        self.env.flush_all()
        self.env.cr.precommit.run()
        at = fields.Datetime.to_string(vals["at"])
        company = order.sudo().company_id
        if company in self.env.user.company_ids:
            # the order's company, whichever the phone's web client had selected
            order = order.with_company(company)
        try:
            with self.env.cr.savepoint():
                order.with_context(**{FSM_SYNC_AT: at})._fsm_sync_apply(
                    vals["kind"], vals["payload"]
                )
                return self._fsm_store(
                    dict(vals, state="applied", payload=self._fsm_slim(vals["payload"])),
                    savepoint=False,
                )
        except (OperationalError, ConcurrencyError):
            # a lock or a serialization failure: Odoo retries the whole
            # request, and the retry applies or answers what is stored then
            raise
        except IntegrityError as exc:
            self._fsm_raise_if_received_meanwhile(exc)
            message = self._fsm_integrity_message(exc)
        except (UserError, ValidationError, AccessError, MissingError) as exc:
            message = exc.args[0] if exc.args else str(exc)
        except Exception as exc:  # noqa: BLE001 — an action must never block the queue
            # a bug, not a refusal: logged, and kept for the coordinator
            _logger.exception("Phone action %s not applied", vals["uuid"])
            message = self.env._(
                "The server could not apply this action (%s): your coordinator was told.",
                type(exc).__name__,
            )
        return self._fsm_store(dict(vals, state="conflict", message=message))

    @api.model
    def _fsm_store(self, vals, savepoint=True):
        """Create the record. The unique id that another request stored
        meanwhile makes the whole request retry (see the model's doc)."""
        # no "created" note in the chatter of each of the thousands of actions
        Sync = self.sudo().with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
        if not savepoint:
            return Sync.create(vals)
        try:
            with self.env.cr.savepoint():
                return Sync.create(vals)
        except IntegrityError as exc:
            self._fsm_raise_if_received_meanwhile(exc)
            raise

    @api.model
    def _fsm_raise_if_received_meanwhile(self, exc):
        if getattr(exc.diag, "constraint_name", None) == "service_sync_action_uuid_unique":
            raise ConcurrencyError(
                self.env._("This action is being received by another request.")
            ) from exc

    @api.model
    def _fsm_integrity_message(self, exc):
        """A database rule refused the action (a visit finishing before it
        started, say): the rule's sentence."""
        table = getattr(exc.diag, "table_name", None)
        model = next(
            (self.env[name] for name, cls in self.env.registry.items() if cls._table == table),
            self.env["service.order"],
        )
        return model._sql_error_to_message(exc)

    @api.model
    def _fsm_slim(self, payload):
        """An applied action's payload without its pictures (the order keeps
        them): ``{"image": "(1234567 characters)"}``. Conflicts keep
        everything, to be applied again."""
        return {
            key: self._fsm_short(value)
            if isinstance(value, str) and len(value) > PAYLOAD_KEEP_CHARS
            else value
            for key, value in payload.items()
        }

    # ------------------------------------------------------------------
    # the coordinator's decisions
    # ------------------------------------------------------------------
    def _fsm_check_coordinator(self):
        if not self.env["service.order"]._is_coordinator():
            raise AccessError(
                self.env._("Only a coordinator decides on the phone actions that were not applied.")
            )
        not_conflicts = self.filtered(lambda a: a.state != "conflict")
        if not_conflicts:
            raise UserError(
                self.env._(
                    "%s is not a conflict any more: only conflicts are applied again or discarded.",
                    not_conflicts[0].display_name,
                )
            )

    def action_fsm_apply_again(self):
        """Run the stored actions again as the technicians who sent them
        (see the model's doc). Those refused again stay conflicts, with the
        new reason; the coordinator is told how many applied."""
        self._fsm_check_coordinator()
        coordinator = self.env.user
        applied = self.browse()
        for action in self.sorted(lambda a: (a.at or a.date_received, a.id)):
            order = action.order_id
            if not order:
                action.sudo().message = self.env._(
                    "The service order of this action no longer exists."
                )
                continue
            technician_env = (
                self.with_user(action.user_id)
                .with_context(allowed_company_ids=action.company_id.ids)
                .env
            )
            self.env.flush_all()
            self.env.cr.precommit.run()
            try:
                with self.env.cr.savepoint():
                    order.with_env(technician_env).with_context(
                        **{FSM_SYNC_AT: fields.Datetime.to_string(action.at)}
                    )._fsm_sync_apply(action.kind, action.payload or {})
                    action.sudo().write(
                        {
                            "state": "applied",
                            "message": False,
                            "payload": self._fsm_slim(action.payload or {}),
                        }
                    )
            except IntegrityError as exc:
                action.sudo().message = self._fsm_integrity_message(exc)
                continue
            except (UserError, ValidationError, AccessError, MissingError) as exc:
                action.sudo().message = exc.args[0] if exc.args else str(exc)
                continue
            applied |= action
            action.sudo().message_post(
                body=self.env._(
                    "Applied again by %(coordinator)s, as %(technician)s tapped it on %(at)s.",
                    coordinator=coordinator.name,
                    technician=action.user_id.name,
                    at=format_datetime(self.env, action.at, dt_format="short"),
                ),
                subtype_xmlid="mail.mt_note",
            )
        self._fsm_notify(self.order_id)
        refused = self - applied
        message = (
            self.env._("%s action(s) applied.", len(applied))
            if not refused
            else self.env._(
                "%(applied)s action(s) applied, %(refused)s refused again: %(reason)s",
                applied=len(applied),
                refused=len(refused),
                reason=refused[0].message,
            )
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if refused else "success",
                "message": message,
                "sticky": bool(refused),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_fsm_discard(self):
        """Close the conflicts without applying them (the technician did it
        again online, or it should not happen)."""
        self._fsm_check_coordinator()
        self.sudo().write({"state": "discarded"})
        for action in self:
            action.sudo().message_post(
                body=self.env._("Discarded by %s.", self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        self._fsm_notify(self.order_id)
        return True

    # ------------------------------------------------------------------
    # the phone
    # ------------------------------------------------------------------
    @api.model
    def fsm_my_conflicts(self):
        """The current user's actions of the last week that were not applied
        and wait for the coordinator, newest first, for the phone to show:
        ``[{"uuid", "order_id", "order_name", "kind", "message", "at"}]``."""
        since = fields.Datetime.now() - timedelta(days=MY_CONFLICTS_DAYS)
        conflicts = self.search(
            [
                ("user_id", "=", self.env.uid),
                ("state", "=", "conflict"),
                ("date_received", ">=", since),
            ]
        )
        return [
            {
                "uuid": action.uuid,
                "order_id": action.order_id.id,
                # sudo: the order's name only; it may have gone to another technician
                "order_name": action.order_id.sudo().name or False,
                "kind": action.kind,
                "message": action.message or False,
                "at": fields.Datetime.to_string(action.at) if action.at else False,
            }
            for action in conflicts
        ]
