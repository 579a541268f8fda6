from . import (
    test_portal_access,
    test_portal_routes,
    test_request_form,
    test_security_sweep,
    test_tours,
)
