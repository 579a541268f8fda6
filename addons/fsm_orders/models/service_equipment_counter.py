from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ServiceEquipmentCounter(models.Model):
    """A meter on a machine (shots brewed, operating hours, litres filtered)."""

    _name = "service.equipment.counter"
    _description = "Equipment Counter"
    _order = "equipment_id, name"

    name = fields.Char(required=True, translate=True)
    equipment_id = fields.Many2one(
        "service.equipment", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="equipment_id.company_id", store=True)
    unit = fields.Char(help="e.g. shots, hours, litres")
    reading_ids = fields.One2many("service.equipment.counter.reading", "counter_id", "Readings")
    last_value = fields.Float("Last reading", compute="_compute_last", store=True)
    last_date = fields.Datetime("Read on", compute="_compute_last", store=True)

    @api.depends("reading_ids.value", "reading_ids.date")
    def _compute_last(self):
        for counter in self:
            last = counter.reading_ids.sorted(lambda r: (r.date, r.id))[-1:]
            counter.last_value = last.value
            counter.last_date = last.date


class ServiceEquipmentCounterReading(models.Model):
    """A dated value read off a counter. Values only grow, unless the reading
    records a reset (meter replaced or rolled over)."""

    _name = "service.equipment.counter.reading"
    _description = "Counter Reading"
    _order = "date desc, id desc"

    counter_id = fields.Many2one(
        "service.equipment.counter", required=True, ondelete="cascade", index=True
    )
    equipment_id = fields.Many2one(related="counter_id.equipment_id", store=True, index=True)
    company_id = fields.Many2one(related="counter_id.company_id", store=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    value = fields.Float(required=True)
    is_reset = fields.Boolean(
        "Counter reset", help="The meter was replaced or rolled over: lower values are accepted."
    )
    order_id = fields.Many2one("service.order", "Read during", index="btree_not_null")
    note = fields.Char()

    _value_positive = models.Constraint(
        "CHECK(value >= 0)", "A counter reading cannot be negative."
    )

    @api.constrains("value", "date", "counter_id", "is_reset")
    def _check_monotonic(self):
        for reading in self:
            if reading.is_reset:
                continue
            earlier = self.search(
                [
                    ("counter_id", "=", reading.counter_id.id),
                    ("id", "!=", reading.id),
                    ("date", "<=", reading.date),
                ],
                order="date desc, id desc",
                limit=1,
            )
            if earlier and reading.value < earlier.value:
                raise ValidationError(
                    self.env._(
                        "%(counter)s read %(old)s on %(date)s; %(new)s is lower. Tick "
                        "'Counter reset' if the meter was replaced.",
                        counter=reading.counter_id.name,
                        old=earlier.value,
                        date=fields.Datetime.to_string(earlier.date),
                        new=reading.value,
                    )
                )
