import math
from collections import defaultdict
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.fields import Domain

SOURCES = [("phone", "Technician's phone"), ("fleet", "Fleet system")]

# A fix this far ahead of the server's clock is a device with a wrong clock.
MAX_FUTURE = timedelta(minutes=5)
# Phones start sending a little before the shift and stop a little after it.
SHIFT_TOLERANCE = timedelta(minutes=15)
# Deleted per step of the nightly purge (each step commits in a cron).
PURGE_BATCH_SIZE = 5000

REFUSAL_CODES = (
    "coordinates",
    "invalid",
    "future",
    "too_old",
    "no_consent",
    "absence",
    "off_duty",
    "duplicate",
)


class ServicePosition(models.Model):
    """One GPS fix of a technician: from their phone while on duty (with
    their consent) or from the firm's fleet system. Kept
    ``res.company.fsm_position_retention_days`` days, then purged.

    Fixes are written only by ``_fsm_record`` (the phone's route and the fleet
    endpoint call it after their own access checks): nobody has the right to
    create one directly, so that no position escapes its checks (consent,
    working hours, absences)."""

    _name = "service.position"
    _description = "Technician position"
    _order = "recorded_at desc, id desc"
    _rec_name = "employee_id"

    employee_id = fields.Many2one(
        "hr.employee", "Technician", required=True, index=True, ondelete="cascade"
    )
    user_id = fields.Many2one(related="employee_id.user_id", store=True, string="User")
    company_id = fields.Many2one(
        related="employee_id.company_id", store=True, index=True, string="Company"
    )
    recorded_at = fields.Datetime("Recorded at", required=True, index=True)
    latitude = fields.Float("Latitude", digits=(10, 7), required=True)
    longitude = fields.Float("Longitude", digits=(10, 7), required=True)
    accuracy = fields.Float("Accuracy (m)")
    speed = fields.Float("Speed (km/h)")
    heading = fields.Float("Heading (°)")
    source = fields.Selection(SOURCES, "Source", required=True, default="phone")

    _latitude_range = models.Constraint(
        "CHECK(latitude BETWEEN -90 AND 90)", "A latitude lies between -90 and 90."
    )
    _longitude_range = models.Constraint(
        "CHECK(longitude BETWEEN -180 AND 180)", "A longitude lies between -180 and 180."
    )
    _accuracy_positive = models.Constraint(
        "CHECK(accuracy IS NULL OR accuracy >= 0)", "An accuracy cannot be negative."
    )
    _employee_time_index = models.Index("(employee_id, recorded_at DESC)")
    # a fix sent twice (a phone's retry, a fleet system's resend) is one fix
    _employee_time_unique = models.Constraint(
        "UNIQUE(employee_id, recorded_at)", "A technician has one position per moment."
    )

    # ------------------------------------------------------------------
    # recording
    # ------------------------------------------------------------------
    def _fsm_refusal_reasons(self):
        """{code: sentence} why a fix is not stored, for the integrator and the phone."""
        return {
            "coordinates": self.env._("The coordinates are out of range."),
            "invalid": self.env._("The accuracy, speed or heading is not a valid number."),
            "future": self.env._("The fix is dated more than 5 minutes in the future."),
            "too_old": self.env._("The fix is older than the positions the company keeps."),
            "no_consent": self.env._("The technician does not share their position."),
            "absence": self.env._("The technician is absent at that time."),
            "off_duty": self.env._("The fix lies outside the technician's working hours."),
            "duplicate": self.env._(
                "A position of the technician at that moment is already recorded."
            ),
        }

    @api.model
    def _fsm_record(self, employee, fixes, source):
        """Store the ``fixes`` of ``employee`` (one ``hr.employee``) that may
        be stored, and say why the others are not.

        ``fixes`` are dicts ``{latitude, longitude, recorded_at (naive UTC),
        accuracy?, speed?, heading?}``; ``source`` is ``phone`` or ``fleet``.
        Answers ``{"stored": n, "refused": [{"index", "code", "reason"}]}``,
        ``index`` being the fix's place in ``fixes``.

        A fix is refused when its coordinates are out of range, it is dated
        more than 5 minutes ahead or older than the company keeps positions,
        it lies outside the employee's shift (15 minutes' tolerance on each
        side; the breaks inside a shift are part of it) or inside an absence,
        or the employee has a position at that very moment already.

        Consent: a phone's fix needs the technician's consent
        (``fsm_share_position``). A fleet system's fix is the position of the
        firm's vehicle, recorded for the employee driving it: their consent
        does not apply, but their working hours and absences do, so that a
        van taken home or used on a day off reveals nothing of its driver.

        The caller checks who may record for ``employee``; the writing is
        done here as superuser, since nobody may create positions directly."""
        employee.ensure_one()
        return self._fsm_record_many([(employee, fix) for fix in fixes], source)

    @api.model
    def _fsm_record_many(self, items, source):
        """``_fsm_record`` for ``items``, a list of (employee, fix) pairs of
        any employees: one look-up of shifts, absences and earlier fixes for
        the whole batch. ``index`` in the answer is the pair's place."""
        assert source in dict(SOURCES), source
        reasons = self._fsm_refusal_reasons()
        now = fields.Datetime.now()
        refused = []
        candidates = []  # (index, employee, fix with recorded_at to the second)
        for index, (employee, fix) in enumerate(items):
            moment = fix["recorded_at"].replace(microsecond=0)
            code = self._fsm_fix_refusal(employee, fix, moment, now, source)
            if code:
                refused.append({"index": index, "code": code, "reason": reasons[code]})
            else:
                candidates.append((index, employee, dict(fix, recorded_at=moment)))
        vals_list = []
        if candidates:
            employees = self.env["hr.employee"].sudo().browse({c[1].id for c in candidates})
            start = min(c[2]["recorded_at"] for c in candidates) - timedelta(days=1)
            stop = max(c[2]["recorded_at"] for c in candidates) + timedelta(days=1)
            shifts = _day_shifts(employees, start, stop)
            absences = employees._fsm_absence_intervals(start, stop)
            seen = self._fsm_recorded_moments(employees, start, stop)
            for index, employee, fix in candidates:
                moment = fix["recorded_at"]
                if _inside(moment, absences.get(employee.id, [])):
                    code = "absence"
                elif not _inside(moment, shifts.get(employee.id, []), SHIFT_TOLERANCE):
                    code = "off_duty"
                elif (employee.id, moment) in seen:
                    code = "duplicate"
                else:
                    seen.add((employee.id, moment))
                    vals_list.append(self._prepare_position_vals(employee, fix, source))
                    continue
                refused.append({"index": index, "code": code, "reason": reasons[code]})
        if vals_list:
            # nobody creates positions directly (ACL): the checks above are the rule
            self.sudo().create(vals_list)
        refused.sort(key=lambda refusal: refusal["index"])
        return {"stored": len(vals_list), "refused": refused}

    @api.model
    def _fsm_fix_refusal(self, employee, fix, moment, now, source):
        """The code of what refuses ``fix`` on its own (without shifts), or None."""
        latitude, longitude = fix["latitude"], fix["longitude"]
        if not (
            _finite(latitude, longitude) and -90 <= latitude <= 90 and -180 <= longitude <= 180
        ):
            return "coordinates"
        extras = [fix.get(key) or 0.0 for key in ("accuracy", "speed", "heading")]
        if not _finite(*extras) or extras[0] < 0:
            return "invalid"
        if moment > now + MAX_FUTURE:
            return "future"
        retention = employee.sudo().company_id.fsm_position_retention_days
        if moment < now - timedelta(days=retention):
            return "too_old"
        if source == "phone" and not employee.sudo().fsm_share_position:
            return "no_consent"
        return None

    @api.model
    def _fsm_recorded_moments(self, employees, start, stop):
        """{(employee id, recorded_at)} of the positions already stored."""
        positions = self.sudo().search_fetch(
            [
                ("employee_id", "in", employees.ids),
                ("recorded_at", ">=", start),
                ("recorded_at", "<=", stop),
            ],
            ["employee_id", "recorded_at"],
        )
        return {(position.employee_id.id, position.recorded_at) for position in positions}

    @api.model
    def _prepare_position_vals(self, employee, fix, source):
        return {
            "employee_id": employee.id,
            "recorded_at": fix["recorded_at"],
            "latitude": fix["latitude"],
            "longitude": fix["longitude"],
            "accuracy": fix.get("accuracy") or False,
            "speed": fix.get("speed") or False,
            "heading": fix.get("heading") or False,
            "source": source,
        }

    # ------------------------------------------------------------------
    # the nightly purge
    # ------------------------------------------------------------------
    @api.model
    def _fsm_purge_domain(self, now=None):
        """The positions older than their company keeps them."""
        now = now or fields.Datetime.now()
        companies = (
            self.env["res.company"]
            .sudo()
            .with_context(active_test=False)
            .search([("fsm_position_retention_days", ">", 0)])
        )
        return Domain.OR(
            Domain("company_id", "=", company.id)
            & Domain("recorded_at", "<", now - timedelta(days=company.fsm_position_retention_days))
            for company in companies
        )

    @api.model
    def _fsm_purge(self, batch_size=PURGE_BATCH_SIZE):
        """Delete the positions older than each company's
        ``fsm_position_retention_days`` (the scheduled job, every night).

        In the cron, a batch at a time, each committed with the job's
        progress (``ir.cron._commit_progress``), so that a large backlog is
        deleted in steps and a job stopped halfway resumes where it stopped.
        Called elsewhere (tests, a shell) it deletes everything due in the
        current transaction and never commits. Returns how many it deleted."""
        # the retention applies to every position, whatever the rules of the
        # job's user: deleting old fixes is the whole point
        Position = self.sudo()
        domain = self._fsm_purge_domain()
        in_cron = bool(self.env.context.get("cron_id"))
        deleted = 0
        while positions := Position.search(domain, limit=batch_size, order="id"):
            positions.unlink()
            deleted += len(positions)
            if in_cron:
                remaining = Position.search_count(domain)
                time_left = self.env["ir.cron"]._commit_progress(
                    len(positions), remaining=remaining
                )
                if not remaining or not time_left:
                    break  # done, or out of time: the cron runs again for the rest
        return deleted


def _finite(*values):
    return all(isinstance(value, (int, float)) and math.isfinite(value) for value in values)


def _inside(moment, intervals, tolerance=timedelta(0)):
    return any(begin - tolerance <= moment < end + tolerance for begin, end in intervals)


def _day_shifts(employees, start, stop):
    """{employee id: [(start, stop), …]} each employee's shifts between naive
    UTC ``start`` and ``stop``: a shift runs from a day's first attendance to
    its last (the day in the employee's zone), breaks included; shifts that
    touch (a night shift over midnight) are one."""
    intervals = employees._fsm_shift_intervals(start, stop)
    result = {}
    for employee in employees:
        zone = pytz.timezone(employee.tz or employee.resource_calendar_id.tz or "UTC")
        days = defaultdict(list)
        for begin, end in intervals.get(employee.id, []):
            days[pytz.utc.localize(begin).astimezone(zone).date()].append((begin, end))
        shifts = []
        for day in sorted(days):
            begin = min(b for b, _e in days[day])
            end = max(e for _b, e in days[day])
            if shifts and begin <= shifts[-1][1]:
                shifts[-1] = (shifts[-1][0], max(end, shifts[-1][1]))
            else:
                shifts.append((begin, end))
        result[employee.id] = shifts
    return result
