"""Service desk at scale: how long the desk's screens take with a year of work.

Run by ``./fsm bench`` inside ``odoo shell`` on a throwaway database with the
suite installed (no demo data): ``env`` is given. It builds a data set of
N_CLIENTS clients with a site and a machine each, N_REQUESTS requests spread
over the last 365 days (a third closed, half turned into orders, most orders
done), then prints one line per measure: wall time and SQL queries. It asserts
nothing about time; it checks that the figures it reads are the ones it built.
"""

import random
import time
from datetime import timedelta

from odoo import fields

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

N_CLIENTS = int(__import__("os").environ.get("FSM_BENCH_CLIENTS", "500"))
N_REQUESTS = int(__import__("os").environ.get("FSM_BENCH_REQUESTS", "20000"))
BATCH = 1000

rng = random.Random(42)
quiet = env(  # noqa: F821 — given by odoo shell
    context=dict(
        env.context,  # noqa: F821
        **DISABLED_MAIL_CONTEXT,
        fsm_skip_client_notification=True,
    )
)
now = fields.Datetime.now()


def measure(label, func, unit=None):
    """Run func once with warm caches, print its time and SQL query count."""
    quiet.invalidate_all()
    cr = quiet.cr
    queries = cr.sql_log_count
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    queries = cr.sql_log_count - queries
    extra = f"  ({unit(result)})" if unit else ""
    print(f"BENCH {label:<58} {elapsed * 1000:9.1f} ms {queries:6d} queries{extra}")
    return result


def build():
    start = time.perf_counter()
    technicians = quiet["hr.employee"].create(
        [{"name": f"Technician {i}", "is_technician": True} for i in range(20)]
    )
    category = quiet["service.equipment.category"].create({"name": "Espresso machine"})
    clients = quiet["res.partner"].create(
        [{"name": f"Client {i}", "is_company": True, "city": "Stockholm",
          "partner_latitude": 59.3, "partner_longitude": 18.0} for i in range(N_CLIENTS)]
    )  # fmt: skip
    sites = quiet["res.partner"].create(
        [{"name": "Site", "parent_id": c.id, "type": "other", "city": "Stockholm",
          "partner_latitude": 59.3, "partner_longitude": 18.0} for c in clients]
    )  # fmt: skip
    machines = quiet["service.equipment"].create(
        [{"name": f"Machine {i}", "partner_id": c.id, "location_id": s.id,
          "category_id": category.id} for i, (c, s) in enumerate(zip(clients, sites, strict=True))]
    )  # fmt: skip
    types = quiet["service.request.type"].search([])
    users = quiet["res.users"].search([("share", "=", False)], limit=5)
    requests = quiet["service.request"]
    for offset in range(0, N_REQUESTS, BATCH):
        vals = []
        for _i in range(offset, min(offset + BATCH, N_REQUESTS)):
            k = rng.randrange(N_CLIENTS)
            vals.append({
                "title": "Leaks at group 2", "partner_id": clients[k].id,
                "location_id": sites[k].id, "equipment_id": machines[k].id,
                "type_id": rng.choice(types).id, "user_id": rng.choice(users).id,
                "priority": rng.choice("0123"),
            })  # fmt: skip
        batch = quiet["service.request"].create(vals)
        # registered over the past year
        for request in batch:
            registered = now - timedelta(days=rng.uniform(0, 365))
            request.write({"date_registered": registered})
        requests |= batch
        quiet.flush_all()
    with_orders = requests.filtered(lambda r: rng.random() < 0.5)
    for offset in range(0, len(with_orders), BATCH):
        chunk = with_orders[offset : offset + BATCH]
        orders = quiet["service.order"].create(
            [dict(r._prepare_order_vals(), technician_id=rng.choice(technicians).id)
             for r in chunk]
        )  # fmt: skip
        for request, order in zip(chunk, orders, strict=True):
            if rng.random() < 0.8:
                finished = request.date_registered + timedelta(hours=rng.uniform(2, 96))
                order.write({"state": "done", "date_finished": min(finished, now)})
        quiet.flush_all()
    closed = requests.filtered(lambda r: rng.random() < 1 / 3)
    for request in closed:
        request.write({
            "state": "closed",
            "date_closed": min(request.date_registered + timedelta(hours=rng.uniform(1, 200)), now),
        })  # fmt: skip
    quiet.flush_all()
    quiet.cr.commit()
    print(
        f"BENCH data: {N_CLIENTS} clients, {len(requests)} requests, "
        f"{quiet['service.order'].search_count([])} orders "
        f"(built in {time.perf_counter() - start:.0f} s)"
    )
    return clients, machines, requests


clients, machines, requests = build()
Request = quiet["service.request"]

last_30 = quiet["service.desk.statistics"].create({})
start, stop = last_30._period_bounds()
registered_30 = Request.search_count(
    [("date_registered", ">=", start), ("date_registered", "<", stop)]
)
stats = measure(
    "desk statistics, last 30 days (figures + per employee)",
    lambda: last_30.read(
        ["registered_count", "closed_count", "avg_hours_to_close", "employee_table"]
    ),
    lambda r: f"{r[0]['registered_count']} registered",
)
assert stats[0]["registered_count"] == registered_30, (stats[0]["registered_count"], registered_30)
year = measure(
    "desk statistics, whole year",
    lambda: (
        quiet["service.desk.statistics"]
        .create({"date_from": (now - timedelta(days=366)).date(), "date_to": now.date()})
        .read(["registered_count", "employee_table"])
    ),
    lambda r: f"{r[0]['registered_count']} registered",
)
assert year[0]["registered_count"] == N_REQUESTS, year[0]["registered_count"]
measure(
    "service desk dashboard (cards per request type)",
    lambda: (
        quiet["service.request.type"]
        .search([])
        .read(
            [
                "open_count",
                "unplanned_count",
                "overdue_count",
                "closed_30_count",
                "with_orders_30_count",
                "avg_hours_to_close",
            ]
        )
    ),  # fmt: skip
    lambda r: f"{len(r)} types",
)
measure(
    "request list, open, first 80 rows",
    lambda: Request.web_search_read(
        [("state", "not in", ("closed", "cancelled"))],
        {
            "name": {},
            "title": {},
            "partner_id": {"fields": {"display_name": {}}},
            "deadline": {},
            "is_overdue": {},
            "order_count": {},
            "state": {},
        },
        limit=80,
    ),  # fmt: skip
    lambda r: f"{r['length']} open",
)
measure(
    "requests past deadline (search)",
    lambda: Request.search_count([("is_overdue", "=", True)]),
    lambda n: f"{n} found",
)
measure(
    "requests per week, whole year (read_group)",
    lambda: Request._read_group([], ["date_registered:week"], ["__count"]),
    lambda r: f"{len(r)} weeks",
)
measure(
    "client list: 80 clients with order/machine/document counts",
    lambda: clients[:80].read(
        [
            "service_order_count",
            "service_equipment_count",
            "service_document_count",
            "service_request_count",
        ]
    ),  # fmt: skip
)
measure(
    "machine list: 80 machines with document and request counts",
    lambda: machines[:80].read(["document_count", "request_count"]),
)
quiet.cr.rollback()
