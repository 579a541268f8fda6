{
    "name": "Field Service: Offers from Requests",
    "summary": "Offers made from a service request; accepting one creates the request's "
    "service order with the offer's parts planned",
    "version": "19.0.1.0.0",
    "category": "Services/Field Service",
    "license": "LGPL-3",
    "author": "Field Service Suite contributors",
    "website": "https://github.com/fsm-suite/fsm-suite",
    "depends": ["fsm_inventory", "fsm_requests"],
    "data": [
        "views/sale_order_views.xml",
        "views/service_request_views.xml",
    ],
    "auto_install": True,
}
