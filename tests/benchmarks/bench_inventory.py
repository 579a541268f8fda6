"""Parts at scale: a van's stock page, using a part and settling orders.

Run by ``./fsm bench inventory`` inside ``odoo shell`` on a throwaway database
with the suite installed (no demo data): ``env`` is given. The firm:
N_PRODUCTS parts in the catalogue (made by the ORM, all on the phone),
N_TECHNICIANS technicians with a van each (users and employees by the ORM:
their vans are made as they become technicians), each van holding
N_VAN_PRODUCTS of those parts and the warehouse holding every one, and
N_ORDERS done orders of the last year, each with one part used from its
technician's van: the order, its part line, the delivery (picking, move and
move line) that took the part to the client.

Quants, orders, part lines and deliveries are built in bulk, ``INSERT …
SELECT`` from a plan in temporary tables: each bulk row copies every column of
a reference row the ORM made (a quant, a done order with a part used on it)
and overrides what differs, so that no column the ORM fills is left empty; a
sample of the bulk orders and part lines is recomputed by the ORM to check
the stored computed and related columns.

Then (caches emptied before each run): the technician's van page (the first
page of the *My van* list and its count), the coordinator's stock of one van
and the vans' totals, the phone catalogue's search by catalogue number, using
a part on the phone, settling one order and settling 500 orders in one batch
(wall time, queries). Each measure prints its median wall time of
FSM_BENCH_REPEAT runs (3 for the batch) and the SQL queries of one run; it
asserts nothing about time, and checks what it measured (the invoices' lines,
the van's quantity).

Sizes: FSM_BENCH_PRODUCTS (5000), FSM_BENCH_TECHNICIANS (100),
FSM_BENCH_VAN_PRODUCTS (300), FSM_BENCH_ORDERS (50000), FSM_BENCH_BATCH (500).
"""

import logging
import os
import statistics
import time
from datetime import timedelta

from odoo import Command, fields
from odoo.tools import SQL

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT


def _size(name, default):
    return int(os.environ.get(name, default))


N_PRODUCTS = _size("FSM_BENCH_PRODUCTS", 5000)
N_TECHNICIANS = _size("FSM_BENCH_TECHNICIANS", 100)
N_VAN_PRODUCTS = _size("FSM_BENCH_VAN_PRODUCTS", 300)
N_ORDERS = _size("FSM_BENCH_ORDERS", 50000)
N_BATCH = _size("FSM_BENCH_BATCH", 500)
REPEAT = _size("FSM_BENCH_REPEAT", 5)
SLOW_MS = _size("FSM_BENCH_SLOW_MS", 500)
TZ = "Europe/Stockholm"

quiet = env(  # noqa: F821 — given by odoo shell
    context=dict(
        env.context,  # noqa: F821
        **DISABLED_MAIL_CONTEXT,
        fsm_skip_client_notification=True,
        fsm_skip_service_report=True,
    )
)
cr = quiet.cr
now = fields.Datetime.now()
FIGURES = []


def bench(text):
    print(f"BENCH {text}", flush=True)


def sql(query, params=None):
    cr.execute(query, params)


def sql_value(query, params=None):
    sql(query, params)
    return cr.fetchone()[0]


# --------------------------------------------------------------------------
# measuring (as bench_worktime.py)
# --------------------------------------------------------------------------
class QueryLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.queries = []

    def emit(self, record):
        if record.msg.startswith("[%.3f ms] query"):
            self.queries.append((record.args[0], record.args[1]))


def capture_queries(func):
    logger = logging.getLogger("odoo.sql_db")
    handler = QueryLog()
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        run_once(func)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
    return handler.queries


def run_once(func):
    """One run of ``func``, rolled back afterwards so that every run starts
    from the same data (a part to use, orders to settle)."""
    quiet.invalidate_all()
    sql("SAVEPOINT bench_run")
    try:
        before = cr.sql_log_count
        start = time.perf_counter()
        result = func()
        quiet.flush_all()
        elapsed = (time.perf_counter() - start) * 1000
        queries = cr.sql_log_count - before
        checked = check(result) if (check := CHECKS.get(id(func))) else None
    finally:
        sql("ROLLBACK TO SAVEPOINT bench_run")
        quiet.invalidate_all()
    return result, elapsed, queries, checked


CHECKS = {}


