from odoo.addons.fsm_orders.tests.common import FsmWorldMixin


class RequestWorldMixin(FsmWorldMixin):
    @classmethod
    def _setup_request_world(cls):
        cls._setup_fsm_world()
        cls.company.country_id = cls.sweden  # national numbers are read as Swedish
        cls.type_breakdown = cls.env.ref("fsm_requests.request_type_breakdown")
        cls.contact_cafe.phone = "+46 70 123 45 67"
        cls.env["res.partner"].create(
            {"name": "Polish café", "is_company": True, "phone": "+48 22 123 45 67",
             "country_id": cls.env.ref("base.pl").id}
        )  # fmt: skip

    @classmethod
    def _new_request(cls, **vals):
        base = {
            "title": "Machine leaks at group 2",
            "partner_id": cls.client_cafe.id,
            "contact_id": cls.contact_cafe.id,
            "location_id": cls.site_cafe.id,
            "equipment_id": cls.machine_cafe.id,
            "type_id": cls.type_breakdown.id,
        }
        base.update(vals)
        return (
            cls.env["service.request"].with_context(fsm_skip_client_notification=True).create(base)
        )
