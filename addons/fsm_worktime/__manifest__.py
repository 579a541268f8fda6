{
    "name": "Field Service: Work Time",
    "summary": "Timers for travel, work, breaks and admin on the technician's phone; "
    "the order's real times on its report",
    "version": "19.0.1.0.0",
    "category": "Services/Field Service",
    "license": "LGPL-3",
    "author": "Field Service Suite contributors",
    "website": "https://github.com/fsm-suite/fsm-suite",
    "depends": ["fsm_orders", "hr_holidays", "hr_hourly_cost"],
    "data": [
        "security/ir.model.access.csv",
        "security/fsm_worktime_security.xml",
        "data/service_work_time_type_data.xml",
        "wizards/service_work_time_stop_views.xml",
        "wizards/service_leave_replan_views.xml",
        "views/service_work_time_type_views.xml",
        "views/service_work_time_views.xml",
        "views/service_order_views.xml",
        "views/menus.xml",
        "report/service_order_report.xml",
    ],
    "demo": ["demo/fsm_worktime_demo.xml"],
    "assets": {
        "web.assets_backend": ["fsm_worktime/static/src/**/*"],
        "web.assets_tests": ["fsm_worktime/static/tests/tours/*.js"],
    },
}