def measure(label, func, unit=None, expect=None, repeat=REPEAT):
    """The median time of ``repeat`` runs and the queries of one; ``expect``
    is checked inside each run, before its savepoint is rolled back."""
    runs = []
    if expect is not None:
        CHECKS[id(func)] = lambda result: (expect(result), unit(result) if unit else result)
    described = None
    for _i in range(repeat):
        _result, elapsed, queries, checked = run_once(func)
        runs.append(elapsed)
        if checked is not None:
            ok, described = checked
            assert ok, (label, described)
    median = statistics.median(runs)
    extra = f"  ({described})" if described else ""
    times = "/".join(f"{t:.0f}" for t in runs)
    bench(f"{label:<62} {median:8.1f} ms {queries:5d} queries{extra}  [runs {times}]")
    if median > SLOW_MS:
        logged = sorted(capture_queries(func), key=lambda q: -q[0])
        for ms, text in logged[:3]:
            bench(f"    slow query {ms:8.1f} ms: {' '.join(text.split())[:300]}")
    FIGURES.append((label, median, queries))


def columns(table, overrides):
    """The insert columns of ``table`` (all but id, unless overridden) and the
    SELECT expressions: an override, else the reference row's value."""
    sql(
        """SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = %s
            ORDER BY ordinal_position""",
        [table],
    )
    names = [n for (n,) in cr.fetchall() if n != "id" or "id" in overrides]
    missing = set(overrides) - set(names)
    assert not missing, f"{table} has no column {missing}"
    return ", ".join(names), ", ".join(overrides.get(n, f"ref.{n}") for n in names)


def copy_rows(table, ref_id, plan, overrides, order_by):
    names, select = columns(table, overrides)
    sql(
        f"INSERT INTO {table} ({names}) SELECT {select} FROM {plan} AS b, {table} AS ref"
        f" WHERE ref.id = %(ref)s ORDER BY {order_by}",
        {"ref": ref_id},
    )
    if "id" in overrides:
        sql(f"SELECT setval('{table}_id_seq', (SELECT MAX(id) FROM {table}))")


def vacuum_analyze(tables):
    cr.commit()
    cr._cnx.autocommit = True
    try:
        for table in tables:
            cr.execute(SQL("VACUUM (ANALYZE) %s", SQL.identifier(table)))
    finally:
        cr._cnx.autocommit = False


# --------------------------------------------------------------------------
# building the firm
# --------------------------------------------------------------------------
def build_people():
    coordinator_group = quiet.ref("fsm_orders.group_fsm_coordinator")
    technician_group = quiet.ref("fsm_orders.group_fsm_technician")
    Users = quiet["res.users"].with_context(no_reset_password=True)
    coordinator = Users.create(
        {"name": "Coordinator", "login": "bench.coordinator", "tz": TZ,
         "group_ids": [Command.link(coordinator_group.id)]}
    )  # fmt: skip
    team = quiet["service.team"].create({"name": "Region", "coordinator_id": coordinator.id})
    tech_users = Users.create(
        [{"name": f"Technician {k:03d}", "login": f"bench.tech{k}", "tz": TZ,
          "group_ids": [Command.link(technician_group.id)]} for k in range(N_TECHNICIANS)]
    )  # fmt: skip
    employees = quiet["hr.employee"].create(
        [{"name": f"Technician {k:03d}", "is_technician": True, "user_id": u.id, "tz": TZ,
          "service_team_ids": [Command.link(team.id)]} for k, u in enumerate(tech_users)]
    )  # fmt: skip
    client = quiet["res.partner"].create({"name": "Café Central", "is_company": True})
    site = quiet["res.partner"].create(
        {"name": "Café Central, Storgatan 1", "parent_id": client.id, "type": "other"}
    )
    return coordinator, team, tech_users, employees, client, site


def build_products():
    Product = quiet["product.product"]
    extra = {"fsm_phone_ok": True} if "fsm_phone_ok" in Product._fields else {}
    return Product.create(
        [{"name": f"Part {n:05d}", "default_code": f"P-{n:05d}", "barcode": f"20{n:011d}",
          "type": "consu", "is_storable": True, "list_price": 10 + n % 90,
          "standard_price": 5 + n % 40, **extra} for n in range(N_PRODUCTS)]
    )  # fmt: skip


