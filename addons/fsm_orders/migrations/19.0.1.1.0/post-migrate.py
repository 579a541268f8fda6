"""The technicians' record rules read the clients they served from a stored
relation (``res.partner.fsm_technician_user_ids``) instead of a three-way OR
over every order. The rules live in a ``noupdate`` block, which an update never
rewrites: give the existing rules the domains of ``security/fsm_security.xml``,
read from the file itself so that the domains have one source."""

from pathlib import Path

from lxml import etree

from odoo import SUPERUSER_ID, api

TECHNICIAN_RULES = (
    "service_order_rule_technician_read",
    "service_equipment_rule_technician",
    "service_counter_reading_rule_technician",
    "service_order_checklist_rule_technician_read",
    "service_order_checklist_line_rule_technician_read",
    "service_order_photo_rule_technician_read",
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    security = etree.parse(str(Path(__file__).parents[2] / "security" / "fsm_security.xml"))
    for name in TECHNICIAN_RULES:
        [domain] = security.xpath(f"//record[@id='{name}']/field[@name='domain_force']/text()")
        rule = env.ref(f"fsm_orders.{name}", raise_if_not_found=False)
        if rule:
            rule.domain_force = domain.strip()
