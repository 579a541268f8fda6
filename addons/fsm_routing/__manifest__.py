{
    "name": "Field Service: Planning and Routes",
    "summary": "Planning board, optimised day and week plans, emergency insertion, "
    "routes on a map and technicians' positions",
    "version": "19.0.1.0.0",
    "category": "Services/Field Service",
    "license": "LGPL-3",
    "author": "Field Service Suite contributors",
    "website": "https://github.com/fsm-suite/fsm-suite",
    "depends": ["fsm_worktime", "hr_skills"],
    "external_dependencies": {"python": ["pyvrp", "numpy", "requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/fsm_routing_security.xml",
        "data/ir_cron_data.xml",
        "views/service_route_plan_views.xml",
        "wizards/service_route_emergency_views.xml",
        "views/service_position_views.xml",
        "views/planning_board_views.xml",
        "views/service_order_views.xml",
        "views/service_equipment_category_views.xml",
        "views/hr_employee_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "demo": ["demo/fsm_routing_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "fsm_routing/static/src/**/*",
        ],
        "web.assets_tests": ["fsm_routing/static/tests/tours/*.js"],
    },
}