def build_stock(products, employees):
    """Every part in the warehouse, N_VAN_PRODUCTS in each van (a window of
    the catalogue that moves along with the van)."""
    warehouse = quiet.company._fsm_warehouse()
    Quant = quiet["stock.quant"]
    Quant._update_available_quantity(products[0], warehouse.lot_stock_id, 1000)
    quiet.flush_all()
    ref = Quant.search([("product_id", "=", products[0].id)]).id
    sql("CREATE TEMP TABLE bench_product (n int PRIMARY KEY, product_id int)")
    cr.execute(SQL("INSERT INTO bench_product VALUES %s", SQL(", ").join(
        SQL("(%s, %s)", n, p.id) for n, p in enumerate(products)
    )))  # fmt: skip
    sql("CREATE TEMP TABLE bench_van (k int PRIMARY KEY, employee_id int, location_id int)")
    cr.execute(SQL("INSERT INTO bench_van VALUES %s", SQL(", ").join(
        SQL("(%s, %s, %s)", k, e.id, e.van_location_id.id) for k, e in enumerate(employees)
    )))  # fmt: skip
    sql(
        """CREATE TEMP TABLE bench_quant AS
           SELECT p.product_id, %(stock)s AS location_id, 1000.0 AS quantity FROM bench_product p
            WHERE p.n > 0
           UNION ALL
           SELECT p.product_id, v.location_id, 3.0 + (p.n %% 5) FROM bench_van v
             JOIN bench_product p ON (p.n - v.k * 7 + %(n)s * 10) %% %(n)s < %(per_van)s""",
        {"stock": warehouse.lot_stock_id.id, "n": N_PRODUCTS, "per_van": N_VAN_PRODUCTS},
    )
    copy_rows(
        "stock_quant", ref, "bench_quant",
        {"product_id": "b.product_id", "location_id": "b.location_id",
         "quantity": "b.quantity"},
        "b.location_id, b.product_id",
    )  # fmt: skip
    return warehouse


def reference_order(employee, team, client, site, product):
    """A done order with one part used from the van, made by the ORM."""
    start = now - timedelta(days=400)
    order = quiet["service.order"].create(
        {"partner_id": client.id, "location_id": site.id, "technician_id": employee.id,
         "team_id": team.id, "scheduled_start": start, "scheduled_duration": 1.0}
    )  # fmt: skip
    order.action_dispatch()
    order.action_start()
    order.write({"part_ids": [Command.create({"product_id": product.id, "quantity_planned": 1})]})
    order.part_ids.action_fsm_use()
    order.action_done()
    quiet.flush_all()
    return order


def build_orders(employees, team, client, site, products):
    order = reference_order(employees[0], team, client, site, products[0])
    part = order.part_ids
    move = part.move_ids
    line = move.move_line_ids
    picking = move.picking_id
    assert len(move) == 1 and len(line) == 1, "one delivery for the reference part"
    sql("SELECT setseed(0.19)")
    bases = {
        table: sql_value(f"SELECT MAX(id) FROM {table}")
        for table in ("service_order", "service_order_part", "stock_picking", "stock_move",
                      "stock_move_line")
    }  # fmt: skip
    sql(
        """CREATE TEMP TABLE bench_order AS
           SELECT g.n, v.employee_id, v.location_id AS van_id, e.user_id,
                  p.product_id,
                  %(o)s + g.n AS order_id, %(pa)s + g.n AS part_id,
                  %(pk)s + g.n AS picking_id, %(m)s + g.n AS move_id, %(ml)s + g.n AS line_id,
                  %(now)s::timestamp - interval '365 days' * (g.n::float / %(orders)s)
                      - interval '2 hours' AS started
             FROM generate_series(1, %(orders)s) AS g(n)
             JOIN bench_van v ON v.k = g.n %% %(techs)s
             JOIN hr_employee e ON e.id = v.employee_id
             JOIN bench_product p
               ON p.n = ((g.n / %(techs)s) %% %(per_van)s + v.k * 7) %% %(np)s""",
        {"o": bases["service_order"], "pa": bases["service_order_part"],
         "pk": bases["stock_picking"], "m": bases["stock_move"], "ml": bases["stock_move_line"],
         "now": now, "orders": N_ORDERS, "techs": N_TECHNICIANS, "per_van": N_VAN_PRODUCTS,
         "np": N_PRODUCTS},
    )  # fmt: skip
    start = time.perf_counter()
    copy_rows(
        "service_order", order.id, "bench_order",
        {"id": "b.order_id", "name": "'PRT/' || b.n", "technician_id": "b.employee_id",
         "technician_user_id": "b.user_id", "scheduled_start": "b.started",
         "scheduled_end": "b.started + interval '1 hour'", "date_started": "b.started",
         "date_finished": "b.started + interval '1 hour'", "access_token": "NULL",
         "create_date": "b.started - interval '3 days'",
         "write_date": "b.started + interval '1 hour'"},
        "b.n",
    )  # fmt: skip
    copy_rows(
        "service_order_part", part.id, "bench_order",
        {"id": "b.part_id", "order_id": "b.order_id", "product_id": "b.product_id",
         "technician_user_id": "b.user_id"},
        "b.n",
    )  # fmt: skip
    copy_rows(
        "stock_picking", picking.id, "bench_order",
        {"id": "b.picking_id", "name": "'PRT/OUT/' || b.n", "origin": "'PRT/' || b.n",
         "location_id": "b.van_id", "date_done": "b.started",
         "scheduled_date": "b.started", "date_deadline": "NULL",
         "create_date": "b.started", "write_date": "b.started"},
        "b.n",
    )  # fmt: skip
    copy_rows(
        "stock_move", move.id, "bench_order",
        {"id": "b.move_id", "picking_id": "b.picking_id", "product_id": "b.product_id",
         "location_id": "b.van_id", "fsm_part_id": "b.part_id", "reference": "'PRT/OUT/' || b.n",
         "origin": "'PRT/' || b.n", "date": "b.started", "create_date": "b.started",
         "write_date": "b.started"},
        "b.n",
    )  # fmt: skip
    copy_rows(
        "stock_move_line", line.id, "bench_order",
        {"id": "b.line_id", "picking_id": "b.picking_id", "move_id": "b.move_id",
         "product_id": "b.product_id", "location_id": "b.van_id",
         "date": "b.started", "create_date": "b.started",
         "write_date": "b.started"},
        "b.n",
    )  # fmt: skip
    return order, time.perf_counter() - start


