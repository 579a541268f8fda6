{
    "name": "Field Service: Parts and Van Stock",
    "summary": "Each technician's van as a stock location; parts planned, used and returned "
    "on orders as real stock moves, and settled on the order's invoice",
    "version": "19.0.1.0.0",
    "category": "Services/Field Service",
    "license": "LGPL-3",
    "author": "Field Service Suite contributors",
    "website": "https://github.com/fsm-suite/fsm-suite",
    "depends": ["fsm_orders", "stock", "sale_management", "base_import"],
    "data": [
        "security/ir.model.access.csv",
        "security/fsm_inventory_security.xml",
        "data/fsm_inventory_data.xml",
        "views/service_order_part_views.xml",
        "views/service_order_views.xml",
        "views/hr_employee_views.xml",
        "views/product_template_views.xml",
        "views/stock_views.xml",
        "views/fsm_inventory_menus.xml",
    ],
    "demo": ["demo/fsm_inventory_demo.xml"],
}
