from . import (
    test_billing,
    test_coverage,
    test_maintenance_plans,
    test_portal,
    test_renewal_reminders,
    test_reports,
    test_security,
)