def check_build(models):
    """A sample of bulk rows recomputed by the ORM gives the same stored
    computed and related values."""
    checked = 0
    for model_name, table in models:
        Model = quiet[model_name]
        recomputed = [n for n, f in Model._fields.items() if f.store and f.compute]
        sql(
            SQL(
                "SELECT id FROM %s TABLESAMPLE SYSTEM (1) REPEATABLE (7) ORDER BY id LIMIT 300",
                SQL.identifier(table),
            )
        )
        sample = Model.browse([r[0] for r in cr.fetchall()])
        stored = sample.read(recomputed)
        sql("SAVEPOINT bench_recompute")
        for name in recomputed:
            quiet.add_to_compute(Model._fields[name], sample)
        quiet.flush_all()
        quiet.invalidate_all()
        again = sample.read(recomputed)
        sql("ROLLBACK TO SAVEPOINT bench_recompute")
        quiet.invalidate_all()
        diff = [(a["id"], {k: (a[k], b[k]) for k in a if a[k] != b[k]})
                for a, b in zip(stored, again, strict=True) if a != b]  # fmt: skip
        assert not diff, (model_name, diff[:5])
        checked += len(sample)
    return checked


def build():
    start = time.perf_counter()
    coordinator, team, tech_users, employees, client, site = build_people()
    quiet.flush_all()
    people_s = time.perf_counter() - start
    start_products = time.perf_counter()
    products = build_products()
    quiet.flush_all()
    products_s = time.perf_counter() - start_products
    start_stock = time.perf_counter()
    warehouse = build_stock(products, employees)
    stock_s = time.perf_counter() - start_stock
    _ref, orders_s = build_orders(employees, team, client, site, products)
    quiet.invalidate_all()
    start_vacuum = time.perf_counter()
    vacuum_analyze(
        ["stock_quant", "service_order", "service_order_part", "stock_picking", "stock_move",
         "stock_move_line", "product_product", "product_template"]
    )  # fmt: skip
    vacuum_s = time.perf_counter() - start_vacuum
    checked = check_build([("service.order", "service_order"),
                           ("service.order.part", "service_order_part")])  # fmt: skip
    cr.commit()
    counts = {
        table: sql_value(f"SELECT count(*) FROM {table}")
        for table in ("product_product", "stock_quant", "service_order", "service_order_part",
                      "stock_move")
    }  # fmt: skip
    bench(
        f"data: {counts['product_product']} products, {N_TECHNICIANS} vans with"
        f" {N_VAN_PRODUCTS} parts each ({counts['stock_quant']} quants with the warehouse),"
        f" {counts['service_order']} done orders, {counts['service_order_part']} part lines,"
        f" {counts['stock_move']} stock moves"
    )
    bench(
        f"built in {time.perf_counter() - start:.0f} s: people {people_s:.0f} s, products by the"
        f" ORM {products_s:.0f} s, stock by SQL {stock_s:.0f} s, orders and deliveries by SQL"
        f" {orders_s:.0f} s, VACUUM ANALYZE {vacuum_s:.0f} s; {checked} bulk rows recomputed"
        " by the ORM, identical"
    )
    return coordinator, team, tech_users, employees, client, site, products, warehouse


coordinator, team, tech_users, employees, client, site, products, warehouse = build()
tech_user, technician = tech_users[0], employees[0]
van = technician.van_location_id
Quant = quiet["stock.quant"]


