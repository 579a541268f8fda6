from datetime import date, datetime, time, timedelta

import pytz

from odoo.addons.fsm_orders.tests.common import FsmCase

STOCKHOLM = pytz.timezone("Europe/Stockholm")


def next_monday(today=None):
    """The next Monday after ``today`` in Stockholm: a plain working day
    whatever day CI runs on."""
    today = today or pytz.utc.localize(datetime.now()).astimezone(STOCKHOLM).date()
    return today + timedelta(days=7 - today.weekday())


def stockholm(day, hour, minute=0):
    """``hour``:``minute`` in Stockholm on ``day``, as naive UTC."""
    local = STOCKHOLM.localize(datetime.combine(day, time(hour, minute)))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


class RoutingCase(FsmCase):
    """The fsm_orders world made plannable: both technicians work 08:00–17:00
    in Stockholm with lunch 12:00–13:00, start from a home with
    coordinates; Anna holds the *Espresso* skill that the espresso machine
    category requires, Erik holds *Grinder*. ``day`` is next Monday."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.day = next_monday()
        cls.calendar = env["resource.calendar"].create(
            {
                "name": "Service 8-17",
                "tz": "Europe/Stockholm",
                "attendance_ids": [
                    (0, 0, {"name": f"{d} {p}", "dayofweek": str(d), "hour_from": h0,
                            "hour_to": h1, "day_period": p})
                    for d in range(5)
                    for h0, h1, p in ((8, 12, "morning"), (13, 17, "afternoon"))
                ],
            }
        )  # fmt: skip
        skill_type = env["hr.skill.type"].create(
            {
                "name": "Machines",
                "skill_ids": [(0, 0, {"name": "Espresso"}), (0, 0, {"name": "Grinder"})],
                "skill_level_ids": [(0, 0, {"name": "Certified", "level_progress": 100})],
            }
        )
        cls.skill_espresso, cls.skill_grinder = skill_type.skill_ids.sorted("name")
        level = skill_type.skill_level_ids
        Partner = env["res.partner"]
        cls.home_north = Partner.create(
            {"name": "Anna's home", "partner_latitude": 59.3600, "partner_longitude": 18.0300}
        )
        cls.home_south = Partner.create(
            {"name": "Erik's home", "partner_latitude": 59.3000, "partner_longitude": 18.0800}
        )
        for employee, home, skill in (
            (cls.tech_north, cls.home_north, cls.skill_espresso),
            (cls.tech_south, cls.home_south, cls.skill_grinder),
        ):
            employee.write(
                {
                    "resource_calendar_id": cls.calendar.id,
                    "tz": "Europe/Stockholm",
                    "service_start_location_id": home.id,
                    "hourly_cost": 50.0,
                    "employee_skill_ids": [
                        (0, 0, {"skill_id": skill.id, "skill_level_id": level.id,
                                "skill_type_id": skill_type.id})
                    ],
                }
            )  # fmt: skip
        cls.category_espresso.skill_ids = cls.skill_espresso
        cls.category_grinder = env["service.equipment.category"].create(
            {"name": "Grinder", "skill_ids": [(6, 0, cls.skill_grinder.ids)]}
        )
        cls.site_kafe = Partner.create(
            {
                "name": "Kafé Vasastan",
                "parent_id": cls.client_cafe.id,
                "type": "other",
                "city": "Stockholm",
                "partner_latitude": 59.3450,
                "partner_longitude": 18.0400,
            }
        )

    @classmethod
    def _plannable_order(cls, site=None, hours=1.0, machine=None, **vals):
        """An unplanned order for ``day`` at ``site`` (the café by default)
        with ``machine`` (the café's espresso machine by default; pass an
        empty recordset for none)."""
        site = site or cls.site_cafe
        client = site.commercial_partner_id
        machine = cls.machine_cafe if machine is None else machine
        return cls.env["service.order"].create(
            {
                "partner_id": client.id,
                "location_id": site.id,
                "equipment_ids": [(6, 0, machine.ids)],
                "scheduled_duration": hours,
                "team_id": vals.pop("team_id", cls.team_north.id),
                **vals,
            }
        )

    @classmethod
    def _approved_leave(cls, employee, day=None):
        """An approved day of time off for ``employee`` on ``day``."""
        leave_type = cls.env["hr.leave.type"].search([("name", "=", "Routing leave")], limit=1)
        leave_type = leave_type or cls.env["hr.leave.type"].create(
            {"name": "Routing leave", "requires_allocation": False, "leave_validation_type": "hr"}
        )
        leave = cls.env["hr.leave"].create(
            {
                "employee_id": employee.id,
                "holiday_status_id": leave_type.id,
                "request_date_from": day or cls.day,
                "request_date_to": day or cls.day,
            }
        )
        leave.action_approve()
        return leave

    @classmethod
    def _at(cls, hour, minute=0, day=None):
        return stockholm(day or cls.day, hour, minute)


__all__ = ["RoutingCase", "date", "next_monday", "stockholm"]
