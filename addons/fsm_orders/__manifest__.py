{
    "name": "Field Service: Service Orders",
    "summary": "Service orders, clients' sites and equipment, teams and "
    "technicians' day on the phone",
    "version": "19.0.1.0.0",
    "category": "Services/Field Service",
    "license": "LGPL-3",
    "author": "Field Service Suite contributors",
    "website": "https://github.com/fsm-suite/fsm-suite",
    "depends": [
        "base",
        "mail",
        "contacts",
        "hr",
        "hr_skills",
        "base_geolocalize",
        "account",
        "sms",
    ],
    "data": [
        "security/fsm_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/mail_activity_type_data.xml",
        "data/mail_template_data.xml",
        "data/sms_template_data.xml",
        "views/service_order_views.xml",
        "views/service_my_day_views.xml",
        "views/service_equipment_views.xml",
        "views/service_team_views.xml",
        "views/hr_employee_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/fsm_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "fsm_orders/static/src/scss/fsm_orders.scss",
        ],
        "web.assets_tests": [
            "fsm_orders/static/tests/tours/*.js",
        ],
    },
    "application": True,
}