# --------------------------------------------------------------------------
# 1. The van's stock page, as the technician and as the coordinator
# --------------------------------------------------------------------------
QUANT_SPEC = {
    "product_id": {"fields": {"display_name": {}}},
    "location_id": {"fields": {"display_name": {}}},
    "quantity": {},
    "product_uom_id": {"fields": {"display_name": {}}},
}
# the list *My van* opens, as the technician's menu asks for it
my_van = Quant.with_user(tech_user).action_fsm_my_van()
my_van_domain = my_van["domain"]
MyVan = Quant.with_user(tech_user).with_context(my_van.get("context") or {})
van_lines = Quant.search_count([("location_id", "=", van.id)])
measure(
    "technician: My van page (first 80 lines and the count)",
    lambda: MyVan.web_search_read(my_van_domain, QUANT_SPEC, limit=80, count_limit=10001),
    lambda r: f"{r['length']} lines in the van",
    lambda r: r["length"] == van_lines,
)
Coordinator = Quant.with_user(coordinator)
other_van = employees[-1].van_location_id
measure(
    "coordinator: one van's stock (first 80 lines and the count)",
    lambda: Coordinator.web_search_read(
        [("location_id", "=", other_van.id)], QUANT_SPEC, limit=80, count_limit=10001
    ),
    lambda r: f"{r['length']} lines",
    lambda r: r["length"] > 0,
)
vans_parent = quiet.company.fsm_van_parent_location_id
measure(
    "coordinator: every van's stock grouped by van (groups)",
    lambda: Coordinator.formatted_read_group(
        [("location_id", "child_of", vans_parent.id)], ["location_id"], ["quantity:sum"]
    ),
    lambda r: f"{len(r)} vans",
    lambda r: len(r) == N_TECHNICIANS,
)

# --------------------------------------------------------------------------
# 2. The phone catalogue and using a part, as the technician
# --------------------------------------------------------------------------
Catalogue = quiet["product.product"].with_user(tech_user)
in_van = Quant.search([("location_id", "=", van.id)], limit=1).product_id
code = in_van.default_code
measure(
    "technician: phone catalogue, search by catalogue number",
    lambda: Catalogue.name_search(code, limit=8),
    lambda r: f"{len(r)} found for {code}",
    lambda r: any(pid == in_van.id for pid, _name in r),
)
visit = quiet["service.order"].create(
    {"partner_id": client.id, "location_id": site.id, "technician_id": technician.id,
     "team_id": team.id, "scheduled_start": now, "scheduled_duration": 1.0}
)  # fmt: skip
visit.action_dispatch()
visit.with_user(tech_user).action_start()
visit.with_user(tech_user).write(
    {"part_ids": [Command.create({"product_id": in_van.id, "quantity_planned": 1})]}
)
cr.commit()
before = Quant._get_available_quantity(in_van, van)
part = visit.part_ids.with_user(tech_user)
measure(
    "technician: use a part from the van on the phone (action_fsm_use)",
    lambda: part.action_fsm_use() and Quant._get_available_quantity(in_van, van),
    lambda left: f"van {before:g} -> {left:g}",
    lambda left: left == before - 1,
)

# --------------------------------------------------------------------------
# 3. Settling one order and a batch, as the accountant would (admin)
# --------------------------------------------------------------------------
sql(
    "SELECT id FROM service_order WHERE name LIKE 'PRT/%%' ORDER BY id DESC LIMIT %s",
    [N_BATCH + 1],
)
to_settle = quiet["service.order"].browse([r[0] for r in cr.fetchall()])
one, batch = to_settle[0], to_settle[1:]


def settle(orders):
    batch_action = getattr(orders, "action_fsm_create_invoices", None)
    (batch_action or orders.action_create_invoice)()
    quiet.flush_all()
    invoices = orders.invoice_ids
    return invoices, invoices.invoice_line_ids.filtered(lambda line: line.display_type == "product")


measure(
    "settle one done order (draft invoice with its part)",
    lambda: settle(one),
    lambda r: f"{len(r[0])} invoice, {len(r[1])} lines, {r[0].amount_total:.2f}",
    lambda r: len(r[0]) == 1 and len(r[1]) >= 1,
)
measure(
    f"settle {N_BATCH} done orders in one batch",
    lambda: settle(batch),
    lambda r: f"{len(r[0])} invoices, {len(r[1])} lines",
    lambda r: len(r[0]) == len(batch) and len(r[1]) >= len(batch),
    repeat=3,
)

bench("summary (median ms / queries):")
for label, ms, queries in FIGURES:
    bench(f"  {label:<62} {ms:8.1f} ms {queries:5d} q")
cr.rollback()
