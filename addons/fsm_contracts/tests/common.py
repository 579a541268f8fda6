from datetime import date, timedelta

from odoo import Command, fields

from odoo.addons.fsm_requests.tests.common import RequestWorldMixin
from odoo.addons.mail.tests.common import mail_new_test_user


class ContractWorldMixin(RequestWorldMixin):
    """The desk's world (Café Norr with its La Marzocco at Odenplan, Bar
    Söder with its Eagle One) and what contracts need around it:

    * a second Café Norr machine at a second site (``machine_cafe_2`` at
      ``site_cafe_2``), to tell machine contracts from site contracts;
    * the labour products at known prices (hour 60, fixed fee 80, km 0.50),
      two parts of two categories (``burrs`` 42 in *Wear parts*, ``gasket``
      9 in *Gaskets*), stocked in Anna's van;
    * Bo, a coordinator who may invoice; Sam, a salesperson.
    """

    @classmethod
    def _setup_contract_world(cls, world=True):
        """``world=False`` when the desk's world is already built (by the
        client portal's, say)."""
        if world:
            cls._setup_request_world()
        env = cls.env
        cls.Contract = env["service.contract"]
        cls.Plan = env["service.maintenance.plan"]
        cls.type_amc = env.ref("fsm_contracts.contract_type_amc")
        cls.type_cmc = env.ref("fsm_contracts.contract_type_cmc")
        cls.type_warranty = env.ref("fsm_contracts.contract_type_warranty")
        cls.type_subcontracting = env.ref("fsm_contracts.contract_type_subcontracting")
        cls.user_billing = mail_new_test_user(
            env, login="coord_billing", name="Bo Billing", tz="Europe/Stockholm",
            groups="fsm_orders.group_fsm_coordinator,account.group_account_invoice",
        )  # fmt: skip
        cls.user_sales = mail_new_test_user(
            env, login="sales_sam", name="Sam Seller", tz="Europe/Stockholm",
            groups="sales_team.group_sale_salesman",
        )  # fmt: skip
        cls.site_cafe_2 = env["res.partner"].create(
            {"name": "Café Norr, Fridhemsplan", "parent_id": cls.client_cafe.id, "type": "other",
             "street": "Fridhemsgatan 1", "city": "Stockholm", "country_id": cls.sweden.id}
        )  # fmt: skip
        cls.machine_cafe_2 = env["service.equipment"].create(
            {"name": "Mahlkönig E65S", "serial_number": "MK-3003",
             "category_id": cls.category_espresso.id, "partner_id": cls.client_cafe.id,
             "location_id": cls.site_cafe_2.id}
        )  # fmt: skip
        cls.product_hour = env.ref("fsm_worktime.product_labour_hour")
        cls.product_fixed = env.ref("fsm_worktime.product_labour_fixed")
        cls.product_km = env.ref("fsm_worktime.product_labour_km")
        cls.product_hour.list_price = 60.0
        cls.product_fixed.list_price = 80.0
        cls.product_km.list_price = 0.5
        for product in (cls.product_hour, cls.product_fixed, cls.product_km):
            product.taxes_id = False
        Category = env["product.category"]
        cls.categ_wear = Category.create({"name": "Wear parts"})
        cls.categ_gaskets = Category.create({"name": "Gaskets"})
        Product = env["product.product"]
        cls.burrs = Product.create(
            {"name": "Burr set 64 mm", "type": "consu", "is_storable": True, "list_price": 42.0,
             "standard_price": 20.0, "categ_id": cls.categ_wear.id, "fsm_phone_ok": True,
             "taxes_id": False}
        )  # fmt: skip
        cls.gasket = Product.create(
            {"name": "Group gasket", "type": "consu", "is_storable": True, "list_price": 9.0,
             "standard_price": 3.0, "categ_id": cls.categ_gaskets.id, "fsm_phone_ok": True,
             "taxes_id": False}
        )  # fmt: skip
        van = cls.tech_north.van_location_id
        for product in (cls.burrs, cls.gasket):
            env["stock.quant"]._update_available_quantity(product, van, 20)
        cls.company.write({"fsm_labour_rate_mode": "hourly", "fsm_labour_rounding_minutes": 15})
        cls.tech_north.hourly_cost = 40.0

    @classmethod
    def _contract(cls, confirm=True, **vals):
        today = fields.Date.context_today(cls.Contract)
        base = {
            "partner_id": cls.client_cafe.id,
            "type_id": cls.type_amc.id,
            "date_start": today - timedelta(days=30),
            "date_end": today + timedelta(days=335),
            "price": 0.0,
        }
        base.update(vals)
        contract = cls.Contract.create(base)
        if confirm:
            contract.action_confirm()
        return contract

    def _visit(self, hours=2.0, parts=(), order=None, **vals):
        """Anna's done visit on Café Norr's Odenplan machine: ``hours`` of
        work, then the ``parts`` ((product, quantity)) used from her van."""
        order = order or self._dispatched_order(**vals)
        quiet = order.with_context(fsm_skip_service_report=True, fsm_skip_client_notification=True)
        # started by the desk: no timer runs, the work booked is the test's
        quiet.action_start()
        start = order.date_started
        self.env["service.work.time"].create(
            {"employee_id": self.tech_north.id, "order_id": order.id,
             "type_id": self.env.ref("fsm_worktime.work_time_type_work").id,
             "date_start": start - timedelta(hours=hours), "date_stop": start}
        )  # fmt: skip
        for product, quantity in parts:
            order.with_user(self.user_tech_north).write(
                {"part_ids": [Command.create({"product_id": product.id,
                                              "quantity_planned": quantity})]}
            )  # fmt: skip
            order.part_ids[-1].with_user(self.user_tech_north).action_fsm_use()
        quiet.action_done()
        return order

    @staticmethod
    def _lines(lines):
        """{product: quantity} of settlement (or invoice line) values."""
        result = {}
        for line in lines:
            product = line["product_id"] if isinstance(line, dict) else line.product_id.id
            quantity = line["quantity"] if isinstance(line, dict) else line.quantity
            result[product] = result.get(product, 0.0) + quantity
        return result


D = date  # dates of the known calendars in the tests read as D(2027, 3, 15)
